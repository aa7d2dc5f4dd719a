//! Database outage: PostgreSQL stops for a while in the middle of a burst of admins
//! opening orders, clicking Redeem and typing into autocomplete, then starts again.
//!
//! The bot's database is a private PostgreSQL cluster of the scenario's own, in a
//! temporary directory (never the machine's server, which other tests use). The bot
//! reaches it over TCP through a small forwarder that closes its port while the server is
//! down, so that the bot sees what it sees when a TCP server is down: refused connections,
//! which sqlx retries until the pool's 3 s acquire timeout. (`via_tcp: false` connects
//! to the cluster's Unix socket instead, where a stopped server's socket file is gone and
//! connecting fails at once.)
//!
//! Promises checked: the bot stays up; every interaction gets an answer, and those the
//! outage caught get the bot's "Something went wrong, and nothing was changed. Please try
//! again."; service resumes by itself when the server is back; nothing is half-applied
//! (the ledger adds up, one receipt per redeemed order, one notice per redemption).

use std::{
    os::unix::fs::PermissionsExt as _,
    path::PathBuf,
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use fake_discord::FakeDiscord;
use licensebot::{
    app::{App, Clock},
    pg_cluster::PrivateCluster,
    store::Store,
};
use sqlx::postgres::PgPoolOptions;
use tokio::{
    net::{TcpListener, TcpStream, UnixStream},
    task::JoinHandle,
};
use tokio_util::sync::CancellationToken;

use super::harness::{
    bot_settings, check_answers, check_database, check_notices, collect_answers, latency_summary,
    mint, ms, open_review, populate, redeem_once, settle_notices, start_admins, Act, Allow, Facts,
    Floor, InProcessBot, Report, Size, Told,
};
use crate::support::db::TestDb;

#[derive(Debug, Clone)]
pub struct Config {
    pub size: Size,
    pub seed: u64,
    /// The burst runs this long before the server stops,
    pub before: Duration,
    /// the server stays down this long,
    pub outage: Duration,
    /// and the burst goes on at least this long after it is back.
    pub after: Duration,
    pub via_tcp: bool,
    pub response_deadline: Duration,
}

impl Config {
    pub fn full(seed: u64, via_tcp: bool) -> Config {
        Config {
            size: Size {
                guilds: 4,
                admins_per_guild: 10,
                keys: 5000,
            },
            seed,
            before: Duration::from_secs(5),
            outage: Duration::from_secs(10),
            after: Duration::from_secs(10),
            via_tcp,
            response_deadline: Duration::from_secs(3),
        }
    }

    /// A 10 s outage; the response deadline relaxed so that timing decides nothing.
    pub fn test(seed: u64) -> Config {
        Config {
            size: Size {
                guilds: 2,
                admins_per_guild: 4,
                keys: 600,
            },
            seed,
            before: Duration::from_secs(2),
            outage: Duration::from_secs(10),
            after: Duration::from_secs(4),
            via_tcp: true,
            response_deadline: Duration::from_secs(60),
        }
    }
}

pub async fn run(config: Config) -> Report {
    let mut report = Report::new(if config.via_tcp {
        "outage: PostgreSQL stopped mid-burst (bot connected over TCP)"
    } else {
        "outage: PostgreSQL stopped mid-burst (bot connected over the Unix socket)"
    });
    let size = config.size;
    report.figure(
        "world",
        format!(
            "{} keys, {} admins across {} guilds, server down {} s, seed {}",
            size.keys,
            size.guilds * size.admins_per_guild,
            size.guilds,
            config.outage.as_secs(),
            config.seed
        ),
    );
    let dir = tempfile::Builder::new()
        .prefix("lb-outage-")
        .tempdir_in("/tmp")
        .expect("a temporary directory");
    // As root the server runs as `postgres`, which must be able to enter the directory.
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755))
        .expect("chmod 0755");
    let cluster = PrivateCluster::start(dir.path())
        .await
        .expect("starting a private PostgreSQL cluster");
    let _stopper = StopOnDrop(cluster.clone());
    let unix_url = cluster.database_url();
    let pool = PgPoolOptions::new()
        .max_connections(3)
        .connect(&unix_url)
        .await
        .expect("connecting to the private cluster");
    licensebot::store::migrate(&pool)
        .await
        .expect("migrating the private cluster's database");

    let fake = Arc::new(
        FakeDiscord::builder()
            .response_deadline(config.response_deadline)
            .start()
            .await
            .expect("the fake Discord starts"),
    );
    let settings = bot_settings();
    let app = App::assemble(
        Store::new(pool.clone()),
        Arc::new(settings.clone()),
        Clock::System,
    );
    let (tenants, pools) = populate(&fake, &app, size, config.seed).await;

    let socket = cluster.socket_dir().join(".s.PGSQL.5432");
    let forwarder = Forwarder::new(Upstream::Unix(socket));
    let bot_url = if config.via_tcp {
        let port = forwarder.open().await;
        format!("postgres://licensebot@127.0.0.1:{port}/licensebot?sslmode=disable")
    } else {
        unix_url.clone()
    };
    // The bot's own pool, exactly as `licensebot run` makes it (3 s acquire timeout).
    let bot_store = Store::connect(&bot_url, settings.database.max_connections)
        .await
        .expect("the bot's pool");
    let bot = InProcessBot::start(
        &fake,
        App::assemble(bot_store, Arc::new(settings), Clock::System),
    )
    .await;

    let mut floor = Floor::new(fake.clone(), tenants, pools, None);
    floor.autocomplete = true;
    floor.pause = Some(Duration::from_millis(100)..Duration::from_millis(400));
    floor.reading = Some(Duration::ZERO..Duration::from_millis(2000));
    let floor = Arc::new(floor);
    let (stop, abandon) = (CancellationToken::new(), CancellationToken::new());
    let admins = start_admins(&floor, config.seed, &stop, &abandon);

    tokio::time::sleep(config.before).await;
    let down = Instant::now();
    forwarder.close();
    cluster.stop().await.expect("stopping the server");
    let stopped_in = down.elapsed();
    // While it is down, the bot must keep running.
    let mut alive = true;
    while down.elapsed() < config.outage {
        alive &= bot.is_running();
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    let restarting = Instant::now();
    PrivateCluster::start(dir.path())
        .await
        .expect("starting the server again");
    if config.via_tcp {
        forwarder.open().await;
    }
    let up = Instant::now();
    report.figure(
        "server down",
        format!(
            "{:.1} s (pg_ctl stop took {}, start {})",
            (up - down).as_secs_f64(),
            ms(stopped_in),
            ms(up - restarting)
        ),
    );
    // Service resumes by itself: the burst goes on until receipts come again.
    tokio::time::sleep(config.after).await;
    let resume_deadline = Instant::now() + Duration::from_secs(60);
    while Instant::now() < resume_deadline && receipts_after(&fake, &floor, up) == 0 {
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    stop.cancel();
    for admin in admins {
        admin.await.expect("an admin task panicked");
    }
    alive &= bot.is_running();
    report.check(alive, || {
        "the bot stopped during or after the outage".into()
    });

    let delivered = settle_notices(&pool, Duration::from_secs(180)).await;
    report.check(delivered, || {
        "notices still pending 180 s after the outage".into()
    });

    let answers = collect_answers(&fake, &floor.journal);
    let facts = Facts::read(&pool).await;
    let during: Vec<_> = answers
        .iter()
        .filter(|a| a.sent.at >= down && a.sent.at < up)
        .collect();
    let internal: Vec<_> = answers
        .iter()
        .filter(|a| a.told == Told::Internal)
        .collect();
    let first_receipt_after = answers
        .iter()
        .filter(|a| a.sent.at >= up && a.told == Told::Receipt)
        .map(|a| a.sent.at - up)
        .min();
    let last_internal = internal.iter().map(|a| a.sent.at).max();
    report.figure(
        "interactions",
        format!(
            "{} ({} sent while the server was down)",
            answers.len(),
            during.len()
        ),
    );
    report.figure(
        "answered \"Something went wrong, and nothing was changed\"",
        format!(
            "{} (the last one sent {})",
            internal.len(),
            match last_internal {
                Some(at) if at >= up => format!("{} after the server was back", ms(at - up)),
                Some(at) => format!("{} before the server was back", ms(up - at)),
                None => "—".into(),
            }
        ),
    );
    report.figure(
        "latency of answers sent while down",
        latency_summary(&during),
    );
    let during_autocomplete: Vec<_> = during
        .iter()
        .copied()
        .filter(|a| a.sent.act == Act::Autocomplete)
        .collect();
    report.figure(
        "latency of autocomplete while down",
        latency_summary(&during_autocomplete),
    );
    report.figure(
        "first receipt after the server was back",
        first_receipt_after.map(ms).unwrap_or_else(|| "none".into()),
    );
    report.check(!internal.is_empty(), || {
        "no interaction noticed the outage (no internal-error answer)".into()
    });
    report.check(first_receipt_after.is_some(), || {
        "no redemption succeeded after the server was back".into()
    });
    check_answers(
        &answers,
        &facts,
        Allow {
            lost_answers: false,
            internal_errors: true,
        },
        &mut report,
    );
    check_database(&pool, &floor.tenants, &facts, &mut report).await;
    check_notices(&fake, &pool, &floor.tenants, &facts, &mut report).await;
    if let Err(e) = bot.stop().await {
        report.violation(e);
    }
    pool.close().await;
    report
}

/// The connection breaks at a Redeem's COMMIT: once after the server applied it (its
/// answer lost), once before. The admin must be told the truth both times: the receipt
/// for the one applied, "nothing was changed" for the other (and a retry redeems it). The
/// bot's database is the tests' server, reached through the forwarder.
pub async fn lost_commit(seed: u64) -> Report {
    let mut report = Report::new("outage: the connection breaks at a Redeem's COMMIT");
    let fake = Arc::new(
        FakeDiscord::builder()
            .response_deadline(Duration::from_secs(60))
            .start()
            .await
            .expect("the fake Discord starts"),
    );
    let db = TestDb::new().await;
    let settings = bot_settings();
    let app = App::assemble(
        Store::new(db.pool.clone()),
        Arc::new(settings.clone()),
        Clock::System,
    );
    let size = Size {
        guilds: 1,
        admins_per_guild: 1,
        keys: 4,
    };
    let (tenants, pools) = populate(&fake, &app, size, seed).await;
    let (upstream, bot_url) = forwarded(&db.url);
    let forwarder = Forwarder::new(upstream);
    let port = forwarder.open().await;
    let bot_url = bot_url.replace("{port}", &port.to_string());
    let bot_store = Store::connect(&bot_url, settings.database.max_connections)
        .await
        .expect("the bot's pool through the forwarder");
    let bot = InProcessBot::start(
        &fake,
        App::assemble(bot_store, Arc::new(settings), Clock::System),
    )
    .await;
    let keys = mint(&app, 2, "lost-commit").await;
    let floor = Arc::new(Floor::new(fake.clone(), tenants, pools, None));
    let admin = floor.tenants[0].admins[0];
    for (key, fault) in keys
        .into_iter()
        .zip([Fault::CutAfterCommit, Fault::CutBeforeCommit])
    {
        let review = match open_review(&floor, 0, admin, vec![key]).await {
            Ok(review) => review,
            Err(told) => {
                report.violation(format!("the order did not open: {told:?}"));
                continue;
            }
        };
        forwarder.arm(fault);
        let told = redeem_once(&floor, 0, admin, &review, false).await;
        report.check(forwarder.struck(), || format!("{fault:?} never struck"));
        let redeemed = Facts::read(&db.pool).await.is_redeemed(review.order);
        report.figure(
            &format!("{fault:?}: the click was told"),
            format!("{} (order redeemed: {redeemed})", told.name()),
        );
        match fault {
            Fault::CutAfterCommit => report.check(told == Told::Receipt && redeemed, || {
                format!("COMMIT applied but its answer lost: told {told:?}, redeemed {redeemed}")
            }),
            Fault::CutBeforeCommit => {
                report.check(told == Told::Internal && !redeemed, || {
                    format!("COMMIT never sent: told {told:?}, redeemed {redeemed}")
                });
                let again = redeem_once(&floor, 0, admin, &review, true).await;
                report.check(again == Told::Receipt, || {
                    format!("trying again after \"nothing was changed\" was told {again:?}")
                });
            }
        }
    }
    let delivered = settle_notices(&db.pool, Duration::from_secs(120)).await;
    report.check(delivered, || "notices still pending".into());
    let answers = collect_answers(&fake, &floor.journal);
    let facts = Facts::read(&db.pool).await;
    check_answers(
        &answers,
        &facts,
        Allow {
            lost_answers: false,
            internal_errors: true,
        },
        &mut report,
    );
    check_database(&db.pool, &floor.tenants, &facts, &mut report).await;
    check_notices(&fake, &db.pool, &floor.tenants, &facts, &mut report).await;
    if let Err(e) = bot.stop().await {
        report.violation(e);
    }
    report
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], hex) {
            (b'%', Some(byte)) => {
                out.push(byte);
                i += 3;
            }
            (byte, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Where the forwarder should connect for the server of `url`, and `url` pointed at the
/// forwarder instead (`{port}` to fill in), without TLS so that COMMIT can be seen.
fn forwarded(url: &str) -> (Upstream, String) {
    let (base, query) = url.split_once('?').unwrap_or((url, ""));
    let scheme_end = base.find("://").map_or(0, |at| at + 3);
    let rest = &base[scheme_end..];
    let authority_end = rest.find('/').unwrap_or(rest.len());
    let authority = &rest[..authority_end];
    let (userinfo, hostport) = match authority.rfind('@') {
        Some(at) => (&authority[..=at], &authority[at + 1..]),
        None => ("", authority),
    };
    let port = hostport.rsplit_once(':').map_or("5432", |(_, p)| p);
    let socket_dir = query
        .split('&')
        .find_map(|kv| kv.strip_prefix("host="))
        .map(percent_decode);
    let upstream = match socket_dir {
        Some(dir) => Upstream::Unix(PathBuf::from(dir).join(format!(".s.PGSQL.{port}"))),
        None => Upstream::Tcp(hostport.to_string()),
    };
    let url = format!(
        "{}{userinfo}127.0.0.1:{{port}}{}?sslmode=disable",
        &base[..scheme_end],
        &rest[authority_end..]
    );
    (upstream, url)
}

fn receipts_after(fake: &FakeDiscord, floor: &Floor, up: Instant) -> usize {
    let recent: Vec<_> = floor
        .journal
        .entries()
        .into_iter()
        .filter(|s| s.at >= up && matches!(s.act, Act::Redeem { .. }))
        .collect();
    super::harness::collect_answers_of(fake, &recent)
        .iter()
        .filter(|a| a.told == Told::Receipt)
        .count()
}

/// Stops the private cluster when the scenario ends, even by panicking.
struct StopOnDrop(PrivateCluster);

impl Drop for StopOnDrop {
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

/// Where a [`Forwarder`] forwards to.
#[derive(Debug, Clone)]
pub enum Upstream {
    Unix(PathBuf),
    Tcp(String),
}

/// A fault to inject into the next COMMIT a forwarded connection sends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// Cut the connection instead of forwarding the COMMIT: the server rolls back.
    CutBeforeCommit,
    /// Forward the COMMIT, let the server apply it, then cut the connection before its
    /// answer comes back: applied, but the client cannot know.
    CutAfterCommit,
}

/// `COMMIT` as sqlx sends it: a simple-protocol Query message ('Q', length 11, text, NUL).
const COMMIT_QUERY: &[u8] = b"Q\0\0\0\x0bCOMMIT\0";

/// A TCP port on 127.0.0.1 that forwards to PostgreSQL; closed, the port refuses
/// connections like a stopped server's. It can also cut a connection at its next COMMIT.
pub struct Forwarder {
    upstream: Upstream,
    port: Mutex<u16>,
    tasks: Arc<Mutex<Vec<JoinHandle<()>>>>,
    fault: Arc<Mutex<Option<Fault>>>,
}

impl Forwarder {
    pub fn new(upstream: Upstream) -> Forwarder {
        Forwarder {
            upstream,
            port: Mutex::new(0),
            tasks: Arc::new(Mutex::new(Vec::new())),
            fault: Arc::new(Mutex::new(None)),
        }
    }

    /// Listens (on the same port as before, if it listened before); returns the port.
    pub async fn open(&self) -> u16 {
        let wanted = *self.port.lock().unwrap();
        let listener = TcpListener::bind(("127.0.0.1", wanted))
            .await
            .expect("binding the forwarder's port");
        let port = listener
            .local_addr()
            .expect("the forwarder's address")
            .port();
        *self.port.lock().unwrap() = port;
        let upstream = self.upstream.clone();
        let tasks = self.tasks.clone();
        let fault = self.fault.clone();
        let accept = tokio::spawn(async move {
            while let Ok((tcp, _)) = listener.accept().await {
                let conn = tokio::spawn(forward(tcp, upstream.clone(), fault.clone()));
                tasks.lock().unwrap().push(conn);
            }
        });
        self.tasks.lock().unwrap().push(accept);
        port
    }

    /// Stops listening and cuts every forwarded connection.
    pub fn close(&self) {
        for task in self.tasks.lock().unwrap().drain(..) {
            task.abort();
        }
    }

    /// Injects `fault` into the next COMMIT on any connection (once).
    pub fn arm(&self, fault: Fault) {
        *self.fault.lock().unwrap() = Some(fault);
    }

    /// Whether the armed fault has struck.
    pub fn struck(&self) -> bool {
        self.fault.lock().unwrap().is_none()
    }
}

impl Drop for Forwarder {
    fn drop(&mut self) {
        self.close();
    }
}

async fn forward(tcp: TcpStream, upstream: Upstream, fault: Arc<Mutex<Option<Fault>>>) {
    use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
    let server: Box<dyn Stream> = match &upstream {
        Upstream::Unix(path) => match UnixStream::connect(path).await {
            Ok(s) => Box::new(s),
            Err(_) => return,
        },
        Upstream::Tcp(address) => match TcpStream::connect(address).await {
            Ok(s) => Box::new(s),
            Err(_) => return,
        },
    };
    let (mut from_client, mut to_client) = tokio::io::split(tcp);
    let (mut from_server, mut to_server) = tokio::io::split(server);
    let answers = tokio::spawn(async move {
        let _ = tokio::io::copy(&mut from_server, &mut to_client).await;
    });
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        let n = match from_client.read(&mut buf).await {
            Ok(0) | Err(_) => break,
            Ok(n) => n,
        };
        let chunk = &buf[..n];
        let commit = chunk.windows(COMMIT_QUERY.len()).any(|w| w == COMMIT_QUERY);
        let strike = if commit {
            fault.lock().unwrap().take()
        } else {
            None
        };
        match strike {
            Some(Fault::CutBeforeCommit) => break,
            Some(Fault::CutAfterCommit) => {
                let _ = to_server.write_all(chunk).await;
                let _ = to_server.flush().await;
                // Long enough for the server to apply it; its answer is never relayed.
                answers.abort();
                tokio::time::sleep(Duration::from_millis(500)).await;
                break;
            }
            None => {
                if to_server.write_all(chunk).await.is_err() {
                    break;
                }
            }
        }
    }
    answers.abort();
}

trait Stream: tokio::io::AsyncRead + tokio::io::AsyncWrite + Send + Unpin {}
impl<T: tokio::io::AsyncRead + tokio::io::AsyncWrite + Send + Unpin> Stream for T {}
