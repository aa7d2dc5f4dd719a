//! End to end: the real bot (serenity client inside licensebot) against the fake Discord
//! and a real PostgreSQL, driven the way an admin uses it.

use std::time::Duration;

use chrono::Days;
use fake_discord::serenity::all::Permissions;

use crate::support::world::{answer, shown, today, World, OTHER_SKU, SKU, WAIT};

fn masked_tail(key: &str) -> String {
    format!("•••••-•••••-•••••-•••••-{}", &key[key.len() - 5..])
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn add_licenses_with_two_typed_keys_and_one_from_the_modal_then_redeem() {
    let world = World::new().await;
    let keys = world.keys(SKU, 10, "12m", 3).await;
    let typed = format!("{}  {}", keys[0].to_lowercase(), keys[1].replace('-', ""));
    let (run, review) = world
        .order(world.admin, "en-US", "add-licenses", "Contoso", &typed)
        .await;
    assert!(review.ephemeral, "the review is ephemeral");
    let text = review.text();
    assert!(text.contains("Review your order: add licenses"), "{text}");
    assert!(
        text.contains(&masked_tail(&keys[0])) && text.contains(&masked_tail(&keys[1])),
        "{text}"
    );
    assert!(text.contains("50 → 70"), "{text}");
    assert_eq!(
        review.button_labels(),
        ["Redeem", "Add another product key", "Cancel"]
    );

    let add = run.click("Add another product key").await.unwrap();
    let modal = add
        .wait_response(WAIT)
        .await
        .unwrap()
        .modal
        .expect("a modal opens");
    assert_eq!(modal.title, "Add another product key");
    let submit = add
        .submit_modal(&[(modal.inputs[0].label.as_str(), keys[2].as_str())])
        .await
        .unwrap();
    let review = answer(&submit).await;
    let text = review.text();
    for key in &keys {
        assert!(
            text.contains(&masked_tail(key)),
            "three masked keys: {text}"
        );
        assert!(!text.contains(key.as_str()), "no full key in the review");
    }
    assert!(text.contains("50 → 80"), "{text}");

    let redeem = submit.click("Redeem").await.unwrap();
    let receipt = answer(&redeem).await;
    assert!(receipt.text().contains("Redeemed"), "{}", receipt.text());
    assert!(receipt.buttons().is_empty(), "the receipt has no buttons");
    assert_eq!(world.seats().await, 80);
    assert_eq!(world.redemption_count().await, 1);

    let notices = world.wait_notices(1).await;
    assert_eq!(notices.len(), 1, "exactly one notice");
    let notice = &notices[0];
    assert!(!notice.ephemeral);
    assert!(
        notice
            .content
            .contains("added 30 licenses to *Contoso*: 50 → 80 licenses (3 product keys)"),
        "{}",
        notice.content
    );
    for key in &keys {
        assert!(
            !notice.content.contains(&key[key.len() - 5..]),
            "no key, not even its tail, in a notice"
        );
    }
    assert!(notice.nonce.is_some(), "notices carry a nonce");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn extend_spells_out_pooled_seat_time_when_keys_do_not_cover_all_seats() {
    let world = World::new().await;
    let ends = world.ends_on().await;
    let keys = world.keys(SKU, 25, "12m", 1).await;
    let (run, review) = world
        .order(
            world.admin,
            "en-US",
            "extend",
            &world.subscription.to_string(),
            &keys[0],
        )
        .await;
    let days = (ends + chrono::Months::new(12) - ends).num_days();
    let expected_days = days * 25 / 50;
    let text = review.text();
    assert!(
        text.contains("Review your order: extend end date"),
        "{text}"
    );
    assert!(
        text.contains(&format!(
            "25 × {days} days = {} license-days ÷ 50 licenses = {expected_days} days",
            25 * days
        )),
        "{text}"
    );
    let redeem = run.click("Redeem").await.unwrap();
    let receipt = answer(&redeem).await;
    assert!(receipt.buttons().is_empty());
    let after = ends + Days::new(expected_days as u64);
    assert_eq!(world.ends_on().await, after);
    assert_eq!(world.seats().await, 50, "extend does not change seats");
    let notices = world.wait_notices(1).await;
    assert!(
        notices[0]
            .content
            .contains(&format!("end date {} → {}", shown(ends), shown(after))),
        "{}",
        notices[0].content
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_refusal_cause_gets_its_own_message_and_changes_nothing() {
    let world = World::new().await;
    let good = world.keys(SKU, 10, "12m", 4).await;
    let premium = world.keys(OTHER_SKU, 10, "12m", 1).await;
    let big = world.keys(SKU, 260, "12m", 1).await;
    world.spoil_keys(&good[0], &good[1], &good[2]).await;
    let seats = world.seats().await;
    let orders = world.order_count().await;
    let mistyped = format!("{}0{}", &good[3][..6], &good[3][7..]);
    let unknown = "BCDFG-HJKMP-QRTVW-XY234-6789B";
    let cases: Vec<(String, String)> = vec![
        (
            mistyped,
            "character 6 ('0') is never used in product keys".into(),
        ),
        (
            unknown.into(),
            format!(
                "The product key ending in `{}` isn't valid.",
                &unknown[24..]
            ),
        ),
        (
            good[0].clone(),
            "has already been used. Enter a different product key.".into(),
        ),
        (good[1].clone(), "has been revoked.".into()),
        (good[2].clone(), "has expired.".into()),
        (
            premium[0].clone(),
            "is for *Business Premium*, not *Business Standard*.".into(),
        ),
        (
            format!("{} {}", good[3], good[3]),
            "You have already entered this product key".into(),
        ),
        (
            big[0].clone(),
            "This would give *Contoso* 320 licenses; *Business Standard* allows at most 300."
                .into(),
        ),
        (
            vec![good[3].clone(); 11].join(","),
            "at most 10 product keys".into(),
        ),
    ];
    for (input, expected) in cases {
        // Each case as a different admin, so the lockout does not interfere.
        let user = world.fake.add_member(world.guild, "admin", &[world.admins]);
        let (_, reply) = world
            .order(user, "en-US", "add-licenses", "Contoso", &input)
            .await;
        let text = reply.text();
        assert!(
            text.contains(&expected),
            "expected {expected:?} in {text:?}"
        );
        assert!(reply.ephemeral);
        assert!(reply.buttons().is_empty(), "a refusal opens no order");
        assert_eq!(world.seats().await, seats, "nothing changed");
        assert_eq!(world.order_count().await, orders, "no order was opened");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn five_refused_keys_lock_key_entry_and_tell_the_team_channel_once() {
    let world = World::new().await;
    let good = world.keys(SKU, 1, "12m", 1).await;
    for i in 0..5 {
        let (_, reply) = world
            .order(
                world.admin,
                "en-US",
                "add-licenses",
                "Contoso",
                &format!(
                    "BCDFG-HJKMP-QRTVW-XY234-678{}B",
                    ["B", "C", "D", "F", "G"][i]
                ),
            )
            .await;
        assert!(reply.text().contains("isn't valid"), "{}", reply.text());
    }
    let (_, reply) = world
        .order(world.admin, "en-US", "add-licenses", "Contoso", &good[0])
        .await;
    assert!(
        reply.text().contains("Too many product keys were refused"),
        "{}",
        reply.text()
    );
    assert_eq!(world.seats().await, 50);
    let notices = world.wait_notices(1).await;
    assert_eq!(notices.len(), 1);
    assert!(
        notices[0]
            .content
            .contains("entered too many invalid product keys"),
        "{}",
        notices[0].content
    );
    // Another refusal while locked does not announce it again.
    world
        .order(
            world.admin,
            "en-US",
            "add-licenses",
            "Contoso",
            "BCDFG-HJKMP-QRTVW-XY234-6789H",
        )
        .await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(world.notices().len(), 1, "told once");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dutch_locale_gets_dutch_text_and_buttons_and_notices_follow_the_guild_locale() {
    let world = World::with(Default::default(), "nl").await;
    let keys = world.keys(SKU, 1, "12m", 1).await;
    let (run, review) = world
        .order(world.admin, "nl", "add-licenses", "Contoso", &keys[0])
        .await;
    assert_eq!(
        review.button_labels(),
        [
            "Inwisselen",
            "Een andere productcode toevoegen",
            "Annuleren"
        ]
    );
    assert!(
        review.text().contains("Controleer uw ordergegevens"),
        "{}",
        review.text()
    );
    assert!(review.text().contains("50 → 51"), "{}", review.text());
    let receipt = answer(&run.click("Inwisselen").await.unwrap()).await;
    assert!(receipt.text().contains("Ingewisseld"), "{}", receipt.text());
    assert!(
        receipt.text().contains("1 productcode ingewisseld"),
        "{}",
        receipt.text()
    );
    let notices = world.wait_notices(1).await;
    assert!(
        notices[0]
            .content
            .contains("heeft 1 licentie toegevoegd aan *Contoso*"),
        "{}",
        notices[0].content
    );

    // An English-speaking admin in the Dutch guild reads English; the notice stays Dutch.
    let keys = world.keys(SKU, 2, "12m", 1).await;
    let (run, review) = world
        .order(world.admin, "en-GB", "add-licenses", "Contoso", &keys[0])
        .await;
    assert_eq!(review.button_labels()[0], "Redeem");
    answer(&run.click("Redeem").await.unwrap()).await;
    let notices = world.wait_notices(2).await;
    assert!(
        notices[1].content.contains("heeft 2 licenties toegevoegd"),
        "{}",
        notices[1].content
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_german_admin_types_lizenzen_hinzufuegen_and_the_german_server_reads_german_notices() {
    let world = World::with(Default::default(), "de").await;
    let keys = world.keys(SKU, 1, "12m", 1).await;
    // Typed as a German admin types it, by its German command and option names.
    let run = world
        .fake
        .as_member(world.guild, world.admin)
        .locale("de")
        .command("lizenzen-hinzufügen")
        .option("abonnement", "Contoso")
        .option("produktschlüssel", keys[0].as_str())
        .send()
        .await
        .unwrap();
    let review = answer(&run).await;
    let text = review.text();
    assert!(
        text.contains("Bestellung überprüfen: Lizenzen hinzufügen"),
        "{text}"
    );
    assert!(text.contains("50 → 51"), "{text}");
    assert_eq!(
        review.button_labels(),
        [
            "Einlösen",
            "Weiteren Produktschlüssel hinzufügen",
            "Abbrechen"
        ]
    );
    let receipt = answer(&run.click("Einlösen").await.unwrap()).await;
    assert!(
        receipt
            .text()
            .contains("1 Produktschlüssel für *Contoso* eingelöst."),
        "{}",
        receipt.text()
    );
    let notices = world.wait_notices(1).await;
    assert_eq!(
        notices[0].content,
        format!(
            "<@{}> hat *Contoso* 1 Lizenz hinzugefügt: 50 → 51 Lizenzen (1 Produktschlüssel).",
            world.admin
        )
    );
    let stored: String =
        sqlx::query_scalar("SELECT locale FROM guild_settings WHERE guild_id = $1")
            .bind(world.guild.get() as i64)
            .fetch_one(&world.db.pool)
            .await
            .unwrap();
    assert_eq!(
        stored, "de",
        "the server's language is kept for its notices"
    );

    // A Polish admin of the German server types Polish and reads Polish; the notice
    // stays German.
    let keys = world.keys(SKU, 2, "12m", 1).await;
    let run = world
        .fake
        .as_member(world.guild, world.admin)
        .locale("pl")
        .command("dodaj-licencje")
        .option("subskrypcja", "Contoso")
        .option("klucze", keys[0].as_str())
        .send()
        .await
        .unwrap();
    let review = answer(&run).await;
    assert!(
        review
            .text()
            .contains("Przejrzyj zamówienie: dodaj licencje"),
        "{}",
        review.text()
    );
    assert_eq!(review.button_labels()[0], "Zrealizuj");
    answer(&run.click("Zrealizuj").await.unwrap()).await;
    let notices = world.wait_notices(2).await;
    assert!(
        notices[1]
            .content
            .contains("hat *Contoso* 2 Lizenzen hinzugefügt: 51 → 53 Lizenzen"),
        "{}",
        notices[1].content
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_member_without_manage_server_is_refused_and_one_with_the_manager_role_is_served() {
    let world = World::new().await;
    let keys = world.keys(SKU, 1, "12m", 1).await;
    let managers = world
        .fake
        .create_role(world.guild, "license managers", Permissions::empty());
    let bob = world.fake.add_member(world.guild, "bob", &[]);
    // Server admins can override command permissions, so the bot checks again.
    let run = world
        .fake
        .as_member(world.guild, bob)
        .command("add-licenses")
        .option("subscription", "Contoso")
        .option("keys", keys[0].as_str())
        .ignoring_command_permissions()
        .send()
        .await
        .unwrap();
    let reply = answer(&run).await;
    assert!(
        reply
            .text()
            .contains("You need the Manage Server permission"),
        "{}",
        reply.text()
    );
    assert_eq!(world.order_count().await, 0);

    let set = world
        .fake
        .as_member(world.guild, world.admin)
        .command("settings manager-role")
        .option("role", managers)
        .send()
        .await
        .unwrap();
    assert!(answer(&set).await.text().contains("may now use licensebot"));
    world.fake.set_member_roles(world.guild, bob, &[managers]);
    let run = world
        .fake
        .as_member(world.guild, bob)
        .command("add-licenses")
        .option("subscription", "Contoso")
        .option("keys", keys[0].as_str())
        .ignoring_command_permissions()
        .send()
        .await
        .unwrap();
    let review = answer(&run).await;
    assert_eq!(review.button_labels()[0], "Redeem", "{}", review.text());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redeem_clicked_twice_applies_once_and_the_second_click_is_told() {
    let world = World::new().await;
    let keys = world.keys(SKU, 5, "12m", 1).await;
    let (run, _) = world
        .order(world.admin, "en-US", "add-licenses", "Contoso", &keys[0])
        .await;
    // Both clicks leave before either is answered: a double click.
    let (a, b) = tokio::join!(run.click("Redeem"), run.click("Redeem"));
    let (a, b) = (a.unwrap(), b.unwrap());
    let (ra, rb) = (
        a.wait_response(WAIT).await.unwrap(),
        b.wait_response(WAIT).await.unwrap(),
    );
    let texts = [answer(&a).await.text(), answer(&b).await.text()];
    eprintln!(
        "kinds {:?} {:?}; a: {:?}; b: {:?}",
        ra.kind,
        rb.kind,
        ra.message.as_ref().map(|m| m.id),
        rb.message.as_ref().map(|m| m.id)
    );
    assert_eq!(
        texts.iter().filter(|t| t.contains("Redeemed")).count(),
        1,
        "{texts:?}"
    );
    assert_eq!(
        texts
            .iter()
            .filter(|t| t.contains("This order was already redeemed by <@"))
            .count(),
        1,
        "{texts:?}"
    );
    // The loser's answer is a message of its own: the receipt stays on the review.
    let kinds = [ra.kind, rb.kind];
    assert!(
        kinds.contains(&fake_discord::CallbackKind::UpdateMessage),
        "{kinds:?}"
    );
    let review = run.original_message().unwrap();
    assert!(review.text().contains("Redeemed"), "{}", review.text());
    assert_eq!(world.seats().await, 55);
    assert_eq!(world.redemption_count().await, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_admins_redeeming_orders_that_share_a_key_give_one_redemption_and_both_are_told() {
    let world = World::new().await;
    let keys = world.keys(SKU, 5, "12m", 1).await;
    let bea = world.fake.add_member(world.guild, "bea", &[world.admins]);
    let (ana_run, _) = world
        .order(world.admin, "en-US", "add-licenses", "Contoso", &keys[0])
        .await;
    let (bea_run, _) = world
        .order(bea, "en-US", "add-licenses", "Contoso", &keys[0])
        .await;
    let (a, b) = tokio::join!(ana_run.click("Redeem"), bea_run.click("Redeem"));
    let (a, b) = (answer(&a.unwrap()).await, answer(&b.unwrap()).await);
    let texts = [a.text(), b.text()];
    let winners = texts.iter().filter(|t| t.contains("Redeemed")).count();
    let losers: Vec<_> = texts
        .iter()
        .filter(|t| t.contains("was already redeemed by <@"))
        .collect();
    assert_eq!(winners, 1, "{texts:?}");
    assert_eq!(losers.len(), 1, "{texts:?}");
    assert_eq!(world.seats().await, 55);
    assert_eq!(world.redemption_count().await, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_bot_restarted_between_review_and_redeem_still_redeems() {
    let mut world = World::new().await;
    let keys = world.keys(SKU, 3, "12m", 1).await;
    let (run, _) = world
        .order(world.admin, "en-US", "add-licenses", "Contoso", &keys[0])
        .await;
    world.stop_bot().await;
    world.start_bot().await;
    let receipt = answer(&run.click("Redeem").await.unwrap()).await;
    assert!(receipt.text().contains("Redeemed"), "{}", receipt.text());
    assert_eq!(world.seats().await, 53);
    assert_eq!(world.wait_notices(1).await.len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_expired_order_loses_its_buttons_even_across_a_restart() {
    let mut settings = licensebot::config::Settings::default();
    settings.orders.lifetime_seconds = 2;
    settings.lifecycle.tick_seconds = 1;
    let mut world = World::with(settings, "en-US").await;
    let keys = world.keys(SKU, 3, "12m", 1).await;
    let (run, review) = world
        .order(world.admin, "en-US", "add-licenses", "Contoso", &keys[0])
        .await;
    let id = review.id;
    world.stop_bot().await;
    tokio::time::sleep(Duration::from_secs(3)).await;
    world.start_bot().await;
    let expired = run
        .wait_original(Duration::from_secs(15), |m| m.buttons().is_empty())
        .await
        .expect("the review's buttons are removed");
    assert_eq!(expired.id, id);
    assert!(
        expired.text().contains("This order expired"),
        "{}",
        expired.text()
    );
    assert_eq!(world.seats().await, 50);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_click_on_someone_elses_order_or_a_forged_button_changes_nothing() {
    let world = World::new().await;
    let keys = world.keys(SKU, 3, "12m", 1).await;
    let (run, review) = world
        .order(world.admin, "en-US", "add-licenses", "Contoso", &keys[0])
        .await;
    let bea = world.fake.add_member(world.guild, "bea", &[world.admins]);
    let redeem_id = review.button("Redeem").unwrap().custom_id.unwrap();
    let stolen = world
        .fake
        .as_member(world.guild, bea)
        .forge_click(review.id, &redeem_id)
        .await
        .unwrap();
    let reply = stolen.wait_response(WAIT).await.unwrap();
    assert!(
        reply.text().contains("belongs to someone else")
            || reply
                .followups
                .iter()
                .any(|m| m.text().contains("belongs to someone else")),
        "{}",
        reply.text()
    );
    assert_eq!(world.seats().await, 50);

    // Forged custom_ids: an order that does not exist, and text we never made.
    for forged in [
        format!("order:{}:redeem", uuid::Uuid::new_v4()),
        "order:../../admin:redeem".to_string(),
        "x".repeat(100),
    ] {
        let click = world
            .fake
            .as_member(world.guild, world.admin)
            .forge_click(review.id, &forged)
            .await
            .unwrap();
        let text = answer(&click).await.text();
        assert!(
            text.contains("doesn't exist in this server") || text.contains("no longer valid"),
            "{forged}: {text}"
        );
    }

    // Another guild's admin replays this guild's order id on a message of their own guild.
    let other = world.fake.create_guild("Fabrikam", "en-US");
    let other_admins = world
        .fake
        .create_role(other, "admins", Permissions::MANAGE_GUILD);
    let eve = world.fake.add_member(other, "eve", &[other_admins]);
    world
        .app
        .create_subscription(
            licensebot::domain::records::GuildId(other.get()),
            SKU,
            "Fabrikam",
            5,
            today() + Days::new(30),
        )
        .await
        .unwrap();
    let eve_keys = world.keys(SKU, 1, "12m", 1).await;
    let eve_run = world
        .fake
        .as_member(other, eve)
        .command("add-licenses")
        .option("subscription", "Fabrikam")
        .option("keys", eve_keys[0].as_str())
        .send()
        .await
        .unwrap();
    let eve_review = answer(&eve_run).await;
    let replay = world
        .fake
        .as_member(other, eve)
        .forge_click(eve_review.id, &redeem_id)
        .await
        .unwrap();
    let text = answer(&replay).await.text();
    assert!(text.contains("doesn't exist in this server"), "{text}");
    assert_eq!(world.seats().await, 50, "nothing changed");
    assert_eq!(world.redemption_count().await, 0);

    // The owner's review is untouched and still works.
    let receipt = answer(&run.click("Redeem").await.unwrap()).await;
    assert!(receipt.text().contains("Redeemed"));
    assert_eq!(world.seats().await, 53);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn subscriptions_lists_state_and_autocomplete_offers_the_guilds_subscriptions() {
    let world = World::new().await;
    world
        .app
        .create_subscription(
            world.guild_id(),
            SKU,
            "Fabrikam",
            10,
            today() - Days::new(3),
        )
        .await
        .unwrap();
    let list = world
        .fake
        .as_member(world.guild, world.admin)
        .command("subscriptions")
        .send()
        .await
        .unwrap();
    let text = answer(&list).await.text();
    assert!(text.contains("Your products"), "{text}");
    assert!(
        text.contains("Contoso") && text.contains("Active"),
        "{text}"
    );
    assert!(
        text.contains("Fabrikam") && text.contains("Expired"),
        "{text}"
    );
    let typed = world
        .fake
        .as_member(world.guild, world.admin)
        .command("add-licenses")
        .focused("subscription", "fab")
        .send()
        .await
        .unwrap();
    let choices = typed.wait_response(WAIT).await.unwrap().choices;
    assert_eq!(choices.len(), 1, "{choices:?}");
    assert!(choices[0].name.starts_with("Fabrikam"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unwritable_notice_channel_is_reported_at_settings_time() {
    let world = World::new().await;
    let closed = world.fake.create_text_channel(world.guild, "closed");
    world.fake.set_channel_writable(closed, false);
    let set = world
        .fake
        .as_member(world.guild, world.admin)
        .command("settings notices")
        .option("channel", closed)
        .send()
        .await
        .unwrap();
    let text = answer(&set).await.text();
    assert!(text.contains("I can't post in"), "{text}");
    let settings = world.app.guild_settings(world.guild_id()).await.unwrap();
    assert_eq!(
        settings.notice_channel,
        Some(world.notices.get()),
        "nothing changed"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_notice_channel_of_another_server_is_refused_and_nothing_is_posted_there() {
    let world = World::new().await;
    let elsewhere = world.fake.create_guild("Fabrikam", "en-US");
    let theirs = world.fake.create_text_channel(elsewhere, "general");
    for (locale, says) in [
        ("en-US", "is not a channel of this server"),
        ("nl", "is geen kanaal van deze server"),
    ] {
        let set = world
            .fake
            .as_member(world.guild, world.admin)
            .locale(locale)
            .command("settings notices")
            .option("channel", theirs)
            .forged()
            .send()
            .await
            .unwrap();
        let text = answer(&set).await.text();
        assert!(text.contains(says), "{locale}: {text}");
    }
    assert!(
        world.fake.channel_messages(theirs).is_empty(),
        "nothing was posted in the other server"
    );
    let settings = world.app.guild_settings(world.guild_id()).await.unwrap();
    assert_eq!(
        settings.notice_channel,
        Some(world.notices.get()),
        "nothing changed"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rate_limited_notice_is_retried_after_retry_after_and_delivered_once() {
    let world = World::new().await;
    world.fake.fail_next(
        "POST",
        "/channels/*/messages",
        fake_discord::Failure::rate_limited(0.5),
    );
    let keys = world.keys(SKU, 1, "12m", 1).await;
    let (run, _) = world
        .order(world.admin, "en-US", "add-licenses", "Contoso", &keys[0])
        .await;
    answer(&run.click("Redeem").await.unwrap()).await;
    let notices = world.wait_notices(1).await;
    assert_eq!(notices.len(), 1);
    tokio::time::sleep(Duration::from_millis(700)).await;
    assert_eq!(world.notices().len(), 1, "delivered once");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_command_from_a_direct_message_is_refused() {
    let world = World::new().await;
    let run = world
        .fake
        .as_user(world.admin)
        .command("subscriptions")
        .forged()
        .send()
        .await
        .unwrap();
    let text = answer(&run).await.text();
    assert!(text.contains("works in servers only"), "{text}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lifecycle_reminders_and_state_changes_reach_the_notice_channel_once() {
    let mut settings = licensebot::config::Settings::default();
    settings.lifecycle.tick_seconds = 1;
    let mut world = World::with(settings, "en-US").await;
    // A subscription ending in 10 days is past its 14-day reminder; one that ended
    // yesterday has just expired.
    world
        .app
        .create_subscription(
            world.guild_id(),
            SKU,
            "Fabrikam",
            10,
            today() + Days::new(10),
        )
        .await
        .unwrap();
    world
        .app
        .create_subscription(
            world.guild_id(),
            SKU,
            "Northwind",
            10,
            today() - Days::new(1),
        )
        .await
        .unwrap();
    let notices = world.wait_notices(2).await;
    let texts: Vec<&str> = notices.iter().map(|m| m.content.as_str()).collect();
    assert!(
        texts
            .iter()
            .any(|t| t.contains("*Fabrikam* ends on") && t.contains("in 10 days")),
        "{texts:?}"
    );
    assert!(
        texts.iter().any(|t| t.contains("*Northwind* expired on")),
        "{texts:?}"
    );
    // Neither repeats, also not after a restart.
    world.stop_bot().await;
    world.start_bot().await;
    tokio::time::sleep(Duration::from_millis(2500)).await;
    let again: Vec<String> = world.notices().iter().map(|m| m.content.clone()).collect();
    assert_eq!(again.len(), 2, "{again:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redemptions_are_listed_newest_first_and_paged_with_buttons() {
    let world = World::new().await;
    let keys = world.keys(SKU, 1, "12m", 7).await;
    for key in &keys {
        let (run, _) = world
            .order(world.admin, "en-US", "add-licenses", "Contoso", key)
            .await;
        answer(&run.click("Redeem").await.unwrap()).await;
    }
    let list = world
        .fake
        .as_member(world.guild, world.admin)
        .command("redemptions")
        .send()
        .await
        .unwrap();
    let first = answer(&list).await;
    let text = first.text();
    assert!(text.contains("Page 1 of 2"), "{text}");
    assert!(text.contains("56 → 57 licenses"), "newest first: {text}");
    assert!(
        !text.contains("50 → 51 licenses"),
        "the oldest is on page 2: {text}"
    );
    assert!(first.button("Newer").unwrap().disabled);
    let older = list.click("Older").await.unwrap();
    let second = answer(&older).await;
    assert!(second.text().contains("Page 2 of 2"), "{}", second.text());
    assert!(
        second.text().contains("50 → 51 licenses"),
        "{}",
        second.text()
    );
    assert!(second.button("Older").unwrap().disabled);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_key_in_the_modal_keeps_the_order_as_it_was_and_says_why() {
    let world = World::new().await;
    let keys = world.keys(SKU, 2, "12m", 1).await;
    let (run, _) = world
        .order(world.admin, "en-US", "add-licenses", "Contoso", &keys[0])
        .await;
    let add = run.click("Add another product key").await.unwrap();
    let modal = add.wait_response(WAIT).await.unwrap().modal.unwrap();
    let submit = add
        .submit_modal(&[(modal.inputs[0].label.as_str(), keys[0].as_str())])
        .await
        .unwrap();
    let review = answer(&submit).await;
    let text = review.text();
    assert!(
        text.contains("You have already entered this product key"),
        "{text}"
    );
    assert!(text.contains("50 → 52"), "the order is as it was: {text}");
    assert_eq!(
        review.button_labels(),
        ["Redeem", "Add another product key", "Cancel"]
    );
    let receipt = answer(&submit.click("Redeem").await.unwrap()).await;
    assert!(receipt.text().contains("Redeemed"));
    assert_eq!(world.seats().await, 52);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_slow_redemption_is_deferred_within_three_seconds_then_completed() {
    let world = World::new().await;
    let keys = world.keys(SKU, 4, "12m", 1).await;
    let (run, _) = world
        .order(world.admin, "en-US", "add-licenses", "Contoso", &keys[0])
        .await;
    // Someone else holds the subscription's row for two seconds.
    let mut blocker = world.db.pool.begin().await.unwrap();
    sqlx::query("SELECT 1 FROM subscriptions WHERE id = $1 FOR UPDATE")
        .bind(world.subscription)
        .execute(&mut *blocker)
        .await
        .unwrap();
    let click = run.click("Redeem").await.unwrap();
    let ack = click
        .wait_ack(Duration::from_secs(3))
        .await
        .expect("a first response within 3 s");
    assert_eq!(ack.kind, fake_discord::CallbackKind::DeferredUpdateMessage);
    tokio::time::sleep(Duration::from_millis(1500)).await;
    blocker.rollback().await.unwrap();
    let receipt = click
        .wait_original(WAIT, |m| m.text().contains("Redeemed"))
        .await
        .unwrap();
    assert!(receipt.buttons().is_empty());
    assert_eq!(world.seats().await, 54);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_notice_channel_deleted_later_fails_the_notice_once_instead_of_retrying_forever() {
    let world = World::new().await;
    world.fake.delete_channel(world.notices);
    let keys = world.keys(SKU, 1, "12m", 1).await;
    let (run, _) = world
        .order(world.admin, "en-US", "add-licenses", "Contoso", &keys[0])
        .await;
    answer(&run.click("Redeem").await.unwrap()).await;
    let deadline = tokio::time::Instant::now() + WAIT;
    let state = loop {
        let notices = world
            .store()
            .list_notices(Some(world.guild_id()))
            .await
            .unwrap();
        let state = notices
            .iter()
            .find(|n| n.kind == licensebot::domain::NoticeKind::Redemption)
            .map(|n| n.state);
        if state != Some(licensebot::domain::NoticeState::Pending)
            || tokio::time::Instant::now() > deadline
        {
            break state;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert_eq!(state, Some(licensebot::domain::NoticeState::Failed));
    tokio::time::sleep(Duration::from_secs(3)).await;
    let posts = world
        .fake
        .requests_to("POST", &format!("/channels/{}/messages", world.notices));
    assert_eq!(posts.len(), 1, "tried once, not retried: {posts:?}");
    assert_eq!(world.seats().await, 51, "the redemption itself stands");
}
