//! The shop's API on a port of its own (no Discord), and a client that checks every answer
//! against the API's own OpenAPI document: its status must be documented for the route,
//! its body must match the schema documented for that status (objects allow no field the
//! document does not name), and no body but the mint's may hold a full key.

use std::{
    collections::BTreeSet,
    net::SocketAddr,
    sync::{Arc, Mutex},
};

use licensebot::app::App;
use serde_json::{json, Value};
use tokio_util::sync::CancellationToken;

/// A running API, and what its answers were.
pub struct Api {
    pub base: String,
    pub addr: SocketAddr,
    client: reqwest::Client,
    stop: CancellationToken,
    document: Value,
    /// (METHOD, path, status) of every answer.
    seen: Arc<Mutex<BTreeSet<(String, String, u16)>>>,
    /// Every full key the tests know: none may appear in an answer but the mint's.
    secrets: Arc<Mutex<Vec<String>>>,
}

/// An answer: its status, content type and body (JSON, or `null` when empty).
#[derive(Debug, Clone)]
pub struct Reply {
    pub status: u16,
    pub content_type: String,
    pub body: Value,
    pub headers: reqwest::header::HeaderMap,
}

impl Reply {
    /// Asserts a 422 whose problem names `field`; `request` says which, on failure.
    pub fn assert_invalid(&self, field: &str, request: &dyn std::fmt::Display) {
        assert_eq!(
            (self.status, self.field()),
            (422, Some(field)),
            "{request}: {self:?}"
        );
    }

    /// The problem's `field`, for a problem.
    pub fn field(&self) -> Option<&str> {
        self.body["field"].as_str()
    }
}

impl Api {
    /// Serves `app`'s API on 127.0.0.1, on a free port.
    pub async fn start(app: App) -> Api {
        let stop = CancellationToken::new();
        let (addr, _task) =
            licensebot::boot::serve_api(app, "127.0.0.1:0".parse().unwrap(), stop.clone())
                .await
                .expect("the API starts");
        let document =
            serde_json::to_value(licensebot::api::openapi()).expect("the document serialises");
        Api {
            base: format!("http://{addr}"),
            addr,
            client: reqwest::Client::new(),
            stop,
            document,
            seen: Arc::default(),
            secrets: Arc::default(),
        }
    }

    /// The OpenAPI document the routes were checked against.
    pub fn document(&self) -> &Value {
        &self.document
    }

    /// Every (METHOD, path, status) answered so far.
    pub fn seen(&self) -> BTreeSet<(String, String, u16)> {
        self.seen.lock().unwrap().clone()
    }

    /// Full keys that no answer but the mint's may hold.
    pub fn keep_secret(&self, keys: &[String]) {
        self.secrets.lock().unwrap().extend(keys.iter().cloned());
    }

    pub async fn get(&self, path: &str, token: Option<&str>) -> Reply {
        self.send("GET", path, token, None, &[]).await
    }

    pub async fn post(&self, path: &str, token: Option<&str>, body: Value) -> Reply {
        self.send("POST", path, token, Some(body), &[]).await
    }

    /// Sends a request and checks its answer against the document.
    pub async fn send(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
        headers: &[(&str, &str)],
    ) -> Reply {
        let url = format!("{}{path}", self.base);
        let mut request = self.client.request(method.parse().expect("a method"), &url);
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        if let Some(body) = body {
            request = request.json(&body);
        }
        let reply = reply_of(request.send().await.expect("the API answers")).await;
        self.check(method, path, &reply);
        reply
    }

    /// Sends raw bytes with a content type, for bodies that are not JSON.
    pub async fn post_raw(
        &self,
        path: &str,
        token: Option<&str>,
        content_type: &str,
        body: Vec<u8>,
    ) -> Reply {
        let mut request = self
            .client
            .post(format!("{}{path}", self.base))
            .header("content-type", content_type)
            .body(body);
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        let reply = reply_of(request.send().await.expect("the API answers")).await;
        self.check("POST", path, &reply);
        reply
    }

    fn check(&self, method: &str, path: &str, reply: &Reply) {
        let route = template_of(&self.document, path.split('?').next().unwrap_or(path));
        self.seen
            .lock()
            .unwrap()
            .insert((method.to_string(), route.clone(), reply.status));
        if reply.status == 404 || reply.status == 405 {
            // Answers to routes that do not exist, or methods they do not take: problems.
            assert_eq!(reply.content_type, "application/problem+json", "{reply:?}");
            validate(
                &self.document,
                &json!({"$ref": "#/components/schemas/Problem"}),
                &reply.body,
            )
            .unwrap_or_else(|e| panic!("{method} {path} {}: {e}", reply.status));
            return;
        }
        let responses = &self.document["paths"][&route][method.to_lowercase()]["responses"];
        let documented = &responses[reply.status.to_string()];
        assert!(
            documented.is_object(),
            "{method} {route} answered {}, which its document does not list ({:?}): {}",
            reply.status,
            responses.as_object().map(|r| r.keys().collect::<Vec<_>>()),
            reply.body
        );
        let content = &documented["content"][&reply.content_type];
        assert!(
            content.is_object(),
            "{method} {route} {} answered {}, which its document does not list: {}",
            reply.status,
            reply.content_type,
            documented
        );
        validate(&self.document, &content["schema"], &reply.body).unwrap_or_else(|e| {
            panic!(
                "{method} {path} {}: the body does not match the document: {e}\n{}",
                reply.status, reply.body
            )
        });
        let is_mint = method == "POST" && route == "/v1/keys" && reply.status == 201;
        if !is_mint {
            let text = reply.body.to_string().to_uppercase();
            for key in self.secrets.lock().unwrap().iter() {
                for needle in needles(key) {
                    assert!(
                        !text.contains(&needle),
                        "{method} {path} {}: a full key in the answer: {text}",
                        reply.status
                    );
                }
            }
        }
    }
}

/// The document's path that `path` is an instance of (`/v1/subscriptions/7/suspend` is one of
/// `/v1/subscriptions/{id}/suspend`), or `path` itself when none is.
fn template_of(document: &Value, path: &str) -> String {
    if document["paths"].get(path).is_some() {
        return path.to_string();
    }
    let segments: Vec<&str> = path.split('/').collect();
    document["paths"]
        .as_object()
        .into_iter()
        .flat_map(|paths| paths.keys())
        .find(|template| {
            let parts: Vec<&str> = template.split('/').collect();
            parts.len() == segments.len()
                && parts
                    .iter()
                    .zip(&segments)
                    .all(|(t, s)| t == s || (t.starts_with('{') && t.ends_with('}')))
        })
        .cloned()
        .unwrap_or_else(|| path.to_string())
}

impl Drop for Api {
    fn drop(&mut self) {
        self.stop.cancel();
    }
}

async fn reply_of(response: reqwest::Response) -> Reply {
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let content_type = headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_string();
    let bytes = response.bytes().await.expect("a body");
    let body = if bytes.is_empty() {
        Value::Null
    } else {
        serde_json::from_slice(&bytes).unwrap_or_else(|e| {
            panic!(
                "the API answered {status} with a body that is not JSON ({e}): {}",
                String::from_utf8_lossy(&bytes)
            )
        })
    };
    Reply {
        status,
        content_type,
        body,
        headers,
    }
}

/// A key's spellings, upper case: compact, dashed, and its first twenty characters.
fn needles(key: &str) -> Vec<String> {
    let compact: String = key
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .collect::<String>()
        .to_ascii_uppercase();
    let dashed = compact
        .as_bytes()
        .chunks(5)
        .map(|g| String::from_utf8_lossy(g).into_owned())
        .collect::<Vec<_>>()
        .join("-");
    vec![compact[..20].to_string(), dashed[..23].to_string()]
}

/// Checks `instance` against `schema`, a schema of the document (`$ref`s into its
/// components resolve); objects of the document's components allow no property they do not
/// name, and formats (date, date-time) are checked.
pub fn validate(document: &Value, schema: &Value, instance: &Value) -> Result<(), String> {
    let mut components = document["components"].clone();
    if let Some(schemas) = components["schemas"].as_object_mut() {
        for schema in schemas.values_mut() {
            close_objects(schema);
        }
    }
    let mut root = json!({ "components": components });
    match schema.as_object() {
        Some(fields) => {
            for (name, value) in fields {
                root[name] = value.clone();
            }
        }
        None => return Err(format!("no schema: {schema}")),
    }
    root["$schema"] = json!("https://json-schema.org/draft/2020-12/schema");
    let validator = jsonschema::options()
        .should_validate_formats(true)
        .build(&root)
        .map_err(|e| format!("the document's schema does not compile: {e}"))?;
    let errors: Vec<String> = validator
        .iter_errors(instance)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors.join("; "))
    }
}

/// Objects with named properties allow no other property.
fn close_objects(schema: &mut Value) {
    match schema {
        Value::Object(fields) => {
            if fields.contains_key("properties") && !fields.contains_key("additionalProperties") {
                fields.insert("additionalProperties".into(), Value::Bool(false));
            }
            for value in fields.values_mut() {
                close_objects(value);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(close_objects),
        _ => {}
    }
}
