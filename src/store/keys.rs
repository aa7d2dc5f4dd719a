use anyhow::Context as _;
use chrono::{DateTime, NaiveDate, Utc};

use super::Store;
use crate::domain::{
    records::{GuildId, RedeemedBy, StoredKey, UserId},
    KeyDigest, KeyTail, Term,
};

/// A key to store: its digest and tail, never the key.
#[derive(Debug, Clone)]
pub struct NewKey {
    pub digest: KeyDigest,
    pub tail: KeyTail,
    pub product_sku: String,
    pub seats: i64,
    pub term: Term,
    pub expires_on: Option<NaiveDate>,
    pub batch: Option<String>,
}

#[derive(Debug, Clone, Default)]
pub struct KeyFilter {
    pub product_sku: Option<String>,
    pub batch: Option<String>,
}

/// A key in an operator listing, with who redeemed it.
#[derive(Debug, Clone)]
pub struct KeyListing {
    pub key: StoredKey,
    pub redeemed_at: Option<DateTime<Utc>>,
    pub redeemed_by: Option<RedeemedBy>,
}

pub(crate) fn term_of(count: i32, unit: &str) -> anyhow::Result<Term> {
    let count = u32::try_from(count).context("negative term in the database")?;
    let unit = unit.chars().next().unwrap_or('?');
    Term::from_parts(count, unit).context("bad term in the database")
}

pub(crate) fn tail_of(tail: &str) -> anyhow::Result<KeyTail> {
    KeyTail::new(tail).context("bad key tail in the database")
}

/// A product key row as the queries below select it (joined with its product).
macro_rules! stored_key_from_row {
    ($r:expr) => {
        StoredKey {
            id: $r.id,
            tail: $crate::store::keys::tail_of(&$r.tail)?,
            product_sku: $r.product_sku,
            product_name: $r.product_name,
            seats: i64::from($r.seats),
            term: $crate::store::keys::term_of($r.term_count, &$r.term_unit)?,
            expires_on: $r.expires_on,
            batch: $r.batch,
            state: $crate::store::parse_column(&$r.state)?,
            created_at: $r.created_at,
        }
    };
}
pub(crate) use stored_key_from_row;

/// Who redeemed a key, from the optional columns of a left join on the ledger.
pub(super) fn redeemed_by(
    user: Option<i64>,
    guild: Option<i64>,
    at: Option<DateTime<Utc>>,
) -> Option<RedeemedBy> {
    match (user, guild, at) {
        (Some(user), Some(guild), Some(at)) => Some(RedeemedBy {
            user: UserId(user as u64),
            guild: GuildId(guild as u64),
            at,
        }),
        _ => None,
    }
}

/// The stored keys with these digests (any order; unknown digests are simply absent).
pub(super) async fn by_digest<'c, E>(
    executor: E,
    digests: &[KeyDigest],
) -> anyhow::Result<Vec<(KeyDigest, StoredKey)>>
where
    E: sqlx::PgExecutor<'c>,
{
    let raw: Vec<Vec<u8>> = digests.iter().map(|d| d.0.to_vec()).collect();
    let rows = sqlx::query!(
        r#"SELECT k.id, k.digest, k.tail, k.product_sku, p.name AS product_name, k.seats,
                  k.term_count, k.term_unit, k.expires_on, k.batch, k.state, k.created_at
           FROM product_keys k JOIN products p ON p.sku = k.product_sku
           WHERE k.digest = ANY($1)"#,
        &raw
    )
    .fetch_all(executor)
    .await
    .context("looking up product keys")?;
    rows.into_iter()
        .map(|r| {
            let digest: [u8; 32] = r
                .digest
                .as_slice()
                .try_into()
                .context("bad digest in the database")?;
            Ok((KeyDigest(digest), stored_key_from_row!(r)))
        })
        .collect()
}

impl Store {
    /// Stores keys in one transaction: all or none. Returns how many were stored;
    /// `Err` names the first digest that already exists (the same key twice).
    pub async fn insert_keys(&self, keys: &[NewKey]) -> anyhow::Result<Result<usize, usize>> {
        let mut tx = self.pool.begin().await.context("starting a transaction")?;
        for (index, key) in keys.iter().enumerate() {
            let (count, unit) = key.term.parts();
            let inserted = sqlx::query!(
                r#"INSERT INTO product_keys
                       (digest, tail, product_sku, seats, term_count, term_unit, expires_on, batch)
                   VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
                   ON CONFLICT (digest) DO NOTHING"#,
                &key.digest.0[..],
                key.tail.as_str(),
                key.product_sku,
                super::to_i32(key.seats, "seats")?,
                super::to_i32(i64::from(count), "term")?,
                unit.to_string(),
                key.expires_on,
                key.batch
            )
            .execute(&mut *tx)
            .await
            .context("inserting a product key")?;
            if inserted.rows_affected() == 0 {
                return Ok(Err(index));
            }
        }
        tx.commit().await.context("committing product keys")?;
        Ok(Ok(keys.len()))
    }

    /// The stored keys with these digests (any order; unknown digests are simply absent).
    pub async fn keys_by_digest(
        &self,
        digests: &[KeyDigest],
    ) -> anyhow::Result<Vec<(KeyDigest, StoredKey)>> {
        by_digest(&self.pool, digests).await
    }

    /// Keys for the operator's listing, newest first; masked by construction.
    pub async fn list_keys(&self, filter: &KeyFilter) -> anyhow::Result<Vec<KeyListing>> {
        let rows = sqlx::query!(
            r#"SELECT k.id, k.tail, k.product_sku, p.name AS product_name, k.seats,
                      k.term_count, k.term_unit, k.expires_on, k.batch, k.state, k.created_at,
                      k.redeemed_at,
                      r.user_id AS "redeemed_user?", r.guild_id AS "redeemed_guild?"
               FROM product_keys k
               JOIN products p ON p.sku = k.product_sku
               LEFT JOIN redemption_keys rk ON rk.key_id = k.id
               LEFT JOIN redemptions r ON r.id = rk.redemption_id
               WHERE ($1::text IS NULL OR k.product_sku = $1)
                 AND ($2::text IS NULL OR k.batch = $2)
               ORDER BY k.id DESC"#,
            filter.product_sku,
            filter.batch
        )
        .fetch_all(&self.pool)
        .await
        .context("listing product keys")?;
        rows.into_iter()
            .map(|r| {
                let redeemed_by = redeemed_by(r.redeemed_user, r.redeemed_guild, r.redeemed_at);
                Ok(KeyListing {
                    key: stored_key_from_row!(r),
                    redeemed_at: r.redeemed_at,
                    redeemed_by,
                })
            })
            .collect()
    }

    /// Revokes the still-available keys of a batch; returns how many.
    pub async fn revoke_batch(&self, batch: &str) -> anyhow::Result<u64> {
        let done = sqlx::query!(
            r#"UPDATE product_keys SET state = 'revoked', revoked_at = now()
               WHERE batch = $1 AND state = 'available'"#,
            batch
        )
        .execute(&self.pool)
        .await
        .context("revoking a batch")?;
        Ok(done.rows_affected())
    }

    /// Revokes still-available keys by digest; returns the digests that were revoked.
    pub async fn revoke_keys(&self, digests: &[KeyDigest]) -> anyhow::Result<Vec<KeyDigest>> {
        let raw: Vec<Vec<u8>> = digests.iter().map(|d| d.0.to_vec()).collect();
        let rows = sqlx::query!(
            r#"UPDATE product_keys SET state = 'revoked', revoked_at = now()
               WHERE digest = ANY($1) AND state = 'available'
               RETURNING digest"#,
            &raw
        )
        .fetch_all(&self.pool)
        .await
        .context("revoking keys")?;
        rows.into_iter()
            .map(|r| {
                let d: [u8; 32] = r.digest.as_slice().try_into().context("bad digest")?;
                Ok(KeyDigest(d))
            })
            .collect()
    }
}
