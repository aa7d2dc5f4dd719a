//! Which database: `DATABASE_URL`, or the private cluster under the data directory.

use anyhow::Context as _;

use crate::{
    config::Settings,
    pg_cluster::{PrivateCluster, Startup},
    store::Store,
};

/// An open database, and the private cluster behind it when this process started one.
pub struct Database {
    store: Store,
    started: Option<PrivateCluster>,
}

impl Database {
    /// The store on it, to build the app with.
    pub fn store(&self) -> Store {
        self.store.clone()
    }

    /// Closes the connections. An operator command leaves the private cluster running for
    /// the next command or the bot (stopping it could pull it from under a bot that started
    /// meanwhile); the bot stops the cluster it started when it shuts down.
    pub async fn close(self) {
        self.store.pool().close().await;
    }

    /// Closes the connections and stops the private cluster if this process started it.
    pub async fn shutdown(self) -> anyhow::Result<()> {
        self.store.pool().close().await;
        if let Some(cluster) = self.started {
            cluster
                .stop()
                .await
                .context("stopping the private PostgreSQL cluster")?;
            tracing::info!("stopped the private PostgreSQL cluster");
        }
        Ok(())
    }
}

/// Connects to `DATABASE_URL`, or starts (or reuses) the private cluster, and migrates.
pub async fn open_database(settings: &Settings) -> anyhow::Result<Database> {
    let db = connect_database(settings).await?;
    crate::store::migrate(db.store.pool()).await?;
    Ok(db)
}

/// [`open_database`] without migrating: for the commands that look at the schema
/// (`doctor`, `migrate --check`) or bring a whole one (`restore`).
pub async fn connect_database(settings: &Settings) -> anyhow::Result<Database> {
    let (url, started) = database_url().await?;
    let store = Store::connect(&url, settings.database.max_connections).await?;
    Ok(Database { store, started })
}

/// `DATABASE_URL`, or the private cluster's (started, or found running).
pub async fn database_url() -> anyhow::Result<(String, Option<PrivateCluster>)> {
    let url = std::env::var("DATABASE_URL")
        .ok()
        .filter(|u| !u.trim().is_empty());
    let (url, started) = match url {
        Some(url) => (url, None),
        None => {
            let dir = crate::pg_cluster::default_data_dir();
            // `PrivateCluster::start` says, in one log line, which cluster and how it found it.
            let cluster = PrivateCluster::start(&dir).await?;
            let started = (cluster.startup() != Startup::AlreadyRunning).then(|| cluster.clone());
            (cluster.database_url(), started)
        }
    };
    Ok((url, started))
}
