use std::collections::HashMap;

use anyhow::Context as _;

use super::{guild_param, Store};
use crate::domain::records::{GuildId, GuildSettings};

/// A guild as the operator's `guilds list` shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GuildListing {
    pub guild: GuildId,
    /// As Discord last told it; `None` when it never did.
    pub name: Option<String>,
    pub subscriptions: i64,
    pub notice_channel: Option<u64>,
    /// The server's language (chosen, else Discord's preferred locale).
    pub language: String,
}

impl Store {
    /// A guild's settings; defaults when it has none yet.
    pub async fn guild_settings(&self, guild: GuildId) -> anyhow::Result<GuildSettings> {
        let row = sqlx::query!(
            r#"SELECT notice_channel_id, manager_role_id, COALESCE(language, locale) AS "locale!", language
               FROM guild_settings WHERE guild_id = $1"#,
            guild_param(guild)
        )
        .fetch_optional(&self.pool)
        .await
        .context("reading guild settings")?;
        Ok(match row {
            Some(r) => GuildSettings {
                notice_channel: r.notice_channel_id.map(|c| c as u64),
                manager_role: r.manager_role_id.map(|c| c as u64),
                locale: r.locale,
                language: r.language,
            },
            None => GuildSettings {
                notice_channel: None,
                manager_role: None,
                locale: "en-US".into(),
                language: None,
            },
        })
    }

    /// The settings of these guilds, by guild; a guild without settings is absent.
    pub async fn guild_settings_of(
        &self,
        guilds: &[GuildId],
    ) -> anyhow::Result<HashMap<GuildId, GuildSettings>> {
        let ids: Vec<i64> = guilds.iter().map(|g| guild_param(*g)).collect();
        let rows = sqlx::query!(
            r#"SELECT guild_id, notice_channel_id, manager_role_id,
                      COALESCE(language, locale) AS "locale!", language
               FROM guild_settings WHERE guild_id = ANY($1)"#,
            &ids
        )
        .fetch_all(&self.pool)
        .await
        .context("reading guild settings")?;
        Ok(rows
            .into_iter()
            .map(|r| {
                (
                    GuildId(r.guild_id as u64),
                    GuildSettings {
                        notice_channel: r.notice_channel_id.map(|c| c as u64),
                        manager_role: r.manager_role_id.map(|c| c as u64),
                        locale: r.locale,
                        language: r.language,
                    },
                )
            })
            .collect())
    }

    /// Sets the notice channel, and makes the notices that waited for one due at `now`.
    pub async fn set_notice_channel(
        &self,
        guild: GuildId,
        channel: u64,
        now: chrono::DateTime<chrono::Utc>,
    ) -> anyhow::Result<()> {
        let mut tx = self
            .pool
            .begin()
            .await
            .context("setting the notice channel")?;
        sqlx::query!(
            r#"INSERT INTO guild_settings (guild_id, notice_channel_id) VALUES ($1, $2)
               ON CONFLICT (guild_id) DO UPDATE SET notice_channel_id = $2, updated_at = now()"#,
            guild_param(guild),
            channel as i64
        )
        .execute(&mut *tx)
        .await
        .context("setting the notice channel")?;
        super::notices::wake_waiting_notices(&mut *tx, guild, now).await?;
        tx.commit().await.context("setting the notice channel")
    }

    pub async fn set_manager_role(&self, guild: GuildId, role: Option<u64>) -> anyhow::Result<()> {
        sqlx::query!(
            r#"INSERT INTO guild_settings (guild_id, manager_role_id) VALUES ($1, $2)
               ON CONFLICT (guild_id) DO UPDATE SET manager_role_id = $2, updated_at = now()"#,
            guild_param(guild),
            role.map(|r| r as i64)
        )
        .execute(&self.pool)
        .await
        .context("setting the manager role")?;
        Ok(())
    }

    /// The language an admin chose for the guild (`/settings language`), a Discord locale
    /// code; it outweighs the preferred locale Discord reports.
    pub async fn set_guild_language(&self, guild: GuildId, language: &str) -> anyhow::Result<()> {
        sqlx::query!(
            r#"INSERT INTO guild_settings (guild_id, language) VALUES ($1, $2)
               ON CONFLICT (guild_id) DO UPDATE SET language = $2, updated_at = now()"#,
            guild_param(guild),
            language
        )
        .execute(&self.pool)
        .await
        .context("setting the guild language")?;
        Ok(())
    }

    /// The guild's name as Discord reports it, for the operator.
    pub async fn set_guild_name(&self, guild: GuildId, name: &str) -> anyhow::Result<()> {
        sqlx::query!(
            r#"INSERT INTO guild_settings (guild_id, name) VALUES ($1, $2)
               ON CONFLICT (guild_id) DO UPDATE SET name = $2, updated_at = now()
               WHERE guild_settings.name IS DISTINCT FROM $2"#,
            guild_param(guild),
            name
        )
        .execute(&self.pool)
        .await
        .context("recording the guild's name")?;
        Ok(())
    }

    /// Every guild licensebot knows (with settings or subscriptions), by id.
    pub async fn list_guilds(&self) -> anyhow::Result<Vec<GuildListing>> {
        let rows = sqlx::query!(
            r#"WITH known AS (SELECT guild_id FROM guild_settings
                              UNION SELECT guild_id FROM subscriptions)
               SELECT known.guild_id AS "guild_id!", gs.name, gs.notice_channel_id,
                      COALESCE(gs.language, gs.locale, 'en-US') AS "language!",
                      (SELECT count(*) FROM subscriptions s
                       WHERE s.guild_id = known.guild_id) AS "subscriptions!"
               FROM known LEFT JOIN guild_settings gs ON gs.guild_id = known.guild_id
               ORDER BY known.guild_id"#
        )
        .fetch_all(&self.pool)
        .await
        .context("listing guilds")?;
        Ok(rows
            .into_iter()
            .map(|r| GuildListing {
                guild: GuildId(r.guild_id as u64),
                name: r.name,
                subscriptions: r.subscriptions,
                notice_channel: r.notice_channel_id.map(|c| c as u64),
                language: r.language,
            })
            .collect())
    }

    /// The guild's preferred locale as Discord reports it (notices use it unless an admin
    /// chose a language).
    pub async fn set_guild_locale(&self, guild: GuildId, locale: &str) -> anyhow::Result<()> {
        sqlx::query!(
            r#"INSERT INTO guild_settings (guild_id, locale) VALUES ($1, $2)
               ON CONFLICT (guild_id) DO UPDATE SET locale = $2, updated_at = now()
               WHERE guild_settings.locale IS DISTINCT FROM $2"#,
            guild_param(guild),
            locale
        )
        .execute(&self.pool)
        .await
        .context("setting the guild locale")?;
        Ok(())
    }
}
