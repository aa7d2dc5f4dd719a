//! licensebot: redeem prepaid product keys against subscriptions from Discord.
//!
//! Dependencies point one way: `domain` ← `store` ← `app` ← {`discord`, `cli`}.

pub mod app;
pub mod cli;
pub mod config;
pub mod discord;
pub mod domain;
pub mod metrics;
pub mod pg_cluster;
pub mod store;
pub mod telemetry;
