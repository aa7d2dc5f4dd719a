//! Taking back what was sold, end to end: the real bot against the fake Discord. A refund of
//! one key of a subscription whose licenses are all assigned: the notice in the team channel,
//! the reversal in `/redemptions`, and the role of the member assigned last gone at the fake.

use std::time::Duration;

use fake_discord::serenity::all::{Permissions, RoleId, UserId};
use licensebot::config::Settings;

use crate::support::world::{answer, bot_permissions, World, SKU, WAIT};

/// Waits until the member's roles at the fake satisfy `ok`; returns them.
async fn wait_roles(world: &World, user: UserId, ok: impl Fn(&[RoleId]) -> bool) -> Vec<RoleId> {
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        let roles = world.fake.member_roles(world.guild, user);
        if ok(&roles) || tokio::time::Instant::now() > deadline {
            return roles;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn admin_command(world: &World, command: &str, options: &[(&str, String)]) -> String {
    let mut command = world
        .fake
        .as_member(world.guild, world.admin)
        .command(command);
    for (name, value) in options {
        command = command.option(name, value.as_str());
    }
    answer(&command.send().await.expect("the command is sent"))
        .await
        .text()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refund_tells_the_team_shows_in_the_ledger_and_takes_the_role_of_the_member_assigned_last(
) {
    let mut settings = Settings::default();
    settings.notices.retry_base_seconds = 1;
    let world = World::with(settings, "en-US").await;
    let (fake, guild) = (&world.fake, world.guild);
    let role = fake.create_role(guild, "Contoso users", Permissions::empty());
    fake.set_role_position(guild, fake.bot_role(guild), 10);
    fake.set_bot_permissions(guild, bot_permissions());
    let bob = fake.add_member(guild, "bob", &[]);
    let carol = fake.add_member(guild, "carol", &[]);
    // Contoso has 1 license; a key adds a second, and both are assigned.
    sqlx::query("UPDATE subscriptions SET seats = 1 WHERE id = $1")
        .bind(world.subscription)
        .execute(&world.db.pool)
        .await
        .unwrap();
    let keys = world.keys(SKU, 1, "12m", 1).await;
    let (run, _) = world
        .order(world.admin, "en-US", "add-licenses", "Contoso", &keys[0])
        .await;
    answer(&run.click("Redeem").await.unwrap()).await;
    admin_command(
        &world,
        "settings license-role",
        &[
            ("subscription", "Contoso".into()),
            ("role", role.to_string()),
        ],
    )
    .await;
    for member in [bob, carol] {
        let text = admin_command(
            &world,
            "licenses assign",
            &[
                ("subscription", "Contoso".into()),
                ("user", member.to_string()),
            ],
        )
        .await;
        assert!(text.contains("of 2 assigned"), "{text}");
        let roles = wait_roles(&world, member, |r| r.contains(&role)).await;
        assert!(roles.contains(&role), "{member} has {roles:?}");
    }

    // The vendor refunds the key.
    let reversed = world
        .app
        .reverse_keys(None, &keys, Some("refund 5512"))
        .await
        .unwrap();
    assert_eq!(reversed[0].released.len(), 1);
    let tail = &keys[0][keys[0].len() - 5..];
    let notice = world
        .fake
        .wait_for_message(world.notices, WAIT, |m| m.text().contains("reversed"))
        .await
        .expect("the refund notice is posted");
    let text = notice.text();
    assert!(
        text.contains(&format!(
            "The vendor reversed the product key ending in `{tail}`: *Contoso* now has 1 license, was 2."
        )),
        "{text}"
    );
    assert!(text.contains(&format!("<@{carol}>")), "{text}");
    assert!(
        !text.contains("refund 5512"),
        "the reason stays out of the channel"
    );
    assert!(!text.contains(&keys[0][..23]), "never the key");

    let roles = wait_roles(&world, carol, |r| !r.contains(&role)).await;
    assert!(!roles.contains(&role), "carol still has the role");
    assert!(
        fake.member_roles(guild, bob).contains(&role),
        "bob keeps his"
    );

    let ledger = admin_command(&world, "redemptions", &[]).await;
    assert!(
        ledger.contains(&format!("key ending in `{tail}` reversed")),
        "{ledger}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_suspension_takes_every_holders_role_and_refuses_add_licenses_and_resume_gives_them_back()
{
    let mut settings = Settings::default();
    settings.notices.retry_base_seconds = 1;
    let world = World::with(settings, "en-US").await;
    let (fake, guild) = (&world.fake, world.guild);
    let role = fake.create_role(guild, "Contoso users", Permissions::empty());
    fake.set_role_position(guild, fake.bot_role(guild), 10);
    fake.set_bot_permissions(guild, bot_permissions());
    let bob = fake.add_member(guild, "bob", &[]);
    let carol = fake.add_member(guild, "carol", &[]);
    admin_command(
        &world,
        "settings license-role",
        &[
            ("subscription", "Contoso".into()),
            ("role", role.to_string()),
        ],
    )
    .await;
    for member in [bob, carol] {
        admin_command(
            &world,
            "licenses assign",
            &[
                ("subscription", "Contoso".into()),
                ("user", member.to_string()),
            ],
        )
        .await;
        let roles = wait_roles(&world, member, |r| r.contains(&role)).await;
        assert!(roles.contains(&role), "{member} has {roles:?}");
    }

    let contoso = licensebot::app::SubscriptionRef::Name("Contoso".into());
    world
        .app
        .set_suspension(
            world.guild_id(),
            &contoso,
            licensebot::app::Suspension::Suspend,
            Some("chargeback 4410"),
        )
        .await
        .unwrap();
    for member in [bob, carol] {
        let roles = wait_roles(&world, member, |r| !r.contains(&role)).await;
        assert!(!roles.contains(&role), "{member} still has the role");
    }
    let notice = world
        .fake
        .wait_for_message(world.notices, WAIT, |m| m.text().contains("suspended"))
        .await
        .expect("the suspension notice is posted");
    assert!(
        !notice.text().contains("chargeback"),
        "neutral words: {}",
        notice.text()
    );
    let keys = world.keys(SKU, 5, "12m", 1).await;
    let (_, refused) = world
        .order(world.admin, "en-US", "add-licenses", "Contoso", &keys[0])
        .await;
    assert!(
        refused
            .text()
            .contains("*Contoso* is suspended by the vendor. Contact the vendor."),
        "{}",
        refused.text()
    );
    let listed = admin_command(&world, "subscriptions", &[]).await;
    assert!(listed.contains("Suspended"), "{listed}");

    world
        .app
        .set_suspension(
            world.guild_id(),
            &contoso,
            licensebot::app::Suspension::Resume,
            None,
        )
        .await
        .unwrap();
    for member in [bob, carol] {
        let roles = wait_roles(&world, member, |r| r.contains(&role)).await;
        assert!(roles.contains(&role), "{member} did not get the role back");
    }
    assert_eq!(world.key_state(&keys[0]).await, "available");
}
