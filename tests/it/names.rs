//! Names people type (PRODUCT.md): stored NFKC and free of hidden characters, unique by
//! their normalised, case-folded form, and shown in Discord as text, never as markup or a
//! mention. End to end against the fake Discord, over HTTP against the API, through the
//! CLI, and a database that held look-alike names before the rule.

use chrono::Days;
use serde_json::json;

use crate::{
    cli::Cli,
    support::{
        api::Api,
        db::TestDb,
        world::{answer, today, World},
    },
};

/// A product name a token with `catalogue:write` could send, meant to read as a message of
/// licensebot's own: bold text, a ping of everyone, a masked link.
const PRODUCT: &str =
    "Pro **licensebot: your licenses were revoked @everyone** [renew here](https://evil.example)";
/// The same as Discord must be sent it: every markdown character escaped, the mention
/// broken, the link's scheme escaped.
const PRODUCT_SHOWN: &str = "Pro \\*\\*licensebot\\: your licenses were revoked @\u{200B}everyone\\*\\* \\[renew here\\]\\(https\\://evil.example\\)";
const SUBSCRIPTION: &str = "__Fake__ <@&1> ~~x~~";
const SUBSCRIPTION_SHOWN: &str = "\\_\\_Fake\\_\\_ \\<@\u{200B}&1\\> \\~\\~x\\~\\~";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn names_with_markup_and_mentions_are_shown_as_text_in_the_review_the_notice_and_the_listing()
{
    let world = World::new().await;
    world
        .app
        .add_product("MARKUP", PRODUCT, None)
        .await
        .expect("markup is text, a name may hold it");
    world
        .app
        .create_subscription(
            world.guild_id(),
            "MARKUP",
            SUBSCRIPTION,
            10,
            today() + Days::new(60),
        )
        .await
        .expect("the subscription is created");
    let key = world.keys("MARKUP", 5, "12m", 1).await.remove(0);

    let (run, review) = world
        .order(world.admin, "en-US", "add-licenses", SUBSCRIPTION, &key)
        .await;
    let text = review.text();
    assert!(
        text.contains(&format!("{SUBSCRIPTION_SHOWN} ({PRODUCT_SHOWN})")),
        "the review shows both names as text: {text}"
    );
    let receipt = answer(&run.click("Redeem").await.unwrap()).await;
    assert!(
        receipt.text().contains(SUBSCRIPTION_SHOWN),
        "{}",
        receipt.text()
    );

    let notices = world.wait_notices(1).await;
    let notice = &notices.first().expect("the redemption's notice").content;
    assert_eq!(
        notice,
        &format!(
            "<@{}> added 5 licenses to *{SUBSCRIPTION_SHOWN}*: 10 → 15 licenses (1 product key).",
            world.admin
        )
    );
    for live in ["__Fake__", "<@&1>", "~~x~~", "@everyone"] {
        assert!(!notice.contains(live), "{live} is live in {notice}");
    }

    let run = world
        .fake
        .as_member(world.guild, world.admin)
        .command("subscriptions")
        .send()
        .await
        .unwrap();
    let listing = answer(&run).await;
    let fields = listing.embeds[0]["fields"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let field = fields
        .iter()
        .find(|f| f["name"].as_str().is_some_and(|n| n.contains("Fake")))
        .expect("the subscription is listed");
    assert_eq!(field["name"], SUBSCRIPTION_SHOWN);
    let value = field["value"].as_str().unwrap_or_default();
    assert!(value.contains(PRODUCT_SHOWN), "{value}");
    assert!(!value.contains("@everyone"), "{value}");
}

#[tokio::test]
async fn a_product_name_with_a_line_break_a_nul_or_a_hidden_character_is_a_422_naming_the_field() {
    let db = TestDb::new().await;
    let app = crate::support::engine::app_on(&db, licensebot::app::Clock::System);
    let (_, token) = app.create_api_token("shop", None).await.unwrap();
    let token = token.expose().to_string();
    let api = Api::start(app.clone()).await;
    let too_long = "x".repeat(101);
    for (n, name) in [
        "Pro\n\n**licensebot: your licenses were revoked @everyone**",
        "Pro\u{0}",
        "Pro\u{200B}",
        "Pro\u{202E}gnp.exe",
        "",
        too_long.as_str(),
    ]
    .into_iter()
    .enumerate()
    {
        let reply = api
            .post(
                "/v1/products",
                Some(&token),
                json!({"sku": format!("BAD-{n}"), "name": name}),
            )
            .await;
        reply.assert_invalid("name", &format!("{name:?}"));
    }
    assert!(app.list_products().await.unwrap().is_empty());

    // A look-alike spelling is stored as the name it reads as.
    let reply = api
        .post(
            "/v1/products",
            Some(&token),
            json!({"sku": "WIDE", "name": "  Ｐｒｏ　Ｐｌａｎ "}),
        )
        .await;
    assert_eq!(reply.status, 201, "{reply:?}");
    assert_eq!(reply.body["name"], "Pro Plan");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_look_alike_of_a_subscriptions_name_is_refused_by_activate_and_by_the_cli() {
    let world = World::new().await;
    let key = world
        .keys(crate::support::world::SKU, 5, "12m", 1)
        .await
        .remove(0);

    // A zero-width space inside: refused where it stands.
    let (_, refused) = world
        .activate(world.admin, "en-US", "Con\u{200B}toso", &key)
        .await;
    assert!(
        refused.text().contains(
            "invisible or direction-changing characters such as a zero-width space (character 4)"
        ),
        "{}",
        refused.text()
    );
    // Full-width letters read as "CONTOSO": the name of Contoso, which is taken.
    let (_, taken) = world
        .activate(world.admin, "en-US", "ＣＯＮＴＯＳＯ", &key)
        .await;
    assert!(
        taken
            .text()
            .contains("This server already has a subscription named *Contoso*"),
        "{}",
        taken.text()
    );
    assert_eq!(world.subscription_count().await, 1);
    assert_eq!(world.order_count().await, 0);
    assert_eq!(world.key_state(&key).await, "available");

    let cli = Cli::with_database(&world.db.url);
    let guild = world.guild.get().to_string();
    for name in ["Contoso\u{2060}", "contoso\u{FEFF}", "ｃｏｎｔｏｓｏ"] {
        let run = cli
            .run(&[
                "subscriptions",
                "create",
                "--guild",
                &guild,
                "--product",
                crate::support::world::SKU,
                "--name",
                name,
                "--seats",
                "5",
                "--ends",
                "2099-01-31",
            ])
            .await;
        assert!(!run.success, "{name:?} was created: {run:?}");
        assert_eq!(run.stderr.trim().lines().count(), 1, "{run:?}");
    }
    assert_eq!(world.subscription_count().await, 1);
}

#[tokio::test]
async fn look_alike_names_stored_before_the_rule_are_cleaned_and_told_apart_by_the_migration() {
    let db = TestDb::new().await;
    let pool = &db.pool;
    // The schema as it was before the rule: unique by lower(name) only.
    sqlx::raw_sql(
        "DROP INDEX subscriptions_guild_name_key;
         DROP INDEX IF EXISTS subscriptions_guild_name;
         CREATE UNIQUE INDEX subscriptions_guild_name ON subscriptions (guild_id, lower(name));
         INSERT INTO products (sku, name) VALUES ('PRO', E'Pro\\u200B Plan');
         INSERT INTO subscriptions (guild_id, product_sku, name, seats, ends_on) VALUES
           (1, 'PRO', 'Contoso', 1, '2099-01-01'),
           (1, 'PRO', E'Con\\u200Btoso', 2, '2099-01-01'),
           (1, 'PRO', E'Contoso\\u2060', 3, '2099-01-01'),
           (1, 'PRO', 'ＣＯＮＴＯＳＯ', 4, '2099-01-01'),
           (2, 'PRO', E'Contoso\\u2060', 5, '2099-01-01'),
           (1, 'PRO', E'\\u200B', 6, '2099-01-01'),
           (1, 'PRO', 'Fabrikam', 7, '2099-01-01');",
    )
    .execute(pool)
    .await
    .unwrap();
    let migration = include_str!("../../migrations/20261208000010_names_people_type.sql").replace(
        "CREATE FUNCTION name_key",
        "CREATE OR REPLACE FUNCTION name_key",
    );
    sqlx::raw_sql(&migration).execute(pool).await.unwrap();
    // The previous release's index comes back over the cleaned names (expand/contract).
    sqlx::raw_sql(include_str!(
        "../../migrations/20261208000020_keep_previous_subscription_name_index.sql"
    ))
    .execute(pool)
    .await
    .unwrap();

    let rows: Vec<(i64, i32, String)> =
        sqlx::query_as("SELECT guild_id, seats, name FROM subscriptions ORDER BY seats")
            .fetch_all(pool)
            .await
            .unwrap();
    let ids: Vec<i64> = sqlx::query_scalar("SELECT id FROM subscriptions ORDER BY seats")
        .fetch_all(pool)
        .await
        .unwrap();
    assert_eq!(
        rows,
        vec![
            (1, 1, "Contoso".to_string()),
            (1, 2, format!("Contoso (#{})", ids[1])),
            (1, 3, format!("Contoso (#{})", ids[2])),
            (1, 4, format!("CONTOSO (#{})", ids[3])),
            (2, 5, "Contoso".to_string()),
            (1, 6, format!("Subscription {}", ids[5])),
            (1, 7, "Fabrikam".to_string()),
        ]
    );
    let product: String = sqlx::query_scalar("SELECT name FROM products WHERE sku = 'PRO'")
        .fetch_one(pool)
        .await
        .unwrap();
    assert_eq!(product, "Pro Plan");

    // And the new index holds: a look-alike cannot be written even by hand.
    let again = sqlx::query(
        "INSERT INTO subscriptions (guild_id, product_sku, name, seats, ends_on)
         VALUES (1, 'PRO', 'ｃｏｎｔｏｓｏ', 1, '2099-01-01')",
    )
    .execute(pool)
    .await;
    assert!(again.is_err(), "{again:?}");
}
