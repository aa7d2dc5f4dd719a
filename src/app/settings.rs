//! A guild's settings: where notices go, the manager role, the guild's language; and the
//! run-time permission rule that reads them.

use super::{App, AppError, UserError};
use crate::domain::records::{GuildId, GuildSettings};

/// Who is asking, as Discord computed it for this interaction.
#[derive(Debug, Clone, Copy)]
pub struct Caller<'a> {
    /// Manage Server or Administrator.
    pub manages_server: bool,
    pub roles: &'a [u64],
}

impl App {
    pub async fn guild_settings(&self, guild: GuildId) -> Result<GuildSettings, AppError> {
        Ok(self.store.guild_settings(guild).await?)
    }

    /// Manage Server (or Administrator), or the guild's manager role.
    pub async fn may_use(&self, guild: GuildId, caller: Caller<'_>) -> Result<(), AppError> {
        if caller.manages_server {
            return Ok(());
        }
        let settings = self.store.guild_settings(guild).await?;
        match settings.manager_role {
            Some(role) if caller.roles.contains(&role) => Ok(()),
            _ => Err(UserError::NotAllowed.into()),
        }
    }

    pub async fn set_notice_channel(&self, guild: GuildId, channel: u64) -> Result<(), AppError> {
        Ok(self.store.set_notice_channel(guild, channel).await?)
    }

    pub async fn set_manager_role(
        &self,
        guild: GuildId,
        role: Option<u64>,
    ) -> Result<(), AppError> {
        Ok(self.store.set_manager_role(guild, role).await?)
    }

    /// The language the guild's notices are written in: a `Lang` code (`en-US`, `nl`, `de`, …).
    pub async fn record_guild_locale(&self, guild: GuildId, locale: &str) -> anyhow::Result<()> {
        self.store.set_guild_locale(guild, locale).await
    }
}
