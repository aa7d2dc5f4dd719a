//! Fixtures shared by the integration tests (`crate::support::…` in `tests/it/`).

// Also compiled into `tests/secrets_trace.rs` and the stress example, which use only some
// of the helpers.
#![allow(dead_code)]

pub mod api;
pub mod db;
pub mod engine;
pub mod receiver;
pub mod skip;
pub mod world;
