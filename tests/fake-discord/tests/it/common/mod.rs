//! A real serenity 0.12.5 client pointed at the fake, as the bot points its own.

use std::time::Duration;

use fake_discord::FakeDiscord;
use serenity::all::{
    async_trait, ClientBuilder, Command, Context, CreateCommand, EventHandler, GatewayIntents,
    Http, HttpBuilder, Interaction, Ready,
};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

pub const WAIT: Duration = Duration::from_secs(10);

/// The bot's own REST client setup: every route through the fake, no rate limiter.
pub fn http_for(fake: &FakeDiscord) -> Http {
    HttpBuilder::new(fake.token())
        .proxy(fake.api_url())
        .ratelimiter_disabled(true)
        .application_id(fake.application_id())
        .build()
}

/// A running serenity `Client`; aborted when dropped.
pub struct RunningBot {
    task: JoinHandle<()>,
}

impl Drop for RunningBot {
    fn drop(&mut self) {
        self.task.abort();
    }
}

pub async fn start_bot(fake: &FakeDiscord, handler: impl EventHandler + 'static) -> RunningBot {
    let http = HttpBuilder::new(fake.token())
        .proxy(fake.api_url())
        .ratelimiter_disabled(true)
        .build();
    let mut client = ClientBuilder::new_with_http(http, GatewayIntents::GUILDS)
        .event_handler(handler)
        .await
        .expect("client builds against the fake");
    let task = tokio::spawn(async move {
        if let Err(e) = client.start().await {
            eprintln!("client stopped: {e}");
        }
    });
    fake.wait_ready(WAIT).await.expect("the bot connects");
    RunningBot { task }
}

/// A bot that registers `commands` globally and hands every interaction to the test, so the
/// test can answer with raw JSON.
pub struct Forwarder {
    commands: Vec<CreateCommand>,
    tx: mpsc::UnboundedSender<Interaction>,
}

#[async_trait]
impl EventHandler for Forwarder {
    async fn ready(&self, ctx: Context, _ready: Ready) {
        Command::set_global_commands(&ctx.http, self.commands.clone())
            .await
            .expect("commands register");
    }

    async fn interaction_create(&self, _ctx: Context, interaction: Interaction) {
        let _ = self.tx.send(interaction);
    }
}

pub struct ForwardingBot {
    /// Held for its `Drop`: the client runs as long as this does.
    _bot: RunningBot,
    pub interactions: mpsc::UnboundedReceiver<Interaction>,
    /// A REST client like the bot's, for answering with raw JSON.
    pub http: Http,
}

impl ForwardingBot {
    pub async fn next(&mut self) -> Interaction {
        tokio::time::timeout(WAIT, self.interactions.recv())
            .await
            .expect("an interaction reaches the bot")
            .expect("the bot is running")
    }
}

pub async fn forwarding_bot(fake: &FakeDiscord, commands: Vec<CreateCommand>) -> ForwardingBot {
    let (tx, rx) = mpsc::unbounded_channel();
    let bot = start_bot(fake, Forwarder { commands, tx }).await;
    fake.wait_for_commands(None, WAIT)
        .await
        .expect("the bot registers its commands");
    ForwardingBot {
        _bot: bot,
        interactions: rx,
        http: http_for(fake),
    }
}

/// Status, Discord error code and field-error paths of a refused request.
pub fn refusal(result: Result<impl std::fmt::Debug, serenity::Error>) -> (u16, isize, Vec<String>) {
    match result {
        Err(serenity::Error::Http(serenity::http::HttpError::UnsuccessfulRequest(response))) => (
            response.status_code.as_u16(),
            response.error.code,
            response
                .error
                .errors
                .iter()
                .map(|e| e.path.clone())
                .collect(),
        ),
        other => panic!("expected Discord to refuse the request, got {other:?}"),
    }
}
