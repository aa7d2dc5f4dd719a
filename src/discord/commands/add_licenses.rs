//! `/add-licenses subscription:<autocomplete> keys:<text>` — opens an order of kind
//! add-licenses and shows its review.

use serenity::all::{CommandInteraction, CreateCommand};

use super::{handler, order, Bot, SlashCommand};
use crate::{discord::respond::Transport, domain::OrderKind};

const NAME: &str = "add-licenses";

pub const COMMAND: SlashCommand = SlashCommand {
    name: NAME,
    define,
    run: handler!(run),
    autocomplete: Some(handler!(order::autocomplete)),
};

pub fn define() -> CreateCommand {
    order::define("cmd-add-licenses-name", "cmd-add-licenses-desc")
}

pub async fn run(bot: &Bot, cmd: &CommandInteraction, transport: &Transport) {
    order::run(bot, cmd, OrderKind::AddLicenses, transport).await
}
