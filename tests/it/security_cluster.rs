//! The private cluster's start-up runs as root on files inside a directory the server user
//! owns: a symlink planted there must not make root change, overwrite or read another file,
//! and the socket directory must keep other local users away from a server that trusts
//! whoever reaches it.

use std::fs;
use std::os::unix::fs::{symlink, MetadataExt as _, PermissionsExt as _};
use std::path::{Path, PathBuf};

use licensebot::pg_cluster::{find_bindir, ClusterError, PrivateCluster};

/// What a test needs that the machine may lack: true to go on. Missing it fails the test
/// under CI (CI=true), and skips it elsewhere.
fn prerequisites(needs_root: bool) -> bool {
    let missing = if needs_root && !nix::unistd::geteuid().is_root() {
        Some("needs root, to have the server run as another user".to_owned())
    } else {
        find_bindir().err().map(|error| error.to_string())
    };
    match missing {
        None => true,
        Some(why) => crate::support::skip::require(false, &why),
    }
}

/// A fresh data directory the server user can enter (as root the server runs as `postgres`).
fn data_dir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("creating a temporary directory");
    fs::set_permissions(dir.path(), fs::Permissions::from_mode(0o755))
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

/// A data directory holding a created, stopped cluster; and the cluster directory.
async fn stopped_cluster() -> (tempfile::TempDir, PathBuf) {
    let dir = data_dir();
    let cluster = PrivateCluster::start(dir.path())
        .await
        .unwrap_or_else(|error| panic!("creating the cluster: {error}"));
    cluster.stop().await.expect("stopping the new cluster");
    let cluster_dir = cluster.cluster_dir().to_path_buf();
    (dir, cluster_dir)
}

/// Starts the cluster, expecting a refusal; a server that did start is stopped again.
async fn start_refused(data_dir: &Path) -> Result<(), ClusterError> {
    match PrivateCluster::start(data_dir).await {
        Ok(cluster) => {
            drop(Running(cluster));
            Ok(())
        }
        Err(error) => Err(error),
    }
}

/// A file or directory of root's, outside the cluster, that a planted symlink points at.
struct Target {
    _dir: tempfile::TempDir,
    path: PathBuf,
}

/// Owner, group, mode and (for a file) content: what must not change.
fn fingerprint(path: &Path) -> (u32, u32, u32, Option<String>) {
    let meta = fs::symlink_metadata(path).expect("reading the target's metadata");
    let content = meta
        .is_file()
        .then(|| fs::read_to_string(path).expect("reading the target"));
    (meta.uid(), meta.gid(), meta.mode() & 0o7777, content)
}

fn root_dir(mode: u32) -> Target {
    let dir = tempfile::tempdir().expect("creating a temporary directory");
    let path = dir.path().join("roots-own-dir");
    fs::create_dir(&path).expect("mkdir");
    fs::set_permissions(&path, fs::Permissions::from_mode(mode)).expect("chmod");
    Target { _dir: dir, path }
}

fn root_file(mode: u32, content: &str) -> Target {
    let dir = tempfile::tempdir().expect("creating a temporary directory");
    let path = dir.path().join("roots-own-file");
    fs::write(&path, content).expect("writing the target");
    fs::set_permissions(&path, fs::Permissions::from_mode(mode)).expect("chmod");
    Target { _dir: dir, path }
}

/// Replaces `path` (a file or a directory) by a symlink to `target`.
fn plant_symlink(path: &Path, target: &Path) {
    if path.is_dir() {
        fs::remove_dir_all(path).expect("removing the directory to replace");
    } else if path.exists() {
        fs::remove_file(path).expect("removing the file to replace");
    }
    symlink(target, path).expect("planting the symlink");
}

#[tokio::test]
async fn socket_dir_symlinked_to_a_root_directory_is_refused_and_the_target_left_alone() {
    if !prerequisites(true) {
        return;
    }
    let (dir, cluster) = stopped_cluster().await;
    let target = root_dir(0o751);
    let before = fingerprint(&target.path);
    plant_symlink(&cluster.join("run"), &target.path);

    let result = start_refused(dir.path()).await;
    assert_eq!(
        fingerprint(&target.path),
        before,
        "root changed the owner or mode of {} through the planted symlink {}/run",
        target.path.display(),
        cluster.display()
    );
    let error = result.expect_err("the start-up followed the planted run -> symlink");
    let message = error.to_string();
    assert!(message.contains("symbolic link"), "{message}");
    assert!(message.contains("/run"), "{message}");
}

#[tokio::test]
async fn licensebot_conf_symlinked_to_a_root_file_is_refused_and_the_target_left_alone() {
    if !prerequisites(true) {
        return;
    }
    let (dir, cluster) = stopped_cluster().await;
    let target = root_file(0o640, "root's own settings\n");
    let before = fingerprint(&target.path);
    plant_symlink(&cluster.join("licensebot.conf"), &target.path);

    let result = start_refused(dir.path()).await;
    assert_eq!(
        fingerprint(&target.path),
        before,
        "root rewrote or gave away {} through the planted symlink {}/licensebot.conf",
        target.path.display(),
        cluster.display()
    );
    let error = result.expect_err("the start-up followed the planted licensebot.conf symlink");
    assert!(error.to_string().contains("symbolic link"), "{error}");
}

#[tokio::test]
async fn server_log_symlinked_to_a_root_file_is_not_read_into_the_error() {
    if !prerequisites(true) {
        return;
    }
    let (dir, cluster) = stopped_cluster().await;
    // pg_ctl, as the server user, cannot open root's 0600 file as its log, so the start
    // fails and the start-up reports the log's last lines.
    let target = root_file(0o600, "root's secret: hunter2\n");
    let before = fingerprint(&target.path);
    plant_symlink(&cluster.join("server.log"), &target.path);

    let result = start_refused(dir.path()).await;
    assert_eq!(fingerprint(&target.path), before);
    let error = result.expect_err("the server cannot write its log into root's file");
    let message = error.to_string();
    assert!(
        !message.contains("hunter2"),
        "root read the planted server.log symlink's target into the error: {message}"
    );
}

#[tokio::test]
async fn pg_version_symlinked_to_a_root_file_is_not_read_into_the_error() {
    if !prerequisites(true) {
        return;
    }
    let dir = data_dir();
    let cluster = dir.path().join("postgres");
    fs::create_dir(&cluster).expect("mkdir postgres");
    let target = root_file(0o600, "hunter2\n");
    symlink(&target.path, cluster.join("PG_VERSION")).expect("planting the symlink");

    let error = start_refused(dir.path())
        .await
        .expect_err("the planted PG_VERSION names no version");
    let message = error.to_string();
    assert!(
        !message.contains("hunter2"),
        "root read the planted PG_VERSION symlink's target into the error: {message}"
    );
    assert!(message.contains("symbolic link"), "{message}");
}

#[tokio::test]
async fn socket_dir_other_users_may_enter_is_refused_and_left_as_found() {
    if !prerequisites(false) {
        return;
    }
    let (dir, cluster) = stopped_cluster().await;
    let run = cluster.join("run");
    fs::set_permissions(&run, fs::Permissions::from_mode(0o755)).expect("chmod 0755 run/");

    let error = start_refused(dir.path())
        .await
        .expect_err("a socket directory others may enter must not be used with trust auth");
    let message = error.to_string();
    assert!(message.contains("0755"), "{message}");
    assert!(message.contains("chmod 700"), "{message}");
    assert_eq!(fs::metadata(&run).expect("run/").mode() & 0o7777, 0o755);
}

#[tokio::test]
async fn socket_dir_owned_by_another_user_is_refused() {
    if !prerequisites(true) {
        return;
    }
    let (dir, cluster) = stopped_cluster().await;
    let run = cluster.join("run");
    let stranger = nix::unistd::Uid::from_raw(4242);
    nix::unistd::chown(&run, Some(stranger), None).expect("giving run/ to uid 4242");

    let error = start_refused(dir.path())
        .await
        .expect_err("another user's socket directory must not be used");
    let message = error.to_string();
    assert!(message.contains("4242"), "{message}");
    assert_eq!(fs::metadata(&run).expect("run/").uid(), 4242);
}

#[tokio::test]
async fn reusing_a_running_server_checks_its_socket_dir_too() {
    if !prerequisites(false) {
        return;
    }
    let dir = data_dir();
    let running = match PrivateCluster::start(dir.path()).await {
        Ok(cluster) => Running(cluster),
        Err(error) => panic!("creating the cluster: {error}"),
    };
    let run = running.0.cluster_dir().join("run");
    fs::set_permissions(&run, fs::Permissions::from_mode(0o777)).expect("chmod 0777 run/");

    let error = start_refused(dir.path())
        .await
        .expect_err("the running server's socket directory is open to everyone");
    assert!(error.to_string().contains("0777"), "{error}");
}

#[tokio::test]
async fn cluster_owned_by_another_user_is_refused_saying_how_to_hand_it_over() {
    if !prerequisites(true) {
        return;
    }
    let (dir, cluster) = stopped_cluster().await;
    let stranger = nix::unistd::Uid::from_raw(4242);
    nix::unistd::chown(&cluster, Some(stranger), None).expect("giving postgres/ to uid 4242");

    let error = start_refused(dir.path())
        .await
        .expect_err("the server user does not own the cluster");
    let message = error.to_string();
    assert!(message.contains("uid 4242"), "{message}");
    assert!(message.contains("chown -R postgres"), "{message}");
    assert_eq!(fs::metadata(&cluster).expect("postgres/").uid(), 4242);
}
