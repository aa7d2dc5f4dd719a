//! The OpenAPI 3.1 document, generated from the routes themselves (utoipa: each handler's
//! `#[utoipa::path]`, each body's `ToSchema`), so it cannot drift from them. The problems
//! every route can answer with are added to every operation here, in one place.

use utoipa::{
    openapi::{
        path::Operation,
        schema::{Object, ObjectBuilder, Type},
        security::{HttpAuthScheme, HttpBuilder, SecurityScheme},
        ContentBuilder, OpenApi as Document, Ref, ResponseBuilder,
    },
    OpenApi,
};

use super::problem::{Problem, PROBLEM_JSON};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "licensebot shop API",
        version = "1",
        description = "Mint keys when a customer pays, revoke them on a refund, and read the \
            ledger. Every route but this document needs `Authorization: Bearer <token>` \
            (`licensebot api-tokens create`) with the scope the route names. Errors are \
            `application/problem+json` (RFC 9457) naming the field at fault. Full keys \
            appear only in the answer to `POST /v1/keys`."
    ),
    components(schemas(Problem)),
    tags(
        (name = "catalogue", description = "Products (SKUs)"),
        (name = "keys", description = "Minting, importing, listing and revoking product keys"),
        (name = "ledger", description = "Subscriptions and redemptions"),
        (name = "meta", description = "This document")
    )
)]
pub(crate) struct ApiDoc;

/// Adds the bearer scheme, and to every operation the problems any route can answer with:
/// 401 and 403 where a token is needed, 400 and 422 for what the request says, 413 and 415
/// for a body, and 500 and 503 always.
pub(crate) fn finish(doc: &mut Document) {
    let components = doc.components.get_or_insert_with(Default::default);
    components.add_security_scheme(
        "bearer",
        SecurityScheme::Http(
            HttpBuilder::new()
                .scheme(HttpAuthScheme::Bearer)
                .description(Some(
                    "An API token; the route names the scope it needs \
                     (keys:write, keys:read, ledger:read, catalogue:write, subscriptions:write)",
                ))
                .build(),
        ),
    );
    for item in doc.paths.paths.values_mut() {
        let operations = [
            &mut item.get,
            &mut item.post,
            &mut item.put,
            &mut item.delete,
            &mut item.patch,
        ];
        for operation in operations.into_iter().flatten() {
            add_problems(operation);
        }
    }
}

fn add_problems(operation: &mut Operation) {
    let secured = operation.security.as_ref().is_some_and(|s| !s.is_empty());
    let has_body = operation.request_body.is_some();
    let has_params = operation.parameters.as_ref().is_some_and(|p| !p.is_empty());
    let mut problems = vec![
        (
            "500",
            "Something went wrong; nothing was changed (the detail holds an error id)",
        ),
        (
            "503",
            "The request took too long and was abandoned; nothing was changed",
        ),
    ];
    if secured {
        problems.push(("401", "No token, or not a valid one (unknown or revoked)"));
        problems.push(("403", "The token lacks the scope this route needs"));
    }
    if has_body || has_params {
        problems.push((
            "400",
            "The request could not be read (not JSON, or a bad query string)",
        ));
        problems.push(("422", "A field is not valid; `field` names it"));
    }
    if has_body {
        problems.push(("413", "The body is larger than the API takes"));
        problems.push(("415", "The body is not sent as application/json"));
    }
    for (status, description) in problems {
        operation
            .responses
            .responses
            .entry(status.to_owned())
            .or_insert_with(|| problem_response(description));
    }
}

fn problem_response(description: &str) -> utoipa::openapi::RefOr<utoipa::openapi::Response> {
    ResponseBuilder::new()
        .description(description)
        .content(
            PROBLEM_JSON,
            ContentBuilder::new()
                .schema(Some(Ref::from_schema_name("Problem")))
                .build(),
        )
        .into()
}

/// A string that is one of `words`: the spelling table of a domain enum (`KeyState::ALL`),
/// so the document lists the words the code uses, and a word added there shows up here.
pub(crate) fn words(words: impl IntoIterator<Item = &'static str>, description: &str) -> Object {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .enum_values(Some(words))
        .description(Some(description))
        .build()
}

pub(crate) fn key_state() -> Object {
    use crate::domain::records::KeyState;
    words(
        KeyState::ALL.iter().map(|s| s.as_str()),
        "available, redeemed (used, forever), revoked, or reversed (redeemed, then taken back)",
    )
}

pub(crate) fn revocation() -> Object {
    use crate::domain::records::Revocation;
    words(
        Revocation::ALL.iter().map(|s| s.as_str()),
        "What revoking the key came to (revoked also when it was revoked before)",
    )
}

pub(crate) fn order_kind() -> Object {
    use crate::domain::OrderKind;
    words(
        OrderKind::ALL.iter().map(|s| s.as_str()),
        "The kind of order that was redeemed",
    )
}

pub(crate) fn lifecycle_state() -> Object {
    use crate::domain::LifecycleState;
    words(
        LifecycleState::ALL.iter().map(|s| s.as_str()),
        "The subscription's state today",
    )
}

/// A Discord id (a snowflake), as a string: it does not fit a JSON number's safe range.
pub(crate) fn snowflake() -> Object {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .pattern(Some("^[0-9]{1,20}$"))
        .description(Some("A Discord id (snowflake), as a string"))
        .build()
}

/// A list of Discord ids (snowflakes), as strings.
pub(crate) fn snowflakes() -> utoipa::openapi::schema::Array {
    utoipa::openapi::schema::ArrayBuilder::new()
        .items(snowflake())
        .description(Some("Discord ids (snowflakes), as strings"))
        .build()
}

/// A masked key: `•••••-•••••-•••••-•••••-QRT7W`.
pub(crate) fn masked_key() -> Object {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .pattern(Some(
            "^•••••-•••••-•••••-•••••-[BCDFGHJKMPQRTVWXY2346789]{5}$",
        ))
        .description(Some("The key, masked: only its last five characters"))
        .build()
}

/// A term: whole months or days.
pub(crate) fn term() -> Object {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .pattern(Some("^[0-9]+[mdMD]$"))
        .description(Some("Whole months (12m) or days (30d)"))
        .build()
}
