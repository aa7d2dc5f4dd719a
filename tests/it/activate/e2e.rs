//! `/activate` end to end: the real bot against the fake Discord and a real PostgreSQL,
//! driven the way an admin uses it. Every world starts with a subscription *Contoso*; the
//! activations here start *Fabrikam*.

use chrono::{Days, Months, NaiveDate};
use fake_discord::serenity::all::UserId;

use crate::support::world::{answer, shown, today, World, OTHER_SKU, SKU, WAIT};

fn masked_tail(key: &str) -> String {
    format!("•••••-•••••-•••••-•••••-{}", &key[key.len() - 5..])
}

fn tail(key: &str) -> &str {
    &key[key.len() - 5..]
}

/// `months` from today, as every activation of one term ends.
fn in_months(months: u32) -> NaiveDate {
    today() + Months::new(months)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn activate_with_two_typed_keys_and_one_from_the_modal_then_redeem_starts_the_subscription() {
    let world = World::new().await;
    let typed_keys = world.keys(SKU, 10, "12m", 2).await;
    let modal_key = world.keys(SKU, 5, "12m", 1).await.remove(0);
    let ends = in_months(12);
    let ends_shown = shown(ends);
    // Typed the way people type: one in lower case, one without dashes.
    let typed = format!(
        "{}, {}",
        typed_keys[0].to_lowercase(),
        typed_keys[1].replace('-', "")
    );
    let (run, review) = world
        .activate(world.admin, "en-US", "Fabrikam", &typed)
        .await;
    assert!(review.ephemeral, "the review is ephemeral");
    let text = review.text();
    assert!(
        text.contains("Review your order: new subscription"),
        "{text}"
    );
    assert!(
        text.contains(&format!(
            "New subscription *Fabrikam* · Business Standard · 20 licenses · ends {ends_shown}"
        )),
        "{text}"
    );
    assert!(
        text.contains(&format!(
            "{ends_shown} (12 months from today, {})",
            shown(today())
        )),
        "{text}"
    );
    assert!(
        !text.contains("license-days"),
        "one term, no arithmetic: {text}"
    );
    for key in &typed_keys {
        assert!(text.contains(&masked_tail(key)), "{text}");
    }
    assert_eq!(
        review.button_labels(),
        ["Redeem", "Add another product key", "Cancel"]
    );
    assert!(world.subscription_named("Fabrikam").await.is_none());

    let add = run.click("Add another product key").await.unwrap();
    let modal = add
        .wait_response(WAIT)
        .await
        .unwrap()
        .modal
        .expect("a modal opens");
    assert_eq!(modal.title, "Add another product key");
    let submit = add
        .submit_modal(&[(modal.inputs[0].label.as_str(), modal_key.as_str())])
        .await
        .unwrap();
    let review = answer(&submit).await;
    let text = review.text();
    assert!(
        text.contains(&format!(
            "New subscription *Fabrikam* · Business Standard · 25 licenses · ends {ends_shown}"
        )),
        "{text}"
    );
    assert!(text.contains(&masked_tail(&modal_key)), "{text}");

    let redeem = submit.click("Redeem").await.unwrap();
    let receipt = answer(&redeem).await;
    let text = receipt.text();
    assert!(text.contains("Redeemed"), "{text}");
    assert!(
        text.contains("3 product keys redeemed: *Fabrikam* has started."),
        "{text}"
    );
    assert!(
        !text.contains("expires"),
        "no warning on the receipt: {text}"
    );
    assert!(receipt.buttons().is_empty(), "the receipt has no buttons");
    let started = world
        .subscription_named("fabrikam")
        .await
        .expect("the subscription exists");
    assert_eq!(
        (started.name.as_str(), started.product.sku.as_str()),
        ("Fabrikam", SKU)
    );
    assert_eq!((started.seats, started.ends_on), (25, ends));
    assert_eq!(world.seats().await, 50, "Contoso is untouched");
    assert_eq!(world.redemption_count().await, 1);

    let notices = world.wait_notices(1).await;
    assert_eq!(notices.len(), 1, "exactly one notice");
    let notice = &notices[0].content;
    assert_eq!(
        notice,
        &format!(
            "<@{}> started *Fabrikam* (Business Standard): 25 licenses until {ends_shown}, 3 product keys.",
            world.admin
        )
    );
    for key in typed_keys.iter().chain([&modal_key]) {
        assert!(!notice.contains(tail(key)), "no key, not even its tail");
    }

    // The ledger says what the activation started; /subscriptions lists it.
    let list = world
        .fake
        .as_member(world.guild, world.admin)
        .command("redemptions")
        .send()
        .await
        .unwrap();
    let text = answer(&list).await.text();
    assert!(
        text.contains(&format!(
            "*Fabrikam* · started: 25 licenses until {ends_shown} · 3 product keys"
        )),
        "{text}"
    );
    let list = world
        .fake
        .as_member(world.guild, world.admin)
        .command("subscriptions")
        .send()
        .await
        .unwrap();
    let text = answer(&list).await.text();
    assert!(text.contains("Fabrikam"), "{text}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn keys_of_different_terms_show_the_pooled_arithmetic_and_cancel_starts_nothing() {
    let world = World::new().await;
    let year = world.keys(SKU, 10, "12m", 1).await;
    let month = world.keys(SKU, 5, "30d", 1).await;
    let days = (in_months(12) - today()).num_days();
    let pooled = (10 * days + 5 * 30) / 15;
    let ends = today() + Days::new(pooled as u64);
    let ends_shown = shown(ends);
    let (run, review) = world
        .activate(
            world.admin,
            "en-US",
            "Fabrikam",
            &format!("{}\n{}", year[0], month[0]),
        )
        .await;
    let text = review.text();
    assert!(
        text.contains(&format!(
            "10 × {days} days + 5 × 30 days = {} license-days ÷ 15 licenses = {pooled} days (rounded down)",
            10 * days + 150
        )),
        "{text}"
    );
    assert!(
        text.contains(&format!(
            "{ends_shown} ({pooled} days from today, {})",
            shown(today())
        )),
        "{text}"
    );
    let cancelled = answer(&run.click("Cancel").await.unwrap()).await;
    assert!(
        cancelled
            .text()
            .contains("Order cancelled. Nothing was redeemed."),
        "{}",
        cancelled.text()
    );
    assert!(cancelled.buttons().is_empty());
    assert!(world.subscription_named("Fabrikam").await.is_none());
    assert_eq!(world.key_state(&year[0]).await, "available");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_refusal_of_an_activation_gets_its_own_message_and_changes_nothing() {
    let world = World::new().await;
    let good = world.keys(SKU, 10, "12m", 4).await;
    let premium = world.keys(OTHER_SKU, 10, "12m", 1).await;
    let big = world.keys(SKU, 260, "12m", 1).await;
    let sixty = world.keys(SKU, 60, "12m", 1).await;
    // One key redeemed (on Contoso), one revoked, one expired.
    world.spoil_keys(&good[0], &good[1], &good[2]).await;
    // A subscription that ended long ago: deleted, but its name stays taken.
    world
        .app
        .create_subscription(
            world.guild_id(),
            SKU,
            "Northwind",
            10,
            today() - Days::new(200),
        )
        .await
        .unwrap();
    let subscriptions = world.subscription_count().await;
    let orders = world.order_count().await;
    let redemptions = world.redemption_count().await;
    let mistyped = format!("{}0{}", &good[3][..6], &good[3][7..]);
    let unknown = "BCDFG-HJKMP-QRTVW-XY234-6789B";
    let fabrikam = "Fabrikam";
    let cases: Vec<(&str, String, String)> = vec![
        (
            fabrikam,
            mistyped,
            "character 6 ('0') is never used in product keys".into(),
        ),
        (
            fabrikam,
            unknown.into(),
            format!("The product key ending in `{}` isn't valid.", tail(unknown)),
        ),
        (
            fabrikam,
            good[0].clone(),
            "has already been used. Enter a different product key.".into(),
        ),
        (fabrikam, good[1].clone(), "has been revoked.".into()),
        (fabrikam, good[2].clone(), "has expired.".into()),
        (
            fabrikam,
            format!("{} {}", good[3], premium[0]),
            format!(
                "The product key ending in `{}` is for *Business Premium*, not *Business Standard*.",
                tail(&premium[0])
            ),
        ),
        (
            fabrikam,
            format!("{} {}", good[3], good[3]),
            "You have already entered this product key".into(),
        ),
        (
            fabrikam,
            format!("{} {}", big[0], sixty[0]),
            "This would give *Fabrikam* 320 licenses; *Business Standard* allows at most 300."
                .into(),
        ),
        (
            fabrikam,
            vec![good[3].clone(); 11].join(","),
            "at most 10 product keys".into(),
        ),
        (
            "CONTOSO",
            good[3].clone(),
            "This server already has a subscription named *Contoso*. Pick another name".into(),
        ),
        (
            "northwind",
            good[3].clone(),
            "*Northwind* is the name of a deleted subscription of this server, and a name stays taken"
                .into(),
        ),
        ("   ", good[3].clone(), "Give the new subscription a name.".into()),
    ];
    for (name, input, expected) in cases {
        // Each case as a different admin, so the lockout does not interfere.
        let user = world.fake.add_member(world.guild, "admin", &[world.admins]);
        let (_, reply) = world.activate(user, "en-US", name, &input).await;
        let text = reply.text();
        assert!(
            text.contains(&expected),
            "{name:?}: expected {expected:?} in {text:?}"
        );
        assert!(reply.ephemeral);
        assert!(reply.buttons().is_empty(), "a refusal opens no order");
        assert_eq!(
            world.subscription_count().await,
            subscriptions,
            "nothing changed"
        );
        assert_eq!(world.order_count().await, orders, "no order was opened");
        assert_eq!(world.redemption_count().await, redemptions);
    }
    assert_eq!(world.key_state(&good[3]).await, "available");

    // Only admins: a member without Manage Server (after a server admin overrode the
    // command's permissions) is refused at run time.
    let bob = world.fake.add_member(world.guild, "bob", &[]);
    let run = world
        .fake
        .as_member(world.guild, bob)
        .command("activate")
        .option("name", "Fabrikam")
        .option("keys", good[3].as_str())
        .ignoring_command_permissions()
        .send()
        .await
        .unwrap();
    let text = answer(&run).await.text();
    assert!(
        text.contains("You need the Manage Server permission"),
        "{text}"
    );
    assert_eq!(world.order_count().await, orders);

    // A name of more than 100 characters: Discord's client stops at the option's
    // max_length; a forged command is refused by the bot all the same.
    let long = "x".repeat(101);
    let forged = world
        .fake
        .as_member(world.guild, world.admin)
        .command("activate")
        .option("name", long.as_str())
        .option("keys", good[3].as_str())
        .forged()
        .send()
        .await
        .unwrap();
    let text = answer(&forged).await.text();
    assert!(
        text.contains("A subscription's name has at most 100 characters; this one has 101."),
        "{text}"
    );

    // Five refused keys lock an admin out of /activate too.
    let bea = world.fake.add_member(world.guild, "bea", &[world.admins]);
    for last in ["B", "C", "D", "F", "G"] {
        let (_, reply) = world
            .activate(
                bea,
                "en-US",
                "Fabrikam",
                &format!("BCDFG-HJKMP-QRTVW-XY234-678{last}B"),
            )
            .await;
        assert!(reply.text().contains("isn't valid"), "{}", reply.text());
    }
    let (_, reply) = world.activate(bea, "en-US", "Fabrikam", &good[3]).await;
    assert!(
        reply.text().contains("Too many product keys were refused"),
        "{}",
        reply.text()
    );
    assert_eq!(world.subscription_count().await, subscriptions);
    assert_eq!(world.order_count().await, orders);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_admins_activating_one_name_at_once_start_one_subscription_and_the_other_is_told() {
    let world = World::new().await;
    let ana_key = world.keys(SKU, 10, "12m", 1).await.remove(0);
    let bea_key = world.keys(SKU, 20, "12m", 1).await.remove(0);
    let bea = world.fake.add_member(world.guild, "bea", &[world.admins]);
    let (ana_run, _) = world
        .activate(world.admin, "en-US", "Fabrikam", &ana_key)
        .await;
    let (bea_run, bea_review) = world.activate(bea, "en-US", "fabrikam", &bea_key).await;
    assert_eq!(
        bea_review.button_labels()[0],
        "Redeem",
        "the name is still free for both: {}",
        bea_review.text()
    );
    let (a, b) = tokio::join!(ana_run.click("Redeem"), bea_run.click("Redeem"));
    let (a, b) = (answer(&a.unwrap()).await, answer(&b.unwrap()).await);
    let runs: [(UserId, &str, _); 2] = [(world.admin, &ana_key, a), (bea, &bea_key, b)];
    let winners: Vec<_> = runs
        .iter()
        .filter(|(_, _, m)| m.text().contains("has started."))
        .collect();
    assert_eq!(
        winners.len(),
        1,
        "{:?}",
        runs.iter().map(|(_, _, m)| m.text()).collect::<Vec<_>>()
    );
    let started = world
        .subscription_named("Fabrikam")
        .await
        .expect("one subscription started");
    assert_eq!(
        world.subscription_count().await,
        2,
        "Contoso and one Fabrikam"
    );
    for (user, key, message) in &runs {
        let text = message.text();
        if text.contains("has started.") {
            assert_eq!(world.key_state(key).await, "redeemed");
        } else {
            assert!(
                text.contains(&format!(
                    "This server already has a subscription named *{}*",
                    started.name
                )),
                "{user}: {text}"
            );
            assert_eq!(
                message.button_labels(),
                ["Cancel"],
                "only Cancel is left: {text}"
            );
            assert_eq!(world.key_state(key).await, "available", "its keys stay");
        }
    }
    assert_eq!(world.redemption_count().await, 1);
    assert_eq!(world.wait_notices(1).await.len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dutch_admin_activates_with_activeren_and_reads_dutch() {
    let world = World::with(Default::default(), "nl").await;
    let year = world.keys(SKU, 10, "12m", 1).await;
    let month = world.keys(SKU, 5, "30d", 1).await;
    let days = (in_months(12) - today()).num_days();
    let pooled = (10 * days + 5 * 30) / 15;
    let ends = today() + Days::new(pooled as u64);
    let ends_shown = shown(ends);
    let (run, review) = world
        .activate(
            world.admin,
            "nl",
            "Fabrikam",
            &format!("{} {}", year[0], month[0]),
        )
        .await;
    let text = review.text();
    assert!(
        text.contains("Controleer uw ordergegevens: nieuw abonnement"),
        "{text}"
    );
    assert!(
        text.contains(&format!(
            "Nieuw abonnement *Fabrikam* · Business Standard · 15 licenties · eindigt op {ends_shown}"
        )),
        "{text}"
    );
    assert!(
        text.contains(&format!(
            "10 × {days} dagen + 5 × 30 dagen = {} licentiedagen ÷ 15 licenties = {pooled} dagen (naar beneden afgerond)",
            10 * days + 150
        )),
        "{text}"
    );
    assert!(
        text.contains(&format!(
            "{ends_shown} ({pooled} dagen vanaf vandaag, {})",
            shown(today())
        )),
        "{text}"
    );
    assert_eq!(
        review.button_labels(),
        [
            "Inwisselen",
            "Een andere productcode toevoegen",
            "Annuleren"
        ]
    );
    let receipt = answer(&run.click("Inwisselen").await.unwrap()).await;
    assert!(
        receipt
            .text()
            .contains("2 productcodes ingewisseld: *Fabrikam* is gestart."),
        "{}",
        receipt.text()
    );
    let notices = world.wait_notices(1).await;
    assert_eq!(
        notices[0].content,
        format!(
            "<@{}> heeft *Fabrikam* (Business Standard) gestart: 15 licenties tot {ends_shown}, 2 productcodes.",
            world.admin
        )
    );

    // A Dutch refusal: the name is taken.
    let key = world.keys(SKU, 1, "12m", 1).await;
    let (_, reply) = world.activate(world.admin, "nl", "contoso", &key[0]).await;
    assert!(
        reply
            .text()
            .contains("Deze server heeft al een abonnement met de naam *Contoso*."),
        "{}",
        reply.text()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_bot_restarted_between_review_and_redeem_still_activates() {
    let mut world = World::new().await;
    let keys = world.keys(SKU, 7, "1m", 1).await;
    let (run, _) = world
        .activate(world.admin, "en-US", "Fabrikam", &keys[0])
        .await;
    world.stop_bot().await;
    world.start_bot().await;
    let receipt = answer(&run.click("Redeem").await.unwrap()).await;
    assert!(
        receipt
            .text()
            .contains("1 product key redeemed: *Fabrikam* has started."),
        "{}",
        receipt.text()
    );
    let started = world.subscription_named("Fabrikam").await.expect("started");
    assert_eq!((started.seats, started.ends_on), (7, in_months(1)));
    assert_eq!(world.wait_notices(1).await.len(), 1);
}
