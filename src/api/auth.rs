//! `Authorization: Bearer <token>`: a route names the scope it needs in its extractor,
//! `Authorized<KeysWrite>`; a missing, unknown or revoked token is a 401, a token without
//! the scope a 403, both before the body is read.

use std::marker::PhantomData;

use axum::{
    extract::FromRequestParts,
    http::{header, request::Parts, StatusCode},
};

use super::{problem::Problem, ApiState};
use crate::domain::{Scope, TokenInfo};

/// A scope a route needs, as a type.
pub(crate) trait Needs: Send + Sync {
    const SCOPE: Scope;
}

macro_rules! scopes {
    ($($name:ident),+) => {
        $(
            pub(crate) struct $name;
            impl Needs for $name {
                const SCOPE: Scope = Scope::$name;
            }
        )+
    };
}

scopes!(
    KeysWrite,
    KeysRead,
    LedgerRead,
    CatalogueWrite,
    SubscriptionsWrite
);

/// The token of a request that may do what the route needs.
pub(crate) struct Authorized<N: Needs> {
    pub(crate) token: TokenInfo,
    needs: PhantomData<N>,
}

impl<N: Needs> FromRequestParts<ApiState> for Authorized<N> {
    type Rejection = Problem;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &ApiState,
    ) -> Result<Authorized<N>, Problem> {
        let presented = bearer(parts).ok_or_else(|| {
            Problem::unauthorized(
                "send Authorization: Bearer <token> (licensebot api-tokens create)",
            )
        })?;
        let token = state
            .app
            .authenticate(presented)
            .await
            .map_err(|e| Problem::internal(&e))?
            .ok_or_else(|| Problem::unauthorized("this token is not valid, or was revoked"))?;
        tracing::Span::current().record("token", token.name.as_str());
        if !token.allows(N::SCOPE) {
            return Err(Problem::new(
                StatusCode::FORBIDDEN,
                "missing-scope",
                "The token may not do this",
                format!("this needs a token with the scope {}", N::SCOPE),
            ));
        }
        Ok(Authorized {
            token,
            needs: PhantomData,
        })
    }
}

/// The token of `Authorization: Bearer <token>` (the scheme in any case).
fn bearer(parts: &Parts) -> Option<&str> {
    let value = parts.headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.trim().split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
}
