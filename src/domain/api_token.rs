//! The shop's API tokens: what a token may do (its scopes), what a token is (a random
//! secret shown once), and what is stored of it (its SHA-256 digest, like a product key).

use std::fmt;

use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};

use super::names::names;

/// What a token may do; each route of the API needs one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Scope {
    /// Mint, import and revoke keys.
    KeysWrite,
    /// List keys and products.
    KeysRead,
    /// List subscriptions and redemptions.
    LedgerRead,
    /// Add products.
    CatalogueWrite,
    /// Suspend and resume subscriptions.
    SubscriptionsWrite,
}

names!(Scope, "scope" {
    KeysWrite => "keys:write",
    KeysRead => "keys:read",
    LedgerRead => "ledger:read",
    CatalogueWrite => "catalogue:write",
    SubscriptionsWrite => "subscriptions:write",
});

/// A token as stored: never the token, only what it may do and when it was used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenInfo {
    pub id: i64,
    pub name: String,
    pub scopes: Vec<Scope>,
    pub created_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
}

impl TokenInfo {
    pub fn allows(&self, scope: Scope) -> bool {
        self.revoked_at.is_none() && self.scopes.contains(&scope)
    }
}

/// Why a list of scopes or a token name is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TokenError {
    #[error(
        "unknown scope {0:?}: scopes are keys:write, keys:read, ledger:read, catalogue:write and \
         subscriptions:write"
    )]
    UnknownScope(String),
    #[error("give at least one scope")]
    NoScopes,
    #[error("a token name has 1 to 100 printable characters")]
    Name,
}

/// `keys:write,keys:read` (spaces around the commas ignored), each scope once, in the order
/// of [`Scope::ALL`].
pub fn parse_scopes(text: &str) -> Result<Vec<Scope>, TokenError> {
    let mut scopes = Vec::new();
    for word in text.split(',').map(str::trim).filter(|w| !w.is_empty()) {
        let scope: Scope = word
            .parse()
            .map_err(|_| TokenError::UnknownScope(word.to_owned()))?;
        if !scopes.contains(&scope) {
            scopes.push(scope);
        }
    }
    if scopes.is_empty() {
        return Err(TokenError::NoScopes);
    }
    scopes.sort();
    Ok(scopes)
}

/// A token's name, trimmed: 1 to 100 characters, none of them a control character.
pub fn normalise_token_name(name: &str) -> Result<String, TokenError> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 100 || name.chars().any(char::is_control) {
        return Err(TokenError::Name);
    }
    Ok(name.to_owned())
}

/// A bearer token as handed to the shop, once: `lbapi_` and 48 hex digits (192 random
/// bits). Its `Debug` hides it.
#[derive(Clone, PartialEq, Eq)]
pub struct ApiToken(String);

const PREFIX: &str = "lbapi_";

impl ApiToken {
    pub fn generate<R: rand::RngCore + rand::CryptoRng>(rng: &mut R) -> ApiToken {
        let mut bytes = [0u8; 24];
        rng.fill_bytes(&mut bytes);
        ApiToken(format!("{PREFIX}{}", hex::encode(bytes)))
    }

    /// The token itself, to print once.
    pub fn expose(&self) -> &str {
        &self.0
    }

    pub fn digest(&self) -> TokenDigest {
        TokenDigest::of(&self.0)
    }
}

impl fmt::Debug for ApiToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ApiToken(…)")
    }
}

/// SHA-256 of a token as presented: what is stored and looked up. A token carries 192
/// random bits, so an unsalted digest is safe.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct TokenDigest(pub [u8; 32]);

impl TokenDigest {
    /// The digest of whatever was presented (a wrong token simply finds nothing).
    pub fn of(presented: &str) -> TokenDigest {
        TokenDigest(Sha256::digest(presented.trim().as_bytes()).into())
    }
}

impl fmt::Debug for TokenDigest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "TokenDigest({}…)", hex::encode(&self.0[..4]))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scopes_are_read_from_a_comma_separated_list_once_each_in_a_fixed_order() {
        assert_eq!(
            parse_scopes(" ledger:read, keys:write ,keys:write"),
            Ok(vec![Scope::KeysWrite, Scope::LedgerRead])
        );
        assert_eq!(
            parse_scopes("keys:write,keys:read,ledger:read,catalogue:write,subscriptions:write"),
            Ok(Scope::ALL.to_vec())
        );
        assert_eq!(parse_scopes(" , "), Err(TokenError::NoScopes));
        assert_eq!(
            parse_scopes("keys:write,keys:delete"),
            Err(TokenError::UnknownScope("keys:delete".into()))
        );
    }

    #[test]
    fn a_token_is_random_its_digest_is_what_is_presented_and_debug_hides_it() {
        let mut rng = rand::rngs::OsRng;
        let a = ApiToken::generate(&mut rng);
        let b = ApiToken::generate(&mut rng);
        assert_ne!(a, b);
        assert!(a.expose().starts_with("lbapi_"));
        assert_eq!(a.expose().len(), 6 + 48);
        assert_eq!(a.digest(), TokenDigest::of(&format!(" {} ", a.expose())));
        assert_ne!(a.digest(), b.digest());
        assert!(!format!("{a:?}").contains(&a.expose()[6..]));
    }

    #[test]
    fn a_token_name_is_trimmed_and_printable() {
        assert_eq!(normalise_token_name(" shop "), Ok("shop".into()));
        assert_eq!(normalise_token_name(" "), Err(TokenError::Name));
        assert_eq!(normalise_token_name("a\nb"), Err(TokenError::Name));
        assert_eq!(
            normalise_token_name(&"x".repeat(101)),
            Err(TokenError::Name)
        );
    }
}
