//! licensebot: redeem prepaid product keys against subscriptions from Discord.
//!
//! Dependencies point one way: `domain` ← `store` ← `app` ← {`discord`, `cli`}; `boot`, the
//! composition root, wires them together. docs/ARCHITECTURE.md has the map.

pub mod api;
pub mod app;
pub mod boot;
pub mod cli;
pub mod config;
pub mod discord;
pub mod domain;
pub(crate) mod http_server;
pub mod metrics;
pub mod pg_cluster;
pub mod pg_tools;
pub mod store;
pub mod telemetry;
pub mod webhooks;
