//! A crash does not hold notices back: a dispatcher's claim on notices lives as long as its
//! database connection. While it lives, no other dispatcher sends them; when it dies (a
//! SIGKILLed process's connection closes), the running bot sends them on its next pass —
//! long before the lease, which is only the fallback for a claimer that hangs.

use std::{collections::HashMap, sync::Arc, time::Duration};

use chrono::Days;
use licensebot::{
    app::{App, Clock, Delivered, NoticeBody},
    config::Settings,
    store::Store,
};

use crate::support::world::{World, WAIT};

/// Far longer than the test waits for the notices: they must not wait for it.
const LEASE_SECONDS: u64 = 600;

async fn enqueue(world: &World, batch: &str, count: i64) {
    let body = NoticeBody::Reminder {
        subscription: "Contoso".into(),
        ends_on: chrono::Utc::now().date_naive() + Days::new(7),
        days: 7,
    }
    .to_json();
    sqlx::query(
        r#"INSERT INTO notices (guild_id, dedupe_key, kind, body, nonce)
           SELECT $1, $2 || ':' || i, 'lifecycle', $3, substr(md5($2 || i::text), 1, 25)
           FROM generate_series(1, $4) AS i"#,
    )
    .bind(world.guild.get() as i64)
    .bind(batch)
    .bind(body)
    .bind(count)
    .execute(&world.db.pool)
    .await
    .unwrap();
}

/// How many messages in the notice channel carry each nonce.
fn by_nonce(world: &World) -> HashMap<String, usize> {
    let mut seen = HashMap::new();
    for message in world.notices() {
        if let Some(nonce) = message.nonce.as_ref().and_then(|n| n.as_str()) {
            *seen.entry(nonce.to_string()).or_insert(0) += 1;
        }
    }
    seen
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn notices_claimed_by_a_dispatcher_whose_connection_dies_are_sent_by_another_long_before_the_lease(
) {
    let mut settings = Settings::default();
    settings.notices.lease_seconds = LEASE_SECONDS;
    settings.notices.poll_seconds = 1;
    let mut world = World::with(settings.clone(), "en-US").await;
    // The bot's greeting aside, the channel is empty; no bot runs while the notices are
    // written and claimed.
    world.stop_bot().await;
    let greeting = world.notices().len();
    enqueue(&world, "claimed", 5).await;

    // Another process's dispatcher, on a connection of its own, claims them.
    let pool = world.db.pool_named("claimer", 1).await;
    let claimer = App::assemble(Store::new(pool), Arc::new(settings), Clock::System);
    let claim = claimer.claim_due_notices(100).await.unwrap();
    assert_eq!(claim.notices().len(), 5);
    // While the claim lives, no other dispatcher gets them.
    let other = world.app.claim_due_notices(100).await.unwrap();
    assert!(other.notices().is_empty(), "claimed twice");
    other.finish(&[]).await.unwrap();

    // The bot runs again: it delivers a notice written now, and not the claimed ones.
    world.start_bot().await;
    enqueue(&world, "marker", 1).await;
    let now = world.wait_notices(greeting + 1).await;
    assert_eq!(
        now.len(),
        greeting + 1,
        "only the unclaimed notice was sent"
    );

    // The claimer dies: its connection is closed, as a SIGKILLed process's is.
    assert_eq!(world.db.end_sessions("claimer").await, vec![true]);

    // The running bot sends them on one of its next passes (every second here), not after
    // the lease: the wait below is a twentieth of it.
    let deadline = tokio::time::Instant::now() + 3 * WAIT;
    while world.notices().len() < greeting + 6 && tokio::time::Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(
        world.notices().len(),
        greeting + 6,
        "the dead claimer's notices were sent"
    );
    let nonces = by_nonce(&world);
    assert_eq!(nonces.len(), 6);
    assert!(nonces.values().all(|n| *n == 1), "each exactly once");
    // Marked sent when the bot's claim ends, just after its last send.
    let unsent = loop {
        let unsent: i64 = sqlx::query_scalar("SELECT count(*) FROM notices WHERE state <> 'sent'")
            .fetch_one(&world.db.pool)
            .await
            .unwrap();
        if unsent == 0 || tokio::time::Instant::now() > deadline {
            break unsent;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert_eq!(unsent, 0);

    // The dead claim can record nothing: the notices are not marked twice.
    let first = claim.notices()[0].id;
    let outcome = Delivered::Sent {
        channel: world.notices.get(),
        message: 1,
    };
    assert!(claim.finish(&[(first, outcome)]).await.is_err());
}
