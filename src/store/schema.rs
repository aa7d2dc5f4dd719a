//! Which migrations a database has, next to the ones this binary carries: for `doctor`,
//! `migrate --check` and `restore`, which look without migrating.

use anyhow::Context as _;
use sqlx::PgPool;

use super::MIGRATOR;

/// The database's schema as this binary sees it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SchemaStatus {
    /// Migrations of this binary that the database has applied.
    pub applied: usize,
    /// Migrations of this binary not applied yet: `version_description`.
    pub pending: Vec<String>,
    /// Versions applied to the database that this binary does not know (a newer release
    /// migrated it).
    pub unknown: Vec<i64>,
    /// Versions whose applied text differs from this binary's, or that failed half-way.
    pub broken: Vec<i64>,
}

impl SchemaStatus {
    /// Every migration applied and none unknown: this binary can run on it.
    pub fn is_current(&self) -> bool {
        self.pending.is_empty() && self.unknown.is_empty() && self.broken.is_empty()
    }
}

/// Reads `_sqlx_migrations` (none yet: every migration is pending).
pub async fn schema_status(pool: &PgPool) -> anyhow::Result<SchemaStatus> {
    let table: Option<String> =
        sqlx::query_scalar("SELECT to_regclass('public._sqlx_migrations')::text")
            .fetch_one(pool)
            .await
            .context("reading the applied migrations")?;
    let applied: Vec<(i64, bool, Vec<u8>)> = match table {
        None => Vec::new(),
        Some(_) => sqlx::query_as("SELECT version, success, checksum FROM _sqlx_migrations")
            .fetch_all(pool)
            .await
            .context("reading the applied migrations")?,
    };
    let mut status = SchemaStatus::default();
    let known = || {
        MIGRATOR
            .iter()
            .filter(|m| !m.migration_type.is_down_migration())
    };
    for migration in known() {
        match applied.iter().find(|(v, _, _)| *v == migration.version) {
            None => status.pending.push(format!(
                "{}_{}",
                migration.version,
                migration.description.replace(' ', "_")
            )),
            Some((version, success, checksum)) => {
                if *success && checksum.as_slice() == &*migration.checksum {
                    status.applied += 1;
                } else {
                    status.broken.push(*version);
                }
            }
        }
    }
    for (version, _, _) in &applied {
        if !known().any(|m| m.version == *version) {
            status.unknown.push(*version);
        }
    }
    status.unknown.sort_unstable();
    status.broken.sort_unstable();
    Ok(status)
}

/// The tables in the `public` schema: none means an empty database (`restore` goes only
/// into one).
pub async fn public_tables(pool: &PgPool) -> anyhow::Result<Vec<String>> {
    sqlx::query_scalar(
        "SELECT table_name::text FROM information_schema.tables
          WHERE table_schema = 'public' ORDER BY 1",
    )
    .fetch_all(pool)
    .await
    .context("listing the database's tables")
}

/// The server's PostgreSQL major version (15 for 15.14).
pub async fn server_major_version(pool: &PgPool) -> anyhow::Result<u32> {
    let number: i32 = sqlx::query_scalar("SELECT current_setting('server_version_num')::int")
        .fetch_one(pool)
        .await
        .context("reading the server's version")?;
    Ok(u32::try_from(number / 10_000).unwrap_or_default())
}
