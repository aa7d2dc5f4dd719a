//! The slash commands: one file each, and the one list below that registers, routes and
//! autocompletes them. Adding a command is a new file with its `COMMAND`, plus one line in
//! [`COMMANDS`].

mod activate;
mod add_licenses;
mod extend;
pub(crate) mod licenses;
mod my_licenses;
mod order;
pub(crate) mod redemptions;
pub(crate) mod request_license;
mod settings;
mod subscriptions;

use std::{future::Future, pin::Pin};

use serenity::all::{
    CommandInteraction, CreateCommand, CreateCommandOption, InteractionContext, Permissions,
};

use super::{i18n::Lang, respond::Transport, Bot};

/// What a handler returns: the work of answering one interaction.
pub type Handled<'a> = Pin<Box<dyn Future<Output = ()> + Send + 'a>>;

/// Runs a command, or answers its autocomplete.
pub type Handler = for<'a> fn(&'a Bot, &'a CommandInteraction, &'a Transport) -> Handled<'a>;

/// A slash command: its name, definition, handler and autocomplete.
pub struct SlashCommand {
    /// The default (English) name, as Discord sends it back whatever the user's language.
    pub name: &'static str,
    pub define: fn() -> CreateCommand,
    pub run: Handler,
    /// Answers autocomplete requests for its options, if it has any.
    pub autocomplete: Option<Handler>,
}

/// Makes an `async fn(&Bot, &CommandInteraction, &Transport)` a [`Handler`].
macro_rules! handler {
    ($f:path) => {{
        fn boxed<'a>(
            bot: &'a $crate::discord::Bot,
            cmd: &'a serenity::all::CommandInteraction,
            transport: &'a $crate::discord::respond::Transport,
        ) -> $crate::discord::commands::Handled<'a> {
            Box::pin($f(bot, cmd, transport))
        }
        boxed as $crate::discord::commands::Handler
    }};
}
pub(crate) use handler;

/// Every command licensebot registers.
pub const COMMANDS: &[SlashCommand] = &[
    add_licenses::COMMAND,
    extend::COMMAND,
    activate::COMMAND,
    subscriptions::COMMAND,
    redemptions::COMMAND,
    settings::COMMAND,
    licenses::COMMAND,
    my_licenses::COMMAND,
    request_license::COMMAND,
];

pub fn definitions() -> Vec<CreateCommand> {
    COMMANDS.iter().map(|c| (c.define)()).collect()
}

/// The command Discord names (by its default name).
pub fn find(name: &str) -> Option<&'static SlashCommand> {
    COMMANDS.iter().find(|c| c.name == name)
}

/// Routes a slash command by its (default, English) name.
pub async fn run(bot: &Bot, cmd: &CommandInteraction, transport: &Transport) {
    match find(&cmd.data.name) {
        Some(command) => (command.run)(bot, cmd, transport).await,
        None => tracing::warn!(command = %cmd.data.name, "unknown command"),
    }
}

/// Routes an autocomplete request.
pub async fn autocomplete(bot: &Bot, cmd: &CommandInteraction, transport: &Transport) {
    match find(&cmd.data.name).and_then(|c| c.autocomplete) {
        Some(autocomplete) => autocomplete(bot, cmd, transport).await,
        None => tracing::debug!(command = %cmd.data.name, "no autocomplete"),
    }
}

/// A guild-only command for server managers, named and described in every language.
fn command(name_id: &str, desc_id: &str) -> CreateCommand {
    member_command(name_id, desc_id).default_member_permissions(Permissions::MANAGE_GUILD)
}

/// A guild-only command for any member (no `default_member_permissions`: Discord's client
/// offers it to everyone), named and described in every language.
fn member_command(name_id: &str, desc_id: &str) -> CreateCommand {
    let mut c = CreateCommand::new(Lang::EnUs.t(name_id))
        .description(Lang::EnUs.t(desc_id))
        .contexts(vec![InteractionContext::Guild]);
    for lang in Lang::ALL {
        c = c
            .name_localized(lang.code(), lang.t(name_id))
            .description_localized(lang.code(), lang.t(desc_id));
    }
    c
}

/// An option named and described in every language.
fn option(
    kind: serenity::all::CommandOptionType,
    name_id: &str,
    desc_id: &str,
) -> CreateCommandOption {
    let mut o = CreateCommandOption::new(kind, Lang::EnUs.t(name_id), Lang::EnUs.t(desc_id));
    for lang in Lang::ALL {
        o = o
            .name_localized(lang.code(), lang.t(name_id))
            .description_localized(lang.code(), lang.t(desc_id));
    }
    o
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn command_definitions_fit_discord_rules_in_every_language() {
        let defs = serde_json::to_value(definitions()).unwrap();
        let mut checked = 0;
        fn walk(v: &serde_json::Value, checked: &mut usize) {
            if let Some(obj) = v.as_object() {
                if let Some(name) = obj.get("name").and_then(|n| n.as_str()) {
                    let ok = |n: &str| {
                        (1..=32).contains(&n.chars().count())
                            && n.chars().all(|c| {
                                c.is_lowercase() || c.is_ascii_digit() || c == '-' || c == '_'
                            })
                    };
                    assert!(ok(name), "bad name {name}");
                    for (_, loc) in obj
                        .get("name_localizations")
                        .and_then(|l| l.as_object())
                        .into_iter()
                        .flatten()
                    {
                        assert!(ok(loc.as_str().unwrap()), "bad localised name {loc}");
                    }
                    let desc = obj
                        .get("description")
                        .and_then(|d| d.as_str())
                        .unwrap_or("");
                    assert!(
                        (1..=100).contains(&desc.chars().count()),
                        "bad description {desc}"
                    );
                    for (_, loc) in obj
                        .get("description_localizations")
                        .and_then(|l| l.as_object())
                        .into_iter()
                        .flatten()
                    {
                        assert!(
                            (1..=100).contains(&loc.as_str().unwrap().chars().count()),
                            "bad description {loc}"
                        );
                    }
                    *checked += 1;
                }
                for (key, child) in obj {
                    if key == "choices" {
                        // A choice's name is text people read (1–100 characters), not a name
                        // typed after a slash.
                        for choice in child.as_array().into_iter().flatten() {
                            let name = choice["name"].as_str().unwrap_or("");
                            assert!(
                                (1..=100).contains(&name.chars().count()),
                                "bad choice {name}"
                            );
                        }
                        continue;
                    }
                    walk(child, checked);
                }
            } else if let Some(arr) = v.as_array() {
                for child in arr {
                    walk(child, checked);
                }
            }
        }
        walk(&defs, &mut checked);
        assert!(checked >= 12, "checked only {checked}");
        let for_members = ["my-licenses", "request-license"];
        for def in defs.as_array().unwrap() {
            if for_members.contains(&def["name"].as_str().unwrap()) {
                assert!(def["default_member_permissions"].is_null(), "{def}");
            } else {
                assert_eq!(def["default_member_permissions"], "32", "{def}");
            }
            assert_eq!(def["contexts"], serde_json::json!([0]), "{def}");
            assert!(def["name_localizations"]["nl"].is_string());
        }
    }
}
