//! Errors as `application/problem+json` (RFC 9457), and the extractors whose refusals are
//! such problems: a JSON body and a query string, each naming the field at fault.

use axum::{
    body::Bytes,
    extract::{FromRequest, FromRequestParts, Query, Request},
    http::{header, request::Parts, HeaderValue, StatusCode},
    response::{IntoResponse, Response},
};
use serde::{de::DeserializeOwned, Serialize};
use utoipa::ToSchema;

use crate::app::{InputError, InputErrorKind};

pub(crate) const PROBLEM_JSON: &str = "application/problem+json";

/// A problem: what went wrong, for people (`title`, `detail`) and programs (`type`,
/// `status`, `field`).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Problem {
    /// What kind of problem: `urn:licensebot:problem:<name>`.
    #[serde(rename = "type", serialize_with = "problem_type")]
    #[schema(value_type = String, example = "urn:licensebot:problem:invalid-field")]
    pub kind: &'static str,
    /// The kind of problem, for people; the same for every problem of a type.
    #[schema(value_type = String)]
    pub title: &'static str,
    /// The HTTP status code.
    pub status: u16,
    /// This occurrence, for people.
    pub detail: String,
    /// The request's field at fault: a JSON path into the body (`keys[2].term`), a query
    /// parameter (`cursor`) or a header (`Idempotency-Key`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// With `idempotency-replay`: the batch the first request with this Idempotency-Key
    /// minted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub batch: Option<String>,
}

fn problem_type<S: serde::Serializer>(
    name: &&'static str,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(&format!("urn:licensebot:problem:{name}"))
}

impl Problem {
    pub(crate) fn new(
        status: StatusCode,
        name: &'static str,
        title: &'static str,
        detail: impl Into<String>,
    ) -> Problem {
        Problem {
            kind: name,
            title,
            status: status.as_u16(),
            detail: detail.into(),
            field: None,
            batch: None,
        }
    }

    pub(crate) fn with_field(mut self, field: impl Into<String>) -> Problem {
        self.field = Some(field.into());
        self
    }

    /// 422: a field's value is not allowed.
    pub(crate) fn invalid(field: impl Into<String>, detail: impl Into<String>) -> Problem {
        Problem::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid-field",
            "A field of the request is not valid",
            detail,
        )
        .with_field(field)
    }

    /// 400: the body is not JSON, or not the JSON this route takes.
    pub(crate) fn malformed(detail: impl Into<String>) -> Problem {
        Problem::new(
            StatusCode::BAD_REQUEST,
            "malformed-request",
            "The request could not be read",
            detail,
        )
    }

    pub(crate) fn unauthorized(detail: &str) -> Problem {
        Problem::new(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "A valid API token is needed",
            detail,
        )
    }

    pub(crate) fn not_found(detail: impl Into<String>) -> Problem {
        Problem::new(StatusCode::NOT_FOUND, "not-found", "Not found", detail)
    }

    /// 500, with an error id that is logged with the error.
    pub(crate) fn internal(error: &anyhow::Error) -> Problem {
        let id = uuid::Uuid::new_v4().simple().to_string()[..8].to_string();
        tracing::error!(error_id = %id, error = %format!("{error:#}"), "API request failed");
        Problem::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "Something went wrong; nothing was changed",
            format!("error id {id}"),
        )
    }

    fn status_code(&self) -> StatusCode {
        StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        let status = self.status_code();
        let body = serde_json::to_vec(&self).unwrap_or_default();
        let mut response = (status, body).into_response();
        let headers = response.headers_mut();
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(PROBLEM_JSON));
        if status == StatusCode::UNAUTHORIZED {
            headers.insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static(r#"Bearer realm="licensebot""#),
            );
        }
        response
    }
}

/// A use case's error: a refused input names its field; anything else is a 500.
impl From<anyhow::Error> for Problem {
    fn from(error: anyhow::Error) -> Problem {
        match error.downcast_ref::<InputError>() {
            Some(refused) => {
                let problem = match refused.kind {
                    InputErrorKind::Invalid => Problem::new(
                        StatusCode::UNPROCESSABLE_ENTITY,
                        "invalid-field",
                        "A field of the request is not valid",
                        refused.message.clone(),
                    ),
                    InputErrorKind::Conflict => Problem::new(
                        StatusCode::CONFLICT,
                        "conflict",
                        "The request conflicts with what is stored",
                        refused.message.clone(),
                    ),
                    InputErrorKind::NotFound => Problem::not_found(refused.message.clone()),
                };
                match &refused.field {
                    Some(field) => problem.with_field(field.clone()),
                    None => problem,
                }
            }
            None => Problem::internal(&error),
        }
    }
}

/// The use cases shared with Discord answer with an `AppError`; none of their refusals
/// (`UserError`) can come from what the API asks of them.
impl From<crate::app::AppError> for Problem {
    fn from(error: crate::app::AppError) -> Problem {
        match error {
            crate::app::AppError::Internal(e) => Problem::from(e),
            crate::app::AppError::User(e) => Problem::internal(&anyhow::anyhow!("refused: {e:?}")),
        }
    }
}

/// A JSON body. Its refusals are problems: 415 without a JSON content type, 413 past the
/// body limit, 400 for what is not JSON, 422 naming the field whose value does not fit.
pub(crate) struct ApiJson<T>(pub T);

impl<T, S> FromRequest<S> for ApiJson<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = Problem;

    async fn from_request(req: Request, state: &S) -> Result<ApiJson<T>, Problem> {
        let json = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(';').next())
            .is_some_and(|v| {
                let v = v.trim().to_ascii_lowercase();
                v == "application/json" || (v.starts_with("application/") && v.ends_with("+json"))
            });
        if !json {
            return Err(Problem::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported-media-type",
                "The body must be JSON",
                "send Content-Type: application/json",
            ));
        }
        let bytes = Bytes::from_request(req, state).await.map_err(|e| {
            if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
                Problem::new(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    "body-too-large",
                    "The body is too large",
                    "send fewer keys per request",
                )
            } else {
                Problem::malformed("the body could not be read")
            }
        })?;
        let mut reader = serde_json::Deserializer::from_slice(&bytes);
        match serde_path_to_error::deserialize(&mut reader) {
            Ok(value) => Ok(ApiJson(value)),
            Err(e) => {
                let path = e.path().to_string();
                let inner = e.into_inner();
                let message = inner.to_string();
                let detail = without_quoted_values(&message);
                // serde names a missing field in its message, not in the path.
                let field = match (missing_field(&message), path.as_str()) {
                    (Some(missing), ".") => missing.to_owned(),
                    (Some(missing), path) => format!("{path}.{missing}"),
                    (None, path) => path.to_owned(),
                };
                match inner.classify() {
                    serde_json::error::Category::Data if field != "." => {
                        Err(Problem::invalid(field, detail))
                    }
                    serde_json::error::Category::Data => Err(Problem::malformed(detail)),
                    _ => Err(Problem::malformed(format!(
                        "the body is not JSON: {detail}"
                    ))),
                }
            }
        }
    }
}

/// The field serde's message says is missing: "missing field `term` at line 1 column 30".
fn missing_field(message: &str) -> Option<&str> {
    let rest = message.strip_prefix("missing field `")?;
    rest.split('`').next().filter(|f| !f.is_empty())
}

/// serde's messages quote the value that did not fit (`invalid type: string "…"`,
/// ``invalid type: floating point `1e30` ``): the value is left out, since it could be a key
/// sent in the wrong place. A field's name (``missing field `term` ``) stays.
fn without_quoted_values(message: &str) -> String {
    let message = between(message, '"');
    if message.starts_with("missing field") || message.starts_with("duplicate field") {
        message
    } else {
        between(&message, '`')
    }
}

/// `message` with what lies between the first and the last `quote` replaced by "…".
fn between(message: &str, quote: char) -> String {
    match (message.find(quote), message.rfind(quote)) {
        (Some(first), Some(last)) if last > first => {
            format!("{}…{}", &message[..first], &message[last + 1..])
        }
        _ => message.to_owned(),
    }
}

/// A query string. Its parameters are read as text here and checked by each route, which
/// names the parameter at fault; a query that cannot be decoded is a 400.
pub(crate) struct ApiQuery<T>(pub T);

impl<T, S> FromRequestParts<S> for ApiQuery<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<ApiQuery<T>, Problem> {
        Query::<T>::try_from_uri(&parts.uri)
            .map(|Query(query)| ApiQuery(query))
            .map_err(|_| Problem::malformed("the query string could not be decoded"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_value_quoted_in_a_message_is_left_out() {
        assert_eq!(
            without_quoted_values(r#"invalid type: string "BCDFG-HJKMP", expected i64"#),
            "invalid type: string …, expected i64"
        );
        assert_eq!(
            without_quoted_values("missing field `seats`"),
            "missing field `seats`"
        );
        assert_eq!(
            without_quoted_values("invalid type: floating point `1e30`, expected i64"),
            "invalid type: floating point …, expected i64"
        );
        assert_eq!(
            missing_field("missing field `seats` at line 1 column 2"),
            Some("seats")
        );
        assert_eq!(missing_field("invalid type: map"), None);
    }
}
