//! `cargo run --example walkthrough`: licensebot end to end on one machine, with nothing
//! to set up. It starts the fake Discord (tests/fake-discord), the real bot in this process
//! and a database, lets the operator create a product and keys, plays an admin's session
//! (/subscriptions, none yet; /activate, starting the subscription with a key; Redeem;
//! /subscriptions; /add-licenses with a mistyped key, then the right one; Add another
//! product key; Redeem; /extend; Redeem; /redemptions; then licenses for people: a small
//! subscription activated for a team, a role linked to it, two members assigned, one who
//! asks and is approved, the subscription out of licenses, and the members' roles in
//! Discord) and prints it to stdout as a chat transcript, notices and direct messages
//! included. Logs go to stderr (`RUST_LOG`, default `warn`).
//!
//! The database is `DATABASE_URL` when it is set in the environment; otherwise the
//! walkthrough's own private PostgreSQL cluster (see `session::walkthrough_data_dir`),
//! which needs the PostgreSQL server binaries installed; a run that started it stops it
//! again at the end (its data stays for the next run). `.env` is deliberately not read: it names a developer's database (for the sqlx
//! macros and the bot), which a demo should not write into unasked, and a fresh clone has
//! none, so the walkthrough behaves the same on every machine. To use a server anyway:
//! `DATABASE_URL=postgres://… cargo run --example walkthrough`.

mod session;

use std::{process::ExitCode, time::Instant};

use tracing_subscriber::EnvFilter;

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(EnvFilter::try_from_default_env().unwrap_or_else(|_| "warn".into()))
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .init();
    let started = Instant::now();
    let database_url = std::env::var("DATABASE_URL")
        .ok()
        .filter(|url| !url.trim().is_empty());
    let transcript = match session::play(database_url, &mut std::io::stdout()).await {
        Ok(transcript) => transcript,
        Err(e) => {
            eprintln!("error: {e:#}");
            return ExitCode::FAILURE;
        }
    };
    // The transcript may be pasted anywhere: make sure no key got into it.
    let leaked = transcript
        .minted_keys
        .iter()
        .any(|key| transcript.text.contains(key.as_str()));
    if leaked {
        eprintln!("error: a full product key appears in the transcript");
        return ExitCode::FAILURE;
    }
    if !transcript.problems.is_empty() {
        for problem in &transcript.problems {
            eprintln!("problem: {problem}");
        }
        return ExitCode::FAILURE;
    }
    eprintln!(
        "walkthrough done in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    ExitCode::SUCCESS
}
