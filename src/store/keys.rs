use anyhow::Context as _;
use chrono::{DateTime, NaiveDate, Utc};

use super::{OrderTx, Store};
use crate::domain::{
    records::{GuildId, KeyState, RedeemedBy, StoredKey, UserId},
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
    /// The shop's reference (its order id).
    pub reference: Option<String>,
}

/// Which keys a listing shows: filters, and a page (newest first, `before_id` excluded).
#[derive(Debug, Clone, Default)]
pub struct KeyFilter {
    pub product_sku: Option<String>,
    pub batch: Option<String>,
    pub state: Option<KeyState>,
    /// Only keys with this reference.
    pub reference: Option<String>,
    /// Only keys with a smaller id (the page after the one that ended there).
    pub before_id: Option<i64>,
    /// At most this many; all when `None`.
    pub limit: Option<i64>,
}

/// What a mint with an idempotency key claims: the token's key, for 24 hours, for this
/// batch and the request (its digest) that minted it.
#[derive(Debug, Clone)]
pub struct IdempotencyClaim<'a> {
    pub key: &'a str,
    pub batch: &'a str,
    pub token_id: i64,
    /// SHA-256 of the request in its canonical form.
    pub request: [u8; 32],
    pub now: DateTime<Utc>,
    /// A claim made before this has lapsed: the key may be used again.
    pub lapsed_before: DateTime<Utc>,
}

/// What a mint wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MintWrite {
    Minted,
    /// One of the new keys exists already (a collision in ~114 bits): nothing was written.
    Collision,
    /// The idempotency key was used for this batch within its lifetime: nothing was written.
    Replayed {
        batch: String,
        minted_at: DateTime<Utc>,
    },
    /// The idempotency key was used within its lifetime for another request: nothing was
    /// written.
    Mismatch,
}

/// Imported keys: for each row, whether it was new (`false`: stored before, identical).
/// `Err` names the first row whose key is stored with other attributes.
pub type ImportWrite = Result<Vec<bool>, usize>;

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
            reference: $r.reference,
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
                  k.term_count, k.term_unit, k.expires_on, k.batch, k.reference, k.state, k.created_at
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

/// Inserts keys in one statement; returns the digests that were new (a digest stored
/// already is skipped).
async fn insert_new_keys(
    tx: &mut sqlx::PgConnection,
    keys: &[NewKey],
) -> anyhow::Result<Vec<KeyDigest>> {
    let mut digests = Vec::with_capacity(keys.len());
    let mut tails = Vec::with_capacity(keys.len());
    let mut products = Vec::with_capacity(keys.len());
    let mut seats = Vec::with_capacity(keys.len());
    let mut counts = Vec::with_capacity(keys.len());
    let mut units = Vec::with_capacity(keys.len());
    let mut expiries = Vec::with_capacity(keys.len());
    let mut batches = Vec::with_capacity(keys.len());
    let mut references = Vec::with_capacity(keys.len());
    for key in keys {
        let (count, unit) = key.term.parts();
        digests.push(key.digest.0.to_vec());
        tails.push(key.tail.as_str().to_owned());
        products.push(key.product_sku.clone());
        seats.push(super::to_i32(key.seats, "seats")?);
        counts.push(super::to_i32(i64::from(count), "term")?);
        units.push(unit.to_string());
        expiries.push(key.expires_on);
        batches.push(key.batch.clone());
        references.push(key.reference.clone());
    }
    let rows = sqlx::query!(
        r#"INSERT INTO product_keys
               (digest, tail, product_sku, seats, term_count, term_unit, expires_on, batch,
                reference)
           SELECT * FROM UNNEST($1::bytea[], $2::text[], $3::text[], $4::integer[],
                                $5::integer[], $6::text[], $7::date[], $8::text[], $9::text[])
           ON CONFLICT (digest) DO NOTHING
           RETURNING digest"#,
        &digests,
        &tails,
        &products,
        &seats,
        &counts,
        &units,
        &expiries as &[Option<NaiveDate>],
        &batches as &[Option<String>],
        &references as &[Option<String>]
    )
    .fetch_all(&mut *tx)
    .await
    .context("inserting product keys")?;
    rows.into_iter().map(|r| digest_of(&r.digest)).collect()
}

fn digest_of(raw: &[u8]) -> anyhow::Result<KeyDigest> {
    let digest: [u8; 32] = raw.try_into().context("bad digest in the database")?;
    Ok(KeyDigest(digest))
}

impl Store {
    /// Stores freshly minted keys in one transaction, all or none, and with an idempotency
    /// claim, the claim too; a claim still held returns its batch and writes nothing.
    pub async fn mint_keys(
        &self,
        keys: &[NewKey],
        claim: Option<&IdempotencyClaim<'_>>,
    ) -> anyhow::Result<MintWrite> {
        let mut tx = self.pool.begin().await.context("starting a transaction")?;
        if let Some(claim) = claim {
            if let Some(replayed) = claim_idempotency_key(&mut tx, claim).await? {
                tx.rollback().await.context("rolling back")?;
                return Ok(replayed);
            }
        }
        let stored = insert_new_keys(&mut tx, keys).await?;
        if stored.len() != keys.len() {
            tx.rollback().await.context("rolling back")?;
            return Ok(MintWrite::Collision);
        }
        tx.commit().await.context("committing product keys")?;
        Ok(MintWrite::Minted)
    }

    /// Stores imported keys in one transaction: the new ones are inserted, the ones stored
    /// before with the same product, seats, term, expiry and batch are left alone, and one
    /// stored with other attributes fails the whole import (nothing is written).
    pub async fn import_keys(&self, keys: &[NewKey]) -> anyhow::Result<ImportWrite> {
        let mut tx = self.pool.begin().await.context("starting a transaction")?;
        let fresh: std::collections::HashSet<KeyDigest> =
            insert_new_keys(&mut tx, keys).await?.into_iter().collect();
        let known: Vec<KeyDigest> = keys
            .iter()
            .map(|k| k.digest)
            .filter(|d| !fresh.contains(d))
            .collect();
        let stored: std::collections::HashMap<KeyDigest, StoredKey> =
            by_digest(&mut *tx, &known).await?.into_iter().collect();
        for (index, key) in keys.iter().enumerate() {
            if fresh.contains(&key.digest) {
                continue;
            }
            let same = stored.get(&key.digest).is_some_and(|s| {
                s.product_sku == key.product_sku
                    && s.seats == key.seats
                    && s.term == key.term
                    && s.expires_on == key.expires_on
                    && s.batch == key.batch
                    && s.reference == key.reference
            });
            if !same {
                tx.rollback().await.context("rolling back")?;
                return Ok(Err(index));
            }
        }
        tx.commit().await.context("committing product keys")?;
        Ok(Ok(keys.iter().map(|k| fresh.contains(&k.digest)).collect()))
    }

    /// The stored keys with these digests (any order; unknown digests are simply absent).
    pub async fn keys_by_digest(
        &self,
        digests: &[KeyDigest],
    ) -> anyhow::Result<Vec<(KeyDigest, StoredKey)>> {
        by_digest(&self.pool, digests).await
    }

    /// Keys for a listing, newest first; masked by construction.
    pub async fn list_keys(&self, filter: &KeyFilter) -> anyhow::Result<Vec<KeyListing>> {
        let rows = sqlx::query!(
            r#"SELECT k.id, k.tail, k.product_sku, p.name AS product_name, k.seats,
                      k.term_count, k.term_unit, k.expires_on, k.batch, k.reference, k.state, k.created_at,
                      k.redeemed_at,
                      r.user_id AS "redeemed_user?", r.guild_id AS "redeemed_guild?"
               FROM product_keys k
               JOIN products p ON p.sku = k.product_sku
               LEFT JOIN redemption_keys rk ON rk.key_id = k.id
               LEFT JOIN redemptions r ON r.id = rk.redemption_id
               WHERE ($1::text IS NULL OR k.product_sku = $1)
                 AND ($2::text IS NULL OR k.batch = $2)
                 AND ($3::text IS NULL OR k.state = $3)
                 AND ($4::bigint IS NULL OR k.id < $4)
                 AND ($6::text IS NULL OR k.reference = $6)
               ORDER BY k.id DESC
               LIMIT $5"#,
            filter.product_sku,
            filter.batch,
            filter.state.map(KeyState::as_str),
            filter.before_id,
            filter.limit,
            filter.reference
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
}

/// Claims a token's idempotency key for a mint, in `tx`; when it is held by a mint of the
/// last 24 hours, says which batch that was, or that it was another request. Two mints with
/// one key at once: the second waits on the first's row, then finds it.
async fn claim_idempotency_key(
    tx: &mut sqlx::PgConnection,
    claim: &IdempotencyClaim<'_>,
) -> anyhow::Result<Option<MintWrite>> {
    sqlx::query!(
        "DELETE FROM api_idempotency_keys WHERE created_at < $1",
        claim.lapsed_before
    )
    .execute(&mut *tx)
    .await
    .context("forgetting lapsed idempotency keys")?;
    let claimed = sqlx::query!(
        r#"INSERT INTO api_idempotency_keys (key, batch, token_id, request_digest, created_at)
           VALUES ($1, $2, $3, $4, $5)
           ON CONFLICT (token_id, key) DO UPDATE
               SET batch = EXCLUDED.batch, request_digest = EXCLUDED.request_digest,
                   created_at = EXCLUDED.created_at
               WHERE api_idempotency_keys.created_at < $6
           RETURNING key"#,
        claim.key,
        claim.batch,
        claim.token_id,
        &claim.request[..],
        claim.now,
        claim.lapsed_before
    )
    .fetch_optional(&mut *tx)
    .await
    .context("claiming an idempotency key")?;
    if claimed.is_some() {
        return Ok(None);
    }
    let held = sqlx::query!(
        "SELECT batch, request_digest, created_at FROM api_idempotency_keys
         WHERE token_id = $1 AND key = $2",
        claim.token_id,
        claim.key
    )
    .fetch_one(&mut *tx)
    .await
    .context("reading an idempotency key")?;
    // A claim stored before requests were compared has no digest: a replay, as then.
    if held
        .request_digest
        .is_some_and(|digest| digest != claim.request)
    {
        return Ok(Some(MintWrite::Mismatch));
    }
    Ok(Some(MintWrite::Replayed {
        batch: held.batch,
        minted_at: held.created_at,
    }))
}

impl OrderTx {
    /// Locks the keys with these digests (by ascending id, the store's lock order) and
    /// returns them as they are now; unknown digests are simply absent.
    pub async fn lock_keys_by_digest(
        &mut self,
        digests: &[KeyDigest],
    ) -> anyhow::Result<Vec<(KeyDigest, StoredKey)>> {
        let raw: Vec<Vec<u8>> = digests.iter().map(|d| d.0.to_vec()).collect();
        let rows = sqlx::query!(
            r#"SELECT k.id, k.digest, k.tail, k.product_sku, p.name AS product_name, k.seats,
                      k.term_count, k.term_unit, k.expires_on, k.batch, k.reference, k.state, k.created_at
               FROM product_keys k JOIN products p ON p.sku = k.product_sku
               WHERE k.digest = ANY($1)
               ORDER BY k.id
               FOR UPDATE OF k"#,
            &raw
        )
        .fetch_all(self.conn())
        .await
        .context("locking product keys")?;
        rows.into_iter()
            .map(|r| Ok((digest_of(&r.digest)?, stored_key_from_row!(r))))
            .collect()
    }

    /// Locks the keys of a batch (by ascending id) and returns them as they are now.
    pub async fn lock_keys_of_batch(
        &mut self,
        batch: &str,
    ) -> anyhow::Result<Vec<(KeyDigest, StoredKey)>> {
        let rows = sqlx::query!(
            r#"SELECT k.id, k.digest, k.tail, k.product_sku, p.name AS product_name, k.seats,
                      k.term_count, k.term_unit, k.expires_on, k.batch, k.reference, k.state, k.created_at
               FROM product_keys k JOIN products p ON p.sku = k.product_sku
               WHERE k.batch = $1
               ORDER BY k.id
               FOR UPDATE OF k"#,
            batch
        )
        .fetch_all(self.conn())
        .await
        .context("locking a batch of product keys")?;
        rows.into_iter()
            .map(|r| Ok((digest_of(&r.digest)?, stored_key_from_row!(r))))
            .collect()
    }

    /// Revokes these (locked, available) keys.
    pub async fn revoke_key_ids(&mut self, ids: &[i64], now: DateTime<Utc>) -> anyhow::Result<()> {
        sqlx::query!(
            r#"UPDATE product_keys SET state = 'revoked', revoked_at = $2
               WHERE id = ANY($1) AND state = 'available'"#,
            ids,
            now
        )
        .execute(self.conn())
        .await
        .context("revoking product keys")?;
        Ok(())
    }
}
