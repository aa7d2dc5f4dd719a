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
    use std::collections::BTreeSet;

    /// Discord's rule for command, option and choice names: 1–32 letters, digits, `-` or
    /// `_` (or Devanagari and Thai), in lower case where the letter has one.
    fn valid_name(name: &str) -> bool {
        let pattern = regex::Regex::new(r"^[-_\p{L}\p{N}\p{sc=Deva}\p{sc=Thai}]{1,32}$")
            .expect("Discord's pattern compiles");
        pattern.is_match(name) && name.to_lowercase() == name
    }

    /// Checks a list of sibling definitions (commands, or one command's options or choices):
    /// each name and description valid in every language, and names unique among siblings
    /// in each language. A choice's name is text people read (1–100 characters), not a name
    /// typed after a slash. Returns how many definitions it checked.
    fn check_siblings(siblings: &[serde_json::Value], path: &str, choices: bool) -> usize {
        let mut checked = 0;
        let mut names: Vec<(String, BTreeSet<String>)> = Vec::new();
        for def in siblings {
            let Some(name) = def["name"].as_str() else {
                continue;
            };
            let here = format!("{path}/{name}");
            let mut localised = vec![("default".to_string(), name.to_string())];
            if let Some(map) = def["name_localizations"].as_object() {
                for lang in Lang::ALL {
                    let loc = map.get(lang.code()).and_then(|l| l.as_str());
                    assert!(loc.is_some(), "{here} has no {} name", lang.code());
                }
                for (code, loc) in map {
                    localised.push((code.clone(), loc.as_str().unwrap_or("").to_string()));
                }
            }
            for (code, loc) in &localised {
                let valid = if choices {
                    (1..=100).contains(&loc.chars().count())
                } else {
                    valid_name(loc)
                };
                assert!(valid, "{here}: {code} name {loc:?} breaks Discord's rules");
                match names.iter_mut().find(|(c, _)| c == code) {
                    Some((_, seen)) => {
                        assert!(
                            seen.insert(loc.clone()),
                            "{here}: {code} name {loc:?} twice"
                        )
                    }
                    None => names.push((code.clone(), BTreeSet::from([loc.clone()]))),
                }
            }
            if def.get("description").is_some() || def.get("type").is_some() {
                // Commands and options have descriptions; choices have none.
                let desc = def["description"].as_str().unwrap_or("");
                assert!(
                    (1..=100).contains(&desc.chars().count()),
                    "{here}: {desc:?}"
                );
                for lang in Lang::ALL {
                    let loc = def["description_localizations"][lang.code()]
                        .as_str()
                        .unwrap_or("");
                    assert!(
                        (1..=100).contains(&loc.chars().count()),
                        "{here}: {} description {loc:?}",
                        lang.code()
                    );
                }
            }
            checked += 1;
            for (nested, choices) in [("options", false), ("choices", true)] {
                if let Some(children) = def[nested].as_array() {
                    checked += check_siblings(children, &here, choices);
                }
            }
        }
        checked
    }

    #[test]
    fn command_option_and_choice_names_are_valid_and_unique_in_every_language() {
        let defs = serde_json::to_value(definitions()).unwrap();
        let checked = check_siblings(defs.as_array().unwrap(), "", false);
        assert!(checked >= 25, "checked only {checked}");
        // Localisations Discord would take with an upper-case letter or a space are refused.
        assert!(!valid_name("Lizenzen"));
        assert!(!valid_name("mes licences"));
        assert!(valid_name("lizenzen-hinzufügen"));
        assert!(valid_name("zrealizowane-klucze"));
    }

    #[test]
    fn commands_are_for_guilds_and_managers_unless_meant_for_members() {
        let defs = serde_json::to_value(definitions()).unwrap();
        let for_members = ["my-licenses", "request-license"];
        for def in defs.as_array().unwrap() {
            if for_members.contains(&def["name"].as_str().unwrap()) {
                assert!(def["default_member_permissions"].is_null(), "{def}");
            } else {
                assert_eq!(def["default_member_permissions"], "32", "{def}");
            }
            assert_eq!(def["contexts"], serde_json::json!([0]), "{def}");
        }
    }
}
