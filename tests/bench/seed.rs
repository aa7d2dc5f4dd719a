//! The benchmark's world: guilds, admins and notice channels on the fake Discord; their
//! subscriptions and settings in PostgreSQL; product keys minted in bulk (their texts kept
//! for typing); the filler that makes a large database; and the open orders that pgbench
//! redeems.

use std::collections::HashMap;

use anyhow::Context as _;
use chrono::{Days, Utc};
use fake_discord::{
    serenity::all::{ChannelId, GuildId, Permissions, UserId},
    FakeDiscord,
};
use licensebot::domain::ProductKey;
use sqlx::PgPool;

pub const SKU: &str = "BUSINESS-STANDARD";
/// What autocomplete is typed with: the start of two of every guild's subscription names.
pub const TYPED: &str = "Con";
/// The subscriptions every guild starts with.
const NAMES: [&str; 3] = ["Contoso", "Contoso Labs", "Fabrikam"];
/// Seats every subscription starts with.
const SEATS: i32 = 10;

/// A guild of the benchmark: its admins (Manage Server), notice channel and subscriptions.
#[derive(Debug, Clone)]
pub struct Tenant {
    pub guild: GuildId,
    pub admins: Vec<UserId>,
    pub notices: ChannelId,
    /// Subscription ids; empty until [`database`] wrote them (or for a trivial bot).
    pub subscriptions: Vec<i64>,
}

/// `guilds` guilds on the fake, the first `active` with `admins` admins each (the others one).
pub fn fake_world(fake: &FakeDiscord, guilds: usize, active: usize, admins: usize) -> Vec<Tenant> {
    (0..guilds)
        .map(|g| {
            let guild = fake.create_guild(&format!("Tenant {g}"), "en-US");
            let role = fake.create_role(guild, "admins", Permissions::MANAGE_GUILD);
            let count = if g < active { admins.max(1) } else { 1 };
            let admins = (0..count)
                .map(|a| fake.add_member(guild, &format!("admin{g}-{a}"), &[role]))
                .collect();
            let notices = fake.create_text_channel(guild, "licenses");
            Tenant {
                guild,
                admins,
                notices,
                subscriptions: Vec::new(),
            }
        })
        .collect()
}

/// The product, each guild's notice channel and its three subscriptions.
pub async fn database(pool: &PgPool, tenants: &mut [Tenant]) -> anyhow::Result<()> {
    licensebot::store::migrate(pool).await?;
    sqlx::query(
        "INSERT INTO products (sku, name, max_seats) VALUES ($1, 'Business Standard', NULL)",
    )
    .bind(SKU)
    .execute(pool)
    .await
    .context("adding the product")?;
    let guilds: Vec<i64> = tenants.iter().map(|t| t.guild.get() as i64).collect();
    let channels: Vec<i64> = tenants.iter().map(|t| t.notices.get() as i64).collect();
    sqlx::query(
        "INSERT INTO guild_settings (guild_id, notice_channel_id)
         SELECT * FROM UNNEST($1::bigint[], $2::bigint[])",
    )
    .bind(&guilds)
    .bind(&channels)
    .execute(pool)
    .await
    .context("setting notice channels")?;
    let ends = Utc::now().date_naive() + Days::new(400);
    let rows: Vec<(i64, i64)> = sqlx::query_as(
        "INSERT INTO subscriptions (guild_id, product_sku, name, seats, ends_on)
         SELECT g, $2, n, $3, $4 FROM UNNEST($1::bigint[]) AS g, UNNEST($5::text[]) AS n
         RETURNING id, guild_id",
    )
    .bind(&guilds)
    .bind(SKU)
    .bind(SEATS)
    .bind(ends)
    .bind(NAMES.map(String::from).to_vec())
    .fetch_all(pool)
    .await
    .context("creating subscriptions")?;
    let mut by_guild: HashMap<i64, Vec<i64>> = HashMap::new();
    for (id, guild) in rows {
        by_guild.entry(guild).or_default().push(id);
    }
    for tenant in tenants.iter_mut() {
        let mut subs = by_guild
            .remove(&(tenant.guild.get() as i64))
            .unwrap_or_default();
        subs.sort_unstable();
        tenant.subscriptions = subs;
    }
    sqlx::query("ANALYZE").execute(pool).await?;
    Ok(())
}

/// Fresh keys (1 seat, 12 months), stored as licensebot stores them; returns their texts.
pub async fn mint_keys(pool: &PgPool, count: usize, batch: &str) -> anyhow::Result<Vec<String>> {
    let keys: Vec<ProductKey> = {
        let mut rng = rand::thread_rng();
        (0..count).map(|_| ProductKey::generate(&mut rng)).collect()
    };
    for chunk in keys.chunks(10_000) {
        let digests: Vec<Vec<u8>> = chunk.iter().map(|k| k.digest().0.to_vec()).collect();
        let tails: Vec<String> = chunk.iter().map(|k| k.tail().to_string()).collect();
        sqlx::query(
            "INSERT INTO product_keys (digest, tail, product_sku, seats, term_count, term_unit, batch)
             SELECT d, t, $3, 1, 12, 'm', $4 FROM UNNEST($1::bytea[], $2::text[]) AS u(d, t)",
        )
        .bind(&digests)
        .bind(&tails)
        .bind(SKU)
        .bind(batch)
        .execute(pool)
        .await
        .context("minting keys")?;
    }
    sqlx::query("ANALYZE product_keys").execute(pool).await?;
    Ok(keys.iter().map(|k| k.to_string()).collect())
}

/// Keys of the right format for a bot that does not look them up (the trivial bot).
pub fn dummy_keys(count: usize) -> Vec<String> {
    let mut rng = rand::thread_rng();
    (0..count)
        .map(|_| ProductKey::generate(&mut rng).to_string())
        .collect()
}

/// How many keys and subscriptions the database holds.
pub async fn counts(pool: &PgPool) -> anyhow::Result<(i64, i64)> {
    let keys: i64 = sqlx::query_scalar("SELECT count(*) FROM product_keys")
        .fetch_one(pool)
        .await?;
    let subs: i64 = sqlx::query_scalar("SELECT count(*) FROM subscriptions")
        .fetch_one(pool)
        .await?;
    Ok((keys, subs))
}

/// Grows the database to `keys` product keys (half of the filler redeemed, as in a database
/// that has been in use) and `subscriptions` subscriptions (spread over every guild), then
/// vacuums and analyses it as autovacuum would have. `progress` hears how far it got.
pub async fn fill(
    pool: &PgPool,
    tenants: &[Tenant],
    keys: i64,
    subscriptions: i64,
    progress: impl Fn(String),
) -> anyhow::Result<()> {
    let (have_keys, have_subs) = counts(pool).await?;
    let mut done = 0i64;
    let missing = (keys - have_keys).max(0);
    while done < missing {
        let n = (missing - done).min(100_000);
        sqlx::query(
            "INSERT INTO product_keys (digest, tail, product_sku, seats, term_count, term_unit,
                                       batch, state, redeemed_at)
             SELECT sha256(convert_to('filler:' || g, 'UTF8')), 'FXQRB', $1, 1 + g % 4, 12, 'm',
                    'filler', CASE WHEN g % 2 = 0 THEN 'redeemed' ELSE 'available' END,
                    CASE WHEN g % 2 = 0 THEN now() END
             FROM generate_series($2::bigint, $3::bigint) AS g",
        )
        .bind(SKU)
        .bind(done + 1)
        .bind(done + n)
        .execute(pool)
        .await
        .context("inserting filler keys")?;
        done += n;
        progress(format!("filler keys: {done}/{missing}"));
    }
    let missing = (subscriptions - have_subs).max(0);
    if missing > 0 && !tenants.is_empty() {
        let per_guild = (missing as usize).div_ceil(tenants.len()) as i64;
        let guilds: Vec<i64> = tenants.iter().map(|t| t.guild.get() as i64).collect();
        let ends = Utc::now().date_naive() + Days::new(400);
        // None matches what autocomplete is typed with: its answer stays the same size, and
        // only the search through a bigger tenant's subscriptions differs.
        sqlx::query(
            "INSERT INTO subscriptions (guild_id, product_sku, name, seats, ends_on)
             SELECT g, $2, 'Northwind ' || j, $3, $4
             FROM UNNEST($1::bigint[]) AS g, generate_series(1, $5::bigint) AS j
             LIMIT $6",
        )
        .bind(&guilds)
        .bind(SKU)
        .bind(SEATS)
        .bind(ends)
        .bind(per_guild)
        .bind(missing)
        .execute(pool)
        .await
        .context("inserting filler subscriptions")?;
        progress(format!("filler subscriptions: {missing}"));
    }
    progress("VACUUM ANALYZE".to_string());
    sqlx::query("VACUUM ANALYZE")
        .execute(pool)
        .await
        .context("vacuuming")?;
    // The filler's dirty pages are written now rather than during the measurements.
    sqlx::query("CHECKPOINT")
        .execute(pool)
        .await
        .context("checkpointing")?;
    Ok(())
}

/// `count` open orders of one fresh key each, spread over the tenants' subscriptions like
/// the bot's, queued in `bench_pgbench_queue` for the pgbench script to take one by one.
pub async fn pgbench_orders(pool: &PgPool, tenants: &[Tenant], count: usize) -> anyhow::Result<()> {
    sqlx::query(
        "CREATE TABLE IF NOT EXISTS bench_pgbench_queue (
             n bigint PRIMARY KEY, order_id uuid NOT NULL, guild_id bigint NOT NULL,
             user_id bigint NOT NULL, sub_id bigint NOT NULL, key_id bigint NOT NULL)",
    )
    .execute(pool)
    .await
    .context("creating the pgbench queue")?;
    sqlx::query("CREATE SEQUENCE IF NOT EXISTS bench_pgbench_seq")
        .execute(pool)
        .await?;
    sqlx::query("TRUNCATE bench_pgbench_queue")
        .execute(pool)
        .await?;
    sqlx::query("ALTER SEQUENCE bench_pgbench_seq RESTART")
        .execute(pool)
        .await?;
    let batch = format!("pgbench-{}", uuid::Uuid::new_v4().simple());
    mint_keys(pool, count, &batch).await?;
    let (mut guilds, mut subs, mut users) = (Vec::new(), Vec::new(), Vec::new());
    for tenant in tenants {
        for (i, sub) in tenant.subscriptions.iter().enumerate() {
            guilds.push(tenant.guild.get() as i64);
            subs.push(*sub);
            users.push(tenant.admins[i % tenant.admins.len()].get() as i64);
        }
    }
    anyhow::ensure!(!subs.is_empty(), "no subscriptions to order on");
    let mut tx = pool.begin().await?;
    sqlx::query(
        "INSERT INTO bench_pgbench_queue (n, order_id, guild_id, user_id, sub_id, key_id)
         SELECT k.rn, gen_random_uuid(), t.guild_id, t.user_id, t.sub_id, k.id
         FROM (SELECT id, row_number() OVER (ORDER BY id) AS rn
               FROM product_keys WHERE batch = $1) AS k
         JOIN UNNEST($2::bigint[], $3::bigint[], $4::bigint[])
              WITH ORDINALITY AS t(guild_id, sub_id, user_id, i)
           ON t.i = 1 + (k.rn - 1) % $5",
    )
    .bind(&batch)
    .bind(&guilds)
    .bind(&subs)
    .bind(&users)
    .bind(subs.len() as i64)
    .execute(&mut *tx)
    .await
    .context("queueing pgbench's orders")?;
    sqlx::query(
        "INSERT INTO orders (id, guild_id, user_id, subscription_id, kind, locale, created_at,
                             expires_at)
         SELECT order_id, guild_id, user_id, sub_id, 'add-licenses', 'en-US', now(),
                now() + interval '1 hour'
         FROM bench_pgbench_queue",
    )
    .execute(&mut *tx)
    .await
    .context("opening pgbench's orders")?;
    sqlx::query(
        "INSERT INTO order_keys (order_id, key_id, position)
         SELECT order_id, key_id, 1 FROM bench_pgbench_queue",
    )
    .execute(&mut *tx)
    .await
    .context("adding keys to pgbench's orders")?;
    tx.commit().await?;
    // Fresh statistics, as autovacuum keeps them: a prepared statement planned on stale
    // ones can stay slow for the whole run.
    sqlx::query("ANALYZE").execute(pool).await?;
    Ok(())
}

/// How many of pgbench's orders were redeemed.
pub async fn pgbench_redeemed(pool: &PgPool) -> anyhow::Result<i64> {
    Ok(sqlx::query_scalar(
        "SELECT count(*) FROM redemptions r JOIN bench_pgbench_queue q ON q.order_id = r.order_id",
    )
    .fetch_one(pool)
    .await?)
}
