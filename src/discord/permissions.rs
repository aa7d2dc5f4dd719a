//! The run-time permission check: commands are registered for Manage Server, but server
//! admins can override that, so every interaction is checked again (the rule itself is
//! `App::may_use`).

use serenity::all::{Member, Permissions};

use crate::{
    app::{App, AppError, Caller, UserError},
    domain::records::GuildId,
};

/// Manage Server (or Administrator), or the guild's manager role.
pub async fn may_use(app: &App, guild: GuildId, member: Option<&Member>) -> Result<(), AppError> {
    let Some(member) = member else {
        return Err(UserError::NotInGuild.into());
    };
    let roles: Vec<u64> = member.roles.iter().map(|r| r.get()).collect();
    let caller = Caller {
        manages_server: is_server_manager(member),
        roles: &roles,
    };
    app.may_use(guild, caller).await
}

/// Manage Server or Administrator, as Discord computed them for this interaction.
pub fn is_server_manager(member: &Member) -> bool {
    member.permissions.is_some_and(|p| {
        p.contains(Permissions::MANAGE_GUILD) || p.contains(Permissions::ADMINISTRATOR)
    })
}

/// What the invite link asks for: View Channel (a private staff channel must let the bot in),
/// Send Messages and Embed Links (notices and requests), Manage Roles (license roles).
pub const INVITE_PERMISSIONS: Permissions = Permissions::VIEW_CHANNEL
    .union(Permissions::SEND_MESSAGES)
    .union(Permissions::EMBED_LINKS)
    .union(Permissions::MANAGE_ROLES);

/// The link that adds licensebot to a server with [`INVITE_PERMISSIONS`].
pub fn invite_url(application: u64) -> String {
    format!(
        "https://discord.com/oauth2/authorize?client_id={application}&scope=bot+applications.commands&permissions={}",
        INVITE_PERMISSIONS.bits()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_invite_asks_for_view_channel_send_messages_embed_links_and_manage_roles() {
        assert_eq!(INVITE_PERMISSIONS.bits(), 268_454_912);
        assert!(invite_url(42)
            .ends_with("client_id=42&scope=bot+applications.commands&permissions=268454912"));
    }
}
