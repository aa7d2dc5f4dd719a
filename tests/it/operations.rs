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
            .add_webhook("https://shop.example/hooks", None)
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
