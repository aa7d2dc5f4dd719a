//! `/my-licenses` — the licenses you hold in this server: subscription, product, end date,
//! state. Any member.

use serenity::all::{CommandInteraction, CreateCommand};

use super::{handler, member_command, Bot, SlashCommand};
use crate::{
    app::UserError,
    discord::{
        i18n::Lang,
        render_licenses,
        respond::{respond, Outcome, Target, Transport},
    },
    domain::records::{GuildId, UserId},
};

const NAME: &str = "my-licenses";

pub const COMMAND: SlashCommand = SlashCommand {
    name: NAME,
    define,
    run: handler!(run),
    autocomplete: None,
};

pub fn define() -> CreateCommand {
    member_command("cmd-my-licenses-name", "cmd-my-licenses-desc")
}

pub async fn run(bot: &Bot, cmd: &CommandInteraction, transport: &Transport) {
    let lang = Lang::from_discord(&cmd.locale);
    let target = Target {
        id: cmd.id,
        token: &cmd.token,
        is_component: false,
        transport,
    };
    let work = async {
        let Some(guild) = cmd.guild_id.map(|g| GuildId(g.get())) else {
            return Outcome::Message(bot.error_reply(lang, &UserError::NotInGuild.into(), None));
        };
        match bot.app.licenses_of(guild, UserId(cmd.user.id.get())).await {
            Ok(held) => Outcome::Message(render_licenses::held(lang, &held)),
            Err(e) => Outcome::Message(bot.error_reply(lang, &e, None)),
        }
    };
    respond(&bot.http, target, work).await
}
