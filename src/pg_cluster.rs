//! A private PostgreSQL cluster under the data directory, for running without DATABASE_URL.
//!
//! With no `DATABASE_URL`, licensebot runs its own PostgreSQL server from the server
//! binaries installed on the machine (`initdb`, `pg_ctl`, `postgres`, found in `PATH`,
//! in `pg_config --bindir` or in `/usr/lib/postgresql/*/bin`, highest version first).
//! The first start creates the cluster; later starts reuse it, and reuse the server too
//! when it is still running: the server outlives the bot until [`PrivateCluster::stop`].
//!
//! Layout under the data directory ([`default_data_dir`]):
//! ```text
//! postgres/                 the cluster (PGDATA), created by initdb on the first start
//! postgres/licensebot.conf  socket-only settings, rewritten on every start
//! postgres/run/             the server's Unix socket (mode 0700); it listens on no TCP port
//! postgres/server.log       the server's log
//! postgres.lock             held while a process creates, starts or stops the cluster
//! ```
//! Authentication is `trust`: only the owner of `postgres/run/` (and root) can reach the
//! socket. So every start checks that `postgres/run/` is a directory of mode 0700 owned by
//! the server user, and refuses to go on if it is not. The superuser and the database are
//! both called `licensebot`.
//!
//! **Running as root.** PostgreSQL refuses to run as root, so a root process runs the
//! server as the `postgres` user and gives the cluster directory to that user; with no
//! `postgres` user it refuses, saying how to create one (not `nobody`, whom other daemons
//! share). That user cannot enter `/root` (mode 0700), so as root the default data
//! directory is `/var/lib/licensebot` instead of `~/.local/share/licensebot`; an
//! explicitly configured directory the server user cannot reach is refused with a message
//! saying so. The cluster directory then belongs to the server user, who can plant
//! symlinks in it: root reaches the files there only through `O_NOFOLLOW` handles, checks
//! their type and owner on the handle, never writes through an existing name, and reads
//! them with a bound (see `dir.rs`); a planted symlink or foreign file is refused.
//!
//! This module only manages processes and files; it never connects to the database.

mod dir;

use std::ffi::OsString;
use std::fs;
use std::io::{self, Write as _};
use std::os::unix::fs::{DirBuilderExt as _, MetadataExt as _, PermissionsExt as _};
use std::os::unix::net::UnixStream;
use std::os::unix::process::CommandExt as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use nix::fcntl::{Flock, FlockArg};
use nix::unistd::{Gid, Uid, User};

use dir::Dir;

/// The cluster's superuser, and the database the bot uses.
const SUPERUSER: &str = "licensebot";
const DATABASE: &str = "licensebot";
/// Only names the socket file: the server listens on no TCP port.
const PORT: u16 = 5432;
/// `sizeof(sun_path)` is 108 on Linux, including the terminating NUL.
const SOCKET_PATH_MAX: usize = 107;
/// Where [`default_data_dir`] points when running as root (the server user cannot enter `/root`).
const ROOT_DATA_DIR: &str = "/var/lib/licensebot";
/// How long to wait for a server someone else started to answer on its socket.
const ANSWER_TIMEOUT: Duration = Duration::from_secs(30);

/// Why the private cluster could not be used; every message tells an operator what to do.
#[derive(Debug, thiserror::Error)]
pub enum ClusterError {
    #[error(
        "no PostgreSQL server binaries found (looked in {looked_in}): install them with \
         `apt-get install postgresql`, or set DATABASE_URL"
    )]
    NoServerBinaries { looked_in: String },

    #[error(
        "the private PostgreSQL cluster in {cluster} was created by PostgreSQL \
         {cluster_version}, but the server binaries found ({bindir}) are PostgreSQL \
         {binaries_version}: install the PostgreSQL {cluster_version} server binaries \
         (`apt-get install postgresql-{cluster_version}`), upgrade the cluster with \
         pg_upgrade, or set DATABASE_URL"
    )]
    VersionMismatch {
        cluster: PathBuf,
        cluster_version: String,
        bindir: PathBuf,
        binaries_version: String,
    },

    #[error(
        "licensebot runs as root and PostgreSQL refuses to, but there is no `postgres` user \
         to run the private cluster as (licensebot does not use `nobody`, whom other daemons \
         share): create it with `useradd --system --user-group --home-dir \
         /var/lib/postgresql --shell /usr/sbin/nologin postgres` (installing the \
         `postgresql` package also does), run licensebot as an ordinary user, or set \
         DATABASE_URL"
    )]
    NoServerUser,

    #[error(
        "the PostgreSQL server runs as user `{user}` (it refuses to run as root), and that \
         user cannot reach the data directory {data_dir} because it may not enter \
         {blocked}: set LICENSEBOT_DATA_DIR to a directory it can reach (as root the \
         default is {ROOT_DATA_DIR}), or `chmod o+x {blocked}`"
    )]
    DataDirUnreachable {
        data_dir: PathBuf,
        user: String,
        blocked: PathBuf,
    },

    #[error(
        "the PostgreSQL socket path {socket} would be {len} bytes, over the Unix limit of \
         {SOCKET_PATH_MAX}: set LICENSEBOT_DATA_DIR to a shorter path, or set DATABASE_URL"
    )]
    SocketPathTooLong { socket: PathBuf, len: usize },

    #[error("the data directory {path} {reason}: set LICENSEBOT_DATA_DIR to another directory")]
    UnusablePath { path: PathBuf, reason: &'static str },

    #[error(
        "{cluster} exists but is not a PostgreSQL cluster (it has no PG_VERSION naming a \
         version): move it out of the way, or set LICENSEBOT_DATA_DIR to another directory"
    )]
    NotACluster { cluster: PathBuf },

    #[error(
        "refusing to use {path}: it {problem}. The private cluster's files belong to the \
         server user, and licensebot follows no symlink and changes no file of another \
         owner there, so that no one who can write there has it change or show another \
         file: remove {path}, or set DATABASE_URL"
    )]
    Planted { path: PathBuf, problem: String },

    #[error(
        "the private PostgreSQL cluster {cluster} belongs to {owner}, but its server runs as \
         `{user}`, who must own it: if it is this bot's cluster (say, created when the server \
         ran as another user), `chown -R {user}: {cluster}`; otherwise move it out of the \
         way, or set DATABASE_URL"
    )]
    ClusterNotOwned {
        cluster: PathBuf,
        owner: String,
        user: String,
    },

    #[error(
        "the private PostgreSQL cluster's socket directory {dir} is mode {mode} and belongs \
         to {owner}, but it must be mode 0700 and belong to `{user}`: the cluster lets in \
         whoever reaches its socket (`trust` authentication). Check that nothing in it was \
         put there by someone else, then `chown {user} {dir} && chmod 700 {dir}`"
    )]
    SocketDirExposed {
        dir: PathBuf,
        mode: String,
        owner: String,
        user: String,
    },

    #[error("{what} failed ({status}):\n{output}")]
    CommandFailed {
        what: String,
        status: String,
        output: String,
    },

    #[error(
        "the private PostgreSQL server in {cluster} did not start:\n{output}\nlast lines \
         of {log}:\n{log_tail}"
    )]
    StartFailed {
        cluster: PathBuf,
        output: String,
        log: PathBuf,
        log_tail: String,
    },

    #[error(
        "{cluster}/postmaster.pid names process {pid}, which is alive, but no PostgreSQL \
         server answers on {socket}: if no PostgreSQL server runs for this directory, \
         remove {cluster}/postmaster.pid and start again"
    )]
    ServerNotAnswering {
        cluster: PathBuf,
        pid: String,
        socket: PathBuf,
    },

    #[error("{context}: {source}")]
    Io { context: String, source: io::Error },
}

/// How [`PrivateCluster::start`] found the cluster.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Startup {
    /// No cluster yet: created it and the `licensebot` database, then started the server.
    Created,
    /// The cluster existed and its server was not running: started it.
    Started,
    /// The server was already running: reused it.
    AlreadyRunning,
}

/// A running private PostgreSQL server (see the module documentation).
#[derive(Clone, Debug)]
pub struct PrivateCluster {
    pg: Pg,
    port: u16,
    /// Where the server actually put its socket (from `postmaster.pid`).
    socket_dir: PathBuf,
    version: String,
    startup: Startup,
}

impl PrivateCluster {
    /// Creates (first time), starts or reuses the cluster in `<data_dir>/postgres`, using
    /// the server binaries from [`find_bindir`].
    pub async fn start(data_dir: &Path) -> Result<PrivateCluster, ClusterError> {
        let data_dir = data_dir.to_path_buf();
        blocking(move || start_blocking(&data_dir, None)).await
    }

    /// Like [`PrivateCluster::start`], with the server binaries from `bindir`.
    pub async fn start_with_bindir(
        data_dir: &Path,
        bindir: &Path,
    ) -> Result<PrivateCluster, ClusterError> {
        let data_dir = data_dir.to_path_buf();
        let bindir = bindir.to_path_buf();
        blocking(move || start_blocking(&data_dir, Some(&bindir))).await
    }

    /// A URL for the `licensebot` database over the Unix socket, e.g.
    /// `postgres://licensebot@localhost:5432/licensebot?host=/var/lib/licensebot/postgres/run`.
    pub fn database_url(&self) -> String {
        format!(
            "postgres://{SUPERUSER}@localhost:{}/{DATABASE}?host={}",
            self.port,
            percent_encode(&self.socket_dir.to_string_lossy())
        )
    }

    /// Stops the server (`pg_ctl stop -m fast`: open sessions are disconnected). Stopping a
    /// server that is not running succeeds.
    pub async fn stop(&self) -> Result<(), ClusterError> {
        let pg = self.pg.clone();
        blocking(move || {
            let _lock = pg.lock()?;
            if pg.is_running()? {
                pg.run(
                    pg.command("pg_ctl")
                        .args(["stop", "-w", "-s", "-m", "fast", "-D"])
                        .arg(&pg.cluster),
                    "pg_ctl stop",
                )?;
            }
            Ok(())
        })
        .await
    }

    /// How this start found the cluster.
    pub fn startup(&self) -> Startup {
        self.startup
    }

    /// The cluster directory, `<data_dir>/postgres`.
    pub fn cluster_dir(&self) -> &Path {
        &self.pg.cluster
    }

    /// The directory holding the server's socket.
    pub fn socket_dir(&self) -> &Path {
        &self.socket_dir
    }

    /// The server's major version, e.g. `15`.
    pub fn version(&self) -> &str {
        &self.version
    }
}

/// `LICENSEBOT_DATA_DIR` when set; otherwise `~/.local/share/licensebot`, or
/// `/var/lib/licensebot` when running as root (the server user cannot enter `/root`).
pub fn default_data_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("LICENSEBOT_DATA_DIR").filter(|dir| !dir.is_empty()) {
        return PathBuf::from(dir);
    }
    if nix::unistd::geteuid().is_root() {
        return PathBuf::from(ROOT_DATA_DIR);
    }
    let home = std::env::var_os("HOME")
        .filter(|home| !home.is_empty())
        .map(PathBuf::from)
        .or_else(|| {
            User::from_uid(nix::unistd::getuid())
                .ok()
                .flatten()
                .map(|user| user.dir)
        });
    match home {
        Some(home) => home.join(".local/share/licensebot"),
        None => PathBuf::from(ROOT_DATA_DIR),
    }
}

/// The directory holding `initdb`, `pg_ctl` and `postgres`: from `PATH`, then
/// `pg_config --bindir`, then `/usr/lib/postgresql/*/bin` (highest version first).
pub fn find_bindir() -> Result<PathBuf, ClusterError> {
    let search = BinSearch::from_env();
    search
        .candidates()
        .into_iter()
        .next()
        .ok_or_else(|| search.not_found())
}

/// Runs the blocking start-up work off the async runtime.
async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, ClusterError> + Send + 'static,
) -> Result<T, ClusterError> {
    match tokio::task::spawn_blocking(work).await {
        Ok(result) => result,
        Err(join) if join.is_panic() => std::panic::resume_unwind(join.into_panic()),
        Err(join) => Err(ClusterError::Io {
            context: "managing the private PostgreSQL cluster".into(),
            source: io::Error::other(join),
        }),
    }
}

fn start_blocking(data_dir: &Path, bindir: Option<&Path>) -> Result<PrivateCluster, ClusterError> {
    let run_as = server_user(nix::unistd::geteuid().is_root(), |name| {
        User::from_name(name).ok().flatten()
    })?;
    let data_dir = prepare_data_dir(data_dir, run_as.as_ref())?;
    let cluster = data_dir.join("postgres");
    let socket_dir = cluster.join("run");
    let owner = match &run_as {
        Some(run_as) => run_as.clone(),
        None => RunAs::me(),
    };

    let mut pg = Pg {
        bindir: PathBuf::new(),
        run_as,
        owner,
        data_dir,
        cluster,
        socket_dir,
    };
    // Held until the server answers, so concurrent starts neither both initdb nor both start.
    let _lock = pg.lock()?;

    let cluster_version = pg.cluster_version()?;
    let (bindir, version) = choose_bindir(bindir, cluster_version.as_deref(), &pg.cluster)?;
    pg.bindir = bindir;

    let mut startup = Startup::Started;
    if cluster_version.is_none() {
        pg.create()?;
        startup = Startup::Created;
    }
    pg.write_runtime_files()?;
    if pg.is_running()? {
        startup = Startup::AlreadyRunning;
    } else {
        pg.start_server()?;
    }
    let (port, socket_dir) = pg.wait_until_answering()?;

    let cluster = PrivateCluster {
        pg,
        port,
        socket_dir,
        version,
        startup,
    };
    tracing::info!(
        cluster = %cluster.pg.cluster.display(),
        socket_dir = %cluster.socket_dir.display(),
        postgres_version = %cluster.version,
        startup = ?cluster.startup,
        "no DATABASE_URL: using the private PostgreSQL cluster"
    );
    Ok(cluster)
}

/// The user the server runs as: an unprivileged one when this process is root, else this
/// process's own user.
#[derive(Clone, Debug)]
struct RunAs {
    name: String,
    uid: Uid,
    gid: Gid,
}

impl RunAs {
    fn me() -> RunAs {
        let uid = nix::unistd::geteuid();
        RunAs {
            name: User::from_uid(uid)
                .ok()
                .flatten()
                .map_or_else(|| format!("uid {uid}"), |user| user.name),
            uid,
            gid: nix::unistd::getegid(),
        }
    }

    /// Whether this user may enter `dir` and every directory above it.
    fn check_reaches(&self, dir: &Path, data_dir: &Path) -> Result<(), ClusterError> {
        let mut dirs: Vec<&Path> = dir.ancestors().collect();
        dirs.reverse();
        for dir in dirs {
            if !self.may_enter(dir)? {
                return Err(ClusterError::DataDirUnreachable {
                    data_dir: data_dir.to_path_buf(),
                    user: self.name.clone(),
                    blocked: dir.to_path_buf(),
                });
            }
        }
        Ok(())
    }

    /// Whether this user may enter `dir` (ignoring ACLs; supplementary groups are dropped
    /// when the server is started, so only the primary group counts).
    fn may_enter(&self, dir: &Path) -> Result<bool, ClusterError> {
        let meta = fs::metadata(dir).map_err(io_err(format!("reading {}", dir.display())))?;
        let mode = meta.mode();
        Ok(if meta.uid() == self.uid.as_raw() {
            mode & 0o100 != 0
        } else if meta.gid() == self.gid.as_raw() {
            mode & 0o010 != 0
        } else {
            mode & 0o001 != 0
        })
    }
}

/// As root, the `postgres` user (`lookup` finds users by name); otherwise nobody else.
fn server_user(
    is_root: bool,
    lookup: impl Fn(&str) -> Option<User>,
) -> Result<Option<RunAs>, ClusterError> {
    if !is_root {
        return Ok(None);
    }
    // Never `nobody`: every daemon that runs as `nobody` would own the cluster.
    let user = lookup("postgres").ok_or(ClusterError::NoServerUser)?;
    Ok(Some(RunAs {
        name: user.name,
        uid: user.uid,
        gid: user.gid,
    }))
}

/// `` `name` `` of the user with this uid, or `uid N` when it has no name.
fn user_name(uid: u32) -> String {
    User::from_uid(Uid::from_raw(uid))
        .ok()
        .flatten()
        .map_or_else(|| format!("uid {uid}"), |user| format!("`{}`", user.name))
}

/// Creates the data directory if needed and returns its canonical path, checking that the
/// server user (when running as root) can reach it.
fn prepare_data_dir(data_dir: &Path, run_as: Option<&RunAs>) -> Result<PathBuf, ClusterError> {
    let absolute = std::path::absolute(data_dir).map_err(io_err(format!(
        "resolving the data directory {}",
        data_dir.display()
    )))?;
    check_usable(&absolute)?;
    if let Some(run_as) = run_as {
        // Check what exists before creating anything, so a refused directory is not left.
        if let Some(existing) = absolute.ancestors().find(|dir| dir.exists()) {
            let existing = fs::canonicalize(existing)
                .map_err(io_err(format!("resolving {}", existing.display())))?;
            run_as.check_reaches(&existing, &absolute)?;
        }
    }
    let existed = absolute.is_dir();
    fs::DirBuilder::new()
        .recursive(true)
        .mode(0o755)
        .create(&absolute)
        .map_err(io_err(format!(
            "creating the data directory {}",
            absolute.display()
        )))?;
    let data_dir = fs::canonicalize(&absolute).map_err(io_err(format!(
        "resolving the data directory {}",
        absolute.display()
    )))?;
    check_usable(&data_dir)?;
    if let Some(run_as) = run_as {
        if !existed {
            // The umask may have taken the search bit the server user needs.
            fs::set_permissions(&data_dir, fs::Permissions::from_mode(0o755)).map_err(io_err(
                format!("setting the mode of {}", data_dir.display()),
            ))?;
        }
        run_as.check_reaches(&data_dir, &data_dir)?;
    }
    Ok(data_dir)
}

/// Refuses data directories PostgreSQL cannot be told about: its configuration is UTF-8
/// text, pg_ctl hands the paths to the server through `sh -c "..."`, and a Unix socket
/// path must fit in `sun_path`.
fn check_usable(path: &Path) -> Result<(), ClusterError> {
    let socket = path
        .join("postgres")
        .join("run")
        .join(format!(".s.PGSQL.{PORT}"));
    let len = socket.as_os_str().len();
    if len > SOCKET_PATH_MAX {
        return Err(ClusterError::SocketPathTooLong { socket, len });
    }
    let reason = match path.to_str() {
        None => "is not valid UTF-8",
        Some(text) if text.contains(['"', '$', '`', '\\', '\n', '\r']) => {
            "contains a character pg_ctl cannot pass to the server (\", $, `, \\ or a line break)"
        }
        Some(_) => return Ok(()),
    };
    Err(ClusterError::UnusablePath {
        path: path.to_path_buf(),
        reason,
    })
}

/// Picks the server binaries: those asked for, or the first found; for an existing
/// cluster, the first found whose version matches the cluster's.
fn choose_bindir(
    asked: Option<&Path>,
    cluster_version: Option<&str>,
    cluster: &Path,
) -> Result<(PathBuf, String), ClusterError> {
    let candidates = match asked {
        Some(bindir) if is_bindir(bindir) => vec![bindir.to_path_buf()],
        Some(bindir) => {
            return Err(ClusterError::NoServerBinaries {
                looked_in: bindir.display().to_string(),
            })
        }
        None => {
            let search = BinSearch::from_env();
            let candidates = search.candidates();
            if candidates.is_empty() {
                return Err(search.not_found());
            }
            candidates
        }
    };
    let mut first = None;
    for bindir in candidates {
        let version = server_version(&bindir)?;
        match cluster_version {
            Some(wanted) if wanted != version => {
                first.get_or_insert((bindir, version));
            }
            _ => return Ok((bindir, version)),
        }
    }
    match (first, cluster_version) {
        (Some((bindir, binaries_version)), Some(cluster_version)) => {
            Err(ClusterError::VersionMismatch {
                cluster: cluster.to_path_buf(),
                cluster_version: cluster_version.to_owned(),
                bindir,
                binaries_version,
            })
        }
        // Unreachable: there was at least one candidate, and without a cluster version
        // the first one is returned above.
        _ => Err(BinSearch::from_env().not_found()),
    }
}

/// The major version (`15`, or `9.6` before PostgreSQL 10) of the `postgres` in `bindir`.
fn server_version(bindir: &Path) -> Result<String, ClusterError> {
    let program = bindir.join("postgres");
    let output = Command::new(&program)
        .arg("--version")
        .stdin(Stdio::null())
        .output()
        .map_err(io_err(format!("running {} --version", program.display())))?;
    let text = String::from_utf8_lossy(&output.stdout);
    // "postgres (PostgreSQL) 15.20 (Debian 15.20-0+deb12u1)"
    text.split("(PostgreSQL)")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(major_version)
        .ok_or_else(|| ClusterError::CommandFailed {
            what: format!("{} --version", program.display()),
            status: output.status.to_string(),
            output: format!("unexpected output: {}", text.trim()),
        })
}

fn major_version(version: &str) -> Option<String> {
    let mut parts = version.split('.');
    let leading_digits = |part: &str| -> Option<u32> {
        let digits: String = part.chars().take_while(char::is_ascii_digit).collect();
        digits.parse().ok()
    };
    let major = leading_digits(parts.next()?)?;
    if major >= 10 {
        Some(major.to_string())
    } else {
        Some(format!("{major}.{}", leading_digits(parts.next()?)?))
    }
}

fn is_bindir(dir: &Path) -> bool {
    ["initdb", "pg_ctl", "postgres"].iter().all(|program| {
        fs::metadata(dir.join(program))
            .map(|meta| meta.is_file() && meta.mode() & 0o111 != 0)
            .unwrap_or(false)
    })
}

/// Where [`find_bindir`] looks; a value so tests can look in places that do not exist.
struct BinSearch {
    path: Option<OsString>,
    /// Directories shaped like `/usr/lib/postgresql`, holding `<version>/bin`.
    versioned_roots: Vec<PathBuf>,
}

impl BinSearch {
    fn from_env() -> BinSearch {
        BinSearch {
            path: std::env::var_os("PATH"),
            versioned_roots: vec![PathBuf::from("/usr/lib/postgresql")],
        }
    }

    fn not_found(&self) -> ClusterError {
        let roots: Vec<String> = self
            .versioned_roots
            .iter()
            .map(|root| format!("{}/*/bin", root.display()))
            .collect();
        ClusterError::NoServerBinaries {
            looked_in: format!("PATH, `pg_config --bindir`, {}", roots.join(", ")),
        }
    }

    /// Every directory holding the server binaries, best first, without duplicates.
    fn candidates(&self) -> Vec<PathBuf> {
        let mut found: Vec<PathBuf> = Vec::new();
        let mut consider = |dir: PathBuf| {
            // Through symlinks (e.g. /usr/local/bin/initdb), so pg_ctl finds its postgres.
            let dir = fs::canonicalize(dir.join("initdb"))
                .ok()
                .and_then(|initdb| initdb.parent().map(Path::to_path_buf))
                .unwrap_or(dir);
            if is_bindir(&dir) && !found.contains(&dir) {
                found.push(dir);
            }
        };
        if let Some(initdb) = self.in_path("initdb") {
            if let Some(dir) = initdb.parent() {
                consider(dir.to_path_buf());
            }
        }
        if let Some(bindir) = self.pg_config_bindir() {
            consider(bindir);
        }
        for root in &self.versioned_roots {
            for dir in versioned_bindirs(root) {
                consider(dir);
            }
        }
        found
    }

    fn in_path(&self, program: &str) -> Option<PathBuf> {
        std::env::split_paths(self.path.as_ref()?)
            .filter(|dir| !dir.as_os_str().is_empty())
            .map(|dir| dir.join(program))
            .find(|file| {
                fs::metadata(file)
                    .map(|meta| meta.is_file() && meta.mode() & 0o111 != 0)
                    .unwrap_or(false)
            })
    }

    fn pg_config_bindir(&self) -> Option<PathBuf> {
        let output = Command::new(self.in_path("pg_config")?)
            .arg("--bindir")
            .stdin(Stdio::null())
            .output()
            .ok()?;
        let bindir = String::from_utf8(output.stdout).ok()?;
        let bindir = bindir.trim();
        (output.status.success() && !bindir.is_empty()).then(|| PathBuf::from(bindir))
    }
}

/// `<root>/<version>/bin` for each version directory, highest version first.
fn versioned_bindirs(root: &Path) -> Vec<PathBuf> {
    let Ok(entries) = fs::read_dir(root) else {
        return Vec::new();
    };
    let mut versions: Vec<(Vec<u32>, PathBuf)> = entries
        .filter_map(Result::ok)
        .filter_map(|entry| {
            let name = entry.file_name();
            let version = name
                .to_str()?
                .split('.')
                .map(|part| part.parse().ok())
                .collect::<Option<Vec<u32>>>()?;
            Some((version, entry.path().join("bin")))
        })
        .collect();
    versions.sort_by(|a, b| b.0.cmp(&a.0));
    versions.into_iter().map(|(_, dir)| dir).collect()
}

/// The files and programs of one cluster.
#[derive(Clone, Debug)]
struct Pg {
    bindir: PathBuf,
    /// Who to run the server programs as, when this process is root.
    run_as: Option<RunAs>,
    /// Who the server runs as, and so who the files under the cluster directory belong to.
    owner: RunAs,
    data_dir: PathBuf,
    cluster: PathBuf,
    /// Where the socket should go (the running server may say otherwise).
    socket_dir: PathBuf,
}

enum PidFile {
    Absent,
    Present {
        pid: String,
        port: u16,
        socket_dir: PathBuf,
        ready: bool,
    },
}

/// The most of `server.log` shown when the server does not start.
const LOG_TAIL_BYTES: u64 = 16 * 1024;
/// More than `PG_VERSION`, `postmaster.pid` or `licensebot.conf` ever hold.
const SMALL_FILE_BYTES: u64 = 64 * 1024;

impl Pg {
    fn data(&self) -> Result<Dir, ClusterError> {
        Dir::open(&self.data_dir)
    }

    /// The cluster directory, when there is one.
    fn cluster_dir(&self) -> Result<Option<Dir>, ClusterError> {
        self.data()?.subdir("postgres")
    }

    fn existing_cluster_dir(&self) -> Result<Dir, ClusterError> {
        self.cluster_dir()?.ok_or_else(|| ClusterError::Io {
            context: format!("opening {}", self.cluster.display()),
            source: io::ErrorKind::NotFound.into(),
        })
    }

    fn lock(&self) -> Result<Flock<fs::File>, ClusterError> {
        let file = self.data()?.lock_file("postgres.lock")?;
        Flock::lock(file, FlockArg::LockExclusive).map_err(|(_, errno)| ClusterError::Io {
            context: format!("locking {}", self.data_dir.join("postgres.lock").display()),
            source: errno.into(),
        })
    }

    /// The cluster's `PG_VERSION`, or `None` when there is no cluster yet.
    fn cluster_version(&self) -> Result<Option<String>, ClusterError> {
        let Some(cluster) = self.cluster_dir()? else {
            return Ok(None);
        };
        let version = cluster.read_head("PG_VERSION", SMALL_FILE_BYTES)?;
        // Only a version is ever shown, whatever the file holds.
        match version.as_deref().map(str::trim) {
            Some(version) if major_version(version).as_deref() == Some(version) => {
                Ok(Some(version.to_owned()))
            }
            _ => Err(ClusterError::NotACluster {
                cluster: self.cluster.clone(),
            }),
        }
    }

    /// A command for one of the server programs, run as the server user.
    fn command(&self, program: &str) -> Command {
        let mut command = Command::new(self.bindir.join(program));
        // The server user may not be allowed into the current directory.
        command.current_dir(&self.data_dir).stdin(Stdio::null());
        if let Some(run_as) = &self.run_as {
            command.uid(run_as.uid.as_raw()).gid(run_as.gid.as_raw());
        }
        command
    }

    fn run(&self, command: &mut Command, what: &str) -> Result<Output, ClusterError> {
        let output = command
            .output()
            .map_err(io_err(format!("running {what}")))?;
        if output.status.success() {
            Ok(output)
        } else {
            Err(command_failed(what, &output))
        }
    }

    /// Creates the cluster and its database in a scratch directory, then renames it into
    /// place, so a crash half-way leaves nothing that looks like a cluster.
    fn create(&self) -> Result<(), ClusterError> {
        let data = self.data()?;
        // The half-created cluster of a crashed start, if any.
        data.remove("postgres.init")?;
        let scratch = data.make_private_dir("postgres.init", &self.owner)?;
        self.run(
            self.command("initdb")
                .arg("--pgdata")
                .arg(scratch.path())
                .args([
                    "--auth=trust",
                    "--username",
                    SUPERUSER,
                    "--encoding=UTF8",
                    "--locale=C",
                ]),
            "initdb",
        )?;

        scratch.append_to_file(
            "postgresql.conf",
            b"\n# licensebot: the settings of the private cluster, rewritten on every start.\n\
              include 'licensebot.conf'\n",
            &self.owner,
        )?;
        self.write_conf(&scratch)?;

        // Single-user mode needs no socket; exit_on_error turns an SQL error into exit 1.
        let mut child = self
            .command("postgres")
            .arg("--single")
            .arg("-D")
            .arg(scratch.path())
            .args(["-c", "exit_on_error=on", "template1"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(io_err("running postgres --single"))?;
        if let Some(mut stdin) = child.stdin.take() {
            stdin
                .write_all(format!("CREATE DATABASE {DATABASE}\n").as_bytes())
                .map_err(io_err("writing to postgres --single"))?;
        }
        let output = child
            .wait_with_output()
            .map_err(io_err("running postgres --single"))?;
        if !output.status.success() {
            return Err(command_failed(
                &format!("creating the {DATABASE} database (postgres --single)"),
                &output,
            ));
        }

        data.rename("postgres.init", "postgres")
    }

    /// `licensebot.conf` (which names the socket directory, so it follows the data
    /// directory if that moves) and the socket directory, checked or created.
    fn write_runtime_files(&self) -> Result<(), ClusterError> {
        let cluster = self.existing_cluster_dir()?;
        let (uid, _) = cluster.owner_and_mode()?;
        if uid != self.owner.uid.as_raw() {
            return Err(ClusterError::ClusterNotOwned {
                cluster: cluster.path().to_path_buf(),
                owner: user_name(uid),
                user: self.owner.name.clone(),
            });
        }
        self.write_conf(&cluster)?;
        match cluster.subdir("run")? {
            Some(run) => self.check_socket_dir(&run),
            None => cluster.make_private_dir("run", &self.owner).map(drop),
        }
    }

    /// The socket directory must keep everyone but the server user (and root) away from
    /// the socket, since the server trusts whoever connects.
    fn check_socket_dir(&self, dir: &Dir) -> Result<(), ClusterError> {
        let (uid, mode) = dir.owner_and_mode()?;
        if uid == self.owner.uid.as_raw() && mode & 0o077 == 0 {
            return Ok(());
        }
        Err(ClusterError::SocketDirExposed {
            dir: dir.path().to_path_buf(),
            mode: format!("{mode:04o}"),
            owner: user_name(uid),
            user: self.owner.name.clone(),
        })
    }

    fn write_conf(&self, cluster: &Dir) -> Result<(), ClusterError> {
        let socket_dir = self
            .socket_dir
            .to_str()
            .ok_or_else(|| ClusterError::UnusablePath {
                path: self.socket_dir.clone(),
                reason: "is not valid UTF-8",
            })?;
        let conf = format!(
            "# Written by licensebot on every start of its private cluster: edits are lost.\n\
             listen_addresses = ''\n\
             port = {PORT}\n\
             unix_socket_directories = {}\n\
             unix_socket_permissions = 0700\n",
            conf_string(&socket_list_item(socket_dir)),
        );
        if cluster
            .read_head("licensebot.conf", SMALL_FILE_BYTES)?
            .as_deref()
            == Some(&conf)
        {
            return Ok(());
        }
        cluster.replace_file("licensebot.conf", conf.as_bytes(), &self.owner)
    }

    /// `pg_ctl status`: whether a live process holds `postmaster.pid`.
    fn is_running(&self) -> Result<bool, ClusterError> {
        let output = self
            .command("pg_ctl")
            .arg("status")
            .arg("-D")
            .arg(&self.cluster)
            .output()
            .map_err(io_err("running pg_ctl status"))?;
        match output.status.code() {
            Some(0) => Ok(true),
            Some(3) => Ok(false),
            _ => Err(command_failed("pg_ctl status", &output)),
        }
    }

    /// `pg_ctl start`, which also clears a `postmaster.pid` left by a crash.
    fn start_server(&self) -> Result<(), ClusterError> {
        let log = self.cluster.join("server.log");
        let output = self
            .command("pg_ctl")
            .args(["start", "-w", "-s", "-t", "120", "-D"])
            .arg(&self.cluster)
            .arg("-l")
            .arg(&log)
            .output()
            .map_err(io_err("running pg_ctl start"))?;
        if output.status.success() {
            return Ok(());
        }
        let log_tail = self
            .existing_cluster_dir()
            .and_then(|cluster| cluster.read_tail("server.log", LOG_TAIL_BYTES, &self.owner))
            .map(|text| last_lines(&text, 20))
            .unwrap_or_else(|error| format!("(not read: {error})"));
        Err(ClusterError::StartFailed {
            cluster: self.cluster.clone(),
            output: output_text(&output),
            log,
            log_tail,
        })
    }

    /// Waits until the server accepts connections on its socket; returns its port and
    /// socket directory as `postmaster.pid` records them, after checking that directory.
    fn wait_until_answering(&self) -> Result<(u16, PathBuf), ClusterError> {
        let deadline = Instant::now() + ANSWER_TIMEOUT;
        loop {
            let (pid, port, socket_dir) = match self.read_pid_file()? {
                PidFile::Present {
                    pid,
                    port,
                    socket_dir,
                    ready,
                } => {
                    let socket = socket_dir.join(format!(".s.PGSQL.{port}"));
                    if ready && UnixStream::connect(&socket).is_ok() {
                        if socket_dir != self.socket_dir {
                            self.check_socket_dir(&Dir::open_no_follow(&socket_dir)?)?;
                        }
                        return Ok((port, socket_dir));
                    }
                    (pid, port, socket_dir)
                }
                PidFile::Absent => ("(none)".to_owned(), PORT, self.socket_dir.clone()),
            };
            if Instant::now() >= deadline {
                return Err(ClusterError::ServerNotAnswering {
                    cluster: self.cluster.clone(),
                    pid,
                    socket: socket_dir.join(format!(".s.PGSQL.{port}")),
                });
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// `postmaster.pid`: pid, data directory, start time, port, first socket directory,
    /// listen address, shared memory key, status.
    fn read_pid_file(&self) -> Result<PidFile, ClusterError> {
        let Some(text) = self
            .existing_cluster_dir()?
            .read_head("postmaster.pid", SMALL_FILE_BYTES)?
        else {
            return Ok(PidFile::Absent);
        };
        let lines: Vec<&str> = text.lines().collect();
        let line = |n: usize| lines.get(n).map(|line| line.trim()).unwrap_or("");
        let socket_dir = match line(4) {
            "" => self.socket_dir.clone(),
            dir => PathBuf::from(dir),
        };
        let pid = line(0);
        Ok(PidFile::Present {
            pid: if pid.bytes().all(|byte| byte.is_ascii_digit()) {
                pid.to_owned()
            } else {
                "(not a number)".to_owned()
            },
            port: line(3).parse().unwrap_or(PORT),
            socket_dir,
            ready: line(7) == "ready",
        })
    }
}

fn io_err(context: impl Into<String>) -> impl FnOnce(io::Error) -> ClusterError {
    let context = context.into();
    move |source| ClusterError::Io { context, source }
}

fn command_failed(what: &str, output: &Output) -> ClusterError {
    ClusterError::CommandFailed {
        what: what.to_owned(),
        status: output.status.to_string(),
        output: output_text(output),
    }
}

/// The end of a program's stderr and stdout, enough to see what went wrong.
fn output_text(output: &Output) -> String {
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stderr),
        String::from_utf8_lossy(&output.stdout)
    );
    last_lines(text.trim(), 20)
}

fn last_lines(text: &str, n: usize) -> String {
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(n)..].join("\n")
}

/// A single-quoted string in postgresql.conf syntax.
fn conf_string(value: &str) -> String {
    format!("'{}'", value.replace('\\', "\\\\").replace('\'', "''"))
}

/// One element of a list setting such as `unix_socket_directories`, double-quoted so
/// commas and spaces stay part of the path.
fn socket_list_item(path: &str) -> String {
    format!("\"{}\"", path.replace('"', "\"\""))
}

/// Percent-encodes everything but unreserved characters and `/`, for a URL query value.
fn percent_encode(value: &str) -> String {
    let mut encoded = String::with_capacity(value.len());
    for byte in value.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~/".contains(&byte) {
            encoded.push(char::from(byte));
        } else {
            encoded.push_str(&format!("%{byte:02X}"));
        }
    }
    encoded
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn search_that_finds_nothing_says_what_to_install() {
        let search = BinSearch {
            path: Some(OsString::from("/nonexistent/bin")),
            versioned_roots: vec![PathBuf::from("/nonexistent/lib/postgresql")],
        };
        assert!(search.candidates().is_empty());
        let message = search.not_found().to_string();
        assert!(
            message.contains("no PostgreSQL server binaries found"),
            "{message}"
        );
        assert!(message.contains("apt-get install postgresql"), "{message}");
        assert!(message.contains("DATABASE_URL"), "{message}");
        assert!(
            message.contains("/nonexistent/lib/postgresql/*/bin"),
            "{message}"
        );
    }

    #[test]
    fn versioned_bindirs_come_highest_version_first() {
        let root = tempfile::tempdir().expect("tempdir");
        for version in ["9.6", "15", "10", "notaversion"] {
            fs::create_dir_all(root.path().join(version).join("bin")).expect("mkdir");
        }
        let dirs: Vec<PathBuf> = versioned_bindirs(root.path());
        let names: Vec<String> = dirs
            .iter()
            .filter_map(|dir| dir.parent()?.file_name()?.to_str().map(str::to_owned))
            .collect();
        assert_eq!(names, ["15", "10", "9.6"]);
    }

    #[test]
    fn major_version_keeps_the_minor_part_only_before_postgres_10() {
        assert_eq!(major_version("15.20").as_deref(), Some("15"));
        assert_eq!(major_version("17beta1").as_deref(), Some("17"));
        assert_eq!(major_version("9.6.24").as_deref(), Some("9.6"));
        assert_eq!(major_version("x"), None);
    }

    #[test]
    fn socket_directory_setting_survives_quotes_commas_and_backslashes() {
        assert_eq!(
            conf_string(&socket_list_item(r#"/a b,c/it's "q"\z"#)),
            r#"'"/a b,c/it''s ""q""\\z"'"#
        );
    }

    #[test]
    fn as_root_without_a_postgres_user_the_server_is_not_run_as_nobody() {
        // Every user the lookup knows but `postgres`: `nobody` included.
        let anyone_but_postgres = |name: &str| {
            (name != "postgres")
                .then(|| User::from_uid(Uid::current()).ok().flatten())
                .flatten()
        };
        let error = server_user(true, anyone_but_postgres).expect_err("no `postgres` user");
        assert!(matches!(error, ClusterError::NoServerUser), "{error:?}");
        let message = error.to_string();
        assert!(message.contains("useradd --system"), "{message}");
        assert!(message.contains("postgres"), "{message}");
        assert!(message.contains("DATABASE_URL"), "{message}");

        assert!(server_user(false, anyone_but_postgres)
            .expect("no server user is needed when not root")
            .is_none());
    }

    #[test]
    fn socket_path_is_percent_encoded_in_the_url() {
        assert_eq!(percent_encode("/tmp/a b/+&#%"), "/tmp/a%20b/%2B%26%23%25");
    }
}
