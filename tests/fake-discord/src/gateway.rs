//! The gateway websocket: HELLO, IDENTIFY → READY + GUILD_CREATE, heartbeats and ACKs,
//! RESUME with replay of missed dispatches, and dispatches checked against serenity's model.
//!
//! An IDENTIFY with `shard: [id, total]` and `total > 1` opens that shard's own session:
//! it gets READY and GUILD_CREATE for the guilds with `(guild_id >> 22) % total == id`
//! only, and only their later events; each shard may be on another connection (process).

use std::sync::Arc;

use axum::extract::ws::{CloseFrame, Message, WebSocket, WebSocketUpgrade};
use axum::extract::State;
use axum::response::Response;
use serde_json::{json, Value};
use tokio::sync::mpsc;

use crate::state::{LiveConn, Session, ShardSession, WsOut};
use crate::Inner;

/// Decode a dispatch the way serenity's shard does, and with the specific model type for
/// an error that names the field. serenity silently drops a dispatch it cannot decode
/// (it becomes `Event::Unknown`), so the fake refuses to send one.
pub(crate) fn check_dispatch(t: &str, d: &Value) -> Result<(), String> {
    use serenity::model::prelude::*;
    fn specific<T: serde::de::DeserializeOwned>(d: &Value) -> Result<(), String> {
        serde_path_to_error::deserialize::<_, T>(d.clone())
            .map(drop)
            .map_err(|e| format!("at `{}`: {}", e.path(), e.inner()))
    }
    let checked = match t {
        "READY" => specific::<Ready>(d),
        "GUILD_CREATE" => specific::<Guild>(d),
        "GUILD_DELETE" => specific::<UnavailableGuild>(d),
        "CHANNEL_CREATE" | "CHANNEL_UPDATE" | "CHANNEL_DELETE" => specific::<GuildChannel>(d),
        "INTERACTION_CREATE" => specific::<Interaction>(d),
        "MESSAGE_CREATE" | "MESSAGE_UPDATE" => specific::<Message>(d),
        "GUILD_MEMBER_UPDATE" => specific::<GuildMemberUpdateEvent>(d),
        "GUILD_MEMBER_REMOVE" => specific::<GuildMemberRemoveEvent>(d),
        _ => Ok(()),
    };
    checked.map_err(|e| format!("{t} payload does not decode as serenity's model {e}"))?;
    let frame = json!({"op": 0, "s": 1, "t": t, "d": d});
    match serde_json::from_value::<GatewayEvent>(frame) {
        Ok(GatewayEvent::Dispatch(_, Event::Unknown(_))) => Err(format!(
            "serenity would decode this {t} dispatch as Event::Unknown and drop it silently"
        )),
        Ok(GatewayEvent::Dispatch(..)) => Ok(()),
        Ok(other) => Err(format!("{t} decodes as {other:?}, not as a dispatch")),
        Err(e) => Err(format!(
            "{t} frame does not decode as serenity's GatewayEvent: {e}"
        )),
    }
}

pub(crate) async fn upgrade(State(inner): State<Arc<Inner>>, ws: WebSocketUpgrade) -> Response {
    ws.max_message_size(16 << 20)
        .on_upgrade(move |socket| connection(inner, socket))
}

fn text(value: Value) -> Message {
    Message::Text(value.to_string().into())
}

async fn connection(inner: Arc<Inner>, mut socket: WebSocket) {
    let (tx, mut rx) = mpsc::unbounded_channel::<WsOut>();
    let (conn_id, interval) = {
        let mut world = inner.lock();
        world.gateway.next_conn += 1;
        world.gateway.connections += 1;
        (
            world.gateway.next_conn,
            world.settings.heartbeat_interval.as_millis() as u64,
        )
    };
    inner.bump();
    if socket
        .send(text(json!({"op": 10, "s": null, "t": null, "d": {"heartbeat_interval": interval, "_trace": ["fake-discord"]}})))
        .await
        .is_err()
    {
        return;
    }
    loop {
        tokio::select! {
            incoming = socket.recv() => {
                let Some(Ok(message)) = incoming else { break };
                let payload = match message {
                    Message::Text(t) => serde_json::from_str::<Value>(t.as_str()),
                    Message::Binary(b) => serde_json::from_slice::<Value>(&b),
                    // The next read sends the queued reply to the close frame and then ends
                    // the loop; breaking here would drop the socket before the client hears it.
                    Message::Close(_) => continue,
                    _ => continue,
                };
                let Ok(payload) = payload else {
                    let _ = socket.send(Message::Close(Some(CloseFrame { code: 4002, reason: "Error while decoding payload.".into() }))).await;
                    break;
                };
                match handle_op(&inner, conn_id, &tx, &payload) {
                    Reply::None => {}
                    Reply::Send(v) => {
                        if socket.send(text(v)).await.is_err() {
                            break;
                        }
                    }
                    Reply::Close(code, reason) => {
                        let _ = socket.send(Message::Close(Some(CloseFrame { code, reason: reason.into() }))).await;
                        break;
                    }
                }
                inner.bump();
            }
            out = rx.recv() => {
                match out {
                    Some(WsOut::Text(frame)) => {
                        if socket.send(Message::Text(frame.into())).await.is_err() {
                            break;
                        }
                    }
                    Some(WsOut::Close(code, reason)) => {
                        let _ = socket.send(Message::Close(Some(CloseFrame { code, reason: reason.into() }))).await;
                        break;
                    }
                    // Drop the TCP connection without a closing handshake, like a network failure.
                    Some(WsOut::Abort) | None => break,
                }
            }
        }
    }
    {
        let mut world = inner.lock();
        if world.gateway.live.as_ref().map(|l| l.conn_id) == Some(conn_id) {
            world.gateway.live = None;
        }
        for shard in world.gateway.shards.values_mut() {
            if shard.live.as_ref().map(|l| l.conn_id) == Some(conn_id) {
                shard.live = None;
            }
        }
    }
    inner.bump();
}

enum Reply {
    None,
    Send(Value),
    Close(u16, &'static str),
}

fn token_matches(expected: &str, given: &str) -> bool {
    given == expected || given.strip_prefix("Bot ") == Some(expected)
}

fn handle_op(
    inner: &Inner,
    conn_id: u64,
    tx: &mpsc::UnboundedSender<WsOut>,
    payload: &Value,
) -> Reply {
    let mut world = inner.lock();
    match payload["op"].as_u64() {
        // Heartbeat
        Some(1) => {
            world.gateway.heartbeats += 1;
            Reply::Send(json!({"op": 11, "s": null, "t": null, "d": null}))
        }
        // Identify
        Some(2) => {
            let d = &payload["d"];
            if !token_matches(&world.token, d["token"].as_str().unwrap_or_default()) {
                return Reply::Close(4004, "Authentication failed.");
            }
            let Some(intents) = d["intents"].as_u64() else {
                return Reply::Close(4013, "Invalid intent(s).");
            };
            if intents & crate::state::INTENT_GUILD_MEMBERS != 0
                && !world.gateway.members_intent_enabled
            {
                world.gateway.disallowed_intents += 1;
                return Reply::Close(4014, "Disallowed intent(s).");
            }
            world.gateway.identifies += 1;
            world.gateway.intents = intents;
            let shard = d.get("shard").cloned().unwrap_or(json!([0, 1]));
            let (shard_id, total) = (
                shard[0].as_u64().unwrap_or(0),
                shard[1].as_u64().unwrap_or(1),
            );
            if total > 1 {
                if shard_id >= total {
                    return Reply::Close(4010, "Invalid shard.");
                }
                return identify_shard(&mut world, conn_id, tx, shard_id as u32, total as u32);
            }
            let session_id = format!("{:x}", world.ids.next());
            world.gateway.session = Some(Session {
                id: session_id.clone(),
                seq: 0,
                history: vec![],
            });
            if let Some(old) = world.gateway.live.take() {
                let _ = old
                    .tx
                    .send(WsOut::Close(4000, "Replaced by a new session".into()));
            }
            world.gateway.live = Some(LiveConn {
                conn_id,
                tx: tx.clone(),
            });
            let ready = world.ready_json(&session_id, shard);
            let mut dispatches = vec![("READY".to_string(), ready)];
            let guilds = world.bot_guilds();
            for guild in guilds {
                if let Some(g) = world.guild_create_json(guild) {
                    dispatches.push(("GUILD_CREATE".to_string(), g));
                }
            }
            for (t, d) in dispatches {
                if let Err(e) = world.dispatch(&t, d) {
                    world.internal_errors.push(e.clone());
                    tracing::error!("fake-discord: {e}");
                }
            }
            Reply::None
        }
        // Presence update, voice state update, request guild members: accepted, ignored.
        Some(3 | 4 | 8 | 31) => Reply::None,
        // Resume
        Some(6) => {
            let d = &payload["d"];
            if !token_matches(&world.token, d["token"].as_str().unwrap_or_default()) {
                return Reply::Close(4004, "Authentication failed.");
            }
            let shard_session = world
                .gateway
                .shards
                .iter()
                .find(|(_, s)| Some(s.session.id.as_str()) == d["session_id"].as_str())
                .map(|(id, _)| *id);
            if let Some(shard) = shard_session {
                return resume_shard(
                    &mut world,
                    conn_id,
                    tx,
                    shard,
                    d["seq"].as_u64().unwrap_or(0),
                );
            }
            let session_ok = world
                .gateway
                .session
                .as_ref()
                .is_some_and(|s| Some(s.id.as_str()) == d["session_id"].as_str());
            let client_seq = d["seq"].as_u64().unwrap_or(0);
            let current_seq = world.gateway.session.as_ref().map(|s| s.seq).unwrap_or(0);
            if !session_ok || client_seq > current_seq {
                return Reply::Send(json!({"op": 9, "s": null, "t": null, "d": false}));
            }
            world.gateway.resumes += 1;
            if let Some(old) = world.gateway.live.take() {
                let _ = old.tx.send(WsOut::Close(4000, "Resumed elsewhere".into()));
            }
            if let Some(session) = &world.gateway.session {
                for (seq, frame) in &session.history {
                    if *seq > client_seq {
                        let _ = tx.send(WsOut::Text(frame.clone()));
                    }
                }
            }
            world.gateway.live = Some(LiveConn {
                conn_id,
                tx: tx.clone(),
            });
            if let Err(e) = world.dispatch("RESUMED", json!({"_trace": ["fake-discord"]})) {
                world.internal_errors.push(e);
            }
            Reply::None
        }
        _ => Reply::Close(4001, "Unknown opcode."),
    }
}

/// IDENTIFY of one shard of a sharded bot: a session of its own, and its guilds only.
fn identify_shard(
    world: &mut crate::state::World,
    conn_id: u64,
    tx: &mpsc::UnboundedSender<WsOut>,
    shard: u32,
    total: u32,
) -> Reply {
    if world.gateway.shards.values().any(|s| s.total != total) {
        // Discord refuses a shard count that differs from the other connected shards'.
        world.gateway.shards.retain(|_, s| s.total == total);
    }
    let session_id = format!("{:x}", world.ids.next());
    if let Some(old) = world.gateway.shards.remove(&shard).and_then(|s| s.live) {
        let _ = old
            .tx
            .send(WsOut::Close(4000, "Replaced by a new session".into()));
    }
    world.gateway.shards.insert(
        shard,
        ShardSession {
            total,
            session: Session {
                id: session_id.clone(),
                seq: 0,
                history: vec![],
            },
            live: Some(LiveConn {
                conn_id,
                tx: tx.clone(),
            }),
            guilds: vec![],
        },
    );
    let mine: Vec<u64> = world
        .bot_guilds()
        .into_iter()
        .filter(|g| (g >> 22) % u64::from(total) == u64::from(shard))
        .collect();
    let mut ready = world.ready_json(&session_id, json!([shard, total]));
    ready["guilds"] = json!(mine
        .iter()
        .map(|g| json!({"id": g.to_string(), "unavailable": true}))
        .collect::<Vec<_>>());
    let mut dispatches = vec![("READY".to_string(), ready)];
    for guild in mine {
        if let Some(g) = world.guild_create_json(guild) {
            dispatches.push(("GUILD_CREATE".to_string(), g));
        }
    }
    for (t, d) in dispatches {
        let sent = crate::gateway::check_dispatch(&t, &d)
            .and_then(|()| world.dispatch_to_shard(shard, &t, d));
        if let Err(e) = sent {
            world.internal_errors.push(e.clone());
            tracing::error!("fake-discord: {e}");
        }
    }
    Reply::None
}

/// RESUME of a shard's session: replay what it missed.
fn resume_shard(
    world: &mut crate::state::World,
    conn_id: u64,
    tx: &mpsc::UnboundedSender<WsOut>,
    shard: u32,
    client_seq: u64,
) -> Reply {
    let Some(slot) = world.gateway.shards.get_mut(&shard) else {
        return Reply::Send(json!({"op": 9, "s": null, "t": null, "d": false}));
    };
    if client_seq > slot.session.seq {
        return Reply::Send(json!({"op": 9, "s": null, "t": null, "d": false}));
    }
    if let Some(old) = slot.live.take() {
        let _ = old.tx.send(WsOut::Close(4000, "Resumed elsewhere".into()));
    }
    for (seq, frame) in &slot.session.history {
        if *seq > client_seq {
            let _ = tx.send(WsOut::Text(frame.clone()));
        }
    }
    slot.live = Some(LiveConn {
        conn_id,
        tx: tx.clone(),
    });
    world.gateway.resumes += 1;
    let resumed = json!({"_trace": ["fake-discord"]});
    if let Err(e) = world.dispatch_to_shard(shard, "RESUMED", resumed) {
        world.internal_errors.push(e);
    }
    Reply::None
}
