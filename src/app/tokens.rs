//! The shop's API tokens: created with the scopes they may use, shown once, stored as a
//! digest, listed without the token, revoked by name, and checked on every request.

use super::{error::InputError, App};
use crate::domain::{
    api_token::normalise_token_name, parse_scopes, ApiToken, Scope, TokenDigest, TokenInfo,
};

impl App {
    /// A new token named `name` with `scopes` (`keys:write,keys:read`; all four when
    /// `None`). The token is returned once and never stored.
    pub async fn create_api_token(
        &self,
        name: &str,
        scopes: Option<&str>,
    ) -> anyhow::Result<(TokenInfo, ApiToken)> {
        let name = normalise_token_name(name).map_err(|e| InputError::invalid("name", e))?;
        let scopes = match scopes {
            Some(text) => parse_scopes(text).map_err(|e| InputError::invalid("scopes", e))?,
            None => Scope::ALL.to_vec(),
        };
        let token = ApiToken::generate(&mut rand::rngs::OsRng);
        let info = self
            .store
            .create_api_token(&name, token.digest(), &scopes, self.clock.now())
            .await?
            .ok_or_else(|| {
                InputError::conflict(
                    "name",
                    format!("an API token named {name:?} exists (revoke it first)"),
                )
            })?;
        tracing::info!(token = %info.name, "API token created");
        Ok((info, token))
    }

    /// Every token, live ones first; never the tokens themselves.
    pub async fn list_api_tokens(&self) -> anyhow::Result<Vec<TokenInfo>> {
        self.store.list_api_tokens().await
    }

    /// Revokes the live token named `name`: it is refused from the next request on.
    pub async fn revoke_api_token(&self, name: &str) -> anyhow::Result<()> {
        let name = name.trim();
        if !self.store.revoke_api_token(name, self.clock.now()).await? {
            return Err(
                InputError::not_found(format!("no live API token is named {name:?}")).into(),
            );
        }
        tracing::info!(token = %name, "API token revoked");
        Ok(())
    }

    /// The live token presented as a bearer token, if it is one; its use is noted.
    pub async fn authenticate(&self, presented: &str) -> anyhow::Result<Option<TokenInfo>> {
        self.store
            .use_api_token(TokenDigest::of(presented), self.clock.now())
            .await
    }
}
