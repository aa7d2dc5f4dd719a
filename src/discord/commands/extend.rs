//! `/extend subscription:<autocomplete> keys:<text>` — opens an order of kind extend and
//! shows its review, with the seat-time arithmetic spelled out.

use serenity::all::{CommandInteraction, CreateCommand};

use super::{order, Bot};
use crate::{discord::respond::Transport, domain::OrderKind};

pub const NAME: &str = "extend";

pub fn define() -> CreateCommand {
    order::define("cmd-extend-name", "cmd-extend-desc")
}

pub async fn run(bot: &Bot, cmd: &CommandInteraction, transport: &Transport) {
    order::run(bot, cmd, OrderKind::Extend, transport).await
}
