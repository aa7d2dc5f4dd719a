//! Every database test gets its own fresh, migrated database on a real PostgreSQL:
//!
//! ```ignore
//! let db = TestDb::new().await;
//! sqlx::query("SELECT 1").execute(&db.pool).await?;
//! ```
//!
//! The server is chosen once per test process:
//! 1. `LICENSEBOT_TEST_DATABASE_URL`, else `DATABASE_URL`;
//! 2. else `postgres://postgres@127.0.0.1:5432/postgres`, if it answers within 2 s;
//! 3. else a throwaway private cluster in `$TMPDIR/licensebot-test-cluster`
//!    ([`licensebot::pg_cluster`]), shared by every test process on the machine and stopped
//!    once the last of them has exited (a watcher each process leaves behind does it), so a
//!    test run leaves no PostgreSQL running. The next run starts it again in about a second.
//!
//! `LICENSEBOT_TEST_PRIVATE_CLUSTER=1` goes straight to 3.
//!
//! Databases are named `lbt_<unix seconds>_<uuid>`. A passing test drops its database when
//! its `TestDb` goes away; a failing test keeps it for inspection (the URL is printed with
//! the failure), and any left for more than two hours are dropped by a later run.

use std::os::unix::process::CommandExt as _;
use std::str::FromStr as _;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use licensebot::pg_cluster::PrivateCluster;
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use sqlx::{Connection as _, Executor as _, PgConnection};
use tokio::sync::OnceCell;

const LOCAL_SERVER: &str = "postgres://postgres@127.0.0.1:5432/postgres";
const NAME_PREFIX: &str = "lbt_";
/// Older test databases are left over from failed or killed runs, not in use.
const STALE_AFTER: Duration = Duration::from_secs(2 * 60 * 60);

/// The server's URL, resolved once per process. Only the URL is kept: each
/// `#[tokio::test]` has its own runtime, and a pool must not outlive the one it was made on.
static SERVER: OnceCell<String> = OnceCell::const_new();

/// A fresh database, migrated, with a pool on it; dropped at the end of a passing test.
pub struct TestDb {
    pub pool: PgPool,
    /// Connects to this database, e.g. for a `licensebot` process under test.
    pub url: String,
    pub name: String,
    server: String,
}

impl TestDb {
    /// Creates and migrates a database of its own on the test server.
    pub async fn new() -> TestDb {
        TestDb::on(server().await).await
    }

    /// Creates and migrates a database of its own on `server` (a maintenance database's
    /// URL, as [`choose_server`] gives).
    pub async fn on(server: &str) -> TestDb {
        let name = format!(
            "{NAME_PREFIX}{}_{}",
            unix_now(),
            uuid::Uuid::new_v4().simple()
        );
        let mut admin = connect(server).await;
        admin
            .execute(format!(r#"CREATE DATABASE "{name}""#).as_str())
            .await
            .unwrap_or_else(|error| {
                panic!(
                    "creating test database {name} on {}: {error}",
                    redacted(server)
                )
            });
        let _ = admin.close().await;

        let url = with_database(server, &name);
        let pool = PgPoolOptions::new()
            .max_connections(5)
            .connect(&url)
            .await
            .unwrap_or_else(|error| panic!("connecting to {}: {error}", redacted(&url)));
        licensebot::store::migrate(&pool)
            .await
            .unwrap_or_else(|error| panic!("migrating test database {name}: {error:#}"));
        TestDb {
            pool,
            url,
            name,
            server: server.to_owned(),
        }
    }
}

impl TestDb {
    /// A pool of up to `connections` on this database whose sessions carry `name`, as
    /// another process's would; [`TestDb::end_sessions`] closes them as a SIGKILL does.
    pub async fn pool_named(&self, name: &str, connections: u32) -> PgPool {
        let options = PgConnectOptions::from_str(&self.url)
            .expect("a database URL")
            .application_name(name);
        PgPoolOptions::new()
            .max_connections(connections)
            .connect_with(options)
            .await
            .unwrap_or_else(|error| panic!("connecting as {name}: {error}"))
    }

    /// Ends every session named `name` on this database, the way a killed process's
    /// connections close; one `true` per session the server was told to end.
    pub async fn end_sessions(&self, name: &str) -> Vec<bool> {
        sqlx::query_scalar(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity
             WHERE application_name = $1 AND datname = current_database()",
        )
        .bind(name)
        .fetch_all(&self.pool)
        .await
        .expect("ending sessions")
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if std::thread::panicking() {
            eprintln!("test database kept for inspection: {}", redacted(&self.url));
            return;
        }
        let server = self.server.clone();
        let name = self.name.clone();
        // Drop runs on the test's runtime, which must not be blocked on: use a thread with
        // a runtime of its own, and wait for it so the database is gone when the test ends.
        let _ = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .ok()?;
            runtime.block_on(async {
                let mut admin = PgConnection::connect(&server).await.ok()?;
                // FORCE (PostgreSQL 13+) also ends the connections of the test's pool.
                let forced = format!(r#"DROP DATABASE IF EXISTS "{name}" WITH (FORCE)"#);
                if admin.execute(forced.as_str()).await.is_err() {
                    let plain = format!(r#"DROP DATABASE IF EXISTS "{name}""#);
                    let _ = admin.execute(plain.as_str()).await;
                }
                admin.close().await.ok()
            })
        })
        .join();
    }
}

/// The URL of the test server's maintenance database (see the module documentation).
pub async fn server() -> &'static str {
    SERVER
        .get_or_init(|| async {
            let url = choose_server(&|var| std::env::var(var).ok()).await;
            drop_stale_databases(&url).await;
            url
        })
        .await
}

/// Chooses the server as the module documentation says, reading variables through `env`:
/// the process environment for [`server`]. A test of the choice passes its own `env`
/// rather than setting a variable for the whole test process, whose other tests read the
/// environment at the same time.
pub async fn choose_server(env: &dyn Fn(&str) -> Option<String>) -> String {
    if env_flag(env, "LICENSEBOT_TEST_PRIVATE_CLUSTER") {
        eprintln!("test databases: in a private cluster (LICENSEBOT_TEST_PRIVATE_CLUSTER)");
        return private_cluster().await;
    }
    for var in ["LICENSEBOT_TEST_DATABASE_URL", "DATABASE_URL"] {
        if let Some(url) = env(var).filter(|url| !url.is_empty()) {
            eprintln!("test databases: on the server named by {var}");
            return url;
        }
    }
    match tokio::time::timeout(Duration::from_secs(2), PgConnection::connect(LOCAL_SERVER)).await {
        Ok(Ok(conn)) => {
            let _ = conn.close().await;
            eprintln!("test databases: on {LOCAL_SERVER}");
            return LOCAL_SERVER.to_owned();
        }
        Ok(Err(error)) => eprintln!("test databases: {LOCAL_SERVER} refused ({error})"),
        Err(_) => eprintln!("test databases: {LOCAL_SERVER} did not answer within 2 s"),
    }
    eprintln!("test databases: in a private cluster instead");
    private_cluster().await
}

/// Starts, or reuses, the private cluster every test process on the machine shares, and
/// makes sure it is stopped once the last of them has exited. The cluster's file lock makes
/// concurrent starts from several processes safe.
async fn private_cluster() -> String {
    let data_dir = std::env::temp_dir().join("licensebot-test-cluster");
    let users = data_dir.join("users");
    if let Err(error) = std::fs::create_dir_all(&users) {
        panic!("creating {}: {error}", users.display());
    }
    // Registering and starting happen under the users' lock, like the last user's stop, so
    // a test process never starts on a server that is stopping under it.
    let lock = users_lock(&data_dir);
    let pid = std::process::id();
    if let Err(error) = std::fs::write(users.join(pid.to_string()), b"") {
        panic!("registering in {}: {error}", users.display());
    }
    let started = PrivateCluster::start(&data_dir).await;
    drop(lock);
    match started {
        Ok(cluster) => {
            stop_after_the_last_user(&data_dir, pid);
            cluster.database_url()
        }
        Err(error) => panic!(
            "starting the private test cluster in {}: {error}",
            data_dir.display()
        ),
    }
}

/// The lock the test processes sharing the private cluster register and stop under.
fn users_lock(data_dir: &std::path::Path) -> nix::fcntl::Flock<std::fs::File> {
    let path = data_dir.join("users.lock");
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .unwrap_or_else(|error| panic!("opening {}: {error}", path.display()));
    nix::fcntl::Flock::lock(file, nix::fcntl::FlockArg::LockExclusive)
        .unwrap_or_else(|(_, error)| panic!("locking {}: {error}", path.display()))
}

/// Leaves behind a watcher that waits for this test process to exit, and then, under the
/// users' lock, stops the private cluster (a fast shutdown, SIGINT to the postmaster) unless
/// another live test process still uses it: a test run leaves no PostgreSQL running.
fn stop_after_the_last_user(data_dir: &std::path::Path, pid: u32) {
    const WATCHER: &str = r#"
pid=$1; dir=$2
while kill -0 "$pid" 2>/dev/null; do sleep 0.5; done
rm -f "$dir/users/$pid"
exec 9>"$dir/users.lock"
flock 9
for user in "$dir"/users/*; do
  [ -e "$user" ] || continue
  if kill -0 "${user##*/}" 2>/dev/null; then exit 0; fi
  rm -f "$user"
done
postmaster=$(head -n 1 "$dir/postgres/postmaster.pid" 2>/dev/null) || exit 0
kill -INT "$postmaster" 2>/dev/null || exit 0
while kill -0 "$postmaster" 2>/dev/null; do sleep 0.1; done
"#;
    let spawned = std::process::Command::new("sh")
        .args(["-c", WATCHER, "licensebot-test-cluster-watcher"])
        .arg(pid.to_string())
        .arg(data_dir)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        // Its own process group: a Ctrl-C to the test run does not end it before it stops
        // the server.
        .process_group(0)
        .spawn();
    if let Err(error) = spawned {
        eprintln!("test databases: no watcher to stop the private cluster afterwards: {error}");
    }
}

/// Drops test databases left by runs that failed or were killed; errors are ignored, and
/// a database still in use cannot be dropped (no FORCE here).
async fn drop_stale_databases(server: &str) {
    let Ok(mut admin) = PgConnection::connect(server).await else {
        return;
    };
    let names: Vec<String> =
        sqlx::query_scalar(r"SELECT datname::text FROM pg_database WHERE datname LIKE 'lbt\_%'")
            .fetch_all(&mut admin)
            .await
            .unwrap_or_default();
    let now = unix_now();
    for name in names {
        let Some(created) = created_at(&name) else {
            continue;
        };
        if now.saturating_sub(created) > STALE_AFTER.as_secs() {
            let _ = admin
                .execute(format!(r#"DROP DATABASE IF EXISTS "{name}""#).as_str())
                .await;
        }
    }
    let _ = admin.close().await;
}

/// When a database named `lbt_<unix seconds>_<uuid>` was created.
pub fn created_at(name: &str) -> Option<u64> {
    let (seconds, id) = name.strip_prefix(NAME_PREFIX)?.split_once('_')?;
    if id.len() != 32 || !id.bytes().all(|byte| byte.is_ascii_hexdigit()) {
        return None;
    }
    seconds.parse().ok()
}

async fn connect(url: &str) -> PgConnection {
    PgConnection::connect(url)
        .await
        .unwrap_or_else(|error| panic!("connecting to {}: {error}", redacted(url)))
}

/// `url` with its database (the path) replaced by `name`; the query string is kept, so a
/// Unix socket given as `?host=/dir` stays.
pub fn with_database(url: &str, name: &str) -> String {
    let Some(scheme_end) = url.find("://").map(|at| at + 3) else {
        panic!("the test database server {} is not a URL", redacted(url));
    };
    let rest = &url[scheme_end..];
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let after_authority = &rest[authority_end..];
    let path_end = after_authority
        .find(['?', '#'])
        .unwrap_or(after_authority.len());
    format!(
        "{}/{name}{}",
        &url[..scheme_end + authority_end],
        &after_authority[path_end..]
    )
}

/// `url` with any password hidden, for messages.
pub fn redacted(url: &str) -> String {
    let Some(scheme_end) = url.find("://").map(|at| at + 3) else {
        return url.to_owned();
    };
    let rest = &url[scheme_end..];
    let authority = &rest[..rest.find(['/', '?', '#']).unwrap_or(rest.len())];
    match authority.rfind('@').and_then(|at| {
        let colon = authority[..at].find(':')?;
        Some((colon, at))
    }) {
        Some((colon, at)) => format!(
            "{}:***{}",
            &url[..scheme_end + colon],
            &url[scheme_end + at..]
        ),
        None => url.to_owned(),
    }
}

fn env_flag(env: &dyn Fn(&str) -> Option<String>, var: &str) -> bool {
    env(var).is_some_and(|value| matches!(value.as_str(), "1" | "true" | "yes"))
}

fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|since| since.as_secs())
        .unwrap_or(0)
}
