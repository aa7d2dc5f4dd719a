//! Asking Discord about a member for the command line, which has no interaction to read it
//! from: `licenses assign` refuses a bot or a non-member as `/licenses assign` does, when
//! it can reach Discord with the bot's token.

use secrecy::ExposeSecret as _;

use super::Secrets;
use crate::{
    discord,
    domain::records::{GuildId, UserId},
};

/// What Discord said of a user in a guild.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MemberCheck {
    Member {
        bot: bool,
    },
    NotAMember,
    /// Discord was not asked (no `DISCORD_TOKEN`) or did not answer: why.
    NotChecked(String),
}

/// Asks Discord (with `DISCORD_TOKEN`, through `DISCORD_API_URL` if set) whether `user` is a
/// member of `guild`, and a bot.
pub async fn check_member(guild: GuildId, user: UserId) -> MemberCheck {
    let Ok(secrets) = Secrets::from_env(false) else {
        return MemberCheck::NotChecked("DISCORD_TOKEN is not set".into());
    };
    let http = discord::http_client(secrets.token.expose_secret(), secrets.api_url.as_deref());
    let asked = tokio::time::timeout(
        std::time::Duration::from_secs(10),
        discord::roles::member_standing(&http, guild, user),
    )
    .await;
    match asked {
        Ok(Ok(Some(bot))) => MemberCheck::Member { bot },
        Ok(Ok(None)) => MemberCheck::NotAMember,
        Ok(Err(why)) => MemberCheck::NotChecked(format!("Discord did not answer: {why}")),
        Err(_) => MemberCheck::NotChecked("Discord did not answer within 10 s".into()),
    }
}
