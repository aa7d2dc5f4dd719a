//! licensebot's integration tests, as one test binary: each module is one subject (its
//! test paths read `engine::…`, `e2e::…`), and the shared fixtures in [`support`] and
//! licensebot's dependencies are compiled and linked once, not once per file.
//!
//! All of these tests share one process, so none may change what the process shares: no
//! global tracing subscriber of its own (the fixtures' `try_init` calls install one and
//! ignore the others), no `std::env::set_var`, no signal handlers. A test that needs the
//! process to itself is a binary of its own next to this directory: `tests/secrets_trace.rs`
//! captures every log line through its own global subscriber.

mod support;

mod activate;
mod api;
mod bench_smoke;
mod cli;
mod cli_support;
mod db_harness;
mod drift;
mod e2e;
mod engine;
mod gateway;
mod hardening;
mod hostile;
mod http_limits;
mod names;
mod operations;
mod outbox_claims;
mod overload;
mod private_cluster;
mod races;
mod refunds;
mod refunds_api;
mod refunds_cli;
mod refunds_e2e;
mod scale_out;
mod seats;
mod seats_e2e;
mod secrets;
mod security_cluster;
mod security_env;
mod setup_e2e;
mod walkthrough_runs;
mod webhooks;
