//! Logging: to stderr, `pretty` for people or `json` for collectors; `RUST_LOG` sets levels.
//! Fields, not prose; never a key in a field.

use tracing::{Level, Metadata};
use tracing_subscriber::{filter::filter_fn, fmt, prelude::*, EnvFilter};

use crate::config::LogFormat;

pub fn init(format: LogFormat) {
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("info,serenity=warn,sqlx=warn"));
    // Colours only for a terminal: piped to a file or a collector, escape codes are noise.
    let builder = fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()));
    let guard = filter_fn(may_log);
    let _ = match format {
        LogFormat::Pretty => builder.compact().finish().with(guard).try_init(),
        LogFormat::Json => builder
            .json()
            .flatten_event(true)
            .finish()
            .with(guard)
            .try_init(),
    };
}

/// Whether a span or event may be logged at all, whatever `RUST_LOG` says: not those of
/// dependencies that record what Discord sent as it came, which holds the product keys
/// admins type. serenity records each gateway event as a field of two spans, and
/// tungstenite logs each websocket message at TRACE.
pub fn may_log(metadata: &Metadata<'_>) -> bool {
    let target = metadata.target();
    let gateway_event_span = metadata.is_span()
        && target == "serenity::gateway::shard"
        && matches!(metadata.name(), "handle_event" | "handle_gateway_dispatch");
    let websocket_message = *metadata.level() == Level::TRACE
        && (target == "tungstenite" || target.starts_with("tungstenite::"));
    !(gateway_event_span || websocket_message)
}
