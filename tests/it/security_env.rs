//! `.env` is read from the working directory only (or from the file `LICENSEBOT_ENV_FILE`
//! names), never from a parent directory, where anyone who can write `/tmp` could plant one
//! redirecting `DISCORD_API_URL` (and the token with it) or `DATABASE_URL`; and a `.env`
//! holding the token that others may read is refused.
//!
//! Each test runs the real binary with an empty environment. Whether a `.env` was read shows
//! in one variable: `LICENSEBOT_LOG__FORMAT=<a probe word>`, which the configuration refuses,
//! naming the word; with no `.env` read, `licensebot run` stops at the missing token.

use std::fs;
use std::os::unix::fs::PermissionsExt as _;
use std::path::Path;
use std::process::Command;

/// One run of `licensebot run` in `cwd` with only PATH and `env` set; returns
/// (success, stderr).
fn licensebot_run(cwd: &Path, env: &[(&str, &str)]) -> (bool, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_licensebot"))
        .arg("run")
        .current_dir(cwd)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .envs(env.iter().copied())
        .output()
        .expect("running licensebot");
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    (output.status.success(), stderr)
}

fn write_env(path: &Path, mode: u32, text: &str) {
    fs::write(path, text).expect("writing the .env");
    fs::set_permissions(path, fs::Permissions::from_mode(mode)).expect("chmod the .env");
}

const NOT_SET: &str = "DISCORD_TOKEN is not set";

#[test]
fn env_file_in_a_parent_directory_is_not_read() {
    let parent = tempfile::tempdir().expect("a scratch directory");
    write_env(
        &parent.path().join(".env"),
        0o600,
        "DISCORD_TOKEN=planted-token\n\
         DISCORD_API_URL=http://127.0.0.1:9\n\
         LICENSEBOT_LOG__FORMAT=planted-probe\n",
    );
    let cwd = parent.path().join("work");
    fs::create_dir(&cwd).expect("mkdir work");

    let (success, stderr) = licensebot_run(&cwd, &[]);
    assert!(!success);
    assert!(
        !stderr.contains("planted-probe"),
        "the .env of the parent directory was read: {stderr}"
    );
    assert!(stderr.contains(NOT_SET), "{stderr}");
}

#[test]
fn env_file_holding_the_token_that_others_may_read_is_refused() {
    for mode in [0o644, 0o640, 0o604] {
        let cwd = tempfile::tempdir().expect("a scratch directory");
        write_env(
            &cwd.path().join(".env"),
            mode,
            "DISCORD_TOKEN=secret-token\nLICENSEBOT_LOG__FORMAT=read-probe\n",
        );

        let (success, stderr) = licensebot_run(cwd.path(), &[]);
        assert!(!success, "mode {mode:o}: {stderr}");
        assert_eq!(stderr.lines().count(), 1, "mode {mode:o}: {stderr}");
        assert!(
            stderr.starts_with("error: ") && stderr.contains("chmod 600 .env"),
            "mode {mode:o}: a .env others may read, holding DISCORD_TOKEN, was not refused: {stderr}"
        );
        assert!(!stderr.contains("secret-token"), "{stderr}");
        assert!(
            !stderr.contains("read-probe"),
            "read before refused: {stderr}"
        );
    }
}

#[test]
fn env_file_only_its_owner_may_read_or_holding_no_token_is_read() {
    for (mode, contents) in [
        (
            0o600,
            "DISCORD_TOKEN=secret-token\nLICENSEBOT_LOG__FORMAT=read-probe\n",
        ),
        (0o644, "DISCORD_TOKEN=\nLICENSEBOT_LOG__FORMAT=read-probe\n"),
    ] {
        let cwd = tempfile::tempdir().expect("a scratch directory");
        write_env(&cwd.path().join(".env"), mode, contents);
        let (success, stderr) = licensebot_run(cwd.path(), &[]);
        assert!(!success);
        assert!(
            stderr.contains("read-probe"),
            "mode {mode:o}: the .env was not read: {stderr}"
        );
    }
}

#[test]
fn environment_variables_win_over_the_env_file() {
    let cwd = tempfile::tempdir().expect("a scratch directory");
    write_env(
        &cwd.path().join(".env"),
        0o600,
        "LICENSEBOT_LOG__FORMAT=read-probe\n",
    );
    let (success, stderr) = licensebot_run(cwd.path(), &[("LICENSEBOT_LOG__FORMAT", "pretty")]);
    assert!(!success);
    assert!(stderr.contains(NOT_SET), "{stderr}");
}

#[test]
fn licensebot_env_file_names_the_file_read_instead_of_dot_env() {
    let cwd = tempfile::tempdir().expect("a scratch directory");
    write_env(
        &cwd.path().join(".env"),
        0o600,
        "LICENSEBOT_LOG__FORMAT=dot-env-probe\n",
    );
    let elsewhere = tempfile::tempdir().expect("a scratch directory");
    let named = elsewhere.path().join("licensebot.env");
    write_env(&named, 0o600, "LICENSEBOT_LOG__FORMAT=named-file-probe\n");
    let named = named.to_str().expect("a UTF-8 path");

    let (success, stderr) = licensebot_run(cwd.path(), &[("LICENSEBOT_ENV_FILE", named)]);
    assert!(!success);
    assert!(
        stderr.contains("named-file-probe"),
        "LICENSEBOT_ENV_FILE was not read: {stderr}"
    );
    assert!(!stderr.contains("dot-env-probe"), "{stderr}");
}

#[test]
fn licensebot_env_file_naming_no_file_is_refused() {
    let cwd = tempfile::tempdir().expect("a scratch directory");
    let missing = cwd.path().join("missing.env");
    let missing = missing.to_str().expect("a UTF-8 path");

    let (success, stderr) = licensebot_run(cwd.path(), &[("LICENSEBOT_ENV_FILE", missing)]);
    assert!(!success);
    assert!(
        stderr.contains("LICENSEBOT_ENV_FILE") && stderr.contains(missing),
        "a LICENSEBOT_ENV_FILE that names no file was not refused: {stderr}"
    );
}

#[test]
fn env_file_others_may_change_is_refused() {
    let cwd = tempfile::tempdir().expect("a scratch directory");
    write_env(
        &cwd.path().join(".env"),
        0o666,
        "DISCORD_API_URL=http://127.0.0.1:9\nLICENSEBOT_LOG__FORMAT=read-probe\n",
    );
    let (success, stderr) = licensebot_run(cwd.path(), &[]);
    assert!(!success);
    assert!(
        stderr.contains("chmod 600 .env") && !stderr.contains("read-probe"),
        "a .env anyone may change was read: {stderr}"
    );
}

#[test]
fn env_file_of_another_user_is_refused() {
    let root = nix::unistd::geteuid().is_root();
    if !crate::support::skip::require(root, "needs root, to give the .env to another user") {
        return;
    }
    let cwd = tempfile::tempdir().expect("a scratch directory");
    let path = cwd.path().join(".env");
    write_env(&path, 0o600, "LICENSEBOT_LOG__FORMAT=read-probe\n");
    nix::unistd::chown(&path, Some(nix::unistd::Uid::from_raw(4242)), None)
        .expect("giving the .env to uid 4242");
    let (success, stderr) = licensebot_run(cwd.path(), &[]);
    assert!(!success);
    assert!(
        stderr.contains("uid 4242") && !stderr.contains("read-probe"),
        "another user's .env was read: {stderr}"
    );
}
