//! Running licensebot for real (PRODUCT.md "Running it for real"): `--version`, `doctor`,
//! `backup` / `restore`, `migrate --check` and the expand/contract rule for migrations.

use crate::cli::Cli;

#[tokio::test]
async fn version_names_the_release_and_the_commit_it_was_built_from() {
    let cli = Cli::with_database("postgres://nobody@127.0.0.1:1/none");
    let out = cli.ok(&["--version"]).await;
    let line = out.trim_end();
    let version = env!("CARGO_PKG_VERSION");
    let commit = std::process::Command::new("git")
        .args(["rev-parse", "--short", "HEAD"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string());
    match commit {
        Some(commit) => assert!(
            line.starts_with(&format!("licensebot {version} (commit {commit}")),
            "expected the version and commit {commit}, got {line:?}"
        ),
        None => assert_eq!(
            line,
            format!("licensebot {version} (built outside git)"),
            "a build outside git says so"
        ),
    }
}
