//! REST under `/api/v10`: routing, authentication, failure injection, the request log, and
//! the handlers, answering what Discord answers and refusing what Discord refuses.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use serde_json::{json, Value};

use crate::error::{DiscordError, FieldErrors};
use crate::model::{Failure, RecordedRequest, Refusal};
use crate::state::{CallbackRec, UploadedFile, World, FLAG_EPHEMERAL, FLAG_LOADING};
use crate::validate::{self, BodyUse};
use crate::Inner;

pub(crate) enum Reply {
    Json(u16, Value),
    NoContent,
    Error(DiscordError),
    Raw(u16, &'static str, Vec<u8>),
    /// Cut the connection without a response ([`Failure::HangUp`]).
    HangUp,
}

impl Reply {
    fn status(&self) -> u16 {
        match self {
            Reply::Json(status, _) | Reply::Raw(status, _, _) => *status,
            Reply::NoContent => 204,
            Reply::Error(e) => e.status,
            Reply::HangUp => 0,
        }
    }

    fn json(&self) -> Option<Value> {
        match self {
            Reply::Json(_, v) => Some(v.clone()),
            Reply::Error(e) => Some(e.body()),
            _ => None,
        }
    }
}

impl IntoResponse for Reply {
    fn into_response(self) -> Response {
        let status =
            StatusCode::from_u16(self.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        match self {
            Reply::Json(_, body) => (status, axum::Json(body)).into_response(),
            Reply::NoContent => StatusCode::NO_CONTENT.into_response(),
            // A body that fails before its first byte makes the server drop the connection
            // without writing the response head.
            Reply::HangUp => axum::body::Body::new(Cut).into_response(),
            Reply::Raw(_, content_type, bytes) => {
                (status, [(header::CONTENT_TYPE, content_type)], bytes).into_response()
            }
            Reply::Error(error) => {
                let mut response = (status, axum::Json(error.body())).into_response();
                if let Some(retry_after) = error.retry_after {
                    let headers = response.headers_mut();
                    let secs = retry_after.ceil().max(0.0) as u64;
                    if let Ok(v) = HeaderValue::from_str(&secs.to_string()) {
                        headers.insert(header::RETRY_AFTER, v);
                    }
                    if let Ok(v) = HeaderValue::from_str(&format!("{retry_after:.3}")) {
                        headers.insert("x-ratelimit-reset-after", v);
                    }
                    headers.insert("x-ratelimit-remaining", HeaderValue::from_static("0"));
                    headers.insert(
                        "x-ratelimit-scope",
                        HeaderValue::from_static(if error.global { "global" } else { "user" }),
                    );
                    if error.global {
                        headers.insert("x-ratelimit-global", HeaderValue::from_static("true"));
                    }
                }
                response
            }
        }
    }
}

/// A response body that fails at once: see [`Reply::HangUp`].
struct Cut;

impl http_body::Body for Cut {
    type Data = Bytes;
    type Error = std::io::Error;

    fn poll_frame(
        self: std::pin::Pin<&mut Self>,
        _cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Result<http_body::Frame<Bytes>, std::io::Error>>> {
        std::task::Poll::Ready(Some(Err(std::io::Error::other(
            "fake-discord hangs up (Failure::HangUp)",
        ))))
    }
}

pub(crate) async fn handle(
    State(inner): State<Arc<Inner>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let arrived = std::time::Instant::now();
    let delay = inner.lock().latency_for(method.as_str(), uri.path());
    if let Some(delay) = delay {
        tokio::time::sleep(delay).await;
    }
    let reply = {
        let mut world = inner.lock();
        let reply = process(&mut world, method.as_str(), &uri, &headers, &body);
        let observer = inner.observer.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(tap) = observer.as_ref() {
            let seen = crate::observe::observed(
                &world,
                method.as_str(),
                uri.path(),
                reply.status(),
                arrived,
            );
            let _ = tap.send(seen);
        }
        reply
    };
    inner.bump();
    // Done, and the answer on its way slowly: a client that gives up or dies meanwhile
    // never learns that it took effect.
    let after = inner.lock().reply_latency_for(method.as_str(), uri.path());
    if let Some(delay) = after {
        tokio::time::sleep(delay).await;
    }
    let mut response = reply.into_response();
    // Discord dates every answer (RFC 7231 `Date`), by its own clock.
    let skew = inner.clock_skew.load(std::sync::atomic::Ordering::Relaxed);
    let date = chrono::Utc::now() + chrono::Duration::seconds(skew);
    if let Ok(value) = HeaderValue::from_str(&date.format("%a, %d %b %Y %H:%M:%S GMT").to_string())
    {
        response.headers_mut().insert(header::DATE, value);
    }
    response
}

/// The interaction token in a callback or webhook path, if any.
fn token_in_path(path: &str) -> Option<&str> {
    let segments: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    match segments.as_slice() {
        ["interactions", _, token, ..] | ["webhooks", _, token, ..] => Some(token),
        _ => None,
    }
}

fn process(world: &mut World, method: &str, uri: &Uri, headers: &HeaderMap, body: &[u8]) -> Reply {
    let full_path = uri.path();
    if method == "GET" {
        if let Some(rest) = full_path.strip_prefix("/attachments/") {
            return attachment(world, rest);
        }
    }
    let Some(path) = full_path.strip_prefix("/api/v10") else {
        return Reply::Error(DiscordError::not_found());
    };
    let path = if path.is_empty() { "/" } else { path };
    let parsed = parse_body(headers, body);
    let (logged_body, file_names) = match &parsed {
        Ok((json, files)) => (
            json.clone(),
            files.iter().map(|f| f.filename.clone()).collect(),
        ),
        Err(_) => (None, vec![]),
    };
    let index = world.requests.len();
    world.requests.push(RecordedRequest {
        method: method.to_string(),
        path: path.to_string(),
        query: uri.query().map(str::to_string),
        body: logged_body.clone(),
        files: file_names,
        status: 0,
        response: None,
    });
    let reply = match world.take_failure(method, path) {
        Some(Failure::RateLimited { retry_after, global }) => {
            Reply::Error(DiscordError::rate_limited(retry_after, global))
        }
        Some(Failure::ServerError) => Reply::Error(DiscordError::internal_server_error()),
        Some(Failure::BadGateway) => Reply::Raw(
            502,
            "text/html",
            b"<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center><hr><center>cloudflare</center></body></html>".to_vec(),
        ),
        Some(Failure::Discord(error)) => Reply::Error(error),
        Some(Failure::HangUp) => Reply::HangUp,
        None => {
            let result = parsed.and_then(|(json, files)| {
                route(world, method, path, uri.query(), headers, json, files)
            });
            match result {
                Ok(reply) => reply,
                Err(error) => {
                    if let Some(token) = token_in_path(path) {
                        let token = token.to_string();
                        world.record_refusal(
                            &token,
                            Refusal {
                                method: method.to_string(),
                                path: path.to_string(),
                                body: logged_body,
                                error: error.clone(),
                            },
                        );
                    }
                    Reply::Error(error)
                }
            }
        }
    };
    if let Some(entry) = world.requests.get_mut(index) {
        entry.status = reply.status();
        entry.response = reply.json();
    }
    reply
}

fn attachment(world: &World, rest: &str) -> Reply {
    let id = rest.split('/').nth(1).and_then(|s| s.parse::<u64>().ok());
    match id.and_then(|id| world.attachments.get(&id)) {
        Some(a) => Reply::Raw(200, "application/octet-stream", a.data.clone()),
        None => Reply::Error(DiscordError::not_found()),
    }
}

type Parsed = (Option<Value>, Vec<UploadedFile>);

fn parse_body(headers: &HeaderMap, body: &[u8]) -> Result<Parsed, DiscordError> {
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    if content_type.starts_with("multipart/form-data") {
        return parse_multipart(content_type, body);
    }
    if body.iter().all(|b| b.is_ascii_whitespace()) {
        return Ok((None, vec![]));
    }
    serde_json::from_slice(body)
        .map(|v| (Some(v), vec![]))
        .map_err(|_| DiscordError::invalid_json())
}

fn find(haystack: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    if from > haystack.len() {
        return None;
    }
    haystack[from..]
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|p| p + from)
}

fn disposition_param(disposition: &str, name: &str) -> Option<String> {
    disposition.split(';').find_map(|part| {
        let part = part.trim();
        let value = part.strip_prefix(name)?.strip_prefix('=')?;
        Some(value.trim_matches('"').to_string())
    })
}

/// `multipart/form-data` as serenity (reqwest) sends it: `payload_json` and `files[n]`.
fn parse_multipart(content_type: &str, body: &[u8]) -> Result<Parsed, DiscordError> {
    let boundary = content_type
        .split(';')
        .find_map(|p| p.trim().strip_prefix("boundary="))
        .map(|b| b.trim_matches('"').to_string())
        .ok_or_else(DiscordError::invalid_json)?;
    let delimiter = format!("--{boundary}").into_bytes();
    let mut json = None;
    let mut files = Vec::new();
    let mut pos = find(body, &delimiter, 0).ok_or_else(DiscordError::invalid_json)?;
    loop {
        let start = pos + delimiter.len();
        if body.get(start..start + 2) == Some(b"--") {
            break;
        }
        let start = start + 2; // \r\n
        let Some(next) = find(body, &delimiter, start) else {
            break;
        };
        let part = &body[start..next.saturating_sub(2).max(start)];
        pos = next;
        let Some(split) = find(part, b"\r\n\r\n", 0) else {
            continue;
        };
        let head = String::from_utf8_lossy(&part[..split]).to_string();
        let data = part[split + 4..].to_vec();
        let mut name = String::new();
        let mut filename = None;
        let mut part_type = None;
        for line in head.lines() {
            let lower = line.to_ascii_lowercase();
            if lower.starts_with("content-disposition:") {
                name = disposition_param(line, "name").unwrap_or_default();
                filename = disposition_param(line, "filename");
            } else if lower.starts_with("content-type:") {
                part_type = line.split_once(':').map(|(_, v)| v.trim().to_string());
            }
        }
        if name == "payload_json" {
            json = Some(serde_json::from_slice(&data).map_err(|_| DiscordError::invalid_json())?);
        } else if let Some(filename) = filename {
            files.push(UploadedFile {
                field: name,
                filename,
                content_type: part_type,
                data,
            });
        }
    }
    Ok((json, files))
}

fn snowflake(field: &str, value: &str) -> Result<u64, DiscordError> {
    value.parse::<u64>().map_err(|_| {
        let mut errors = FieldErrors::default();
        errors.add(
            field,
            "NUMBER_TYPE_COERCE",
            format!("Value \"{value}\" is not snowflake."),
        );
        DiscordError::invalid_form_body(&errors)
    })
}

fn ok(value: Value) -> Result<Reply, DiscordError> {
    Ok(Reply::Json(200, value))
}

fn route(
    world: &mut World,
    method: &str,
    path: &str,
    query: Option<&str>,
    headers: &HeaderMap,
    body: Option<Value>,
    files: Vec<UploadedFile>,
) -> Result<Reply, DiscordError> {
    let segments: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    // Interaction callbacks and webhook-token routes need no Authorization, as on Discord.
    let public = matches!(
        segments.as_slice(),
        ["interactions", ..] | ["webhooks", _, _, ..] | ["gateway"]
    );
    if !public {
        let auth = headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default();
        if auth != format!("Bot {}", world.token) {
            return Err(DiscordError::unauthorized());
        }
    }
    let body_or_null = body.clone().unwrap_or(Value::Null);
    match (method, segments.as_slice()) {
        ("GET", ["gateway"]) => ok(json!({"url": world.gateway_url()})),
        ("GET", ["gateway", "bot"]) => ok(json!({
            "url": world.gateway_url(),
            "shards": 1,
            "session_start_limit": {"total": 1000, "remaining": 999, "reset_after": 14_400_000, "max_concurrency": 1},
        })),
        ("GET", ["users", "@me"]) => ok(world.current_user_json()),
        ("GET", ["users", "@me", "guilds"]) => ok(json!(world
            .bot_guilds()
            .into_iter()
            .filter_map(|id| world.guilds.get(&id))
            .map(|g| json!({
                "id": g.id.to_string(),
                "name": g.name,
                "icon": null,
                "owner": g.owner_id == world.bot_id,
                "permissions": world.base_permissions(g.id, world.bot_id).to_string(),
                "features": [],
            }))
            .collect::<Vec<_>>())),
        ("GET", ["users", id]) => {
            let id = snowflake("user_id", id)?;
            if world.users.contains_key(&id) {
                ok(world.user_json(id))
            } else {
                Err(DiscordError::unknown_user())
            }
        }
        ("POST", ["users", "@me", "channels"]) => {
            let recipient = body_or_null["recipient_id"]
                .as_str()
                .map(str::to_string)
                .or_else(|| body_or_null["recipient_id"].as_u64().map(|n| n.to_string()))
                .unwrap_or_default();
            let user = snowflake("recipient_id", &recipient)?;
            if !world.users.contains_key(&user) {
                return Err(DiscordError::unknown_user());
            }
            let channel = world.dm_channel(user);
            let json = world.channels.get(&channel).map(|c| world.channel_json(c));
            ok(json.unwrap_or(Value::Null))
        }
        ("GET", ["oauth2", "applications", "@me"]) | ("GET", ["applications", "@me"]) => {
            ok(world.application_json())
        }
        (_, ["applications", app, "commands"]) => commands(world, method, app, None, body_or_null),
        (_, ["applications", app, "commands", command]) => {
            single_command(world, method, app, None, command, body_or_null)
        }
        (_, ["applications", app, "guilds", guild, "commands"]) => {
            let guild = snowflake("guild_id", guild)?;
            commands(world, method, app, Some(guild), body_or_null)
        }
        ("GET", ["applications", app, "guilds", guild, "commands", "permissions"]) => {
            let guild = snowflake("guild_id", guild)?;
            check_app(world, app)?;
            check_guild_access(world, Some(guild))?;
            ok(json!(world
                .command_permissions
                .get(&guild)
                .cloned()
                .unwrap_or_default()))
        }
        (_, ["applications", app, "guilds", guild, "commands", command]) => {
            let guild = snowflake("guild_id", guild)?;
            single_command(world, method, app, Some(guild), command, body_or_null)
        }
        ("POST", ["interactions", id, token, "callback"]) => {
            callback(world, id, token, body_or_null, &files, query)
        }
        ("POST", ["webhooks", app, token]) => followup(world, app, token, body_or_null, &files),
        (_, ["webhooks", app, token, "messages", message]) => {
            webhook_message(world, method, app, token, message, body_or_null, &files)
        }
        ("GET", ["channels", channel]) => {
            let channel = snowflake("channel_id", channel)?;
            let rec = world
                .channels
                .get(&channel)
                .filter(|c| !c.deleted)
                .ok_or_else(DiscordError::unknown_channel)?;
            // As on Discord: a guild channel the bot cannot see is Missing Access.
            let view = serenity::model::permissions::Permissions::VIEW_CHANNEL.bits();
            if rec.guild_id.is_some()
                && world.channel_permissions(channel, world.bot_id) & view == 0
            {
                return Err(DiscordError::missing_access());
            }
            ok(world.channel_json(rec))
        }
        (_, ["channels", channel, "messages"]) => {
            let channel = snowflake("channel_id", channel)?;
            channel_messages(world, method, channel, query, body_or_null, &files)
        }
        (_, ["channels", channel, "messages", message]) => {
            let channel = snowflake("channel_id", channel)?;
            let message = snowflake("message_id", message)?;
            channel_message(world, method, channel, message, body_or_null, &files)
        }
        ("POST", ["channels", channel, "typing"]) => {
            let channel = snowflake("channel_id", channel)?;
            world.check_bot_can_send(channel)?;
            Ok(Reply::NoContent)
        }
        (method @ ("PUT" | "DELETE"), ["guilds", guild, "members", user, "roles", role]) => {
            let guild = snowflake("guild_id", guild)?;
            let user = snowflake("user_id", user)?;
            let role = snowflake("role_id", role)?;
            world.change_member_role(guild, user, role, method == "PUT")?;
            Ok(Reply::NoContent)
        }
        ("GET", ["guilds", guild, rest @ ..]) => {
            let guild = snowflake("guild_id", guild)?;
            guild_route(world, guild, rest)
        }
        _ => Err(DiscordError::not_found()),
    }
}

fn guild_route(world: &World, guild_id: u64, rest: &[&str]) -> Result<Reply, DiscordError> {
    let guild = world
        .guilds
        .get(&guild_id)
        .filter(|g| g.members.contains_key(&world.bot_id))
        .ok_or_else(DiscordError::unknown_guild)?;
    match rest {
        [] => ok(world.guild_json(guild_id).unwrap_or(Value::Null)),
        ["channels"] => ok(json!(guild
            .channels
            .iter()
            .filter_map(|c| world.channels.get(c))
            .filter(|c| !c.deleted)
            .map(|c| world.channel_json(c))
            .collect::<Vec<_>>())),
        ["roles"] => ok(json!(guild
            .roles
            .values()
            .map(|r| world.role_json(r))
            .collect::<Vec<_>>())),
        ["roles", role] => {
            let role = snowflake("role_id", role)?;
            match guild.roles.get(&role) {
                Some(r) => ok(world.role_json(r)),
                None => Err(DiscordError::unknown_role()),
            }
        }
        ["members"] => ok(json!(guild
            .members
            .keys()
            .filter_map(|u| world.member_json(guild_id, *u))
            .collect::<Vec<_>>())),
        ["members", user] => {
            let user = snowflake("user_id", user)?;
            world
                .member_json(guild_id, user)
                .map(|m| Reply::Json(200, m))
                .ok_or_else(DiscordError::unknown_member)
        }
        _ => Err(DiscordError::not_found()),
    }
}

fn check_app(world: &World, app: &str) -> Result<(), DiscordError> {
    let app = snowflake("application_id", app)?;
    if app == world.app_id {
        Ok(())
    } else {
        Err(DiscordError::missing_access())
    }
}

fn check_guild_access(world: &World, guild: Option<u64>) -> Result<(), DiscordError> {
    match guild {
        Some(g)
            if !world
                .guilds
                .get(&g)
                .is_some_and(|g| g.members.contains_key(&world.bot_id)) =>
        {
            Err(DiscordError::missing_access())
        }
        _ => Ok(()),
    }
}

fn commands(
    world: &mut World,
    method: &str,
    app: &str,
    guild: Option<u64>,
    body: Value,
) -> Result<Reply, DiscordError> {
    check_app(world, app)?;
    check_guild_access(world, guild)?;
    match method {
        "GET" => ok(json!(world
            .commands
            .get(&guild)
            .cloned()
            .unwrap_or_default())),
        "PUT" => {
            validate::commands(&body)?;
            let list = body.as_array().cloned().unwrap_or_default();
            ok(json!(world.overwrite_commands(guild, &list)))
        }
        "POST" => {
            validate::command(&body)?;
            let object = world.command_object(guild, &body);
            let list = world.commands.entry(guild).or_default();
            let existing = list.iter().position(|c| c["id"] == object["id"]);
            match existing {
                Some(i) => {
                    list[i] = object.clone();
                    ok(object)
                }
                None => {
                    list.push(object.clone());
                    Ok(Reply::Json(201, object))
                }
            }
        }
        _ => Err(DiscordError::method_not_allowed()),
    }
}

fn single_command(
    world: &mut World,
    method: &str,
    app: &str,
    guild: Option<u64>,
    command: &str,
    body: Value,
) -> Result<Reply, DiscordError> {
    check_app(world, app)?;
    check_guild_access(world, guild)?;
    let id = snowflake("command_id", command)?;
    let position = world
        .commands
        .get(&guild)
        .and_then(|list| {
            list.iter()
                .position(|c| c["id"].as_str() == Some(&id.to_string()))
        })
        .ok_or_else(DiscordError::unknown_command)?;
    match method {
        "GET" => ok(world.commands[&guild][position].clone()),
        "DELETE" => {
            if let Some(list) = world.commands.get_mut(&guild) {
                list.remove(position);
            }
            Ok(Reply::NoContent)
        }
        "PATCH" => {
            let mut merged = world.commands[&guild][position].clone();
            if let (Some(target), Some(changes)) = (merged.as_object_mut(), body.as_object()) {
                for (k, v) in changes {
                    target.insert(k.clone(), v.clone());
                }
            }
            validate::command(&merged)?;
            let object = world.command_object(guild, &merged);
            if let Some(list) = world.commands.get_mut(&guild) {
                list[position] = object.clone();
            }
            ok(object)
        }
        _ => Err(DiscordError::method_not_allowed()),
    }
}

fn message_type_for(interaction_kind: u64) -> u64 {
    // CHAT_INPUT_COMMAND for slash command responses, REPLY otherwise.
    if interaction_kind == 2 {
        20
    } else {
        19
    }
}

pub(crate) fn callback(
    world: &mut World,
    id: &str,
    token: &str,
    body: Value,
    files: &[UploadedFile],
    _query: Option<&str>,
) -> Result<Reply, DiscordError> {
    let id = snowflake("interaction_id", id)?;
    let rec = world
        .interactions
        .get(&id)
        .filter(|r| r.token == token)
        .ok_or_else(DiscordError::unknown_interaction)?;
    if rec.callback.is_some() {
        return Err(DiscordError::already_acknowledged());
    }
    if rec.age() > world.settings.response_deadline {
        return Err(DiscordError::unknown_interaction());
    }
    let kind = rec.kind;
    let channel_id = rec.channel_id;
    let source = rec.source_message;
    let focused_type = rec.focused_type;
    let callback_type = body["type"].as_u64();
    let mut errors = FieldErrors::default();
    let Some(callback_type) = callback_type.filter(|t| [1, 4, 5, 6, 7, 8, 9, 10, 12].contains(t))
    else {
        errors.add(
            "type",
            "BASE_TYPE_CHOICES",
            "Value must be one of {1, 4, 5, 6, 7, 8, 9, 10, 12}.",
        );
        return Err(DiscordError::invalid_form_body(&errors));
    };
    let allowed: &[u64] = match kind {
        1 => &[1],
        2 => &[4, 5, 9],
        3 => &[4, 5, 6, 7, 9],
        4 => &[8],
        _ if source.is_some() => &[4, 5, 6, 7],
        _ => &[4, 5],
    };
    if !allowed.contains(&callback_type) {
        let list: Vec<String> = allowed.iter().map(|t| t.to_string()).collect();
        errors.add(
            "type",
            "INTERACTION_RESPONSE_TYPE_INVALID",
            format!(
                "Interaction response type {callback_type} is not valid for an interaction of type {kind}; must be one of {{{}}}.",
                list.join(", ")
            ),
        );
        return Err(DiscordError::invalid_form_body(&errors));
    }
    let data = body["data"].clone();
    let mut original = None;
    match callback_type {
        4 => {
            validate::message_body(&data, "data", BodyUse::Create, files.len())?;
            original = Some(world.create_message(
                channel_id,
                message_type_for(kind),
                &data,
                files,
                Some(id),
                0,
            ));
        }
        5 => {
            validate::message_body(&data, "data", BodyUse::Edit, 0)?;
            let ephemeral = data["flags"].as_u64().unwrap_or(0) & FLAG_EPHEMERAL;
            original = Some(world.create_message(
                channel_id,
                message_type_for(kind),
                &json!({}),
                &[],
                Some(id),
                FLAG_LOADING | ephemeral,
            ));
        }
        6 | 7 => {
            let source = source
                .filter(|m| world.messages.get(m).is_some_and(|m| !m.deleted))
                .ok_or_else(DiscordError::unknown_message)?;
            if callback_type == 7 {
                validate::message_body(&data, "data", BodyUse::Edit, files.len())?;
                world.edit_message(source, &data, files);
            }
            original = Some(source);
        }
        8 => validate::autocomplete(&data, focused_type)?,
        9 => validate::modal(&data)?,
        _ => {}
    }
    if let Some(rec) = world.interactions.get_mut(&id) {
        rec.callback = Some(CallbackRec {
            kind: callback_type,
            data,
        });
        rec.original = original;
    }
    Ok(Reply::NoContent)
}

/// The interaction behind a webhook route, if its token is still valid.
fn token_interaction(world: &World, app: &str, token: &str) -> Result<u64, DiscordError> {
    let app = snowflake("webhook_id", app)?;
    if app != world.app_id {
        return Err(DiscordError::unknown_webhook());
    }
    let rec = world
        .interaction_by_token(token)
        .ok_or_else(DiscordError::invalid_webhook_token)?;
    if rec.age() > world.settings.token_lifetime {
        return Err(DiscordError::invalid_webhook_token());
    }
    if rec.callback.is_none() {
        return Err(DiscordError::unknown_webhook());
    }
    Ok(rec.id)
}

fn message_reply(world: &World, message: u64) -> Result<Reply, DiscordError> {
    world
        .messages
        .get(&message)
        .filter(|m| !m.deleted)
        .map(|m| Reply::Json(200, m.json.clone()))
        .ok_or_else(DiscordError::unknown_message)
}

fn followup(
    world: &mut World,
    app: &str,
    token: &str,
    body: Value,
    files: &[UploadedFile],
) -> Result<Reply, DiscordError> {
    let id = token_interaction(world, app, token)?;
    validate::message_body(&body, "", BodyUse::Create, files.len())?;
    let Some(rec) = world.interactions.get(&id) else {
        return Err(DiscordError::unknown_webhook());
    };
    let (kind, channel_id, original, first) = (
        rec.kind,
        rec.channel_id,
        rec.original,
        rec.followups.is_empty(),
    );
    // After a deferred response (5), the first follow-up replaces the "thinking" message.
    let loading_original = original.filter(|m| {
        world.messages.get(m).is_some_and(|m| {
            !m.deleted && m.json["flags"].as_u64().unwrap_or(0) & FLAG_LOADING != 0
        })
    });
    let message = match loading_original {
        Some(m) if first => {
            world.edit_message(m, &body, files);
            if let Some(rec) = world.interactions.get_mut(&id) {
                rec.original_edits += 1;
            }
            m
        }
        _ => world.create_message(
            channel_id,
            message_type_for(kind),
            &body,
            files,
            Some(id),
            0,
        ),
    };
    if let Some(rec) = world.interactions.get_mut(&id) {
        rec.followups.push(message);
    }
    message_reply(world, message)
}

fn webhook_message(
    world: &mut World,
    method: &str,
    app: &str,
    token: &str,
    message: &str,
    body: Value,
    files: &[UploadedFile],
) -> Result<Reply, DiscordError> {
    let id = token_interaction(world, app, token)?;
    let Some(rec) = world.interactions.get(&id) else {
        return Err(DiscordError::unknown_webhook());
    };
    let is_original = message == "@original";
    let target = if is_original {
        rec.original.ok_or_else(DiscordError::unknown_message)?
    } else {
        let mid = snowflake("message_id", message)?;
        if rec.followups.contains(&mid) || rec.original == Some(mid) {
            mid
        } else {
            return Err(DiscordError::unknown_message());
        }
    };
    if world.messages.get(&target).is_none_or(|m| m.deleted) {
        return Err(DiscordError::unknown_message());
    }
    match method {
        "GET" => message_reply(world, target),
        "PATCH" => {
            validate::message_body(&body, "", BodyUse::Edit, files.len())?;
            world.edit_message(target, &body, files);
            if let Some(rec) = world.interactions.get_mut(&id) {
                if rec.original == Some(target) {
                    rec.original_edits += 1;
                }
            }
            message_reply(world, target)
        }
        "DELETE" => {
            world.delete_message(target);
            Ok(Reply::NoContent)
        }
        _ => Err(DiscordError::method_not_allowed()),
    }
}

fn channel_messages(
    world: &mut World,
    method: &str,
    channel: u64,
    query: Option<&str>,
    body: Value,
    files: &[UploadedFile],
) -> Result<Reply, DiscordError> {
    match method {
        "GET" => {
            let rec = world
                .channels
                .get(&channel)
                .filter(|c| !c.deleted)
                .ok_or_else(DiscordError::unknown_channel)?;
            if rec.guild_id.is_some() {
                let perms = world.channel_permissions(channel, world.bot_id);
                let needed = serenity::model::permissions::Permissions::VIEW_CHANNEL.bits()
                    | serenity::model::permissions::Permissions::READ_MESSAGE_HISTORY.bits();
                if perms & needed != needed {
                    return Err(DiscordError::missing_access());
                }
            }
            let limit = query
                .and_then(|q| {
                    q.split('&')
                        .find_map(|kv| kv.strip_prefix("limit="))
                        .and_then(|v| v.parse::<usize>().ok())
                })
                .unwrap_or(50)
                .clamp(1, 100);
            let list: Vec<Value> = world
                .messages
                .values()
                .rev()
                .filter(|m| m.channel_id == channel && !m.deleted && !m.ephemeral)
                .take(limit)
                .map(|m| m.json.clone())
                .collect();
            ok(json!(list))
        }
        "POST" => {
            world.check_bot_can_send(channel)?;
            validate::message_body(&body, "", BodyUse::Create, files.len())?;
            let nonce = body.get("nonce").filter(|n| !n.is_null());
            if let (Some(nonce), Some(true)) = (nonce, body["enforce_nonce"].as_bool()) {
                let window = world.settings.nonce_window;
                let bot = world.bot_id;
                let existing = world
                    .nonces
                    .get(&nonce.to_string())
                    .and_then(|id| world.messages.get(id))
                    .filter(|m| {
                        m.author_id == bot
                            && !m.deleted
                            && m.json.get("nonce") == Some(nonce)
                            && m.created.elapsed() <= window
                    });
                if let Some(existing) = existing {
                    return ok(existing.json.clone());
                }
            }
            let message = world.create_message(channel, 0, &body, files, None, 0);
            message_reply(world, message)
        }
        _ => Err(DiscordError::method_not_allowed()),
    }
}

fn channel_message(
    world: &mut World,
    method: &str,
    channel: u64,
    message: u64,
    body: Value,
    files: &[UploadedFile],
) -> Result<Reply, DiscordError> {
    if world.channels.get(&channel).is_none_or(|c| c.deleted) {
        return Err(DiscordError::unknown_channel());
    }
    let rec = world
        .messages
        .get(&message)
        .filter(|m| m.channel_id == channel && !m.deleted && !m.ephemeral)
        .ok_or_else(DiscordError::unknown_message)?;
    let author = rec.author_id;
    match method {
        "GET" => message_reply(world, message),
        "PATCH" => {
            if author != world.bot_id {
                return Err(DiscordError::cannot_edit_other_users_message());
            }
            validate::message_body(&body, "", BodyUse::Edit, files.len())?;
            world.edit_message(message, &body, files);
            message_reply(world, message)
        }
        "DELETE" => {
            if author != world.bot_id {
                let perms = world.channel_permissions(channel, world.bot_id);
                if perms & serenity::model::permissions::Permissions::MANAGE_MESSAGES.bits() == 0 {
                    return Err(DiscordError::missing_permissions());
                }
            }
            world.delete_message(message);
            Ok(Reply::NoContent)
        }
        _ => Err(DiscordError::method_not_allowed()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn multipart_parts_are_split_into_payload_and_files() {
        let body = b"--XYZ\r\nContent-Disposition: form-data; name=\"files[0]\"; filename=\"a.csv\"\r\nContent-Type: text/csv\r\n\r\nk,v\r\n1,2\r\n--XYZ\r\nContent-Disposition: form-data; name=\"payload_json\"\r\n\r\n{\"content\":\"hi\"}\r\n--XYZ--\r\n";
        let (json, files) = parse_multipart("multipart/form-data; boundary=XYZ", body).unwrap();
        assert_eq!(json.unwrap()["content"], "hi");
        assert_eq!(files.len(), 1);
        assert_eq!(files[0].filename, "a.csv");
        assert_eq!(files[0].data, b"k,v\r\n1,2");
    }
}
