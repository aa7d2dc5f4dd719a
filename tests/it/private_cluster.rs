//! The private PostgreSQL cluster used when no DATABASE_URL is set: created once, reused,
//! restarted after a crash, and refused with a useful message when it cannot work.

use std::os::unix::fs::PermissionsExt as _;
use std::path::Path;
use std::time::{Duration, Instant};

use licensebot::pg_cluster::{ClusterError, PrivateCluster, Startup};
use nix::sys::signal::{kill, killpg, Signal};
use nix::unistd::Pid;
use sqlx::{Connection as _, PgConnection};

use crate::support::db::TestDb;
use crate::support::skip;

/// A fresh data directory the server user can enter (as root the server runs as `postgres`).
fn data_dir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("creating a temporary directory");
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755))
        .expect("chmod 0755 the temporary directory");
    dir
}

/// Stops the server when the test ends, even by panicking, before its directory goes away.
struct Running(PrivateCluster);

impl Drop for Running {
    fn drop(&mut self) {
        let cluster = self.0.clone();
        let _ = std::thread::spawn(move || {
            tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .map(|runtime| runtime.block_on(cluster.stop()))
        })
        .join();
    }
}

async fn start(data_dir: &Path) -> Running {
    match PrivateCluster::start(data_dir).await {
        Ok(cluster) => Running(cluster),
        Err(error) => panic!(
            "starting the private cluster in {}: {error}",
            data_dir.display()
        ),
    }
}

async fn connect(cluster: &PrivateCluster) -> PgConnection {
    let url = cluster.database_url();
    PgConnection::connect(&url)
        .await
        .unwrap_or_else(|error| panic!("connecting to {url}: {error}"))
}

#[tokio::test]
async fn cluster_keeps_its_data_across_stop_and_start() {
    let dir = data_dir();
    // Spaces, a comma and a quote must survive postgresql.conf and the URL.
    let data = dir.path().join("lb data, it's");
    let first = start(&data).await;
    assert_eq!(first.0.startup(), Startup::Created);
    let url = first.0.database_url();
    assert!(
        url.starts_with("postgres://licensebot@localhost:5432/licensebot?host=/"),
        "{url}"
    );
    assert!(
        url.ends_with("/lb%20data%2C%20it%27s/postgres/run"),
        "{url}"
    );

    let mut conn = connect(&first.0).await;
    let (user, database, listen): (String, String, String) = sqlx::query_as(
        "SELECT current_user::text, current_database()::text, current_setting('listen_addresses')",
    )
    .fetch_one(&mut conn)
    .await
    .expect("asking who we are");
    assert_eq!(
        (user.as_str(), database.as_str(), listen.as_str()),
        ("licensebot", "licensebot", "")
    );
    sqlx::query("CREATE TABLE kept (note text)")
        .execute(&mut conn)
        .await
        .expect("creating a table");
    sqlx::query("INSERT INTO kept VALUES ('still here')")
        .execute(&mut conn)
        .await
        .expect("inserting a row");
    conn.close().await.expect("closing the connection");
    first.0.stop().await.expect("stopping the server");
    assert!(
        !first.0.cluster_dir().join("postmaster.pid").exists(),
        "the server should be stopped"
    );

    let second = start(&data).await;
    assert_eq!(second.0.startup(), Startup::Started);
    assert_eq!(second.0.database_url(), url);
    let mut conn = connect(&second.0).await;
    let note: String = sqlx::query_scalar("SELECT note FROM kept")
        .fetch_one(&mut conn)
        .await
        .expect("reading the row back");
    assert_eq!(note, "still here");
    conn.close().await.expect("closing the connection");
}

#[tokio::test]
async fn concurrent_starts_create_the_cluster_once_and_share_the_server() {
    let dir = data_dir();
    let (a, b) = tokio::join!(
        PrivateCluster::start(dir.path()),
        PrivateCluster::start(dir.path())
    );
    let a = Running(a.expect("first concurrent start"));
    let b = Running(b.expect("second concurrent start"));
    let mut startups = vec![a.0.startup(), b.0.startup()];
    startups.sort_by_key(|startup| format!("{startup:?}"));
    assert_eq!(startups, [Startup::AlreadyRunning, Startup::Created]);
    assert_eq!(a.0.database_url(), b.0.database_url());

    let third = start(dir.path()).await;
    assert_eq!(third.0.startup(), Startup::AlreadyRunning);
    let mut conn = connect(&third.0).await;
    let one: i32 = sqlx::query_scalar("SELECT 1")
        .fetch_one(&mut conn)
        .await
        .expect("querying the reused server");
    assert_eq!(one, 1);
    conn.close().await.expect("closing the connection");
}

#[tokio::test]
async fn start_after_a_crash_clears_the_stale_postmaster_pid() {
    let dir = data_dir();
    let first = start(dir.path()).await;
    let mut conn = connect(&first.0).await;
    sqlx::raw_sql("CREATE TABLE survived (n int); INSERT INTO survived VALUES (42)")
        .execute(&mut conn)
        .await
        .expect("writing before the crash");
    drop(conn);

    // Kill the postmaster and all its children at once, as a power cut would.
    let pid_file = first.0.cluster_dir().join("postmaster.pid");
    let pid: i32 = std::fs::read_to_string(&pid_file)
        .expect("reading postmaster.pid")
        .lines()
        .next()
        .and_then(|line| line.trim().parse().ok())
        .expect("a pid on the first line of postmaster.pid");
    killpg(Pid::from_raw(pid), Signal::SIGKILL).expect("killing the server's process group");
    let deadline = Instant::now() + Duration::from_secs(10);
    while kill(Pid::from_raw(pid), None).is_ok() {
        assert!(
            Instant::now() < deadline,
            "the killed server did not go away"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(pid_file.exists(), "a crash leaves postmaster.pid behind");

    let second = start(dir.path()).await;
    assert_eq!(second.0.startup(), Startup::Started);
    let mut conn = connect(&second.0).await;
    let n: i32 = sqlx::query_scalar("SELECT n FROM survived")
        .fetch_one(&mut conn)
        .await
        .expect("reading after the crash");
    assert_eq!(n, 42);
    conn.close().await.expect("closing the connection");
}

#[tokio::test]
async fn bogus_bindir_says_what_to_install() {
    let dir = data_dir();
    let error = PrivateCluster::start_with_bindir(dir.path(), Path::new("/nonexistent/bin"))
        .await
        .expect_err("there are no server binaries in /nonexistent/bin");
    assert!(
        matches!(error, ClusterError::NoServerBinaries { .. }),
        "{error:?}"
    );
    let message = error.to_string();
    assert!(message.contains("/nonexistent/bin"), "{message}");
    assert!(message.contains("apt-get install postgresql"), "{message}");
    assert!(message.contains("DATABASE_URL"), "{message}");
    assert!(!dir.path().join("postgres").exists());
}

#[tokio::test]
async fn overlong_socket_path_is_refused_before_anything_is_created() {
    let dir = data_dir();
    let deep = dir.path().join("d".repeat(100));
    let error = PrivateCluster::start(&deep)
        .await
        .expect_err("the socket path cannot fit in sun_path");
    assert!(
        matches!(error, ClusterError::SocketPathTooLong { .. }),
        "{error:?}"
    );
    let message = error.to_string();
    assert!(message.contains("107"), "{message}");
    assert!(message.contains("LICENSEBOT_DATA_DIR"), "{message}");
    assert!(
        !deep.exists(),
        "nothing is created for a refused data directory"
    );
}

#[tokio::test]
async fn data_dir_pg_ctl_cannot_quote_is_refused() {
    let dir = data_dir();
    let error = PrivateCluster::start(&dir.path().join("say \"cheese\""))
        .await
        .expect_err("pg_ctl cannot pass a double quote to the server");
    assert!(
        matches!(error, ClusterError::UnusablePath { .. }),
        "{error:?}"
    );
    assert!(error.to_string().contains("LICENSEBOT_DATA_DIR"), "{error}");
}

#[tokio::test]
async fn as_root_a_data_dir_the_server_user_cannot_enter_is_refused() {
    if !skip::require(
        nix::unistd::geteuid().is_root(),
        "only root hands the server to another user",
    ) {
        return;
    }
    let private = tempfile::tempdir().expect("creating a temporary directory");
    std::fs::set_permissions(private.path(), std::fs::Permissions::from_mode(0o700))
        .expect("chmod 0700 the temporary directory");
    let data_dir = private.path().join("data");
    let error = match PrivateCluster::start(&data_dir).await {
        Ok(cluster) => {
            drop(Running(cluster));
            panic!("the server user cannot enter a 0700 directory owned by root, yet it started");
        }
        Err(error) => error,
    };
    assert!(
        matches!(error, ClusterError::DataDirUnreachable { .. }),
        "{error:?}"
    );
    let message = error.to_string();
    assert!(message.contains("cannot reach"), "{message}");
    assert!(
        !data_dir.exists(),
        "a refused data directory is not created"
    );
    assert!(
        message.contains(&private.path().display().to_string()),
        "{message}"
    );
}

#[tokio::test]
async fn forced_private_cluster_mode_gives_test_databases_on_a_unix_socket() {
    // The variable given to the harness's choice of server, not set for the whole process:
    // the other tests of the process read the environment and share what it chose.
    let forced = |var: &str| (var == "LICENSEBOT_TEST_PRIVATE_CLUSTER").then(|| "1".to_owned());
    let db = TestDb::on(&crate::support::db::choose_server(&forced).await).await;
    assert!(db.url.contains("?host=/"), "{}", db.url);
    assert!(db.url.contains("licensebot-test-cluster"), "{}", db.url);
    let (database, listen): (String, String) =
        sqlx::query_as("SELECT current_database()::text, current_setting('listen_addresses')")
            .fetch_one(&db.pool)
            .await
            .expect("asking the private cluster");
    assert_eq!(database, db.name);
    assert_eq!(listen, "");
}

#[tokio::test]
async fn cluster_from_another_major_version_says_what_to_install() {
    let dir = data_dir();
    std::fs::create_dir(dir.path().join("postgres")).expect("mkdir postgres");
    std::fs::write(dir.path().join("postgres/PG_VERSION"), "9.6\n").expect("writing PG_VERSION");
    let error = PrivateCluster::start(dir.path())
        .await
        .expect_err("no PostgreSQL 9.6 binaries here");
    assert!(
        matches!(error, ClusterError::VersionMismatch { .. }),
        "{error:?}"
    );
    assert!(error.to_string().contains("postgresql-9.6"), "{error}");
}

#[tokio::test]
async fn directory_in_the_clusters_place_that_is_no_cluster_is_left_alone() {
    let dir = data_dir();
    std::fs::create_dir(dir.path().join("postgres")).expect("mkdir postgres");
    std::fs::write(dir.path().join("postgres/notes.txt"), "mine").expect("writing a file");
    let error = PrivateCluster::start(dir.path())
        .await
        .expect_err("postgres/ is not a cluster");
    assert!(
        matches!(error, ClusterError::NotACluster { .. }),
        "{error:?}"
    );
    assert!(dir.path().join("postgres/notes.txt").exists());
}

/// The brief's standard: a test run leaves nothing running. A test process that used the
/// shared private cluster (here: this test binary, run again with a temporary directory of
/// its own, forced into private-cluster mode) leaves a watcher that stops the server once
/// the process has exited.
#[tokio::test]
async fn a_test_process_that_started_the_private_cluster_leaves_it_stopped_when_it_exits() {
    if !skip::require(
        which("flock"),
        "the watcher that stops the test cluster needs flock (util-linux)",
    ) {
        return;
    }
    let tmp = tempfile::Builder::new()
        .prefix("lbt-watch-")
        .tempdir_in("/tmp")
        .expect("a temporary directory");
    std::fs::set_permissions(tmp.path(), std::fs::Permissions::from_mode(0o755))
        .expect("chmod the temporary directory");
    let run = tokio::process::Command::new(std::env::current_exe().expect("this test binary"))
        .args([
            "--exact",
            "private_cluster::forced_private_cluster_mode_gives_test_databases_on_a_unix_socket",
        ])
        .env("TMPDIR", tmp.path())
        .output()
        .await
        .expect("the test binary runs");
    assert!(
        run.status.success(),
        "{}\n{}",
        String::from_utf8_lossy(&run.stdout),
        String::from_utf8_lossy(&run.stderr)
    );
    let pid_file = tmp
        .path()
        .join("licensebot-test-cluster/postgres/postmaster.pid");
    let deadline = Instant::now() + Duration::from_secs(30);
    // PostgreSQL removes its pid file as the last step of a shutdown.
    while pid_file.exists() && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(
        !pid_file.exists(),
        "the private cluster of an exited test process is still running ({})",
        pid_file.display()
    );
}

fn which(program: &str) -> bool {
    std::env::var_os("PATH")
        .is_some_and(|path| std::env::split_paths(&path).any(|dir| dir.join(program).is_file()))
}
