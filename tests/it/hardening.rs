//! Hardening: licensebot keeps its promises when things go wrong — admins racing for the
//! same keys, the bot killed with SIGKILL mid-burst, PostgreSQL stopped mid-burst.
//!
//! These are scaled-down runs of the stress program's scenarios (`tests/stress/`, the same
//! code); the full-size runs and their figures are in `docs/RELIABILITY.md`. Run with
//! `--nocapture` to see each run's figures.

// The stress program's scenarios; the stress program and these tests use their own sizes.
#[allow(dead_code)]
#[path = "../stress/crashes.rs"]
mod crashes;
#[path = "../stress/harness.rs"]
mod harness;
#[allow(dead_code)]
#[path = "../stress/outage.rs"]
mod outage;
#[allow(dead_code)]
#[path = "../stress/races.rs"]
mod races;
#[path = "../stress/seat_admins.rs"]
mod seat_admins;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn racing_redeem_clicks_redeem_each_key_once_and_tell_every_admin_what_happened() {
    races::run(races::Config::test(seed())).await.assert_ok();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bot_killed_mid_burst_and_restarted_loses_no_notice_doubles_none_leaves_no_order_open_and_roles_follow_licenses(
) {
    crashes::run(crashes::Config::test(seed()))
        .await
        .assert_ok();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_database_outage_mid_burst_is_answered_with_nothing_changed_and_service_resumes() {
    outage::run(outage::Config::test(seed())).await.assert_ok();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_redeem_whose_commit_answer_is_lost_is_told_the_receipt_and_one_never_committed_is_told_nothing_changed(
) {
    outage::lost_commit(seed()).await.assert_ok();
}

/// A fixed seed by default; `HARDENING_SEED` to try others.
fn seed() -> u64 {
    std::env::var("HARDENING_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(20_261_125)
}
