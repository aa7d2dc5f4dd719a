//! Taking back what was sold from the operator's command line, driving the real binary:
//! `keys show`, `keys reverse`, the reversal in `redemptions list`, and `subscriptions
//! suspend|resume`.

use std::sync::Arc;

use licensebot::app::{App, Clock, OpenOrder, SubscriptionRef};
use licensebot::config::Settings;
use licensebot::domain::{
    records::{GuildId, UserId},
    OrderKind,
};
use licensebot::store::Store;
use serde_json::Value;

use crate::{cli::Cli, support::db::TestDb};

const GUILD: GuildId = GuildId(770_000_000_000_000_001);
const ANA: UserId = UserId(870_000_000_000_000_001);

#[tokio::test]
async fn the_operator_shows_reverses_and_suspends_from_the_command_line() {
    let db = TestDb::new().await;
    let app = App::assemble(
        Store::new(db.pool.clone()),
        Arc::new(Settings::default()),
        Clock::System,
    );
    app.add_product("BUSINESS-STANDARD", "Business Standard", None)
        .await
        .unwrap();
    let sub = app
        .create_subscription(
            GUILD,
            "BUSINESS-STANDARD",
            "Contoso",
            10,
            chrono::Utc::now().date_naive() + chrono::Days::new(90),
        )
        .await
        .unwrap();
    let cli = Cli::with_database(&db.url);
    let minted = cli
        .ok(&[
            "keys",
            "generate",
            "--product",
            "BUSINESS-STANDARD",
            "--seats",
            "5",
            "--term",
            "12m",
            "--count",
            "2",
            "--batch",
            "may",
        ])
        .await;
    let keys: Vec<&str> = minted.lines().collect();
    let review = app
        .open_order(OpenOrder {
            guild: GUILD,
            user: ANA,
            locale: "en-US".into(),
            subscription: SubscriptionRef::Id(sub.id),
            kind: OrderKind::AddLicenses,
            keys: keys[0].to_string(),
        })
        .await
        .unwrap();
    app.redeem(GUILD, ANA, review.order.id).await.unwrap();

    let shown: Value =
        serde_json::from_str(&cli.ok(&["keys", "show", keys[0], keys[1], "--json"]).await).unwrap();
    assert_eq!(shown[0]["state"], "redeemed");
    assert_eq!(shown[0]["batch"], "may");
    assert_eq!(shown[0]["went_to"]["subscription"]["name"], "Contoso");
    assert_eq!(shown[1]["state"], "unused");
    assert!(!shown.to_string().contains(keys[0]), "masked");

    let reversed = cli
        .ok(&["keys", "reverse", keys[0], keys[1], "--reason", "refund 88"])
        .await;
    assert!(
        reversed.contains(&format!("{}  reversed", masked(keys[0]))),
        "{reversed}"
    );
    assert!(
        reversed.contains(&format!("{}  not_redeemed", masked(keys[1]))),
        "{reversed}"
    );
    assert!(reversed.ends_with("reversed 1 key\n"), "{reversed}");
    let again = cli.ok(&["keys", "reverse", keys[0]]).await;
    assert!(again.contains("already_reversed"), "{again}");
    let guild = GUILD.0.to_string();
    let ledger: Value = serde_json::from_str(
        &cli.ok(&["redemptions", "list", "--guild", &guild, "--json"])
            .await,
    )
    .unwrap();
    let reversal = ledger
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["kind"] == "reversal")
        .expect("the reversal is in the ledger");
    assert_eq!(reversal["reason"], "refund 88");
    assert_eq!(reversal["seats_before"], 15);
    assert_eq!(reversal["seats_after"], 10);

    let suspended = cli
        .ok(&[
            "subscriptions",
            "suspend",
            "--guild",
            &guild,
            "--subscription",
            "Contoso",
            "--reason",
            "chargeback",
        ])
        .await;
    assert_eq!(suspended, "suspended Contoso\n");
    let listed = cli.ok(&["subscriptions", "list", "--guild", &guild]).await;
    assert!(listed.contains("suspended"), "{listed}");
    let resumed = cli
        .ok(&[
            "subscriptions",
            "resume",
            "--guild",
            &guild,
            "--subscription",
            "Contoso",
        ])
        .await;
    assert_eq!(resumed, "resumed Contoso: active\n");
    let missing = cli
        .fails(&[
            "subscriptions",
            "suspend",
            "--guild",
            &guild,
            "--subscription",
            "Nope",
        ])
        .await;
    assert!(missing.contains("no such subscription"), "{missing}");
}

fn masked(key: &str) -> String {
    format!("•••••-•••••-•••••-•••••-{}", &key[key.len() - 5..])
}
