//! The benchmark: licensebot against Discord's 3-second limit and against the ceiling of
//! its own redemption transaction on this machine's PostgreSQL.
//!
//! ```text
//! cargo run --release --example bench            # the full run (about 10 minutes)
//! cargo run --release --example bench -- --quick # every part, small (about a minute)
//! ```
//!
//! It builds `target/release/licensebot` first, runs it as a process of its own against a
//! fake Discord in this process and a database of its own (`licensebot_bench_<pid>` on
//! `postgres://postgres@127.0.0.1:5432`, or `--server URL`; dropped at the end), prints its
//! progress to stderr and the figures as Markdown to stdout and to
//! `target/bench/last-run.md`. See `docs/BENCHMARKS.md` for what each figure means.
//!
//! Options: `--quick`, `--no-large` (skip the 1,000,000-key database), `--no-baseline` (skip
//! the trivial-bot run), `--server URL`, `--bot-env NAME=VALUE` (more environment for the
//! bot, repeatable), `--bot FILE` (another build of licensebot), `--compare FILE` (measure
//! that build too, phase by phase in turn with this one, and print both side by side: the
//! way to tell what a change gained on a noisy machine), `--compare-pgbench FILE` (the
//! redemption transaction of that build, when its SQL differs), `--compare-env NAME=VALUE`
//! (more environment for that build only), `--no-build`, `--out FILE`.

// The program and its smoke test use different parts of the harness.
#[allow(dead_code)]
#[path = "harness.rs"]
mod harness;

use std::{path::PathBuf, time::Duration};

use anyhow::{bail, Context as _};
use sqlx::{Connection as _, Executor as _, PgConnection};

use harness::{report, Env, Plan, Progress};

struct Args {
    quick: bool,
    large: bool,
    baseline: bool,
    build: bool,
    server: String,
    bot_env: Vec<(String, String)>,
    bot: Option<PathBuf>,
    compare: Option<PathBuf>,
    compare_pgbench: Option<PathBuf>,
    compare_env: Vec<(String, String)>,
    out: Option<PathBuf>,
}

fn parse_args() -> anyhow::Result<Args> {
    let mut args = Args {
        quick: false,
        large: true,
        baseline: true,
        build: true,
        server: std::env::var("LICENSEBOT_BENCH_SERVER")
            .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432".into()),
        bot_env: Vec::new(),
        bot: None,
        compare: None,
        compare_pgbench: None,
        compare_env: Vec::new(),
        out: None,
    };
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--quick" => args.quick = true,
            "--no-large" => args.large = false,
            "--no-baseline" => args.baseline = false,
            "--no-build" => args.build = false,
            "--server" => args.server = it.next().context("--server needs a URL")?,
            "--out" => args.out = Some(it.next().context("--out needs a file")?.into()),
            "--compare" => args.compare = Some(it.next().context("--compare needs a file")?.into()),
            "--compare-pgbench" => {
                args.compare_pgbench =
                    Some(it.next().context("--compare-pgbench needs a file")?.into())
            }
            "--bot" => {
                args.bot = Some(it.next().context("--bot needs a file")?.into());
                args.build = false;
            }
            "--compare-env" => {
                let pair = it.next().context("--compare-env needs NAME=VALUE")?;
                let (name, value) = pair
                    .split_once('=')
                    .context("--compare-env needs NAME=VALUE")?;
                args.compare_env.push((name.to_string(), value.to_string()));
            }
            "--bot-env" => {
                let pair = it.next().context("--bot-env needs NAME=VALUE")?;
                let (name, value) = pair.split_once('=').context("--bot-env needs NAME=VALUE")?;
                args.bot_env.push((name.to_string(), value.to_string()));
            }
            other => bail!("unknown argument {other:?} (see the top of tests/bench/bench.rs)"),
        }
    }
    args.server = args.server.trim_end_matches('/').to_string();
    Ok(args)
}

fn main() -> anyhow::Result<()> {
    if std::env::args().nth(1).as_deref() == Some("--trivial-bot") {
        return trivial::main();
    }
    let args = parse_args()?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(bench(args))
}

async fn bench(args: Args) -> anyhow::Result<()> {
    let progress = Progress::new(false);
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    if args.build {
        progress.say("cargo build --release --bin licensebot");
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
        let status = std::process::Command::new(cargo)
            .args(["build", "--release", "--quiet", "--bin", "licensebot"])
            .env("SQLX_OFFLINE", "true")
            .current_dir(&root)
            .status()
            .context("running cargo build")?;
        anyhow::ensure!(
            status.success(),
            "cargo build --release --bin licensebot failed"
        );
    }
    let bot = args
        .bot
        .clone()
        .unwrap_or_else(|| root.join("target/release/licensebot"));
    anyhow::ensure!(
        bot.is_file(),
        "{} is missing (cargo build --release)",
        bot.display()
    );
    let pgbench = harness::pgbench::find();
    if pgbench.is_none() {
        progress.say("pgbench not found (apt-get install postgresql-contrib): part 3 is skipped");
    }

    let mut plan = if args.quick {
        Plan::quick()
    } else {
        Plan::full()
    };
    if !args.large {
        plan.large = None;
    }
    let workdir = tempfile::Builder::new()
        .prefix("licensebot-bench-")
        .tempdir()?;
    let mut subjects = Vec::new();
    if let Some(other) = &args.compare {
        let script = match &args.compare_pgbench {
            Some(file) => std::fs::read_to_string(file)
                .with_context(|| format!("reading {}", file.display()))?,
            None => harness::pgbench::SCRIPT.to_string(),
        };
        let mut env = args.bot_env.clone();
        env.extend(args.compare_env.iter().cloned());
        subjects.push(("before", other.clone(), script, env));
    }
    let name = if args.compare.is_some() { "after" } else { "" };
    subjects.push((
        name,
        bot,
        harness::pgbench::SCRIPT.to_string(),
        args.bot_env.clone(),
    ));
    let mut databases = Vec::new();
    let mut envs = Vec::new();
    for (i, (name, bot, pgbench_script, bot_env)) in subjects.into_iter().enumerate() {
        let database = BenchDatabase::create(&args.server, i).await?;
        progress.say(format!("database {} on {}", database.name, args.server));
        envs.push(Env {
            name: (!name.is_empty()).then(|| name.to_string()),
            bot,
            bot_env,
            database_url: database.url(),
            pgbench: pgbench.clone(),
            pgbench_script,
            workdir: workdir.path().to_path_buf(),
        });
        databases.push(database);
    }
    let postgres = databases[0].version().await.unwrap_or_default();
    let result = harness::run_each(&plan, &envs, &progress).await;
    for database in databases {
        database.drop().await;
    }
    let mut reports = result?;
    let report = reports.pop().context("no report")?;
    let baseline = if args.baseline {
        let me = std::env::current_exe()?;
        match harness::baseline(&plan, &me, &["--trivial-bot"], workdir.path(), &progress).await {
            Ok(b) => Some(b),
            Err(e) => {
                progress.say(format!("baseline failed: {e:#}"));
                None
            }
        }
    } else {
        None
    };
    let machine = report::Machine::gather(postgres);
    let mut command = String::from("cargo run --release --example bench");
    let extra: Vec<String> = std::env::args().skip(1).collect();
    if !extra.is_empty() {
        command.push_str(" -- ");
        command.push_str(&extra.join(" "));
    }
    let mut text = String::new();
    if let Some(before) = reports.pop() {
        text.push_str(&format!(
            "## Before and after, phase by phase in turn\n\nbefore: `{}`; after: `{}`\n\n",
            before.bot.display(),
            report.bot.display()
        ));
        text.push_str(&report::comparison(&before, &report, ("before", "after")));
        text.push_str("\n## Before\n\n");
        text.push_str(&report::markdown(&before, None, &machine, &command));
        text.push_str("\n## After\n\n");
    }
    text.push_str(&report::markdown(
        &report,
        baseline.as_ref(),
        &machine,
        &command,
    ));
    println!("{text}");
    let out = args
        .out
        .unwrap_or_else(|| root.join("target/bench/last-run.md"));
    if let Some(dir) = out.parent() {
        std::fs::create_dir_all(dir)?;
    }
    std::fs::write(&out, &text).with_context(|| format!("writing {}", out.display()))?;
    progress.say(format!("figures written to {}", out.display()));
    Ok(())
}

/// The benchmark's own database, dropped at the end (and, if a run was killed, by the next).
struct BenchDatabase {
    server: String,
    name: String,
}

const PREFIX: &str = "licensebot_bench_";

impl BenchDatabase {
    async fn create(server: &str, index: usize) -> anyhow::Result<BenchDatabase> {
        let mut admin = PgConnection::connect(&format!("{server}/postgres"))
            .await
            .with_context(|| format!("connecting to {server}/postgres"))?;
        // Databases of earlier runs that were killed: only ours, named by a process that is gone.
        let names: Vec<String> =
            sqlx::query_scalar("SELECT datname FROM pg_database WHERE starts_with(datname, $1)")
                .bind(PREFIX)
                .fetch_all(&mut admin)
                .await?;
        for name in names {
            let Some(pid) = name
                .strip_prefix(PREFIX)
                .and_then(|p| p.parse::<u32>().ok())
            else {
                continue;
            };
            if !PathBuf::from(format!("/proc/{pid}")).exists() {
                let _ = admin
                    .execute(format!(r#"DROP DATABASE IF EXISTS "{name}" WITH (FORCE)"#).as_str())
                    .await;
            }
        }
        let name = format!("{PREFIX}{}_{index}", std::process::id());
        admin
            .execute(format!(r#"DROP DATABASE IF EXISTS "{name}" WITH (FORCE)"#).as_str())
            .await?;
        admin
            .execute(format!(r#"CREATE DATABASE "{name}""#).as_str())
            .await
            .with_context(|| format!("creating {name}"))?;
        let _ = admin.close().await;
        Ok(BenchDatabase {
            server: server.to_string(),
            name,
        })
    }

    fn url(&self) -> String {
        format!("{}/{}", self.server, self.name)
    }

    async fn version(&self) -> anyhow::Result<String> {
        let mut conn = PgConnection::connect(&self.url()).await?;
        let v: String =
            sqlx::query_scalar("SELECT 'PostgreSQL ' || current_setting('server_version')")
                .fetch_one(&mut conn)
                .await?;
        let _ = conn.close().await;
        Ok(v)
    }

    async fn drop(self) {
        if let Ok(mut admin) = PgConnection::connect(&format!("{}/postgres", self.server)).await {
            let _ = tokio::time::timeout(
                Duration::from_secs(30),
                admin.execute(
                    format!(r#"DROP DATABASE IF EXISTS "{}" WITH (FORCE)"#, self.name).as_str(),
                ),
            )
            .await;
        }
    }
}

/// `bench --trivial-bot`: a serenity bot that registers licensebot's commands and answers
/// every interaction at once with a fixed answer — no database, no logic. Against it, the
/// open-loop load measures what the fake Discord, the gateway and serenity cost alone.
mod trivial {
    use anyhow::Context as _;
    use serenity::{
        all::{
            ButtonStyle, ClientBuilder, Command, Context, CreateActionRow,
            CreateAutocompleteResponse, CreateButton, CreateInteractionResponse,
            CreateInteractionResponseMessage, EventHandler, GatewayIntents, Interaction, Ready,
        },
        async_trait,
    };

    struct Trivial;

    #[async_trait]
    impl EventHandler for Trivial {
        async fn ready(&self, ctx: Context, _ready: Ready) {
            let commands = licensebot::discord::commands::definitions();
            if let Err(e) = Command::set_global_commands(&ctx.http, commands).await {
                eprintln!("registering commands: {e}");
            }
        }

        async fn interaction_create(&self, ctx: Context, interaction: Interaction) {
            let result = match &interaction {
                Interaction::Autocomplete(cmd) => {
                    let choices =
                        CreateAutocompleteResponse::new().add_string_choice("Contoso", "1");
                    cmd.create_response(&ctx.http, CreateInteractionResponse::Autocomplete(choices))
                        .await
                }
                Interaction::Command(cmd) => {
                    let id = uuid::Uuid::new_v4();
                    let buttons = CreateActionRow::Buttons(vec![
                        CreateButton::new(format!("order:{id}:redeem"))
                            .label("Redeem")
                            .style(ButtonStyle::Success),
                        CreateButton::new(format!("order:{id}:cancel"))
                            .label("Cancel")
                            .style(ButtonStyle::Danger),
                    ]);
                    let message = CreateInteractionResponseMessage::new()
                        .ephemeral(true)
                        .content("Review")
                        .components(vec![buttons]);
                    cmd.create_response(&ctx.http, CreateInteractionResponse::Message(message))
                        .await
                }
                Interaction::Component(click) => {
                    let update = CreateInteractionResponseMessage::new()
                        .content("Done")
                        .components(vec![]);
                    click
                        .create_response(
                            &ctx.http,
                            CreateInteractionResponse::UpdateMessage(update),
                        )
                        .await
                }
                _ => Ok(()),
            };
            if let Err(e) = result {
                eprintln!("answering: {e}");
            }
        }
    }

    pub fn main() -> anyhow::Result<()> {
        let token = std::env::var("DISCORD_TOKEN").context("DISCORD_TOKEN")?;
        let api = std::env::var("DISCORD_API_URL").context("DISCORD_API_URL")?;
        let runtime = tokio::runtime::Runtime::new()?;
        runtime.block_on(async {
            let http = licensebot::discord::http_client(&token, Some(&api));
            let mut client = ClientBuilder::new_with_http(http, GatewayIntents::GUILDS)
                .event_handler(Trivial)
                .await?;
            client
                .start()
                .await
                .context("the gateway connection failed")
        })
    }
}
