//! `/activate name:<text> keys:<text>` — opens an order of kind activate, a new
//! subscription of this server started by product keys, and shows its review.

use serenity::all::{CommandInteraction, CreateCommand};

use super::{handler, order, Bot, SlashCommand};
use crate::{discord::respond::Transport, domain::OrderKind};

const NAME: &str = "activate";

pub const COMMAND: SlashCommand = SlashCommand {
    name: NAME,
    define,
    run: handler!(run),
    autocomplete: None,
};

pub fn define() -> CreateCommand {
    order::define_activate("cmd-activate-name", "cmd-activate-desc")
}

pub async fn run(bot: &Bot, cmd: &CommandInteraction, transport: &Transport) {
    order::run(bot, cmd, OrderKind::Activate, transport).await
}
