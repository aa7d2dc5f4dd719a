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
