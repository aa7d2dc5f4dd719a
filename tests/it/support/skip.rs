//! A test that needs something the machine may lack (root, pgbench) says so rather than
//! passing without testing: on CI (`CI=true`) the missing prerequisite fails the test;
//! elsewhere the test is skipped with a line on stderr.
//!
//! ```ignore
//! let root = nix::unistd::geteuid().is_root();
//! if !skip::require(root, "only root hands the server to another user") {
//!     return;
//! }
//! ```

use std::io::Write as _;

/// Whether the test may go on: `true` when `prerequisite` holds. When it does not, `why`
/// says what is missing; with `CI=true` this panics with it, otherwise it prints
/// `skipped: <test>: <why>` to stderr and returns `false`.
pub fn require(prerequisite: bool, why: &str) -> bool {
    if prerequisite {
        return true;
    }
    let test = current_test();
    if std::env::var("CI").is_ok_and(|ci| ci == "true") {
        panic!("{test}: {why} (with CI=true a missing prerequisite fails the test)");
    }
    // Straight to stderr: the test harness captures `eprintln!` of a passing test, and a
    // skip must show in an ordinary `cargo test` run.
    let _ = writeln!(std::io::stderr(), "skipped: {test}: {why}");
    false
}

/// The running test's name: the test harness names each test's thread after it.
fn current_test() -> String {
    match std::thread::current().name() {
        Some(name) if name != "main" => name.to_owned(),
        _ => "a test".to_owned(),
    }
}
