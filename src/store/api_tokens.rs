//! The shop's API tokens: their digests, scopes and use. A token is never stored.

use anyhow::Context as _;
use chrono::{DateTime, Utc};

use super::{parse_column, Store};
use crate::domain::{Scope, TokenDigest, TokenInfo};

/// How often a token's `last_used_at` is written at most: reading it costs nothing, writing
/// it on every request would cost a row version per request.
const LAST_USED_EVERY_SECONDS: f64 = 60.0;

fn scopes_of(texts: &[String]) -> anyhow::Result<Vec<Scope>> {
    texts.iter().map(|s| parse_column(s)).collect()
}

macro_rules! token_from_row {
    ($r:expr) => {
        TokenInfo {
            id: $r.id,
            name: $r.name,
            scopes: scopes_of(&$r.scopes)?,
            created_at: $r.created_at,
            last_used_at: $r.last_used_at,
            revoked_at: $r.revoked_at,
        }
    };
}

impl Store {
    /// Stores a new token's digest; `None` when a live token already has this name.
    pub async fn create_api_token(
        &self,
        name: &str,
        digest: TokenDigest,
        scopes: &[Scope],
        now: DateTime<Utc>,
    ) -> anyhow::Result<Option<TokenInfo>> {
        let scopes: Vec<String> = scopes.iter().map(|s| s.as_str().to_owned()).collect();
        let row = sqlx::query!(
            r#"INSERT INTO api_tokens (name, digest, scopes, created_at)
               VALUES ($1, $2, $3, $4)
               ON CONFLICT (name) WHERE revoked_at IS NULL DO NOTHING
               RETURNING id, name, scopes, created_at, last_used_at, revoked_at"#,
            name,
            &digest.0[..],
            &scopes,
            now
        )
        .fetch_optional(&self.pool)
        .await
        .context("storing an API token")?;
        row.map(|r| Ok(token_from_row!(r))).transpose()
    }

    /// Every token, live ones first, newest first.
    pub async fn list_api_tokens(&self) -> anyhow::Result<Vec<TokenInfo>> {
        let rows = sqlx::query!(
            r#"SELECT id, name, scopes, created_at, last_used_at, revoked_at FROM api_tokens
               ORDER BY revoked_at IS NOT NULL, created_at DESC, id DESC"#
        )
        .fetch_all(&self.pool)
        .await
        .context("listing API tokens")?;
        rows.into_iter().map(|r| Ok(token_from_row!(r))).collect()
    }

    /// Revokes the live token of this name; `false` when there is none.
    pub async fn revoke_api_token(&self, name: &str, now: DateTime<Utc>) -> anyhow::Result<bool> {
        let done = sqlx::query!(
            "UPDATE api_tokens SET revoked_at = $2 WHERE name = $1 AND revoked_at IS NULL",
            name,
            now
        )
        .execute(&self.pool)
        .await
        .context("revoking an API token")?;
        Ok(done.rows_affected() > 0)
    }

    /// The live token with this digest, noting its use (at most once a minute), in one
    /// round trip; `None` for an unknown or revoked token.
    pub async fn use_api_token(
        &self,
        digest: TokenDigest,
        now: DateTime<Utc>,
    ) -> anyhow::Result<Option<TokenInfo>> {
        let row = sqlx::query!(
            r#"WITH token AS (
                   SELECT id, name, scopes, created_at, last_used_at, revoked_at
                   FROM api_tokens WHERE digest = $1 AND revoked_at IS NULL),
               used AS (
                   UPDATE api_tokens t SET last_used_at = $2
                   FROM token
                   WHERE t.id = token.id
                     AND (t.last_used_at IS NULL
                          OR t.last_used_at < $2::timestamptz - make_interval(secs => $3::float8)))
               SELECT id AS "id!", name AS "name!", scopes AS "scopes!",
                      created_at AS "created_at!", last_used_at, revoked_at
               FROM token"#,
            &digest.0[..],
            now,
            LAST_USED_EVERY_SECONDS
        )
        .fetch_optional(&self.pool)
        .await
        .context("looking up an API token")?;
        row.map(|r| Ok(token_from_row!(r))).transpose()
    }
}
