//! Running licensebot for real (PRODUCT.md "Running it for real"): `--version`, `doctor`,
//! `backup` / `restore`, `migrate --check` and the expand/contract rule for migrations.

use crate::cli::Cli;

#[tokio::test]
async fn version_names_the_release_and_the_commit_it_was_built_from() {
    let cli = Cli::with_database("postgres://nobody@127.0.0.1:1/none");
    let out = cli.ok(&["--version"]).await;
    let line = out.trim_end();
    let version = env!("CARGO_PKG_VERSION");
    let commit = std::process::Command::new("git")
        .args(["rev-parse", "--short", "HEAD"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string());
    match commit {
        Some(commit) => assert!(
            line.starts_with(&format!("licensebot {version} (commit {commit}")),
            "expected the version and commit {commit}, got {line:?}"
        ),
        None => assert_eq!(
            line,
            format!("licensebot {version} (built outside git)"),
            "a build outside git says so"
        ),
    }
}

mod doctor {
    use std::sync::Arc;

    use fake_discord::FakeDiscord;
    use licensebot::app::{App, Clock, SubscriptionRef};
    use licensebot::config::Settings;
    use licensebot::domain::records::{GuildId, UserId};
    use licensebot::store::Store;
    use serenity::all::{ChannelId, Permissions, RoleId};

    use crate::cli::{Cli, Run};
    use crate::support::db::TestDb;

    /// A deployment with nothing wrong: the fake Discord with one server (a notice channel,
    /// a license role linked to a subscription), the commands registered globally, and a
    /// migrated database that knows the server.
    struct Deployment {
        discord: FakeDiscord,
        db: TestDb,
        app: App,
        guild: serenity::all::GuildId,
        channel: ChannelId,
        role: RoleId,
    }

    impl Deployment {
        async fn healthy() -> Deployment {
            let discord = FakeDiscord::start()
                .await
                .expect("starting the fake Discord");
            let guild = discord.create_guild("Contoso", "en-US");
            let channel = discord.create_text_channel(guild, "licenses");
            let role = discord.create_role(guild, "Pro", Permissions::empty());
            discord.set_bot_permissions(
                guild,
                Permissions::VIEW_CHANNEL
                    | Permissions::SEND_MESSAGES
                    | Permissions::EMBED_LINKS
                    | Permissions::MANAGE_ROLES,
            );
            discord.set_role_position(guild, discord.bot_role(guild), 10);
            let db = TestDb::new().await;
            let app = App::assemble(
                Store::new(db.pool.clone()),
                Arc::new(Settings::default()),
                Clock::System,
            );
            let g = GuildId(guild.get());
            app.add_product("STANDARD", "Standard", None)
                .await
                .expect("a product");
            app.create_subscription(g, "STANDARD", "Contoso", 10, "2030-01-31".parse().unwrap())
                .await
                .expect("a subscription");
            app.set_notice_channel(g, channel.get())
                .await
                .expect("a notice channel");
            app.set_license_role(
                g,
                &SubscriptionRef::Name("Contoso".into()),
                Some(role.get()),
                UserId(1),
            )
            .await
            .expect("a linked role");
            let deployment = Deployment {
                discord,
                db,
                app,
                guild,
                channel,
                role,
            };
            deployment
                .register(licensebot::discord::commands::definitions(), None)
                .await;
            deployment
        }

        /// Registers `commands` globally, or in `guild`, as the bot does on start.
        async fn register(
            &self,
            commands: Vec<serenity::all::CreateCommand>,
            guild: Option<serenity::all::GuildId>,
        ) {
            let http = licensebot::discord::http_client(
                self.discord.token(),
                Some(&self.discord.api_url()),
            );
            http.set_application_id(self.discord.application_id());
            match guild {
                None => serenity::all::Command::set_global_commands(&http, commands)
                    .await
                    .map(drop),
                Some(guild) => guild.set_commands(&http, commands).await.map(drop),
            }
            .expect("registering commands");
        }

        fn cli(&self) -> Cli {
            Cli::with_database(&self.db.url)
                .with_env("DISCORD_TOKEN", self.discord.token())
                .with_env("DISCORD_API_URL", &self.discord.api_url())
        }

        async fn doctor(&self, args: &[&str]) -> Run {
            let mut all = vec!["doctor"];
            all.extend_from_slice(args);
            self.cli().run(&all).await
        }
    }

    /// `doctor` found exactly one problem, in one line on stdout that contains `expected`,
    /// and said so in one line on stderr; nothing looks like a stack trace.
    fn one_problem(run: &Run, expected: &str) -> String {
        assert!(!run.success, "doctor passed: {run:?}");
        let problems: Vec<&str> = run
            .stdout
            .lines()
            .filter(|l| l.starts_with("PROBLEM"))
            .collect();
        assert_eq!(problems.len(), 1, "expected one problem: {}", run.stdout);
        assert!(
            problems[0].contains(expected),
            "expected {expected:?} in {:?}",
            problems[0]
        );
        assert_eq!(
            run.stderr.trim_end(),
            "error: doctor found 1 problem",
            "stderr: {}",
            run.stderr
        );
        for line in run.stdout.lines() {
            assert!(
                line.starts_with("ok      ") || line.starts_with("PROBLEM "),
                "not a finding: {line:?}"
            );
        }
        assert!(
            !run.stdout.contains("panicked") && !run.stdout.contains("stack backtrace"),
            "{run:?}"
        );
        problems[0].to_string()
    }

    #[tokio::test]
    async fn doctor_finds_nothing_wrong_with_a_healthy_deployment() {
        let deployment = Deployment::healthy().await;
        let run = deployment.doctor(&[]).await;
        assert!(run.success, "doctor failed: {run:?}");
        for check in [
            "configuration:",
            "discord:",
            "clock:",
            "database:",
            "migrations:",
            "commands:",
            &format!("guild {}:", deployment.guild),
            "webhooks:",
        ] {
            assert!(
                run.stdout
                    .lines()
                    .any(|l| l.starts_with(&format!("ok      {check}"))),
                "no ok line for {check}: {}",
                run.stdout
            );
        }
        assert!(
            run.stdout.contains("may view, send and embed"),
            "{}",
            run.stdout
        );
        assert!(
            run.stdout.contains("1 linked license role"),
            "{}",
            run.stdout
        );

        let json = deployment
            .doctor(&["--json", "--guild", &deployment.guild.to_string()])
            .await;
        assert!(json.success, "doctor --json failed: {json:?}");
        let findings: serde_json::Value =
            serde_json::from_str(&json.stdout).expect("doctor --json prints JSON");
        let findings = findings.as_array().expect("a list of findings");
        assert!(findings.len() >= 8, "{findings:?}");
        assert!(findings.iter().all(|f| f["ok"] == true), "{findings:?}");
    }

    #[tokio::test]
    async fn doctor_says_in_one_line_that_discord_refuses_the_token() {
        let deployment = Deployment::healthy().await;
        let run = deployment
            .cli()
            .with_env("DISCORD_TOKEN", "not-the-bot-token")
            .run(&["doctor"])
            .await;
        one_problem(
            &run,
            "discord: Discord refused DISCORD_TOKEN (401 Unauthorized)",
        );
    }

    #[tokio::test]
    async fn doctor_says_in_one_line_that_the_database_is_down() {
        let deployment = Deployment::healthy().await;
        let run = deployment
            .cli()
            .with_env("DATABASE_URL", "postgres://postgres@127.0.0.1:1/licensebot")
            .run(&["doctor"])
            .await;
        one_problem(&run, "database: cannot connect");
    }

    #[tokio::test]
    async fn doctor_and_migrate_check_refuse_a_schema_newer_than_the_binary() {
        let deployment = Deployment::healthy().await;
        sqlx::query(
            "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time)
             VALUES (99991231000000, 'from a newer release', true, '\\x00', 1)",
        )
        .execute(&deployment.db.pool)
        .await
        .expect("recording a migration from the future");
        let run = deployment.doctor(&[]).await;
        one_problem(
            &run,
            "migrations: the schema is newer than this binary: 1 migration(s) it does not know (newest 99991231000000)",
        );
        let line = deployment.cli().fails(&["migrate", "--check"]).await;
        assert!(
            line.contains("the schema is newer than this binary"),
            "{line}"
        );
    }

    #[tokio::test]
    async fn doctor_and_migrate_check_name_a_pending_migration() {
        let deployment = Deployment::healthy().await;
        let current = deployment.cli().ok(&["migrate", "--check"]).await;
        assert!(
            current.starts_with("database schema is up to date"),
            "{current}"
        );
        let newest: i64 = sqlx::query_scalar(
            "DELETE FROM _sqlx_migrations
              WHERE version = (SELECT max(version) FROM _sqlx_migrations) RETURNING version",
        )
        .fetch_one(&deployment.db.pool)
        .await
        .expect("forgetting the newest migration");
        let run = deployment.doctor(&[]).await;
        let line = one_problem(&run, "migrations: 1 pending");
        assert!(line.contains(&newest.to_string()), "{line}");
        assert!(line.contains("run `licensebot migrate`"), "{line}");
        let check = deployment.cli().run(&["migrate", "--check"]).await;
        assert!(!check.success, "{check:?}");
        assert!(
            check.stdout.starts_with(&format!("pending {newest}_")),
            "{check:?}"
        );
        assert_eq!(
            check.stderr.trim_end(),
            "error: 1 migration(s) pending; `licensebot migrate` applies them"
        );
    }

    #[tokio::test]
    async fn doctor_notices_commands_that_differ_from_the_binarys_list() {
        let deployment = Deployment::healthy().await;
        let mut fewer = licensebot::discord::commands::definitions();
        fewer.pop();
        let left_out = licensebot::discord::commands::COMMANDS
            .last()
            .map(|c| c.name)
            .expect("commands");
        deployment.register(fewer, None).await;
        let run = deployment.doctor(&[]).await;
        one_problem(
            &run,
            &format!("commands: global: /{left_out} is not registered; start the bot"),
        );
    }

    #[tokio::test]
    async fn doctor_reads_a_servers_commands_where_none_are_global() {
        let deployment = Deployment::healthy().await;
        deployment.register(Vec::new(), None).await;
        let run = deployment.doctor(&[]).await;
        one_problem(&run, "none registered globally or in Contoso");
        deployment
            .register(
                licensebot::discord::commands::definitions(),
                Some(deployment.guild),
            )
            .await;
        let run = deployment.doctor(&[]).await;
        assert!(run.success, "{run:?}");
        assert!(
            run.stdout
                .contains("commands registered in Contoso are this binary's"),
            "{}",
            run.stdout
        );
    }

    #[tokio::test]
    async fn doctor_notices_a_deleted_notice_channel() {
        let deployment = Deployment::healthy().await;
        deployment.discord.delete_channel(deployment.channel);
        let run = deployment.doctor(&[]).await;
        one_problem(
            &run,
            &format!(
                "Contoso: the notice channel {} no longer exists",
                deployment.channel
            ),
        );
    }

    #[tokio::test]
    async fn doctor_names_the_permissions_the_bot_lacks_in_the_notice_channel() {
        let deployment = Deployment::healthy().await;
        deployment.discord.set_channel_overwrite(
            deployment.channel,
            fake_discord::OverwriteTarget::Role(deployment.discord.everyone_role(deployment.guild)),
            Permissions::empty(),
            Permissions::EMBED_LINKS | Permissions::SEND_MESSAGES,
        );
        let run = deployment.doctor(&[]).await;
        one_problem(
            &run,
            &format!(
                "the bot lacks Send Messages, Embed Links in notice channel {}",
                deployment.channel
            ),
        );
    }

    #[tokio::test]
    async fn doctor_notices_a_missing_notice_channel_setting() {
        let deployment = Deployment::healthy().await;
        let other = deployment.discord.create_guild("Fabrikam", "nl");
        let run = deployment.doctor(&[]).await;
        one_problem(&run, &format!("guild {other}: Fabrikam: no notice channel"));
        // Checking Contoso alone finds nothing wrong.
        let run = deployment
            .doctor(&["--guild", &deployment.guild.to_string()])
            .await;
        assert!(run.success, "{run:?}");
    }

    #[tokio::test]
    async fn doctor_says_when_the_bot_is_not_in_the_server_asked_about() {
        let deployment = Deployment::healthy().await;
        let run = deployment.doctor(&["--guild", "123456789012345678"]).await;
        one_problem(
            &run,
            "guild 123456789012345678: the bot is not in this server",
        );
    }

    #[tokio::test]
    async fn doctor_notices_the_bot_without_manage_roles() {
        let deployment = Deployment::healthy().await;
        deployment
            .discord
            .set_bot_permissions(deployment.guild, Permissions::VIEW_CHANNEL);
        let run = deployment.doctor(&[]).await;
        one_problem(
            &run,
            &format!(
                "linked license role {} cannot be given: the bot lacks Manage Roles",
                deployment.role
            ),
        );
    }

    #[tokio::test]
    async fn doctor_notices_a_linked_role_above_the_bots() {
        let deployment = Deployment::healthy().await;
        let bot_role = deployment.discord.bot_role(deployment.guild);
        let above = deployment
            .discord
            .role_position(deployment.guild, bot_role)
            .expect("the bot's role")
            + 1;
        deployment
            .discord
            .set_role_position(deployment.guild, deployment.role, above);
        let run = deployment.doctor(&[]).await;
        one_problem(
            &run,
            &format!(
                "linked license role {} cannot be given: it is not below the bot's highest role",
                deployment.role
            ),
        );
    }

    #[tokio::test]
    async fn doctor_notices_a_clock_more_than_ten_seconds_off() {
        let deployment = Deployment::healthy().await;
        deployment.discord.set_clock_skew(-60);
        let run = deployment.doctor(&[]).await;
        let line = one_problem(&run, "clock: this machine's clock is");
        assert!(line.contains("s ahead of Discord's"), "{line}");
        deployment.discord.set_clock_skew(5);
        let run = deployment.doctor(&[]).await;
        assert!(run.success, "5 s off is within the tolerance: {run:?}");
    }

    #[tokio::test]
    async fn doctor_lists_webhook_endpoints_with_failed_deliveries() {
        let deployment = Deployment::healthy().await;
        let (endpoint, _) = deployment
            .app
            .add_webhook(
                "https://shop.example/hooks",
                None,
                licensebot::domain::PrivateTargets::Refused,
            )
            .await
            .expect("an endpoint");
        deployment
            .app
            .ping_webhook(endpoint.id)
            .await
            .expect("a delivery");
        sqlx::query(
            "UPDATE webhook_deliveries SET state = 'failed', finished_at = now(), attempts = 9",
        )
        .execute(&deployment.db.pool)
        .await
        .expect("giving the delivery up");
        let run = deployment.doctor(&[]).await;
        one_problem(
            &run,
            &format!(
                "webhooks: endpoint {} (https://shop.example/hooks): 1 failed",
                endpoint.id
            ),
        );
    }
}

mod backup {
    use std::sync::Arc;

    use licensebot::app::{App, Clock, OpenOrder, SubscriptionRef};
    use licensebot::config::Settings;
    use licensebot::domain::{
        records::{GuildId, UserId},
        OrderKind,
    };
    use licensebot::store::Store;
    use sqlx::PgPool;

    use crate::cli::Cli;
    use crate::support::db::TestDb;

    const GUILD: u64 = 740_000_000_000_000_001;

    /// A database with a row in as many tables as the use cases reach: the catalogue, a
    /// subscription, keys, a redemption, a refused attempt, settings, a linked role and an
    /// assigned license, an API token, a webhook endpoint with a delivery.
    async fn lived_in() -> TestDb {
        let db = TestDb::new().await;
        let cli = Cli::with_database(&db.url);
        cli.ok(&["products", "add", "--sku", "STANDARD", "--name", "Standard"])
            .await;
        cli.ok(&[
            "subscriptions",
            "create",
            "--guild",
            &GUILD.to_string(),
            "--product",
            "STANDARD",
            "--name",
            "Contoso",
            "--seats",
            "5",
            "--ends",
            "2030-01-31",
        ])
        .await;
        let keys = cli
            .ok(&[
                "keys",
                "generate",
                "--product",
                "STANDARD",
                "--seats",
                "5",
                "--term",
                "12m",
                "--count",
                "3",
                "--batch",
                "launch",
            ])
            .await;
        let key = keys.lines().next().expect("a key").to_string();
        cli.ok(&["api-tokens", "create", "--name", "shop"]).await;
        let added = cli
            .ok(&["webhooks", "add", "https://shop.example/hooks"])
            .await;
        let endpoint = added
            .split_whitespace()
            .nth(3)
            .expect("the endpoint id")
            .to_string();
        cli.ok(&["webhooks", "test", &endpoint]).await;

        let app = App::assemble(
            Store::new(db.pool.clone()),
            Arc::new(Settings::default()),
            Clock::System,
        );
        let admin = UserId(840_000_000_000_000_002);
        let order = |keys: String| OpenOrder {
            guild: GuildId(GUILD),
            user: admin,
            locale: "en-US".into(),
            subscription: SubscriptionRef::Name("Contoso".into()),
            kind: OrderKind::AddLicenses,
            keys,
        };
        assert!(app
            .open_order(order("AAAAA-AAAAA-AAAAA-AAAAA-AAAAA".into()))
            .await
            .is_err());
        let review = app.open_order(order(key)).await.expect("an order");
        app.redeem(GuildId(GUILD), admin, review.order.id)
            .await
            .expect("a redemption");
        app.set_notice_channel(GuildId(GUILD), 740_000_000_000_000_010)
            .await
            .expect("a notice channel");
        app.set_license_role(
            GuildId(GUILD),
            &SubscriptionRef::Name("Contoso".into()),
            Some(740_000_000_000_000_020),
            admin,
        )
        .await
        .expect("a linked role");
        db
    }

    /// Every table of `public`, each as its rows in JSON, in one order.
    async fn every_row(pool: &PgPool) -> Vec<(String, String)> {
        let tables: Vec<String> = sqlx::query_scalar(
            "SELECT table_name::text FROM information_schema.tables
              WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY 1",
        )
        .fetch_all(pool)
        .await
        .expect("listing tables");
        let mut all = Vec::new();
        for table in tables {
            let rows: String = sqlx::query_scalar(&format!(
                r#"SELECT coalesce(json_agg(row_to_json(t) ORDER BY row_to_json(t)::text), '[]')::text
                     FROM "{table}" t"#
            ))
            .fetch_one(pool)
            .await
            .unwrap_or_else(|e| panic!("reading {table}: {e}"));
            all.push((table, rows));
        }
        all
    }

    /// A database with nothing in it (no table in `public`).
    async fn empty() -> TestDb {
        let db = TestDb::new().await;
        sqlx::query("DROP SCHEMA public CASCADE")
            .execute(&db.pool)
            .await
            .expect("emptying the database");
        sqlx::query("CREATE SCHEMA public")
            .execute(&db.pool)
            .await
            .expect("emptying the database");
        db
    }

    #[tokio::test]
    async fn a_backup_restored_into_an_empty_database_keeps_every_row_of_every_table() {
        let source = lived_in().await;
        let before = every_row(&source.pool).await;
        let filled = before.iter().filter(|(_, rows)| rows != "[]").count();
        assert!(
            filled >= 12,
            "expected rows in most tables, got {filled}: {:?}",
            before.iter().map(|(t, r)| (t, r.len())).collect::<Vec<_>>()
        );
        let dir = tempfile::tempdir().expect("a directory");
        let file = dir.path().join("licensebot.dump");
        let file_arg = file.to_string_lossy().to_string();
        let out = Cli::with_database(&source.url)
            .ok(&["backup", &file_arg])
            .await;
        assert!(out.starts_with("backed up the database to "), "{out}");

        let target = empty().await;
        let out = Cli::with_database(&target.url)
            .ok(&["restore", &file_arg])
            .await;
        assert!(out.contains("database schema is up to date"), "{out}");
        let after = every_row(&target.pool).await;
        assert_eq!(
            after.iter().map(|(t, _)| t).collect::<Vec<_>>(),
            before.iter().map(|(t, _)| t).collect::<Vec<_>>(),
            "the same tables"
        );
        for ((table, rows_before), (_, rows_after)) in before.iter().zip(&after) {
            assert_eq!(
                rows_after, rows_before,
                "table {table} differs after the round trip"
            );
        }
        // The restored database serves the bot as it is.
        let check = Cli::with_database(&target.url)
            .ok(&["migrate", "--check"])
            .await;
        assert!(
            check.starts_with("database schema is up to date"),
            "{check}"
        );
    }

    #[tokio::test]
    async fn restore_refuses_a_database_that_is_not_empty_and_changes_nothing() {
        let source = lived_in().await;
        let dir = tempfile::tempdir().expect("a directory");
        let file = dir.path().join("licensebot.dump");
        let file_arg = file.to_string_lossy().to_string();
        Cli::with_database(&source.url)
            .ok(&["backup", &file_arg])
            .await;
        let target = TestDb::new().await;
        Cli::with_database(&target.url)
            .ok(&["products", "add", "--sku", "OTHER", "--name", "Other"])
            .await;
        let before = every_row(&target.pool).await;
        let line = Cli::with_database(&target.url)
            .fails(&["restore", &file_arg])
            .await;
        assert!(
            line.starts_with("error: the database is not empty ("),
            "{line}"
        );
        assert!(line.ends_with("nothing was changed"), "{line}");
        assert_eq!(every_row(&target.pool).await, before);
    }

    #[tokio::test]
    async fn restore_refuses_a_file_that_is_not_a_backup_and_changes_nothing() {
        let dir = tempfile::tempdir().expect("a directory");
        let file = dir.path().join("keys.csv");
        std::fs::write(&file, "key,product,seats,term\n").expect("a file");
        let truncated = dir.path().join("truncated.dump");
        std::fs::write(&truncated, b"PGDMP\x01\x0e\x00").expect("a file");
        let target = empty().await;
        for file in [file, truncated] {
            let line = Cli::with_database(&target.url)
                .fails(&["restore", &file.to_string_lossy()])
                .await;
            assert!(
                line.contains("is not a licensebot backup")
                    || line.contains("is not a readable backup"),
                "{line}"
            );
            assert!(line.ends_with("nothing was changed"), "{line}");
            assert!(every_row(&target.pool).await.is_empty());
        }
    }

    #[tokio::test]
    async fn backup_never_overwrites_a_file() {
        let db = TestDb::new().await;
        let dir = tempfile::tempdir().expect("a directory");
        let file = dir.path().join("licensebot.dump");
        std::fs::write(&file, "precious").expect("a file");
        let line = Cli::with_database(&db.url)
            .fails(&["backup", &file.to_string_lossy()])
            .await;
        assert!(line.contains("already exists"), "{line}");
        assert_eq!(
            std::fs::read_to_string(&file).expect("the file"),
            "precious"
        );
    }
}

/// The expand/contract rule of docs/DEPLOYMENT.md: a release's migrations keep the previous
/// release's binary working, so replicas can be replaced one at a time. Every migration
/// after [`BASELINE`] (the newest when the rule was written down) is read for statements
/// that take something away that a previous binary may still use; such a migration must
/// say so and why with a `-- contract: <reason>` line (it then belongs a release after the
/// one that stopped using what it removes).
mod migrations_rule {
    use std::path::Path;

    /// The newest migration when the rule was written down; older ones are not read.
    const BASELINE: &str = "20261129007000";

    /// Migrations after the baseline that contract without the marker, reviewed and let
    /// through, each with its reason. Adding to this list is a decision to be argued in
    /// review, never a way to make the test pass.
    const REVIEWED: &[(&str, &str)] = &[(
        "20261208000010",
        "drops subscriptions_guild_name, which the previous release's subscription insert \
         names in ON CONFLICT; 20261208000020 creates it again until the release after this \
         one contracts it",
    )];

    /// What a migration may not do to a schema a previous binary still uses, as
    /// (pattern, what it is), read on the upper-cased text without comments, with
    /// whitespace collapsed.
    fn contracting(sql: &str) -> Vec<String> {
        let text = sql
            .lines()
            .map(|line| line.split("--").next().unwrap_or_default())
            .collect::<Vec<_>>()
            .join(" ")
            .to_uppercase();
        let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
        let words: Vec<&str> = text.split(' ').collect();
        let mut found = Vec::new();
        let mut note = |what: String| {
            if !found.contains(&what) {
                found.push(what);
            }
        };
        for (i, pair) in words.windows(2).enumerate() {
            let next = |n: usize| {
                words
                    .get(i + n)
                    .map(|w| w.trim_end_matches([';', ',', '(']).to_string())
                    .unwrap_or_default()
            };
            match (pair[0], pair[1].trim_end_matches(';')) {
                ("DROP", what @ ("TABLE" | "COLUMN" | "INDEX" | "VIEW" | "TYPE" | "SCHEMA")) => {
                    note(format!("DROP {what}"))
                }
                ("DROP", "FUNCTION") if !next(2).starts_with("PG_TEMP.") => {
                    note("DROP FUNCTION".into())
                }
                ("DROP", "CONSTRAINT") => {
                    // A named CHECK replaced in the same migration (a new reason or kind,
                    // STYLE.md 17) widens it: only a drop without the replacement contracts.
                    let mut name = next(2);
                    if name == "IF" {
                        name = next(4);
                    }
                    if !text.contains(&format!("ADD CONSTRAINT {name} ")) {
                        note("DROP CONSTRAINT (not replaced)".into())
                    }
                }
                (_, "RENAME") => note("RENAME".into()),
                ("SET", "NOT") if next(2) == "NULL" => note("SET NOT NULL".into()),
                ("SET", "DATA") if next(2) == "TYPE" => note("ALTER COLUMN … TYPE".into()),
                ("ALTER", "COLUMN") if next(3) == "TYPE" => note("ALTER COLUMN … TYPE".into()),
                ("ADD", "COLUMN") => {
                    // A NOT NULL column without a default refuses the previous binary's
                    // inserts, which do not name it.
                    let mut clause = Vec::new();
                    for word in &words[i..] {
                        clause.push(*word);
                        if word.ends_with(',') || word.ends_with(';') {
                            break;
                        }
                    }
                    let clause = clause.join(" ");
                    if clause.contains("NOT NULL") && !clause.contains("DEFAULT") {
                        note("ADD COLUMN … NOT NULL without a DEFAULT".into())
                    }
                }
                _ => {}
            }
        }
        found
    }

    /// The previous release's subscription insert (`ON CONFLICT (guild_id, lower(name))`,
    /// src/store/subscriptions.rs before 20261208000010) still runs on the schema this
    /// release migrates to: the one statement the baseline's binary runs that a migration
    /// of this release took its index from.
    #[tokio::test]
    async fn the_previous_releases_subscription_insert_runs_on_this_releases_schema() {
        let db = crate::support::db::TestDb::new().await;
        sqlx::query("INSERT INTO products (sku, name) VALUES ('STANDARD', 'Standard')")
            .execute(&db.pool)
            .await
            .expect("a product");
        let insert = r#"WITH s AS (
                   INSERT INTO subscriptions (guild_id, product_sku, name, seats, ends_on)
                   VALUES ($1, $2, $3, $4, $5)
                   ON CONFLICT (guild_id, lower(name)) DO NOTHING
                   RETURNING id, guild_id, product_sku, name, seats, ends_on)
               SELECT s.id, s.guild_id, s.product_sku, s.name, s.seats, s.ends_on,
                      p.name AS product_name, p.max_seats
               FROM s JOIN products p ON p.sku = s.product_sku"#;
        let ends: chrono::NaiveDate = "2030-01-31".parse().expect("a date");
        for (name, created) in [("Contoso", 1), ("CONTOSO", 0)] {
            let rows = sqlx::query(insert)
                .bind(750_000_000_000_000_001_i64)
                .bind("STANDARD")
                .bind(name)
                .bind(5_i32)
                .bind(ends)
                .fetch_all(&db.pool)
                .await
                .unwrap_or_else(|e| panic!("the previous release's insert of {name}: {e}"));
            assert_eq!(rows.len(), created, "{name}");
        }
    }

    /// `-- contract: <reason>` with a reason.
    fn marked_contract(sql: &str) -> bool {
        sql.lines().any(|line| {
            line.trim()
                .strip_prefix("-- contract:")
                .is_some_and(|reason| !reason.trim().is_empty())
        })
    }

    #[test]
    fn migrations_after_the_baseline_only_expand_unless_marked_as_a_contract() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations");
        let mut names: Vec<String> = std::fs::read_dir(&dir)
            .expect("the migrations directory")
            .filter_map(Result::ok)
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".sql"))
            .collect();
        names.sort();
        assert!(
            names.iter().any(|n| n.starts_with(BASELINE)),
            "the baseline migration {BASELINE} is gone"
        );
        let mut violations = Vec::new();
        for name in names
            .iter()
            .filter(|n| n.as_str() > BASELINE && !n.starts_with(BASELINE))
        {
            let sql = std::fs::read_to_string(dir.join(name)).expect("a migration");
            let found = contracting(&sql);
            let reviewed = REVIEWED.iter().any(|(n, _)| name.starts_with(n));
            if !found.is_empty() && !marked_contract(&sql) && !reviewed {
                violations.push(format!("{name}: {}", found.join(", ")));
            }
        }
        assert!(
            violations.is_empty(),
            "migrations that contract the schema without a `-- contract: <reason>` line \
             (docs/DEPLOYMENT.md, expand/contract): {violations:?}"
        );
    }

    #[test]
    fn the_rule_tells_expanding_statements_from_contracting_ones() {
        for expands in [
            "ALTER TABLE orders ADD COLUMN note text;",
            "ALTER TABLE orders ADD COLUMN tries int NOT NULL DEFAULT 0;",
            "CREATE TABLE t (id bigint PRIMARY KEY, name text NOT NULL);",
            "CREATE INDEX orders_note ON orders (note);",
            "ALTER TABLE t DROP CONSTRAINT t_kind_check,\n  ADD CONSTRAINT t_kind_check CHECK (kind IN ('a', 'b'));",
            "DROP FUNCTION pg_temp.clean(text);",
            "-- we never DROP TABLE here\nSELECT 1;",
        ] {
            assert_eq!(contracting(expands), Vec::<String>::new(), "{expands}");
        }
        for (contracts, what) in [
            ("ALTER TABLE orders DROP COLUMN note;", "DROP COLUMN"),
            ("DROP TABLE old_things;", "DROP TABLE"),
            ("ALTER TABLE orders RENAME COLUMN a TO b;", "RENAME"),
            (
                "ALTER TABLE orders ALTER COLUMN seats TYPE bigint;",
                "ALTER COLUMN … TYPE",
            ),
            (
                "ALTER TABLE orders ALTER COLUMN note SET NOT NULL;",
                "SET NOT NULL",
            ),
            (
                "ALTER TABLE orders DROP CONSTRAINT orders_kind_check;",
                "DROP CONSTRAINT (not replaced)",
            ),
            ("DROP INDEX subscriptions_guild_name;", "DROP INDEX"),
            (
                "ALTER TABLE orders ADD COLUMN tries int NOT NULL;",
                "ADD COLUMN … NOT NULL without a DEFAULT",
            ),
        ] {
            assert_eq!(
                contracting(contracts),
                vec![what.to_string()],
                "{contracts}"
            );
        }
        assert!(marked_contract(
            "-- contract: orders.note unused since 0.3\nALTER TABLE orders DROP COLUMN note;"
        ));
        assert!(!marked_contract(
            "-- contract:\nALTER TABLE orders DROP COLUMN note;"
        ));
    }
}
