//! Records the commit the binary is built from, for `licensebot --version`: the short hash
//! from `git rev-parse --short HEAD`, or `LICENSEBOT_COMMIT` when set (a container build
//! has no `.git`), or "built outside git".
//!
//! It also has cargo rebuild when a migration is added (`sqlx::migrate!` embeds them).
//!
//! The script runs again only when what it read can have changed: the checkout's `HEAD`, the
//! branch it points at (or `packed-refs`), and `LICENSEBOT_COMMIT`. Outside git it watches
//! nothing but itself, so it never forces a rebuild.

use std::path::{Path, PathBuf};
use std::process::Command;

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    // `sqlx::migrate!` embeds migrations/ at compile time: a new file there must rebuild.
    println!("cargo:rerun-if-changed=migrations");
    println!("cargo:rerun-if-env-changed=LICENSEBOT_COMMIT");
    let given = std::env::var("LICENSEBOT_COMMIT")
        .ok()
        .map(|c| c.trim().to_string())
        .filter(|c| !c.is_empty());
    let build = match given.or_else(git_commit) {
        Some(commit) => format!("commit {commit}"),
        None => "built outside git".to_string(),
    };
    println!("cargo:rustc-env=LICENSEBOT_BUILD={build}");
}

/// The short hash of `HEAD`, watching the files that move it.
fn git_commit() -> Option<String> {
    let commit = git(&["rev-parse", "--short", "HEAD"])?;
    // In a linked worktree `.git` is a file: ask git where HEAD and the refs live.
    if let Some(git_dir) = git(&["rev-parse", "--git-dir"]).map(PathBuf::from) {
        watch(&git_dir.join("HEAD"));
        let common = git(&["rev-parse", "--git-common-dir"])
            .map(PathBuf::from)
            .unwrap_or_else(|| git_dir.clone());
        if let Some(reference) = git(&["symbolic-ref", "-q", "HEAD"]) {
            watch(&common.join(reference));
        }
        watch(&common.join("packed-refs"));
    }
    Some(commit)
}

/// Reruns the script when `path` changes; a path that does not exist is not watched (cargo
/// would rerun the script on every build).
fn watch(path: &Path) {
    if path.exists() {
        println!("cargo:rerun-if-changed={}", path.display());
    }
}

fn git(args: &[&str]) -> Option<String> {
    let out = Command::new("git").args(args).output().ok()?;
    if !out.status.success() {
        return None;
    }
    let text = String::from_utf8(out.stdout).ok()?.trim().to_string();
    (!text.is_empty()).then_some(text)
}
