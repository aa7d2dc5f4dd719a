//! `/extend subscription:<autocomplete> keys:<text>` — opens an order of kind extend and
//! shows its review, with the seat-time arithmetic spelled out.

use serenity::all::{CommandInteraction, CreateCommand};

use super::{handler, order, Bot, SlashCommand};
use crate::{discord::respond::Transport, domain::OrderKind};

const NAME: &str = "extend";

pub const COMMAND: SlashCommand = SlashCommand {
    name: NAME,
    define,
    run: handler!(run),
    autocomplete: Some(handler!(order::autocomplete)),
};

pub fn define() -> CreateCommand {
    order::define("cmd-extend-name", "cmd-extend-desc")
}

pub async fn run(bot: &Bot, cmd: &CommandInteraction, transport: &Transport) {
    order::run(bot, cmd, OrderKind::Extend, transport).await
}
