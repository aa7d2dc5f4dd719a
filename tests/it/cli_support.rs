//! The command line for support work: `guilds list`, `products edit`, and help text on
//! every flag.

use std::sync::Arc;

use chrono::{Days, Utc};
use clap::CommandFactory as _;
use licensebot::app::{App, Clock};
use licensebot::config::Settings;
use licensebot::domain::records::GuildId;
use licensebot::store::Store;
use serde_json::Value;

use crate::cli::Cli;
use crate::support::db::TestDb;

const CONTOSO: u64 = 730_000_000_000_000_101;
const FABRIKAM: u64 = 730_000_000_000_000_202;

fn app(db: &TestDb) -> App {
    App::assemble(
        Store::new(db.pool.clone()),
        Arc::new(Settings::default()),
        Clock::System,
    )
}

#[tokio::test]
async fn guilds_list_names_each_server_licensebot_knows_with_subscriptions_channel_and_language() {
    let db = TestDb::new().await;
    let app = app(&db);
    app.add_product("BUSINESS-STANDARD", "Business Standard", None)
        .await
        .unwrap();
    let ends = Utc::now().date_naive() + Days::new(30);
    for name in ["Contoso", "Contoso Labs"] {
        app.create_subscription(GuildId(CONTOSO), "BUSINESS-STANDARD", name, 5, ends)
            .await
            .unwrap();
    }
    app.set_notice_channel(GuildId(CONTOSO), 42).await.unwrap();
    app.set_guild_language(GuildId(CONTOSO), "nl")
        .await
        .unwrap();
    app.record_guild_name(GuildId(CONTOSO), "Contoso Ltd")
        .await
        .unwrap();
    // A server the bot joined, with nothing set up yet.
    app.record_guild_locale(GuildId(FABRIKAM), "en-US")
        .await
        .unwrap();

    let cli = Cli::with_database(&db.url);
    let run = cli.run(&["guilds", "list", "--json"]).await;
    assert!(run.success, "{}", run.stderr);
    let listed: Value = serde_json::from_str(&run.stdout).expect("JSON");
    assert_eq!(
        listed,
        serde_json::json!([
            {"id": CONTOSO.to_string(), "name": "Contoso Ltd", "subscriptions": 2,
             "notice_channel": "42", "language": "nl"},
            {"id": FABRIKAM.to_string(), "name": null, "subscriptions": 0,
             "notice_channel": null, "language": "en-US"},
        ])
    );
    let run = cli.run(&["guilds", "list"]).await;
    assert!(run.success, "{}", run.stderr);
    let contoso = run
        .stdout
        .lines()
        .find(|l| l.starts_with(&CONTOSO.to_string()))
        .expect("a line for Contoso");
    for shown in ["Contoso Ltd", "2", "42", "nl"] {
        assert!(contoso.contains(shown), "{contoso}");
    }
}

#[tokio::test]
async fn products_edit_renames_and_caps_a_product_by_the_rules_for_names() {
    let db = TestDb::new().await;
    let cli = Cli::with_database(&db.url);
    let added = cli
        .run(&[
            "products",
            "add",
            "--sku",
            "business-standard",
            "--name",
            "Business Std",
        ])
        .await;
    assert!(added.success, "{}", added.stderr);
    let edited = cli
        .run(&[
            "products",
            "edit",
            "BUSINESS-STANDARD",
            "--name",
            "  Business Standard ",
            "--max-seats",
            "300",
        ])
        .await;
    assert!(edited.success, "{}", edited.stderr);
    let product = app(&db)
        .list_products()
        .await
        .unwrap()
        .into_iter()
        .find(|p| p.sku == "BUSINESS-STANDARD")
        .expect("the product");
    assert_eq!(
        (product.name.as_str(), product.max_seats),
        ("Business Standard", Some(300))
    );

    // A hidden character is refused, like `products add` refuses it; nothing changes.
    let hidden = cli
        .run(&[
            "products",
            "edit",
            "BUSINESS-STANDARD",
            "--name",
            "Business\u{200B}Standard",
        ])
        .await;
    assert!(!hidden.success);
    assert_eq!(hidden.stderr.trim().lines().count(), 1, "{}", hidden.stderr);
    let unknown = cli
        .run(&["products", "edit", "NO-SUCH-SKU", "--name", "X"])
        .await;
    assert!(!unknown.success);
    assert!(unknown.stderr.contains("NO-SUCH-SKU"), "{}", unknown.stderr);
    let nothing = cli.run(&["products", "edit", "BUSINESS-STANDARD"]).await;
    assert!(
        !nothing.success,
        "an edit with nothing to change is refused"
    );
    let product = app(&db)
        .list_products()
        .await
        .unwrap()
        .into_iter()
        .find(|p| p.sku == "BUSINESS-STANDARD")
        .expect("the product");
    assert_eq!(
        (product.name.as_str(), product.max_seats),
        ("Business Standard", Some(300))
    );
}

#[test]
fn every_flag_and_argument_of_every_command_has_help_text() {
    fn walk(command: &clap::Command, path: &str, missing: &mut Vec<String>) {
        for arg in command.get_arguments() {
            let id = arg.get_id().as_str();
            if id == "help" || id == "version" {
                continue;
            }
            if arg.get_help().is_none() && arg.get_long_help().is_none() {
                missing.push(format!("{path} {id}"));
            }
        }
        for sub in command.get_subcommands() {
            walk(sub, &format!("{path} {}", sub.get_name()), missing);
        }
    }
    let mut missing = Vec::new();
    walk(&licensebot::cli::Cli::command(), "licensebot", &mut missing);
    assert!(missing.is_empty(), "flags without help: {missing:?}");
}
