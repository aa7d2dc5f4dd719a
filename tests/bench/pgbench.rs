//! The ceiling: licensebot's redemption transaction replayed by `pgbench -f` against the
//! same server — the statements of `App::redeem` (src/app/orders.rs) as
//! `OrderTx::{lock_order, lock_subscription, order_keys(lock), write_redemption}` send
//! them (src/store/orders.rs), in the same order, taking the same row locks (order,
//! subscription, keys by id), prepared as sqlx prepares them. (sqlx also pings a connection
//! when the pool takes it back; pgbench does not: that round trip is licensebot's own.)
//! Each transaction redeems an open order of one key that
//! [`super::seed::pgbench_orders`] queued; taking it from the queue is one indexed read
//! before the transaction.

use std::{
    path::{Path, PathBuf},
    process::Stdio,
    time::Duration,
};

use anyhow::{bail, Context as _};

/// The transaction, statement for statement. Keep it in step with the bot's SQL.
pub const SCRIPT: &str = r#"SELECT order_id, guild_id, user_id, sub_id FROM bench_pgbench_queue
 WHERE n = (SELECT nextval('bench_pgbench_seq')) \gset q_
BEGIN;
SELECT id, guild_id, user_id, subscription_id, new_name, product_sku, kind, state,
       locale, created_at, expires_at, closed_at
  FROM orders WHERE guild_id = :q_guild_id AND id = :q_order_id
  FOR UPDATE;
SELECT s.id, s.guild_id, s.product_sku, s.name, s.seats, s.ends_on,
       p.name AS product_name, p.max_seats
  FROM subscriptions s JOIN products p ON p.sku = s.product_sku
  WHERE s.guild_id = :q_guild_id AND s.id = :q_sub_id
  FOR UPDATE OF s \gset s_
SELECT k.id FROM product_keys k
  WHERE k.id IN (SELECT key_id FROM order_keys WHERE order_id = :q_order_id)
  ORDER BY k.id
  FOR UPDATE \gset k_
SELECT ok.position, k.id, k.tail, k.product_sku, p.name AS product_name, k.seats,
       k.term_count, k.term_unit, k.expires_on, k.batch, k.state, k.created_at,
       r.user_id AS "redeemed_user?", r.guild_id AS "redeemed_guild?",
       r.redeemed_at AS "redeemed_at?"
  FROM order_keys ok
  JOIN product_keys k ON k.id = ok.key_id
  JOIN products p ON p.sku = k.product_sku
  LEFT JOIN redemption_keys rk ON rk.key_id = k.id
  LEFT JOIN redemptions r ON r.id = rk.redemption_id
  WHERE ok.order_id = :q_order_id
  ORDER BY ok.position;
\set seats_after :s_seats + 1
WITH updated AS (
       UPDATE subscriptions SET seats = :seats_after, ends_on = :s_ends_on, updated_at = now()
       WHERE guild_id = :q_guild_id AND id = :q_sub_id
       RETURNING id),
     created AS (
       INSERT INTO subscriptions (guild_id, product_sku, name, seats, ends_on,
                                  created_at, updated_at)
       SELECT :q_guild_id, NULL::text, NULL::text, :seats_after, :s_ends_on, now(), now()
       WHERE :q_sub_id::bigint IS NULL
       RETURNING id),
     subscription AS (
       SELECT id FROM updated UNION ALL SELECT id FROM created),
     marked AS (
       UPDATE product_keys SET state = 'redeemed', redeemed_at = now()
       WHERE id = ANY(ARRAY[:k_id]::bigint[]) AND state = 'available'
       RETURNING id, seats, term_count, term_unit),
     redemption AS (
       INSERT INTO redemptions (order_id, guild_id, user_id, subscription_id, kind,
           seats_before, seats_after, ends_before, ends_after, key_count, redeemed_at)
       SELECT :q_order_id::uuid, :q_guild_id, :q_user_id::bigint, subscription.id,
           'add-licenses'::text, :s_seats::integer, :seats_after, :s_ends_on::date,
           :s_ends_on, 1::smallint, now()
       FROM subscription
       RETURNING id, subscription_id),
     ledger_keys AS (
       INSERT INTO redemption_keys (redemption_id, key_id, seats, term_count, term_unit)
       SELECT redemption.id, marked.id, marked.seats, marked.term_count, marked.term_unit
       FROM redemption, marked),
     closed AS (
       UPDATE orders
       SET state = 'redeemed', closed_at = now(), application_id = NULL, review_token = NULL
       WHERE id = :q_order_id AND state = 'open'),
     notice AS (
       INSERT INTO notices (guild_id, dedupe_key, kind, body, nonce)
       SELECT :q_guild_id, 'redemption:' || redemption.id, 'redemption',
          '{"type":"redemption","user":123456789012345678,"subscription":"Contoso","kind":"add-licenses","seats_before":10,"seats_after":11,"ends_before":"2027-12-31","ends_after":"2027-12-31","keys":1}',
          'pgbench' || redemption.id
       FROM redemption
       ON CONFLICT (dedupe_key) DO NOTHING)
SELECT redemption.id AS id, redemption.subscription_id AS subscription_id,
       (SELECT count(*) FROM marked) AS marked
  FROM redemption \gset r_
COMMIT;
"#;

/// One pgbench run.
#[derive(Debug, Clone)]
pub struct Run {
    pub clients: u32,
    pub transactions: u64,
    pub failed: u64,
    /// Transactions per second, without the initial connection time.
    pub tps: f64,
    pub latency_ms: Option<f64>,
}

/// Where pgbench is: on the PATH, or with the server binaries.
pub fn find() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("PATH") {
        for dir in std::env::split_paths(&path) {
            let candidate = dir.join("pgbench");
            if candidate.is_file() {
                return Some(candidate);
            }
        }
    }
    let mut found: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .filter_map(|e| e.ok())
        .map(|e| e.path().join("bin/pgbench"))
        .filter(|p| p.is_file())
        .collect();
    found.sort();
    found.pop()
}

/// Runs the script with `clients` connections, `per_client` transactions each, within
/// `limit` (then killed).
pub async fn run(
    pgbench: &Path,
    database_url: &str,
    script: &Path,
    clients: u32,
    per_client: u64,
    limit: Duration,
) -> anyhow::Result<Run> {
    let mut command = tokio::process::Command::new(pgbench);
    command
        .args(["-n", "-M", "prepared", "-j", "2"])
        .arg("-c")
        .arg(clients.to_string())
        .arg("-t")
        .arg(per_client.to_string())
        .arg("-f")
        .arg(script)
        .arg(database_url)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    let child = command.spawn().context("starting pgbench")?;
    let output = match tokio::time::timeout(limit, child.wait_with_output()).await {
        Ok(output) => output.context("running pgbench")?,
        Err(_) => bail!("pgbench did not finish within {limit:?}"),
    };
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    let number = |prefix: &str| -> Option<f64> {
        stdout.lines().find_map(|l| {
            l.trim()
                .strip_prefix(prefix)?
                .split_whitespace()
                .next()?
                .split('/')
                .next()?
                .parse()
                .ok()
        })
    };
    let Some(tps) = number("tps = ") else {
        bail!(
            "pgbench printed no tps (exit {:?}): {}{}",
            output.status.code(),
            stdout.trim(),
            stderr.lines().take(5).collect::<Vec<_>>().join(" | ")
        );
    };
    if !output.status.success() {
        bail!(
            "pgbench failed (exit {:?}): {}",
            output.status.code(),
            stderr.lines().take(5).collect::<Vec<_>>().join(" | ")
        );
    }
    Ok(Run {
        clients,
        transactions: number("number of transactions actually processed: ").unwrap_or(0.0) as u64,
        failed: number("number of failed transactions: ").unwrap_or(0.0) as u64,
        tps,
        latency_ms: number("latency average = "),
    })
}
