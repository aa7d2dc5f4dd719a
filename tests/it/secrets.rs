//! Keys are secrets: after minting, importing, ordering, redeeming, refusing and revoking
//! keys (through the CLI's use cases and the shop's, with their webhook events and API
//! tokens), no column of any table holds a key, in any spelling, nor the part of it that is
//! never shown.

use std::sync::Arc;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use licensebot::app::{
    lifecycle_tick, App, AppError, Clock, Idempotency, KeyBatch, KeyRow, Minted, OpenOrder,
    SubscriptionRef,
};
use licensebot::config::Settings;
use licensebot::domain::{
    records::{GuildId, Subscription, UserId},
    OrderKind, PrivateTargets, ProductKey, Term,
};
use licensebot::store::Store;

use crate::support::db::TestDb;

const GUILD: GuildId = GuildId(720_000_000_000_000_001);
const ANA: UserId = UserId(820_000_000_000_000_001);
const BOB: UserId = UserId(820_000_000_000_000_002);
const EVE: UserId = UserId(820_000_000_000_000_003);

fn date(s: &str) -> NaiveDate {
    s.parse().expect("a valid test date")
}

fn new_key() -> ProductKey {
    ProductKey::generate(&mut rand::rngs::OsRng)
}

async fn open(
    app: &App,
    user: UserId,
    sub: &Subscription,
    kind: OrderKind,
    keys: &str,
) -> Result<uuid::Uuid, AppError> {
    app.open_order(OpenOrder {
        guild: sub.guild,
        user,
        locale: "nl".into(),
        subscription: SubscriptionRef::Id(sub.id),
        kind,
        keys: keys.into(),
    })
    .await
    .map(|review| review.order.id)
}

/// The text that must appear nowhere: each key whole (dashed, compact, in groups) and its
/// first twenty characters, which are never shown. Upper case; the search ignores case.
fn needles(typed: &str) -> Vec<String> {
    let compact: String = typed
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .collect::<String>()
        .to_ascii_uppercase();
    let head = &compact[..20];
    let groups = |s: &str, sep: &str| {
        s.as_bytes()
            .chunks(5)
            .map(|g| String::from_utf8_lossy(g).into_owned())
            .collect::<Vec<_>>()
            .join(sep)
    };
    vec![
        compact.clone(),
        groups(&compact, "-"),
        groups(&compact, " "),
        head.to_string(),
        groups(head, "-"),
        groups(head, " "),
    ]
}

/// Where any needle occurs in any column of any table: (table.column, needle). Every column
/// is read as text; bytea also as its raw bytes, in case a key was stored as bytes.
async fn search_everywhere(pool: &sqlx::PgPool, needles: &[String]) -> Vec<(String, String)> {
    let columns: Vec<(String, String, String, String)> = sqlx::query_as(
        r#"SELECT c.table_schema::text, c.table_name::text, c.column_name::text, c.data_type::text
           FROM information_schema.columns c
           JOIN information_schema.tables t
             ON t.table_schema = c.table_schema AND t.table_name = c.table_name
           WHERE c.table_schema NOT IN ('pg_catalog', 'information_schema')
             AND t.table_type = 'BASE TABLE'
           ORDER BY 1, 2, 3"#,
    )
    .fetch_all(pool)
    .await
    .expect("listing columns");
    assert!(
        columns.len() > 40,
        "too few columns to be the schema: {columns:?}"
    );
    let patterns: Vec<String> = needles.iter().map(|n| format!("%{n}%")).collect();
    let mut found = Vec::new();
    for (schema, table, column, data_type) in &columns {
        let mut texts = vec![format!(r#""{column}"::text"#)];
        if data_type == "bytea" {
            texts.push(format!(r#"encode("{column}", 'escape')"#));
        }
        for text in texts {
            let sql = format!(
                r#"SELECT p FROM "{schema}"."{table}", unnest($1::text[]) AS p
                   WHERE upper({text}) LIKE p"#
            );
            let hits: Vec<String> = sqlx::query_scalar(&sql)
                .bind(&patterns)
                .fetch_all(pool)
                .await
                .unwrap_or_else(|e| panic!("{sql}: {e}"));
            for hit in hits {
                found.push((
                    format!("{table}.{column}"),
                    hit.trim_matches('%').to_string(),
                ));
            }
        }
    }
    found
}

#[tokio::test]
async fn no_column_of_any_table_holds_a_key_after_minting_importing_redeeming_and_refusing() {
    let db = TestDb::new().await;
    let pool = &db.pool;
    let app = App::assemble(
        Store::new(pool.clone()),
        Arc::new(Settings::default()),
        Clock::fixed("2026-01-10T09:00:00Z".parse::<DateTime<Utc>>().unwrap()),
    );

    // The search itself finds a key wherever it is: text, raw bytes, JSON.
    let canary = new_key();
    sqlx::query("CREATE TABLE canary (t text, b bytea, j jsonb)")
        .execute(pool)
        .await
        .unwrap();
    for (column, value) in [
        ("t", format!("'x {} y'", canary.to_string().to_lowercase())),
        ("b", format!("convert_to('{}', 'UTF8')", canary.compact())),
        ("j", format!(r#"'{{"k": "{}"}}'::jsonb"#, canary)),
    ] {
        sqlx::query(&format!("INSERT INTO canary ({column}) VALUES ({value})"))
            .execute(pool)
            .await
            .unwrap();
    }
    let mut seen: Vec<String> = search_everywhere(pool, &needles(canary.compact()))
        .await
        .into_iter()
        .map(|(column, _)| column)
        .collect();
    seen.dedup();
    assert_eq!(seen, vec!["canary.b", "canary.j", "canary.t"]);
    sqlx::query("DROP TABLE canary")
        .execute(pool)
        .await
        .unwrap();

    // Everything a key goes through, announced to a webhook endpoint.
    let (endpoint, _) = app
        .add_webhook("http://127.0.0.1:9/hooks", None, PrivateTargets::Allowed)
        .await
        .unwrap();
    app.ping_webhook(endpoint.id).await.unwrap();
    app.add_product("BUSINESS-STANDARD", "Business Standard", Some(300))
        .await
        .unwrap();
    app.add_product("BUSINESS-PREMIUM", "Business Premium", None)
        .await
        .unwrap();
    let contoso = app
        .create_subscription(
            GUILD,
            "BUSINESS-STANDARD",
            "Contoso",
            50,
            date("2026-06-30"),
        )
        .await
        .unwrap();
    let mut typed: Vec<String> = Vec::new();
    let minted = app
        .generate_keys(&KeyBatch {
            product_sku: "BUSINESS-STANDARD".into(),
            seats: 5,
            term: Term::Months(12),
            count: 6,
            batch: Some("2026-Q1".into()),
            expires_on: Some(date("2026-12-31")),
        })
        .await
        .unwrap();
    typed.extend(minted.iter().map(ToString::to_string));

    let imported: Vec<ProductKey> = (0..4).map(|_| new_key()).collect();
    let csv = format!(
        "key,product,seats,term,expires,batch\n\
         {},business-standard,10,12m,,reseller\n\
         {},BUSINESS-STANDARD,10,30d,2026-12-31,reseller\n\
         {},BUSINESS-PREMIUM,1,1m\n\
         {},BUSINESS-STANDARD,10,12m,,\n",
        imported[0].to_string().to_lowercase(),
        imported[1].compact(),
        imported[2],
        imported[3].compact().to_lowercase(),
    );
    assert_eq!(app.import_keys(csv.as_bytes()).await.unwrap().imported(), 4);
    typed.extend(imported.iter().map(ToString::to_string));

    // The shop's way in: a mint with an Idempotency-Key (and its replay), an import.
    let (token, _) = app.create_api_token("shop", None).await.unwrap();
    let shop_batch = KeyBatch {
        product_sku: "BUSINESS-STANDARD".into(),
        seats: 1,
        term: Term::Months(1),
        count: 3,
        batch: None,
        expires_on: None,
    };
    let idempotency = Idempotency {
        key: "order-1",
        token_id: token.id,
    };
    let Minted::New {
        keys: shop_keys, ..
    } = app.mint_keys(&shop_batch, Some(idempotency)).await.unwrap()
    else {
        panic!("the first mint mints");
    };
    assert!(matches!(
        app.mint_keys(&shop_batch, Some(idempotency)).await.unwrap(),
        Minted::Replayed { .. }
    ));
    typed.extend(shop_keys.iter().map(ToString::to_string));
    let shop_imported: Vec<ProductKey> = (0..2).map(|_| new_key()).collect();
    let rows: Vec<KeyRow> = shop_imported
        .iter()
        .map(|k| KeyRow {
            key: k.to_string().to_lowercase(),
            product: "BUSINESS-STANDARD".into(),
            seats: 2,
            term: "30d".into(),
            expires_on: None,
            batch: Some("reseller-api".into()),
            reference: None,
        })
        .collect();
    assert_eq!(app.import_key_rows(&rows).await.unwrap().imported(), 2);
    typed.extend(shop_imported.iter().map(ToString::to_string));

    // Redeemed: minted and imported keys, typed in every way.
    let order = open(
        &app,
        ANA,
        &contoso,
        OrderKind::AddLicenses,
        &format!(
            "{}, {}",
            minted[0].to_string().to_lowercase(),
            imported[0].compact()
        ),
    )
    .await
    .unwrap();
    app.add_keys(GUILD, ANA, order, &format!("{} {}", minted[1], imported[1]))
        .await
        .unwrap();
    app.redeem(GUILD, ANA, order).await.unwrap();
    let order = open(&app, BOB, &contoso, OrderKind::Extend, minted[2].compact())
        .await
        .unwrap();
    app.redeem(GUILD, BOB, order).await.unwrap();
    // Opened and cancelled; opened and left to expire.
    let order = open(
        &app,
        ANA,
        &contoso,
        OrderKind::AddLicenses,
        &minted[3].to_string(),
    )
    .await
    .unwrap();
    app.cancel(GUILD, ANA, order).await.unwrap();
    open(
        &app,
        BOB,
        &contoso,
        OrderKind::Extend,
        &imported[3].to_string(),
    )
    .await
    .unwrap();
    // Revoked, one by its text and a batch.
    app.revoke_keys(None, &[minted[4].to_string().to_lowercase()])
        .await
        .unwrap();
    app.revoke_keys(Some("reseller-api"), &[]).await.unwrap();

    // Refused: unknown, mistyped, revoked, already redeemed, other product; and enough
    // guesses to lock EVE out.
    let unknown: Vec<ProductKey> = (0..3).map(|_| new_key()).collect();
    typed.extend(unknown.iter().map(ToString::to_string));
    let mut mistyped: Vec<char> = minted[5].to_string().chars().collect();
    mistyped[13] = 'O';
    let mistyped: String = mistyped.into_iter().collect();
    let refused_inputs = [
        unknown[0].to_string(),
        mistyped.clone(),
        minted[4].to_string(),
        minted[0].compact().to_string(),
        imported[2].to_string(),
        format!("{} {}", unknown[1], unknown[2].compact().to_lowercase()),
    ];
    for input in &refused_inputs {
        let refused = open(&app, EVE, &contoso, OrderKind::AddLicenses, input).await;
        assert!(
            matches!(refused, Err(AppError::User(_))),
            "{input:?} was not refused: {refused:?}"
        );
    }
    typed.push(mistyped);
    let needles_all: Vec<String> = typed.iter().flat_map(|k| needles(k)).collect();

    // Notices of every kind, and the open order expired.
    app.create_subscription(
        GUILD,
        "BUSINESS-STANDARD",
        "Fabrikam",
        5,
        date("2026-01-20"),
    )
    .await
    .unwrap();
    assert_eq!(lifecycle_tick(&app).await.unwrap(), 1);
    let kinds: Vec<String> = sqlx::query_scalar("SELECT DISTINCT kind FROM notices ORDER BY kind")
        .fetch_all(pool)
        .await
        .unwrap();
    assert_eq!(kinds, vec!["lifecycle", "lockout", "redemption"]);
    let events: Vec<(String, i64)> = sqlx::query_as(
        "SELECT type, count(*) FROM webhook_events e JOIN webhook_deliveries d ON d.event_id = e.id
         GROUP BY type ORDER BY type",
    )
    .fetch_all(pool)
    .await
    .unwrap();
    assert_eq!(
        events,
        [
            ("key.revoked".to_string(), 3),
            ("ping".to_string(), 1),
            ("redemption.created".to_string(), 2),
            // The reminder the lifecycle pass sent is also told to the shop.
            ("subscription.expiring".to_string(), 1)
        ]
    );
    app.clock.advance(Duration::minutes(11));
    assert_eq!(app.expire_stale_orders().await.unwrap().len(), 1);

    let found = search_everywhere(pool, &needles_all).await;
    assert!(found.is_empty(), "keys found in the database: {found:?}");
}
