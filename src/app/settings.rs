//! A guild's settings: where notices go, the manager role, the guild's language; and the
//! run-time permission rule that reads them.

use chrono::{DateTime, NaiveDate, Utc};

use super::{App, AppError, UserError};
use crate::domain::records::{GuildId, GuildSettings, SubscriptionStatus};

/// How long a notice waits for the guild to set a notice channel before it is dropped.
pub const NOTICE_WAITS_FOR_A_CHANNEL: chrono::Duration = chrono::Duration::days(7);

/// What licensebot knows of a guild's set-up, for `/settings show` (what Discord says is
/// read by the caller).
#[derive(Debug, Clone)]
pub struct SetupFacts {
    pub settings: GuildSettings,
    /// Every subscription with its state today, by name.
    pub subscriptions: Vec<SubscriptionStatus>,
    /// Each linked license role: (the subscription's name, the role).
    pub license_roles: Vec<(String, u64)>,
    /// Notices for the notice channel not sent yet.
    pub waiting_notices: i64,
    /// When the oldest of them is dropped if no channel is set by then.
    pub waiting_until: Option<DateTime<Utc>>,
    pub today: NaiveDate,
}

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

    /// What `/settings show` reports from licensebot's own books.
    pub async fn setup_facts(&self, guild: GuildId) -> Result<SetupFacts, AppError> {
        let settings = self.store.guild_settings(guild).await?;
        let subscriptions = self.list_subscriptions(guild).await?;
        let roles = self.store.license_roles(guild).await?;
        let mut license_roles: Vec<(String, u64)> = subscriptions
            .iter()
            .filter_map(|s| {
                let role = roles.get(&s.subscription.id)?;
                Some((s.subscription.name.clone(), *role))
            })
            .collect();
        license_roles.sort();
        let (waiting_notices, oldest) = self.store.waiting_notices(guild).await?;
        Ok(SetupFacts {
            settings,
            subscriptions,
            license_roles,
            waiting_notices,
            waiting_until: oldest.map(|at| at + NOTICE_WAITS_FOR_A_CHANNEL),
            today: self.clock.today(),
        })
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

    /// Sets the notice channel; the notices that waited for one are posted there now.
    pub async fn set_notice_channel(&self, guild: GuildId, channel: u64) -> Result<(), AppError> {
        let now = self.clock.now();
        Ok(self.store.set_notice_channel(guild, channel, now).await?)
    }

    pub async fn set_manager_role(
        &self,
        guild: GuildId,
        role: Option<u64>,
    ) -> Result<(), AppError> {
        Ok(self.store.set_manager_role(guild, role).await?)
    }

    /// `/settings language`: the language of the guild's notices, request messages and
    /// direct messages from now on (a Discord locale code licensebot speaks, checked by the
    /// caller against its list).
    pub async fn set_guild_language(&self, guild: GuildId, language: &str) -> Result<(), AppError> {
        Ok(self.store.set_guild_language(guild, language).await?)
    }

    /// The guild's name as Discord reports it (shown to the operator by `guilds list`).
    pub async fn record_guild_name(&self, guild: GuildId, name: &str) -> anyhow::Result<()> {
        let name: String = name.chars().take(200).collect();
        self.store.set_guild_name(guild, &name).await
    }

    /// Every guild licensebot knows, for the operator.
    pub async fn list_guilds(&self) -> anyhow::Result<Vec<super::GuildListing>> {
        self.store.list_guilds().await
    }

    /// The guild's preferred locale as Discord reports it (a language licensebot speaks, or
    /// `en-US`); a language chosen with `/settings language` outweighs it.
    pub async fn record_guild_locale(&self, guild: GuildId, locale: &str) -> anyhow::Result<()> {
        self.store.set_guild_locale(guild, locale).await
    }
}
