//! `licensebot backup FILE` and `licensebot restore FILE`: a `pg_dump` custom-format archive
//! of licensebot's database (`DATABASE_URL`, or the private cluster), made and read by the
//! installed PostgreSQL client tools ([`crate::pg_tools`]). Restore goes only into an empty
//! database, in one transaction, so a refusal or a failure changes nothing.

use std::io::Read as _;
use std::path::Path;
use std::process::Stdio;

use anyhow::Context as _;

use super::{connect_database, Database};
use crate::{app::App, config::Settings, pg_tools};

/// A custom-format archive starts with these bytes.
const ARCHIVE_MAGIC: &[u8] = b"PGDMP";

/// Writes the whole database to `file` (which must not exist yet); returns its size.
pub async fn backup(settings: &Settings, file: &Path) -> anyhow::Result<u64> {
    if file.exists() {
        anyhow::bail!(
            "{} already exists; name a new file (a backup never overwrites one)",
            file.display()
        );
    }
    let (db, url, major) = open(settings).await?;
    db.close().await;
    let pg_dump = pg_tools::find("pg_dump", major)?;
    let partial = file.with_extension("partial");
    let result = run(
        &pg_dump.path,
        &[
            "--format=custom",
            "--no-owner",
            "--no-privileges",
            "--file",
            &partial.to_string_lossy(),
        ],
        &url,
    )
    .await;
    if let Err(e) = result {
        let _ = std::fs::remove_file(&partial);
        return Err(e);
    }
    std::fs::rename(&partial, file)
        .with_context(|| format!("moving the backup into {}", file.display()))?;
    Ok(std::fs::metadata(file).map(|m| m.len()).unwrap_or_default())
}

/// What a restore found after it put the archive in.
pub struct Restored {
    pub tables: usize,
    pub schema: crate::app::SchemaStatus,
}

/// Restores `file` into the database, which must be empty (no table in `public`).
pub async fn restore(settings: &Settings, file: &Path) -> anyhow::Result<Restored> {
    let mut magic = [0u8; 5];
    std::fs::File::open(file)
        .and_then(|mut f| f.read_exact(&mut magic))
        .map_err(|_| ())
        .and_then(|()| (magic == ARCHIVE_MAGIC).then_some(()).ok_or(()))
        .map_err(|()| {
            anyhow::anyhow!(
                "{} is not a licensebot backup (a pg_dump custom-format archive); nothing was \
                 changed",
                file.display()
            )
        })?;
    let (db, url, major) = open(settings).await?;
    let app = App::new(db.store(), settings.clone());
    let tables = app.public_tables().await;
    db.close().await;
    let tables = tables?;
    if !tables.is_empty() {
        anyhow::bail!(
            "the database is not empty ({} tables); restore only into an empty database \
             (create one and point DATABASE_URL at it); nothing was changed",
            tables.len()
        );
    }
    let pg_restore = pg_tools::find("pg_restore", major)?;
    // The whole archive must read before anything is written.
    run(&pg_restore.path, &["--list", &file.to_string_lossy()], "")
        .await
        .map_err(|e| {
            anyhow::anyhow!(
                "{} is not a readable backup ({e:#}); nothing was changed",
                file.display()
            )
        })?;
    run(
        &pg_restore.path,
        &[
            "--no-owner",
            "--no-privileges",
            "--exit-on-error",
            "--single-transaction",
            &file.to_string_lossy(),
        ],
        &url,
    )
    .await
    .context("restoring (nothing was changed)")?;
    let db = connect_database(settings).await?;
    let app = App::new(db.store(), settings.clone());
    let schema = app.schema_status().await;
    let tables = app.public_tables().await;
    db.close().await;
    Ok(Restored {
        tables: tables?.len(),
        schema: schema?,
    })
}

/// The database, its URL, and its server's major version.
async fn open(settings: &Settings) -> anyhow::Result<(Database, String, u32)> {
    let (url, _) = super::database_url().await?;
    let db = connect_database(settings).await?;
    let app = App::new(db.store(), settings.clone());
    let major = app.server_major_version().await?;
    Ok((db, url, major))
}

/// Runs a client tool on the database at `url` (none: `""`), its password in the
/// environment rather than on the command line; an error is its last line of stderr.
async fn run(tool: &Path, args: &[&str], url: &str) -> anyhow::Result<()> {
    let mut command = tokio::process::Command::new(tool);
    command
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::null());
    if !url.is_empty() {
        let (url, password) = pg_tools::split_password(url);
        command.arg("--dbname").arg(url);
        if let Some(password) = password {
            command.env("PGPASSWORD", password);
        }
    }
    let output = command
        .stderr(Stdio::piped())
        .output()
        .await
        .with_context(|| format!("running {}", tool.display()))?;
    if output.status.success() {
        return Ok(());
    }
    let stderr = String::from_utf8_lossy(&output.stderr);
    let reason = stderr
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .find(|l| l.contains("error"))
        .or_else(|| stderr.lines().map(str::trim).rfind(|l| !l.is_empty()))
        .unwrap_or("no message");
    let name = tool.file_name().map(|n| n.to_string_lossy().into_owned());
    anyhow::bail!("{} failed: {reason}", name.unwrap_or_default())
}
