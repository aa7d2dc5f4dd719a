//! `/activate`: a customer starts a subscription with product keys. The engine on a real
//! PostgreSQL (`engine`), and the real bot against the fake Discord (`e2e`).

mod e2e;
mod engine;
