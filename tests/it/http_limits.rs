//! The limits of licensebot's HTTP servers, on a real `licensebot run --http` process: an
//! oversized body is refused before its signature is looked at, a client that never
//! finishes its request is cut off (by the shop's API of `run --api` too, which also serves
//! a bounded number of connections), and `/healthz` does not show the database's errors.

use std::time::{Duration, Instant};

use sqlx::Connection as _;
use tokio::{
    io::{AsyncReadExt as _, AsyncWriteExt as _},
    net::TcpStream,
};

use crate::scale_out::{free_addr, sample, BotProcess, Setup, WAIT};

/// One `licensebot run --http` process; returns it and its interactions address.
async fn http_process(s: &Setup, env: &[(&str, &str)]) -> (BotProcess, std::net::SocketAddr) {
    http_process_with(s, &[], env).await
}

/// The same, with more arguments for `run` (`--api ADDR`).
async fn http_process_with(
    s: &Setup,
    args: &[String],
    env: &[(&str, &str)],
) -> (BotProcess, std::net::SocketAddr) {
    let addr = free_addr();
    s.fake
        .set_interaction_endpoints([format!("http://{addr}/interactions")]);
    let mut all = vec!["--http".to_string(), addr.to_string()];
    all.extend_from_slice(args);
    let process = BotProcess::start("bot", &s.fake, &s.db, &all, env).await;
    (process, addr)
}

/// Reads what the server sends until it closes the connection; `None` if it is still open
/// after `within`.
async fn read_until_closed(stream: &mut TcpStream, within: Duration) -> Option<String> {
    let mut received = Vec::new();
    let read = tokio::time::timeout(within, async {
        let mut buf = [0u8; 4096];
        loop {
            match stream.read(&mut buf).await {
                Ok(0) | Err(_) => break,
                Ok(n) => received.extend_from_slice(&buf[..n]),
            }
        }
    })
    .await;
    read.ok()
        .map(|()| String::from_utf8_lossy(&received).into_owned())
}

/// POSTs `body` to `/interactions` over a raw connection (with a Content-Length, or
/// chunked), writing while it reads, and returns what the server answered before closing.
async fn post_raw(addr: std::net::SocketAddr, body: &[u8], chunked: bool) -> String {
    let stream = TcpStream::connect(addr).await.expect("connecting");
    let (mut read, mut write) = stream.into_split();
    let framing = if chunked {
        "Transfer-Encoding: chunked".to_string()
    } else {
        format!("Content-Length: {}", body.len())
    };
    let head = format!(
        "POST /interactions HTTP/1.1\r\nHost: licensebot\r\nContent-Type: application/json\r\nConnection: close\r\n{framing}\r\n\r\n"
    );
    // The server may stop reading and close: the writer's errors are expected then. The
    // write half stays open until the answer is read, as an HTTP client's does (a closed
    // write half ends the connection before the answer).
    let mut received = Vec::new();
    let _ = tokio::join!(
        tokio::time::timeout(WAIT, send(&mut write, &head, body, chunked)),
        tokio::time::timeout(WAIT, read.read_to_end(&mut received)),
    );
    String::from_utf8_lossy(&received).into_owned()
}

/// Writes a request: `head`, then `body` whole or in chunks of 16 KiB.
async fn send(
    write: &mut tokio::net::tcp::OwnedWriteHalf,
    head: &str,
    body: &[u8],
    chunked: bool,
) -> std::io::Result<()> {
    write.write_all(head.as_bytes()).await?;
    if chunked {
        for chunk in body.chunks(16 * 1024) {
            write
                .write_all(format!("{:x}\r\n", chunk.len()).as_bytes())
                .await?;
            write.write_all(chunk).await?;
            write.write_all(b"\r\n").await?;
        }
        write.write_all(b"0\r\n\r\n").await?;
    } else {
        write.write_all(body).await?;
    }
    write.flush().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_oversized_interaction_body_is_refused_with_413_before_its_signature_is_checked() {
    let s = Setup::new().await;
    let (bot, addr) = http_process(&s, &[]).await;
    // Discord's interactions are a few KiB; this is 1 MiB of padding, unsigned.
    let huge = format!(r#"{{"type":1,"padding":"{}"}}"#, "x".repeat(1024 * 1024));
    let answer = post_raw(addr, huge.as_bytes(), false).await;
    assert!(
        answer.starts_with("HTTP/1.1 413"),
        "a declared length past the limit: {}",
        answer.lines().next().unwrap_or_default()
    );
    // Without a Content-Length (chunked), the body is cut at the limit.
    let answer = post_raw(addr, huge.as_bytes(), true).await;
    assert!(
        answer.starts_with("HTTP/1.1 413"),
        "a chunked body past the limit: {}",
        answer.lines().next().unwrap_or_default()
    );
    // The signature was never looked at: no refusal for missing headers was counted.
    let metrics = bot.scrape().await;
    let missing = r#"licensebot_http_interactions_refused_total{reason="missing_headers"}"#;
    assert_eq!(sample(&metrics, missing), 0.0, "{metrics}");
    // A body of an honest size still reaches the signature check (and fails it).
    let honest = format!(r#"{{"type":1,"padding":"{}"}}"#, "x".repeat(20 * 1024));
    let answer = post_raw(addr, honest.as_bytes(), false).await;
    assert!(answer.starts_with("HTTP/1.1 401"), "{answer}");
    assert_eq!(sample(&bot.scrape().await, missing), 1.0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_that_never_finishes_its_headers_or_its_body_is_cut_off() {
    let s = Setup::new().await;
    let (bot, addr) = http_process(
        &s,
        &[
            ("LICENSEBOT_HTTP__HEADER_TIMEOUT_SECONDS", "1"),
            ("LICENSEBOT_HTTP__REQUEST_TIMEOUT_SECONDS", "2"),
        ],
    )
    .await;
    for server in [addr, bot.metrics] {
        // Headers begun and never finished.
        let mut slow = TcpStream::connect(server).await.expect("connecting");
        slow.write_all(b"POST /interactions HTTP/1.1\r\nHost: licensebot\r\nContent-Type: application/json\r\n")
            .await
            .expect("writing part of the headers");
        assert!(
            read_until_closed(&mut slow, WAIT).await.is_some(),
            "{server}: a client that never finished its headers kept its connection"
        );
        // A connection opened and left idle.
        let mut idle = TcpStream::connect(server).await.expect("connecting");
        assert!(
            read_until_closed(&mut idle, WAIT).await.is_some(),
            "{server}: an idle connection was kept"
        );
    }
    // Headers whole, the body promised and never sent in full.
    let mut slow = TcpStream::connect(addr).await.expect("connecting");
    slow.write_all(
        b"POST /interactions HTTP/1.1\r\nHost: licensebot\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{\"type\":",
    )
    .await
    .expect("writing the headers and a little body");
    let answer = read_until_closed(&mut slow, WAIT)
        .await
        .expect("a client that never finished its body kept its connection");
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer:?}");
    // The server still serves.
    let health = reqwest::get(bot.url("/healthz")).await.expect("/healthz");
    assert!(health.status().is_success());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_api_cuts_off_a_client_that_never_finishes_its_headers_and_serves_a_bounded_number_of_connections(
) {
    let s = Setup::new().await;
    let api = free_addr();
    let (_bot, _) = http_process_with(
        &s,
        &["--api".into(), api.to_string()],
        &[
            ("LICENSEBOT_HTTP__HEADER_TIMEOUT_SECONDS", "1"),
            ("LICENSEBOT_HTTP__MAX_CONNECTIONS", "1"),
        ],
    )
    .await;
    // Headers begun and never finished: closed after the header timeout (1 s), well
    // within the bound.
    let mut slow = TcpStream::connect(api)
        .await
        .expect("connecting to the API");
    slow.write_all(
        b"POST /v1/keys HTTP/1.1\r\nHost: licensebot\r\nContent-Type: application/json\r\n",
    )
    .await
    .expect("writing part of the headers");
    let started = Instant::now();
    assert!(
        read_until_closed(&mut slow, WAIT).await.is_some(),
        "the API kept the connection of a client that never finished its headers for {WAIT:?}"
    );
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );

    // One connection at a time: a request on a second connection is answered only once the
    // first (idle, so closed after the header timeout) is gone.
    let mut idle = TcpStream::connect(api)
        .await
        .expect("connecting to the API");
    let waiting = tokio::spawn(async move {
        let answer = reqwest::Client::new()
            .get(format!("http://{api}/v1/openapi.json"))
            .send()
            .await
            .expect("the API answers in the end");
        (answer.status().as_u16(), Instant::now())
    });
    assert!(
        read_until_closed(&mut idle, WAIT).await.is_some(),
        "the API kept an idle connection for {WAIT:?}"
    );
    let idle_closed = Instant::now();
    let (status, answered) = tokio::time::timeout(WAIT, waiting)
        .await
        .expect("the waiting request is answered once a connection is free")
        .expect("the request task");
    assert_eq!(status, 200);
    // (a little slack for this task being scheduled late after the first closed)
    assert!(
        answered + Duration::from_millis(250) >= idle_closed,
        "the second connection was served {:?} before the first closed: more than one at a time",
        idle_closed - answered
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn healthz_with_the_database_away_says_unavailable_without_the_databases_error() {
    let s = Setup::new().await;
    let (bot, _) = http_process(&s, &[]).await;
    let server = crate::support::db::server().await;
    let mut admin = sqlx::PgConnection::connect(server)
        .await
        .expect("connecting to the maintenance database");
    let name = &s.db.name;
    sqlx::query(&format!(
        r#"ALTER DATABASE "{name}" ALLOW_CONNECTIONS false"#
    ))
    .execute(&mut admin)
    .await
    .expect("closing the database to new connections");
    sqlx::query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1")
        .bind(name)
        .execute(&mut admin)
        .await
        .expect("ending the database's connections");

    let response = reqwest::get(bot.url("/healthz")).await.expect("/healthz");
    assert_eq!(response.status().as_u16(), 503);
    let text = response.text().await.expect("a body");
    let body: serde_json::Value = serde_json::from_str(&text).expect("JSON");
    assert_eq!(body["status"], "unavailable", "{text}");
    let database = body["database"].as_str().expect("a database field");
    assert!(database.starts_with("unavailable"), "{text}");
    for secret in [
        name.as_str(),
        "postgres",
        "PostgreSQL",
        "accepting",
        "connections",
    ] {
        assert!(
            !text.to_lowercase().contains(&secret.to_lowercase()),
            "/healthz shows the database's error ({secret}): {text}"
        );
    }

    sqlx::query(&format!(
        r#"ALTER DATABASE "{name}" ALLOW_CONNECTIONS true"#
    ))
    .execute(&mut admin)
    .await
    .expect("opening the database again");
    let _ = admin.close().await;
}
