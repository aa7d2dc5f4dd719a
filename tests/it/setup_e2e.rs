//! Setting up a server, end to end against the fake Discord: `/settings show` names each
//! problem with what to do, `/settings language` sets the language of notices, the manager
//! role's Integrations step, and notices kept until a channel is set.

use fake_discord::{
    serenity::all::{ChannelId, GuildId, Permissions, RoleId, UserId},
    OverwriteTarget,
};
use licensebot::domain::records;

use crate::support::world::{answer, bot_permissions, World};

/// `/settings <sub>` as `user` in `guild`, in `locale`, with options; the answer's text.
async fn settings(
    world: &World,
    guild: GuildId,
    user: UserId,
    locale: &str,
    sub: &str,
    options: &[(&str, serde_json::Value)],
) -> String {
    let mut command = world
        .fake
        .as_member(guild, user)
        .locale(locale)
        .command(&format!("settings {sub}"));
    for (name, value) in options {
        command = command.option(name, value.clone());
    }
    answer(&command.send().await.expect("the command is sent"))
        .await
        .text()
}

/// A server with every problem `/settings show` knows: a notice channel the bot cannot
/// see, a manager role Discord hides the commands from, a license role above the bot's.
struct Troubled {
    world: World,
    staff: ChannelId,
    helpers: RoleId,
    licensed: RoleId,
}

impl Troubled {
    async fn new() -> Troubled {
        let world = World::new().await;
        let (fake, guild) = (&world.fake, world.guild);
        fake.set_bot_permissions(guild, bot_permissions());
        fake.set_role_position(guild, fake.bot_role(guild), 10);
        let licensed = fake.create_role(guild, "Contoso users", Permissions::empty());
        fake.set_role_position(guild, licensed, 2);
        let linked = settings(
            &world,
            guild,
            world.admin,
            "en-US",
            "license-role",
            &[
                ("subscription", "Contoso".into()),
                ("role", licensed.get().to_string().into()),
            ],
        )
        .await;
        assert!(linked.contains("will carry"), "{linked}");
        // Later someone drags the role above the bot's.
        fake.set_role_position(guild, licensed, 20);
        // A private staff channel: @everyone may not see it, and nobody let the bot in.
        let staff = fake.create_text_channel(guild, "staff");
        fake.set_channel_overwrite(
            staff,
            OverwriteTarget::Role(fake.everyone_role(guild)),
            Permissions::empty(),
            Permissions::VIEW_CHANNEL,
        );
        world
            .app
            .set_notice_channel(world.guild_id(), staff.get())
            .await
            .unwrap();
        let helpers = fake.create_role(guild, "helpers", Permissions::empty());
        world
            .app
            .set_manager_role(world.guild_id(), Some(helpers.get()))
            .await
            .unwrap();
        Troubled {
            world,
            staff,
            helpers,
            licensed,
        }
    }

    async fn show(&self, locale: &str) -> String {
        let w = &self.world;
        settings(w, w.guild, w.admin, locale, "show", &[]).await
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn settings_show_names_each_problem_with_what_to_do_and_a_healthy_server_only_ticks() {
    let t = Troubled::new().await;
    let (fake, guild) = (&t.world.fake, t.world.guild);
    let text = t.show("en-US").await;
    let staff = format!("<#{}>", t.staff);
    let helpers = format!("<@&{}>", t.helpers);
    let licensed = format!("<@&{}>", t.licensed);
    assert!(
        text.contains(&format!(
            "⚠️ I can't see {staff}. Give me View Channel there"
        )),
        "{text}"
    );
    assert!(
        text.contains(&format!(
            "Discord hides its commands from them. Server Settings → Integrations → licensebot → add {helpers}"
        )),
        "{text}"
    );
    assert!(
        text.contains(&format!(
            "⚠️ I can't give {licensed} (*Contoso*): it isn't below my highest role. In Server Settings → Roles, drag my role above it."
        )),
        "{text}"
    );
    assert!(
        text.contains("✅ Notices, requests and direct messages are in English"),
        "{text}"
    );
    assert!(
        text.contains("✅ No subscription ends within 30 days."),
        "{text}"
    );

    // A channel the bot sees but may not write in.
    fake.set_channel_overwrite(
        t.staff,
        OverwriteTarget::Member(fake.bot_user_id()),
        Permissions::VIEW_CHANNEL,
        Permissions::SEND_MESSAGES | Permissions::EMBED_LINKS,
    );
    let text = t.show("en-US").await;
    assert!(
        text.contains(&format!("⚠️ I lack Send Messages, Embed Links in {staff}")),
        "{text}"
    );

    // In Dutch, the same problems in Dutch words.
    let text = t.show("nl").await;
    assert!(
        text.contains(&format!(
            "⚠️ Ik mis Berichten versturen, Links insluiten in {staff}"
        )),
        "{text}"
    );
    assert!(
        text.contains(&format!(
            "Serverinstellingen → Integraties → licensebot → {helpers} toevoegen"
        )),
        "{text}"
    );

    // Each fixed as the checklist says: every line is ticked.
    fake.set_channel_overwrite(
        t.staff,
        OverwriteTarget::Member(fake.bot_user_id()),
        Permissions::VIEW_CHANNEL | Permissions::SEND_MESSAGES | Permissions::EMBED_LINKS,
        Permissions::empty(),
    );
    fake.set_app_command_permissions(guild, &[(t.helpers, true)]);
    fake.set_role_position(guild, t.licensed, 2);
    let text = t.show("en-US").await;
    assert!(!text.contains("⚠️"), "{text}");
    assert!(
        text.contains(&format!("✅ Notices are posted in {staff}.")),
        "{text}"
    );
    assert!(
        text.contains(&format!(
            "✅ Members of {helpers} may use licensebot, and Discord shows them its commands."
        )),
        "{text}"
    );
    assert!(
        text.contains(&format!(
            "✅ {licensed} goes with the licenses of *Contoso*, and I can give it."
        )),
        "{text}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn settings_show_on_a_server_without_a_notice_channel_says_to_set_one() {
    let world = World::new().await;
    let fresh = world.fake.create_guild("Fabrikam", "en-US");
    let admins = world
        .fake
        .create_role(fresh, "admins", Permissions::MANAGE_GUILD);
    let admin = world.fake.add_member(fresh, "fay", &[admins]);
    world
        .app
        .create_subscription(
            records::GuildId(fresh.get()),
            crate::support::world::SKU,
            "Fabrikam",
            5,
            crate::support::world::today() + chrono::Days::new(10),
        )
        .await
        .unwrap();
    let text = settings(&world, fresh, admin, "en-US", "show", &[]).await;
    assert!(
        text.contains("⚠️ No notice channel is set: notices wait for one (up to 7 days), and nobody sees them. Set one with /settings notices."),
        "{text}"
    );
    assert!(text.contains("⚠️ *Fabrikam* ends <t:"), "{text}");
    assert!(text.contains("✅ No manager role"), "{text}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn settings_language_nl_on_an_english_server_makes_the_next_notice_dutch() {
    let world = World::new().await;
    let chosen = settings(
        &world,
        world.guild,
        world.admin,
        "en-US",
        "language",
        &[("language", "nl".into())],
    )
    .await;
    assert!(chosen.contains("Nederlands"), "{chosen}");
    // Discord telling the server's locale again does not undo the admin's choice.
    world
        .app
        .record_guild_locale(world.guild_id(), "en-US")
        .await
        .unwrap();
    let keys = world.keys(crate::support::world::SKU, 5, "12m", 1).await;
    let (run, _) = world
        .order(world.admin, "en-US", "add-licenses", "Contoso", &keys[0])
        .await;
    answer(&run.click("Redeem").await.unwrap()).await;
    let notices = world.wait_notices(1).await;
    let last = notices.last().map(|m| m.text()).unwrap_or_default();
    assert!(
        last.contains("heeft 5 licenties toegevoegd aan *Contoso*"),
        "{notices:?}"
    );
    let show = settings(&world, world.guild, world.admin, "en-US", "show", &[]).await;
    assert!(
        show.contains("✅ Notices, requests and direct messages are in Nederlands (chosen with /settings language)."),
        "{show}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn settings_language_de_makes_the_next_notice_german_while_replies_follow_the_reader() {
    let world = World::new().await;
    let chosen = settings(
        &world,
        world.guild,
        world.admin,
        "en-US",
        "language",
        &[("language", "de".into())],
    )
    .await;
    assert!(chosen.contains("Deutsch"), "{chosen}");
    let keys = world.keys(crate::support::world::SKU, 5, "12m", 1).await;
    let (run, _) = world
        .order(world.admin, "en-US", "add-licenses", "Contoso", &keys[0])
        .await;
    let receipt = answer(&run.click("Redeem").await.unwrap()).await;
    assert!(
        receipt.text().contains("Redeemed"),
        "the admin's own reply stays English: {}",
        receipt.text()
    );
    let notices = world.wait_notices(1).await;
    let last = notices.last().map(|m| m.text()).unwrap_or_default();
    assert!(
        last.contains("hat *Contoso* 5 Lizenzen hinzugefügt: 50 → 55 Lizenzen"),
        "{notices:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_language_choices_are_every_language_licensebot_speaks() {
    let world = World::new().await;
    let commands = world.fake.registered_commands(None);
    let settings = commands
        .iter()
        .find(|c| c["name"] == "settings")
        .expect("/settings is registered");
    let language = settings["options"]
        .as_array()
        .and_then(|o| o.iter().find(|o| o["name"] == "language"))
        .expect("/settings language is registered");
    let values: Vec<&str> = language["options"][0]["choices"]
        .as_array()
        .expect("choices")
        .iter()
        .filter_map(|c| c["value"].as_str())
        .collect();
    let spoken: Vec<&str> = licensebot::discord::i18n::Lang::ALL
        .iter()
        .map(|l| l.code())
        .collect();
    assert_eq!(values, spoken);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_manager_role_is_told_the_integrations_step_and_can_be_cleared() {
    let world = World::new().await;
    let helpers = world
        .fake
        .create_role(world.guild, "helpers", Permissions::empty());
    let set = settings(
        &world,
        world.guild,
        world.admin,
        "en-US",
        "manager-role",
        &[("role", helpers.get().to_string().into())],
    )
    .await;
    assert!(
        set.contains(&format!(
            "Server Settings → Integrations → licensebot → add <@&{helpers}>"
        )),
        "{set}"
    );
    let settings_now = world.app.guild_settings(world.guild_id()).await.unwrap();
    assert_eq!(settings_now.manager_role, Some(helpers.get()));
    let cleared = settings(&world, world.guild, world.admin, "nl", "manager-role", &[]).await;
    assert!(cleared.contains("geen beheerdersrol"), "{cleared}");
    let settings_now = world.app.guild_settings(world.guild_id()).await.unwrap();
    assert_eq!(settings_now.manager_role, None);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_notice_written_while_no_channel_was_set_is_posted_once_after_settings_notices() {
    let world = World::new().await;
    sqlx::query("UPDATE guild_settings SET notice_channel_id = NULL")
        .execute(&world.db.pool)
        .await
        .unwrap();
    let keys = world.keys(crate::support::world::SKU, 5, "12m", 2).await;
    let (run, _) = world
        .order(world.admin, "en-US", "add-licenses", "Contoso", &keys[0])
        .await;
    let receipt = answer(&run.click("Redeem").await.unwrap()).await.text();
    assert!(
        receipt.contains("No team channel is set, so nobody else was told: /settings notices"),
        "{receipt}"
    );
    let show = settings(&world, world.guild, world.admin, "en-US", "show", &[]).await;
    assert!(
        show.contains("⚠️ 1 notice is waiting for a notice channel"),
        "{show}"
    );
    let set = settings(
        &world,
        world.guild,
        world.admin,
        "en-US",
        "notices",
        &[("channel", world.notices.get().to_string().into())],
    )
    .await;
    assert!(set.contains("Notices will be posted in"), "{set}");
    let added = |m: &fake_discord::StoredMessage| m.text().contains("added 5 licenses");
    let notices = world.wait_notices(2).await;
    assert_eq!(
        notices.iter().filter(|m| added(m)).count(),
        1,
        "{notices:?}"
    );
    // A later notice comes after it, and the kept one is not posted again.
    let (run, _) = world
        .order(world.admin, "en-US", "add-licenses", "Contoso", &keys[1])
        .await;
    let receipt = answer(&run.click("Redeem").await.unwrap()).await.text();
    assert!(!receipt.contains("No team channel"), "{receipt}");
    let notices = world.wait_notices(3).await;
    assert_eq!(
        notices.iter().filter(|m| added(m)).count(),
        2,
        "{notices:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn adding_licenses_to_a_deleted_subscription_points_at_activate_with_a_new_name() {
    let world = World::new().await;
    sqlx::query("UPDATE subscriptions SET ends_on = $1 WHERE id = $2")
        .bind(crate::support::world::today() - chrono::Days::new(200))
        .bind(world.subscription)
        .execute(&world.db.pool)
        .await
        .unwrap();
    let keys = world.keys(crate::support::world::SKU, 5, "12m", 1).await;
    for command in ["add-licenses", "extend"] {
        let (_, message) = world
            .order(world.admin, "en-US", command, "Contoso", &keys[0])
            .await;
        let text = message.text();
        assert!(
            text.contains("*Contoso* has been deleted")
                && text.contains("/activate")
                && text.contains("new name"),
            "{command}: {text}"
        );
        assert!(!text.contains("/extend first"), "{command}: {text}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_date_shown_in_discord_is_a_discord_timestamp_in_both_languages() {
    use crate::support::world::{has_iso_date, shown, SKU};
    let world = World::new().await;
    let ends = world.ends_on().await;
    let keys = world.keys(SKU, 50, "12m", 2).await;
    let mut seen = Vec::new();
    for (locale, key) in [("en-US", &keys[0]), ("nl", &keys[1])] {
        let command = if locale == "nl" {
            "verlengen"
        } else {
            "extend"
        };
        let run = world
            .fake
            .as_member(world.guild, world.admin)
            .locale(locale)
            .command(command)
            .option(
                if locale == "nl" {
                    "abonnement"
                } else {
                    "subscription"
                },
                "Contoso",
            )
            .option(
                if locale == "nl" {
                    "productcodes"
                } else {
                    "keys"
                },
                key.as_str(),
            )
            .send()
            .await
            .unwrap();
        seen.push(answer(&run).await.text());
        seen.push(
            answer(
                &run.click(if locale == "nl" {
                    "Inwisselen"
                } else {
                    "Redeem"
                })
                .await
                .unwrap(),
            )
            .await
            .text(),
        );
        for command in ["subscriptions", "redemptions"] {
            let list = world
                .fake
                .as_member(world.guild, world.admin)
                .locale(locale)
                .command(command)
                .send()
                .await
                .unwrap();
            seen.push(answer(&list).await.text());
        }
    }
    let notices = world.wait_notices(2).await;
    seen.extend(notices.iter().map(|m| m.text()));
    for text in &seen {
        assert!(!has_iso_date(text), "an ISO date in: {text}");
    }
    assert!(
        seen[0].contains(&shown(ends)),
        "the review shows the end date as a timestamp: {}",
        seen[0]
    );
    // /subscriptions in English came after the first extension, /abonnementen after both.
    assert!(
        seen.iter().any(|t| t.contains("ends <t:")),
        "/subscriptions: {seen:?}"
    );
    let after = world.ends_on().await;
    assert!(
        seen.iter()
            .any(|t| t.contains(&format!("eindigt op {}", shown(after)))),
        "/abonnementen: {seen:?}"
    );
}

#[test]
fn the_dutch_texts_read_as_dutch_admins_write() {
    use licensebot::discord::i18n::{s, Lang};
    let nl = Lang::Nl;
    let failed = nl.ta(
        "settings-notices-failed",
        &[("channel", s(1)), ("reason", s("403"))],
    );
    assert!(
        failed.starts_with("Ik kan geen berichten plaatsen in <#1>"),
        "{failed}"
    );
    assert_eq!(nl.t("subscriptions-title"), "Mijn producten");
    assert_eq!(
        nl.t("my-licenses-title"),
        "Mijn licenties",
        "no u-form beside Mijn producten"
    );
    let expired = nl.ta("request-refused-expired", &[("at", s(1))]);
    assert!(
        expired.contains("opnieuw een licentie aanvragen"),
        "{expired}"
    );
    let approved = nl.ta("request-approved-line", &[("by", s(1)), ("at", s(2))]);
    assert!(approved.contains("op <t:2:f>"), "{approved}");
    assert!(
        nl.t("cmd-settings-manager-role-desc")
            .contains("zonder de machtiging Server beheren"),
        "{}",
        nl.t("cmd-settings-manager-role-desc")
    );
    // In Discord's command picker, /licenties-toevoegen sat right beside /licenties toewijzen.
    let add = nl.t("cmd-add-licenses-name");
    assert!(!add.starts_with(&nl.t("cmd-licenses-name")), "{add}");
    let catalogue = include_str!("../../src/discord/locales/nl/main.ftl");
    for line in catalogue.lines() {
        for wrong in [
            " om <t:{ $at }:f>",
            " om <t:{ $at }:D>",
            "eindigt {",
            "niet posten",
            "zonder Server beheren",
            "opnieuw aanvragen",
        ] {
            assert!(!line.contains(wrong), "{wrong:?} in: {line}");
        }
    }
}

#[test]
fn the_api_document_describes_the_license_events_it_sends() {
    let api = include_str!("../../docs/API.md");
    let section = api
        .split("**`license.assigned`**, **`license.unassigned`**:")
        .nth(1)
        .expect("docs/API.md describes license.assigned");
    let section = section.split("**`ping`**").next().unwrap_or_default();
    assert!(!section.contains("reserved"), "{section}");
    for field in ["\"user\"", "\"by\"", "\"reason\"", "subscription-deleted"] {
        assert!(section.contains(field), "{field} missing in: {section}");
    }
}

#[tokio::test]
async fn a_notice_waits_seven_days_for_a_channel_and_is_then_dropped() {
    use licensebot::app::{App, Clock, Delivered};
    let db = crate::support::db::TestDb::new().await;
    let written = chrono::Utc::now();
    let app = |at| {
        App::assemble(
            licensebot::store::Store::new(db.pool.clone()),
            std::sync::Arc::new(licensebot::config::Settings::default()),
            Clock::fixed(at),
        )
    };
    let later = app(written + chrono::Duration::days(6));
    assert!(
        matches!(later.without_notice_channel(written), Delivered::WaitingForChannel(until) if until == written + chrono::Duration::days(7)),
        "kept for 7 days"
    );
    let week = app(written + chrono::Duration::days(7));
    assert!(matches!(
        week.without_notice_channel(written),
        Delivered::Dropped(_)
    ));
}
