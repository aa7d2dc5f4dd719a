//! What the bot needs from the environment (or `.env`) to reach Discord. The token is typed
//! with `secrecy`, so it cannot be printed by accident.

use anyhow::Context as _;
use secrecy::SecretString;

use crate::discord::endpoint::PublicKey;

pub struct Secrets {
    /// `DISCORD_TOKEN`.
    pub token: SecretString,
    /// `DISCORD_API_URL`: replaces `https://discord.com` (a REST proxy, or a fake Discord).
    pub api_url: Option<String>,
    /// `DISCORD_PUBLIC_KEY`: read only for HTTP interactions, which need it.
    pub public_key: Option<PublicKey>,
}

impl Secrets {
    /// Reads them; `http` says whether the public key is needed.
    pub fn from_env(http: bool) -> anyhow::Result<Secrets> {
        let token = var("DISCORD_TOKEN")
            .context("DISCORD_TOKEN is not set (put it in the environment or in .env)")?;
        let public_key = if http {
            let key = var("DISCORD_PUBLIC_KEY").context(
                "DISCORD_PUBLIC_KEY is not set: HTTP interactions need the application's \
                 public key (developer portal, General Information)",
            )?;
            Some(key.parse::<PublicKey>().context("DISCORD_PUBLIC_KEY")?)
        } else {
            None
        };
        Ok(Secrets {
            token: SecretString::from(token),
            api_url: var("DISCORD_API_URL"),
            public_key,
        })
    }
}

/// A variable that is set and not blank.
fn var(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}
