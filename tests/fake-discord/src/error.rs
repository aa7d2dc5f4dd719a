//! Discord's JSON error bodies: `{"message": "...", "code": N}`, plus `errors` for
//! 50035 "Invalid Form Body" and `retry_after`/`global` for 429.

use serde_json::{json, Map, Value};

/// An error the fake answers with, exactly as Discord would send it.
#[derive(Debug, Clone, PartialEq)]
pub struct DiscordError {
    /// HTTP status.
    pub status: u16,
    /// Discord's JSON error code (`0` for the generic 401/404/405/429 bodies).
    pub code: u64,
    /// Discord's human readable message.
    pub message: String,
    /// The nested `errors` object of a 50035 "Invalid Form Body".
    pub errors: Option<Value>,
    /// `retry_after` (seconds) of a 429.
    pub retry_after: Option<f64>,
    /// `global` of a 429.
    pub global: bool,
}

impl DiscordError {
    pub fn new(status: u16, code: u64, message: impl Into<String>) -> Self {
        DiscordError {
            status,
            code,
            message: message.into(),
            errors: None,
            retry_after: None,
            global: false,
        }
    }

    pub fn unauthorized() -> Self {
        Self::new(401, 0, "401: Unauthorized")
    }
    pub fn not_found() -> Self {
        Self::new(404, 0, "404: Not Found")
    }
    pub fn method_not_allowed() -> Self {
        Self::new(405, 0, "405: Method Not Allowed")
    }
    pub fn unknown_application() -> Self {
        Self::new(404, 10002, "Unknown Application")
    }
    pub fn unknown_channel() -> Self {
        Self::new(404, 10003, "Unknown Channel")
    }
    pub fn unknown_guild() -> Self {
        Self::new(404, 10004, "Unknown Guild")
    }
    pub fn unknown_member() -> Self {
        Self::new(404, 10007, "Unknown Member")
    }
    pub fn unknown_role() -> Self {
        Self::new(404, 10011, "Unknown Role")
    }
    pub fn cannot_message_user() -> Self {
        Self::new(403, 50007, "Cannot send messages to this user")
    }
    pub fn unknown_message() -> Self {
        Self::new(404, 10008, "Unknown Message")
    }
    pub fn unknown_user() -> Self {
        Self::new(404, 10013, "Unknown User")
    }
    pub fn unknown_webhook() -> Self {
        Self::new(404, 10015, "Unknown Webhook")
    }
    pub fn unknown_interaction() -> Self {
        Self::new(404, 10062, "Unknown interaction")
    }
    pub fn unknown_command() -> Self {
        Self::new(404, 10063, "Unknown application command")
    }
    pub fn already_acknowledged() -> Self {
        Self::new(400, 40060, "Interaction has already been acknowledged.")
    }
    pub fn missing_access() -> Self {
        Self::new(403, 50001, "Missing Access")
    }
    pub fn cannot_edit_other_users_message() -> Self {
        Self::new(403, 50005, "Cannot edit a message authored by another user")
    }
    pub fn empty_message() -> Self {
        Self::new(400, 50006, "Cannot send an empty message")
    }
    pub fn missing_permissions() -> Self {
        Self::new(403, 50013, "Missing Permissions")
    }
    pub fn invalid_webhook_token() -> Self {
        Self::new(401, 50027, "Invalid Webhook Token")
    }
    pub fn invalid_json() -> Self {
        Self::new(400, 50109, "The request body contains invalid JSON.")
    }
    pub fn rate_limited(retry_after: f64, global: bool) -> Self {
        DiscordError {
            retry_after: Some(retry_after),
            global,
            ..Self::new(429, 0, "You are being rate limited.")
        }
    }
    pub fn internal_server_error() -> Self {
        Self::new(500, 0, "500: Internal Server Error")
    }

    /// 400 50035 "Invalid Form Body" with the given field errors.
    pub fn invalid_form_body(errors: &FieldErrors) -> Self {
        DiscordError {
            errors: Some(errors.to_json()),
            ..Self::new(400, 50035, "Invalid Form Body")
        }
    }

    /// The JSON body Discord sends.
    pub fn body(&self) -> Value {
        let mut body = json!({ "message": self.message, "code": self.code });
        if let Some(errors) = &self.errors {
            body["errors"] = errors.clone();
        }
        if let Some(retry_after) = self.retry_after {
            body["retry_after"] = json!(retry_after);
            body["global"] = json!(self.global);
        }
        body
    }

    /// The `(path, code)` pairs of a 50035 body, e.g. `("data.content", "BASE_TYPE_MAX_LENGTH")`.
    pub fn field_errors(&self) -> Vec<(String, String)> {
        let mut out = Vec::new();
        if let Some(errors) = &self.errors {
            collect_field_errors(errors, &mut Vec::new(), &mut out);
        }
        out
    }
}

impl std::fmt::Display for DiscordError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {} (code {})", self.status, self.message, self.code)?;
        for (path, code) in self.field_errors() {
            write!(f, "; {path}: {code}")?;
        }
        Ok(())
    }
}

impl std::error::Error for DiscordError {}

pub(crate) fn collect_field_errors(
    value: &Value,
    path: &mut Vec<String>,
    out: &mut Vec<(String, String)>,
) {
    let Some(map) = value.as_object() else {
        return;
    };
    for (key, child) in map {
        if key == "_errors" {
            for error in child.as_array().into_iter().flatten() {
                let code = error["code"].as_str().unwrap_or_default().to_string();
                out.push((path.join("."), code));
            }
        } else {
            path.push(key.clone());
            collect_field_errors(child, path, out);
            path.pop();
        }
    }
}

/// Field errors collected while validating a request body, keyed by dotted path
/// (`data.embeds.0.title`); turned into Discord's nested `errors` object.
#[derive(Debug, Default, Clone)]
pub struct FieldErrors {
    entries: Vec<(String, &'static str, String)>,
}

impl FieldErrors {
    pub fn add(&mut self, path: &str, code: &'static str, message: impl Into<String>) {
        self.entries.push((path.to_string(), code, message.into()));
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub fn into_result(self) -> Result<(), DiscordError> {
        if self.is_empty() {
            Ok(())
        } else {
            Err(DiscordError::invalid_form_body(&self))
        }
    }

    pub fn to_json(&self) -> Value {
        let mut root = Map::new();
        for (path, code, message) in &self.entries {
            let segments: Vec<&str> = path.split('.').filter(|s| !s.is_empty()).collect();
            insert_error(
                &mut root,
                &segments,
                json!({ "code": code, "message": message }),
            );
        }
        Value::Object(root)
    }
}

fn insert_error(node: &mut Map<String, Value>, path: &[&str], error: Value) {
    match path.split_first() {
        None => {
            let errors = node
                .entry("_errors".to_string())
                .or_insert_with(|| Value::Array(Vec::new()));
            if let Value::Array(list) = errors {
                list.push(error);
            }
        }
        Some((segment, rest)) => {
            let child = node
                .entry(segment.to_string())
                .or_insert_with(|| Value::Object(Map::new()));
            if !child.is_object() {
                *child = Value::Object(Map::new());
            }
            if let Value::Object(map) = child {
                insert_error(map, rest, error);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn form_errors_nest_by_path_like_discord() {
        let mut errors = FieldErrors::default();
        errors.add(
            "data.embeds.0.title",
            "BASE_TYPE_MAX_LENGTH",
            "Must be 256 or fewer in length.",
        );
        errors.add(
            "data.content",
            "BASE_TYPE_MAX_LENGTH",
            "Must be 2000 or fewer in length.",
        );
        let error = DiscordError::invalid_form_body(&errors);
        let body = error.body();
        assert_eq!(body["code"], 50035);
        assert_eq!(
            body["errors"]["data"]["embeds"]["0"]["title"]["_errors"][0]["code"],
            "BASE_TYPE_MAX_LENGTH"
        );
        let mut fields = error.field_errors();
        fields.sort();
        assert_eq!(
            fields,
            vec![
                (
                    "data.content".to_string(),
                    "BASE_TYPE_MAX_LENGTH".to_string()
                ),
                (
                    "data.embeds.0.title".to_string(),
                    "BASE_TYPE_MAX_LENGTH".to_string()
                ),
            ]
        );
    }
}
