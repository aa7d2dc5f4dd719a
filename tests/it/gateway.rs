//! The gateway connection under stress: dropped in the middle of a burst of interactions
//! (the bot resumes, and every interaction gets exactly one answer), and interactions
//! delivered twice (handled once: one order, one redemption, one answer).

use std::time::Duration;

use fake_discord::{serenity::all::UserId, InteractionHandle, StoredMessage};

use crate::support::world::{answer, World, SKU, WAIT};

/// The bot's initial responses (callbacks) to one interaction.
fn callbacks(world: &World, run: &InteractionHandle) -> usize {
    world
        .fake
        .requests_to("POST", &format!("/interactions/{}/*/callback", run.id()))
        .len()
}

/// Exactly one answer: one callback, accepted, and nothing the fake had to refuse (a second
/// initial response would be refused with 40060, a late one with 10062).
fn assert_answered_once(world: &World, run: &InteractionHandle, what: &str) {
    let sent = world
        .fake
        .requests_to("POST", &format!("/interactions/{}/*/callback", run.id()));
    assert_eq!(sent.len(), 1, "{what}: one initial response, got {sent:?}");
    assert!(
        sent[0].status < 300,
        "{what}: the response was accepted: {:?}",
        sent[0]
    );
    assert!(
        run.refusals().is_empty(),
        "{what}: nothing refused: {:?}",
        run.refusals()
    );
}

/// `count` admins with one fresh key each (`seats` seats, 12 months).
async fn admins_with_keys(world: &World, count: usize, seats: i64) -> Vec<(UserId, String)> {
    let keys = world.keys(SKU, seats, "12m", count).await;
    keys.into_iter()
        .enumerate()
        .map(|(i, key)| {
            let user = world
                .fake
                .add_member(world.guild, &format!("admin{i}"), &[world.admins]);
            (user, key)
        })
        .collect()
}

async fn add_licenses(world: &World, user: UserId, key: &str) -> InteractionHandle {
    world
        .fake
        .as_member(world.guild, user)
        .command("add-licenses")
        .option("subscription", "Contoso")
        .option("keys", key)
        .send()
        .await
        .expect("the command is dispatched")
}

async fn subscriptions(world: &World, user: UserId) -> InteractionHandle {
    world
        .fake
        .as_member(world.guild, user)
        .command("subscriptions")
        .send()
        .await
        .expect("the command is dispatched")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_connection_dropped_during_a_burst_is_resumed_and_every_interaction_is_answered_once() {
    let world = World::new().await;
    // This test is about exactly-once answers across a reconnect, not about latency: a
    // replayed interaction may reach a busy 2-core test machine late.
    world.fake.set_response_deadline(Duration::from_secs(30));
    let admins = admins_with_keys(&world, 6, 2).await;
    let identifies = world.fake.identify_count();
    let resumes = world.fake.resume_count();

    // Burst 1: six orders and four /subscriptions; the connection drops in the middle, so
    // the second half is dispatched while the bot is away and replayed on RESUME.
    let mut orders = Vec::new();
    let mut lists = Vec::new();
    for (i, (user, key)) in admins.iter().enumerate() {
        if i == 3 {
            assert!(world.fake.drop_connection(), "the bot was connected");
        }
        orders.push(add_licenses(&world, *user, key).await);
        if i % 2 == 0 && lists.len() < 4 {
            lists.push(subscriptions(&world, *user).await);
        }
    }
    lists.push(subscriptions(&world, world.admin).await);
    world
        .fake
        .wait_for_resumes(resumes + 1, WAIT)
        .await
        .expect("the bot resumes");

    let mut reviews: Vec<StoredMessage> = Vec::new();
    for (i, run) in orders.iter().enumerate() {
        let review = answer(run).await;
        assert_eq!(
            review.button_labels(),
            ["Redeem", "Add another product key", "Cancel"],
            "order {i}: {}",
            review.text()
        );
        reviews.push(review);
    }
    for run in &lists {
        assert!(answer(run).await.text().contains("Your products"));
    }
    for (i, run) in orders.iter().chain(&lists).enumerate() {
        assert_answered_once(&world, run, &format!("burst 1, interaction {i}"));
    }
    assert_eq!(world.order_count().await, 6, "one order per command");

    // Burst 2: every admin clicks Redeem; the connection drops again half-way.
    let mut clicks = Vec::new();
    for (i, run) in orders.iter().enumerate() {
        if i == 3 {
            assert!(world.fake.drop_connection(), "the bot was connected");
        }
        clicks.push(run.click("Redeem").await.expect("Redeem is clickable"));
    }
    world
        .fake
        .wait_for_resumes(resumes + 2, WAIT)
        .await
        .expect("the bot resumes again");
    for (i, click) in clicks.iter().enumerate() {
        let receipt = answer(click).await;
        assert!(
            receipt.text().contains("Redeemed"),
            "click {i}: {}",
            receipt.text()
        );
        assert_answered_once(&world, click, &format!("burst 2, click {i}"));
    }
    assert_eq!(world.seats().await, 50 + 6 * 2);
    assert_eq!(world.redemption_count().await, 6);
    assert_eq!(world.wait_notices(6).await.len(), 6, "one notice each");
    assert_eq!(
        world.fake.identify_count(),
        identifies,
        "the bot resumed its session instead of identifying anew"
    );

    // The bot keeps answering afterwards.
    let after = subscriptions(&world, world.admin).await;
    assert!(answer(&after).await.text().contains("Your products"));
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(world.notices().len(), 6, "no notice twice");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_interaction_delivered_twice_is_handled_once() {
    let world = World::new().await;
    let keys = world.keys(SKU, 4, "12m", 2).await;

    // A command delivered twice at once, then once more after it was answered: one order.
    let run = add_licenses(&world, world.admin, &keys[0]).await;
    run.redeliver().await.unwrap();
    let review = answer(&run).await;
    assert_eq!(review.button_labels()[0], "Redeem", "{}", review.text());
    run.redeliver().await.unwrap();
    // A later interaction is answered, so both duplicates had their chance to do harm.
    let list = subscriptions(&world, world.admin).await;
    answer(&list).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(world.order_count().await, 1, "one order opened");
    assert_answered_once(&world, &run, "the command");

    // The modal's submit delivered twice: the key joins the order once.
    let add = run.click("Add another product key").await.unwrap();
    let modal = add
        .wait_response(WAIT)
        .await
        .unwrap()
        .modal
        .expect("a modal");
    let submit = add
        .submit_modal(&[(modal.inputs[0].label.as_str(), keys[1].as_str())])
        .await
        .unwrap();
    submit.redeliver().await.unwrap();
    let review = answer(&submit).await;
    assert!(review.text().contains("50 → 58"), "{}", review.text());
    assert_answered_once(&world, &submit, "the modal submit");
    let in_order: i64 = sqlx::query_scalar("SELECT count(*) FROM order_keys")
        .fetch_one(&world.db.pool)
        .await
        .unwrap();
    assert_eq!(in_order, 2, "each key joined the order once");

    // Redeem delivered twice at once, and once more while the connection is down (so the
    // duplicate comes back in the RESUME replay): one redemption, one notice.
    let resumes = world.fake.resume_count();
    let redeem = submit.click("Redeem").await.unwrap();
    redeem.redeliver().await.unwrap();
    let receipt = answer(&redeem).await;
    assert!(receipt.text().contains("Redeemed"), "{}", receipt.text());
    assert!(world.fake.drop_connection());
    redeem.redeliver().await.unwrap();
    world
        .fake
        .wait_for_resumes(resumes + 1, WAIT)
        .await
        .expect("the bot resumes");
    let list = subscriptions(&world, world.admin).await;
    answer(&list).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_answered_once(&world, &redeem, "the Redeem click");
    assert_eq!(world.seats().await, 58, "applied once");
    assert_eq!(world.redemption_count().await, 1, "one redemption");
    assert_eq!(world.wait_notices(1).await.len(), 1);
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(world.notices().len(), 1, "one notice");
    assert_eq!(callbacks(&world, &list), 1);
}
