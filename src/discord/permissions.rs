//! The run-time permission check: commands are registered for Manage Server, but server
//! admins can override that, so every interaction is checked again here.

use serenity::all::{Member, Permissions};

use crate::{
    app::{App, UserError},
    domain::records::GuildId,
};

/// Manage Server (or Administrator), or the guild's manager role.
pub async fn may_use(
    app: &App,
    guild: GuildId,
    member: Option<&Member>,
) -> Result<(), crate::app::AppError> {
    let Some(member) = member else {
        return Err(UserError::NotInGuild.into());
    };
    if is_server_manager(member) {
        return Ok(());
    }
    let settings = app.store.guild_settings(guild).await?;
    match settings.manager_role {
        Some(role) if member.roles.iter().any(|r| r.get() == role) => Ok(()),
        _ => Err(UserError::NotAllowed.into()),
    }
}

/// Manage Server or Administrator, as Discord computed them for this interaction.
pub fn is_server_manager(member: &Member) -> bool {
    member.permissions.is_some_and(|p| {
        p.contains(Permissions::MANAGE_GUILD) || p.contains(Permissions::ADMINISTRATOR)
    })
}
