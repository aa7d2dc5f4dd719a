//! What a user does in Discord, as a fluent API: run a slash command, type into
//! autocomplete, click a button, submit a modal; then wait for and read the bot's answer.

use std::sync::Arc;
use std::time::Duration;

use anyhow::{anyhow, bail, ensure, Context as _};
use serde::Serialize;
use serde_json::{json, Map, Value};
use serenity::model::id::{ChannelId, InteractionId, MessageId};
use serenity::model::permissions::Permissions;

use crate::http_delivery::{Delivery, Signing};
use crate::model::{Refusal, Response, StoredMessage};
use crate::state::{modal_of, ActorSpec, InteractionRec, World};
use crate::validate::is_discord_locale;
use crate::Inner;

/// How long an action waits for the bot to have a gateway session before giving up.
const SESSION_WAIT: Duration = Duration::from_secs(10);

/// A user acting in Discord: a member of a guild (from [`crate::FakeDiscord::as_member`])
/// or a user in a DM with the bot ([`crate::FakeDiscord::as_user`]).
#[derive(Clone)]
pub struct Actor {
    pub(crate) inner: Arc<Inner>,
    pub(crate) spec: ActorSpec,
}

impl Actor {
    /// The user's client language (interaction `locale`), e.g. `"nl"`, `"en-US"`.
    /// Default `"en-US"`. Must be one of Discord's locales.
    pub fn locale(mut self, locale: &str) -> Self {
        self.spec.locale = locale.to_string();
        self
    }

    /// The channel the user acts in (default: the guild's `#general`).
    pub fn in_channel(mut self, channel: ChannelId) -> Self {
        self.spec.channel_id = Some(channel.get());
        self
    }

    /// In HTTP interactions mode: deliver what this actor does to endpoint `index` (see
    /// [`crate::FakeDiscord::set_interaction_endpoints`]) instead of the next one in turn.
    pub fn via_endpoint(mut self, index: usize) -> Self {
        self.spec.delivery.endpoint = Some(index);
        self
    }

    /// In HTTP interactions mode: sign what this actor does this way (a bad signature, an
    /// old timestamp) instead of as Discord does.
    pub fn signed(mut self, signing: Signing) -> Self {
        self.spec.delivery.signing = signing;
        self
    }

    /// Start a slash command. `path` is the command as typed, with subcommands separated by
    /// spaces: `"add-licenses"`, `"settings notices"`. The command must have been
    /// registered by the bot (guild commands first, then global), like in Discord's client.
    /// As in Discord's client, the command, its subcommands and its options may also be
    /// typed by their `name_localizations` for the actor's [`Actor::locale`]
    /// (`"instellingen meldingen"` in `nl`): the interaction carries their default names.
    pub fn command(&self, path: &str) -> CommandBuilder {
        CommandBuilder {
            actor: self.clone(),
            path: path.split_whitespace().map(str::to_string).collect(),
            options: vec![],
            focused: None,
            ignore_permissions: false,
            forged: false,
        }
    }

    /// Click the button labelled `label` on a message as it stands now. Fails if there is no
    /// such button, if it is disabled or a link, or if the message is someone else's
    /// ephemeral message.
    pub async fn click(
        &self,
        message: impl Into<MessageId>,
        label: &str,
    ) -> anyhow::Result<InteractionHandle> {
        self.press(message.into(), ButtonBy::Label(label)).await
    }

    /// Click the button with this `custom_id` (for buttons without a label).
    pub async fn click_custom_id(
        &self,
        message: impl Into<MessageId>,
        custom_id: &str,
    ) -> anyhow::Result<InteractionHandle> {
        self.press(message.into(), ButtonBy::CustomId(custom_id))
            .await
    }

    /// A component interaction Discord's client would not send: `custom_id` on `message`
    /// whether or not such an enabled button is there, and whether or not the message is
    /// someone else's ephemeral message (a forged or replayed click). The message must exist
    /// in the actor's guild/DM.
    pub async fn forge_click(
        &self,
        message: impl Into<MessageId>,
        custom_id: &str,
    ) -> anyhow::Result<InteractionHandle> {
        let message = message.into().get();
        wait_for_session(&self.inner).await?;
        let mut world = self.inner.lock();
        let rec = world
            .messages
            .get(&message)
            .filter(|m| !m.deleted)
            .ok_or_else(|| anyhow!("no message {message}"))?;
        ensure!(
            rec.guild_id == self.spec.guild_id,
            "message {message} is not in the actor's guild/DM"
        );
        let spec = ActorSpec {
            channel_id: Some(rec.channel_id),
            ..self.spec.clone()
        };
        let data = json!({"custom_id": custom_id, "component_type": 2});
        let new = NewInteraction {
            source_message: Some(message),
            ..NewInteraction::new(3, data)
        };
        let handle = create_interaction(&self.inner, &mut world, &spec, new)?;
        drop(world);
        self.inner.bump();
        Ok(handle)
    }

    /// Choose `values` in the string select menu with this `custom_id`.
    pub async fn select(
        &self,
        message: impl Into<MessageId>,
        custom_id: &str,
        values: &[&str],
    ) -> anyhow::Result<InteractionHandle> {
        let message = message.into().get();
        wait_for_session(&self.inner).await?;
        let mut world = self.inner.lock();
        let (spec, message_json) = self.component_target(&world, message)?;
        let menu = find_component(&message_json["components"], &|c| {
            c["type"].as_u64() == Some(3) && c["custom_id"].as_str() == Some(custom_id)
        })
        .ok_or_else(|| {
            anyhow!("no string select with custom_id {custom_id:?} on message {message}")
        })?;
        ensure!(
            !menu["disabled"].as_bool().unwrap_or(false),
            "the select menu {custom_id:?} is disabled"
        );
        let options: Vec<&str> = menu["options"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|o| o["value"].as_str())
            .collect();
        for value in values {
            ensure!(
                options.contains(value),
                "{value:?} is not an option of {custom_id:?}: {options:?}"
            );
        }
        let min = menu["min_values"].as_u64().unwrap_or(1) as usize;
        let max = menu["max_values"].as_u64().unwrap_or(1) as usize;
        ensure!(
            values.len() >= min && values.len() <= max,
            "the select menu {custom_id:?} takes {min}..={max} values, not {}",
            values.len()
        );
        let data = json!({"custom_id": custom_id, "component_type": 3, "values": values});
        let new = NewInteraction {
            source_message: Some(message),
            ..NewInteraction::new(3, data)
        };
        let handle = create_interaction(&self.inner, &mut world, &spec, new)?;
        drop(world);
        self.inner.bump();
        Ok(handle)
    }

    /// Submit the modal the bot opened in answer to `opened_by` (callback type 9). `fields`
    /// pairs a text input (its label or custom_id) with the text typed into it; inputs not
    /// listed are left empty (an error if they are required, as in Discord's client).
    pub async fn submit_modal(
        &self,
        opened_by: &InteractionHandle,
        fields: &[(&str, &str)],
    ) -> anyhow::Result<InteractionHandle> {
        self.submit_modal_as(opened_by, fields, false).await
    }

    /// Like [`Self::submit_modal`], but as a forged client would: the text inputs'
    /// `required`, `min_length` and `max_length` are not enforced (Discord's own cap of
    /// 4,000 characters per input is, as Discord would refuse more).
    pub async fn forge_modal_submit(
        &self,
        opened_by: &InteractionHandle,
        fields: &[(&str, &str)],
    ) -> anyhow::Result<InteractionHandle> {
        self.submit_modal_as(opened_by, fields, true).await
    }

    async fn submit_modal_as(
        &self,
        opened_by: &InteractionHandle,
        fields: &[(&str, &str)],
        forged: bool,
    ) -> anyhow::Result<InteractionHandle> {
        wait_for_session(&self.inner).await?;
        let mut world = self.inner.lock();
        let rec = world
            .interactions
            .get(&opened_by.id)
            .ok_or_else(|| anyhow!("unknown interaction {}", opened_by.id))?;
        let callback = rec
            .callback
            .as_ref()
            .filter(|c| c.kind == 9)
            .ok_or_else(|| {
                anyhow!(
                    "the bot did not open a modal: {}",
                    world.describe_interaction(opened_by.id)
                )
            })?;
        ensure!(!rec.modal_submitted, "this modal was already submitted");
        let modal = modal_of(&callback.data);
        for (key, _) in fields {
            ensure!(
                modal
                    .inputs
                    .iter()
                    .any(|i| i.custom_id == *key || i.label == *key),
                "the modal {:?} has no input {key:?}; its inputs: {:?}",
                modal.title,
                modal
                    .inputs
                    .iter()
                    .map(|i| (&i.label, &i.custom_id))
                    .collect::<Vec<_>>()
            );
        }
        let mut rows = Vec::new();
        for input in &modal.inputs {
            let value = fields
                .iter()
                .find(|(key, _)| *key == input.custom_id || *key == input.label)
                .map(|(_, v)| v.to_string())
                .or_else(|| input.value.clone())
                .unwrap_or_default();
            let n = value.chars().count() as u64;
            ensure!(
                n <= 4000,
                "{:?}: Discord takes at most 4000 characters in a text input",
                input.label
            );
            ensure!(
                forged || !(input.required && value.is_empty()),
                "the modal's input {:?} is required",
                input.label
            );
            if !forged && !value.is_empty() {
                if let Some(min) = input.min_length {
                    ensure!(
                        n >= min,
                        "{:?} needs at least {min} characters",
                        input.label
                    );
                }
                if let Some(max) = input.max_length {
                    ensure!(n <= max, "{:?} takes at most {max} characters", input.label);
                }
            }
            rows.push(json!({"type": 1, "components": [{"type": 4, "custom_id": input.custom_id, "value": value}]}));
        }
        let data = json!({"custom_id": modal.custom_id, "components": rows});
        let source = rec.source_message;
        let trigger = rec.metadata.clone();
        let spec = ActorSpec {
            locale: self.spec.locale.clone(),
            delivery: self.spec.delivery,
            ..rec.actor.clone()
        };
        ensure!(
            spec.user_id == self.spec.user_id,
            "only the user who opened the modal can submit it"
        );
        let new = NewInteraction {
            source_message: source,
            trigger_metadata: Some(trigger),
            ..NewInteraction::new(5, data)
        };
        let handle = create_interaction(&self.inner, &mut world, &spec, new)?;
        if let Some(rec) = world.interactions.get_mut(&opened_by.id) {
            rec.modal_submitted = true;
        }
        drop(world);
        self.inner.bump();
        Ok(handle)
    }

    async fn press(
        &self,
        message: MessageId,
        by: ButtonBy<'_>,
    ) -> anyhow::Result<InteractionHandle> {
        let message = message.get();
        wait_for_session(&self.inner).await?;
        let mut world = self.inner.lock();
        let (spec, _) = self.component_target(&world, message)?;
        let stored = world
            .stored_message(message)
            .ok_or_else(|| anyhow!("no message {message}"))?;
        let button = stored
            .buttons()
            .into_iter()
            .find(|b| match by {
                ButtonBy::Label(label) => b.label.as_deref() == Some(label),
                ButtonBy::CustomId(id) => b.custom_id.as_deref() == Some(id),
            })
            .ok_or_else(|| {
                anyhow!(
                    "no button {by:?} on message {message}; its buttons: {:?}",
                    stored.button_labels()
                )
            })?;
        ensure!(!button.disabled, "the button {by:?} is disabled");
        let custom_id = button.custom_id.ok_or_else(|| {
            anyhow!(
                "the button {by:?} is a link or premium button: clicking it sends no interaction"
            )
        })?;
        let data = json!({"custom_id": custom_id, "component_type": 2});
        let new = NewInteraction {
            source_message: Some(message),
            ..NewInteraction::new(3, data)
        };
        let handle = create_interaction(&self.inner, &mut world, &spec, new)?;
        drop(world);
        self.inner.bump();
        Ok(handle)
    }

    /// The actor placed where the message is, after checking the user can see it.
    fn component_target(&self, world: &World, message: u64) -> anyhow::Result<(ActorSpec, Value)> {
        let rec = world
            .messages
            .get(&message)
            .ok_or_else(|| anyhow!("no message {message}"))?;
        ensure!(!rec.deleted, "message {message} was deleted");
        if rec.ephemeral {
            ensure!(
                rec.visible_to == Some(self.spec.user_id),
                "message {message} is ephemeral and only visible to user {:?} (forge_click sends what a client would not)",
                rec.visible_to
            );
        }
        ensure!(
            rec.guild_id == self.spec.guild_id,
            "message {message} is not in the actor's guild/DM"
        );
        let spec = ActorSpec {
            channel_id: Some(rec.channel_id),
            ..self.spec.clone()
        };
        Ok((spec, rec.json.clone()))
    }
}

#[derive(Debug, Clone, Copy)]
enum ButtonBy<'a> {
    Label(&'a str),
    CustomId(&'a str),
}

fn find_component<'v>(components: &'v Value, pred: &dyn Fn(&Value) -> bool) -> Option<&'v Value> {
    for component in components.as_array().into_iter().flatten() {
        if pred(component) {
            return Some(component);
        }
        if let Some(found) = find_component(&component["components"], pred) {
            return Some(found);
        }
    }
    None
}

/// A slash command (or its autocomplete) being typed; see [`Actor::command`].
pub struct CommandBuilder {
    actor: Actor,
    path: Vec<String>,
    options: Vec<(String, Value)>,
    focused: Option<(String, String)>,
    ignore_permissions: bool,
    forged: bool,
}

impl CommandBuilder {
    /// Fill in an option. The value's type must match the registered option: a string,
    /// an integer, a number, a bool, or for user/channel/role/mentionable options an id
    /// (a serenity id type, a number or a numeric string); the fake adds `data.resolved`.
    pub fn option(mut self, name: &str, value: impl Serialize) -> Self {
        let value = serde_json::to_value(value).unwrap_or(Value::Null);
        self.options.push((name.to_string(), value));
        self
    }

    /// Type `typed` into the option `name` while the other options hold what was filled in
    /// so far: this sends an autocomplete interaction (type 4) instead of the command.
    pub fn focused(mut self, name: &str, typed: &str) -> Self {
        self.focused = Some((name.to_string(), typed.to_string()));
        self
    }

    /// Run the command even if the member lacks the command's `default_member_permissions`,
    /// as after a server admin overrode the command's permissions (Discord's client would
    /// not offer the command otherwise).
    pub fn ignoring_command_permissions(mut self) -> Self {
        self.ignore_permissions = true;
        self
    }

    /// Send the command although Discord's client would not: skip the checks of
    /// `default_member_permissions`, `contexts` and `dm_permission` (e.g. to test the bot's
    /// own run-time checks against a forged or stale client), string options' registered
    /// `min_length`/`max_length`, and that a channel option names a channel of this guild.
    /// Options are otherwise still checked, and strings still stop at Discord's own limit of
    /// 6,000 characters.
    pub fn forged(mut self) -> Self {
        self.forged = true;
        self
    }

    /// Dispatch the INTERACTION_CREATE and return a handle to wait for the bot's answer.
    pub async fn send(self) -> anyhow::Result<InteractionHandle> {
        self.dispatch(None).await
    }

    /// Send the interaction after `malform` changed its finished payload (the whole
    /// INTERACTION_CREATE `d`: `id`, `token`, `locale`, `data`, …), without checking it
    /// with serenity's model: what a bot sees when Discord sends a shape its library cannot
    /// decode. Over the gateway serenity turns it into `Event::Unknown`; over HTTP it is
    /// delivered as changed. Answers to it are checked as usual.
    pub async fn send_malformed(
        self,
        malform: impl FnOnce(&mut Value) + Send + 'static,
    ) -> anyhow::Result<InteractionHandle> {
        self.dispatch(Some(Box::new(malform))).await
    }

    async fn dispatch(self, malform: Option<Malform>) -> anyhow::Result<InteractionHandle> {
        wait_for_session(&self.actor.inner).await?;
        let inner = self.actor.inner.clone();
        let mut world = inner.lock();
        let (data, focused_type, name) = self.build_data(&mut world)?;
        let kind = if self.focused.is_some() { 4 } else { 2 };
        let new = NewInteraction {
            focused_type,
            command_name: Some(name),
            malform,
            ..NewInteraction::new(kind, data)
        };
        let handle = create_interaction(&inner, &mut world, &self.actor.spec, new)?;
        drop(world);
        inner.bump();
        Ok(handle)
    }

    fn build_data(&self, world: &mut World) -> anyhow::Result<(Value, Option<u64>, String)> {
        let spec = &self.actor.spec;
        let root = self.path.first().ok_or_else(|| anyhow!("empty command"))?;
        let command = world
            .find_command(spec.guild_id, root, 1)
            .or_else(|| world.find_localized_command(spec.guild_id, root, 1, &spec.locale))
            .cloned()
            .ok_or_else(|| {
                let known: Vec<String> = world
                    .commands
                    .iter()
                    .filter(|(g, _)| g.is_none() || *g == &spec.guild_id)
                    .flat_map(|(_, list)| {
                        list.iter()
                            .filter_map(|c| c["name"].as_str().map(str::to_string))
                    })
                    .collect();
                anyhow!("/{root} is not registered for this user's guild/DM; registered: {known:?}")
            })?;
        match spec.guild_id {
            _ if self.forged => {}
            Some(guild) => {
                if let Some(required) = command["default_member_permissions"]
                    .as_str()
                    .and_then(|s| s.parse::<u64>().ok())
                {
                    let perms = world.base_permissions(guild, spec.user_id);
                    let admin = perms & Permissions::ADMINISTRATOR.bits() != 0;
                    ensure!(
                        self.ignore_permissions || admin || perms & required == required,
                        "member {} lacks /{root}'s default_member_permissions {:?} (has {:?}); Discord's client would not offer the command. Use .ignoring_command_permissions() to simulate a server override.",
                        spec.user_id,
                        Permissions::from_bits_truncate(required),
                        Permissions::from_bits_truncate(perms)
                    );
                }
                if let Some(contexts) = command["contexts"].as_array() {
                    ensure!(
                        contexts.iter().any(|c| c.as_u64() == Some(0)),
                        "/{root} is not available in guilds (contexts {contexts:?}); Discord's client would not offer it (.forged() sends it anyway)"
                    );
                }
            }
            None => {
                ensure!(
                    command.get("guild_id").is_none(),
                    "/{root} is a guild command; it cannot run in a DM; Discord's client would not offer it (.forged() sends it anyway)"
                );
                ensure!(
                    command["dm_permission"].as_bool() != Some(false),
                    "/{root} has dm_permission false; Discord's client would not offer it (.forged() sends it anyway)"
                );
                if let Some(contexts) = command["contexts"].as_array() {
                    ensure!(
                        contexts.iter().any(|c| c.as_u64() == Some(1)),
                        "/{root} is not available in DMs with the bot (contexts {contexts:?}); Discord's client would not offer it (.forged() sends it anyway)"
                    );
                }
            }
        }
        let mut definitions = command["options"].as_array().cloned().unwrap_or_default();
        let mut chain = Vec::new();
        for sub in &self.path[1..] {
            let def = definitions
                .iter()
                .filter(|o| matches!(o["type"].as_u64(), Some(1 | 2)))
                .find(|o| named(o, sub, &spec.locale))
                .cloned()
                .ok_or_else(|| anyhow!("/{} has no subcommand {sub:?}", self.path.join(" ")))?;
            let default = def["name"].as_str().unwrap_or(sub).to_string();
            chain.push((default, def["type"].as_u64().unwrap_or(1)));
            definitions = def["options"].as_array().cloned().unwrap_or_default();
        }
        let subcommands: Vec<&str> = definitions
            .iter()
            .filter(|o| matches!(o["type"].as_u64(), Some(1 | 2)))
            .filter_map(|o| o["name"].as_str())
            .collect();
        ensure!(
            subcommands.is_empty(),
            "/{} needs a subcommand: one of {subcommands:?}",
            self.path.join(" ")
        );
        let mut resolved = Resolved::default();
        let mut leaf = Vec::new();
        let find_def = |name: &str| {
            definitions
                .iter()
                .find(|o| o["name"].as_str() == Some(name))
                .or_else(|| definitions.iter().find(|o| named(o, name, &spec.locale)))
                .cloned()
                .ok_or_else(|| {
                    anyhow!(
                        "/{} has no option {name:?}; its options: {:?}",
                        self.path.join(" "),
                        definitions
                            .iter()
                            .filter_map(|o| o["name"].as_str())
                            .collect::<Vec<_>>()
                    )
                })
        };
        // The default names of the options given, however they were typed.
        let mut given: Vec<String> = Vec::new();
        for (name, value) in &self.options {
            if self.focused.as_ref().is_some_and(|(f, _)| f == name) {
                continue;
            }
            let def = find_def(name)?;
            let kind = def["type"].as_u64().unwrap_or(0);
            let value = option_value(world, spec, &def, value, self.forged, &mut resolved)
                .with_context(|| format!("option {name:?} of /{}", self.path.join(" ")))?;
            leaf.push(json!({"name": def["name"], "type": kind, "value": value}));
            given.push(def["name"].as_str().unwrap_or(name).to_string());
        }
        let mut focused_type = None;
        match &self.focused {
            Some((name, typed)) => {
                let def = find_def(name)?;
                ensure!(
                    def["autocomplete"].as_bool() == Some(true),
                    "option {name:?} of /{} does not autocomplete",
                    self.path.join(" ")
                );
                let kind = def["type"].as_u64().unwrap_or(3);
                focused_type = Some(kind);
                leaf.push(
                    json!({"name": def["name"], "type": kind, "value": typed, "focused": true}),
                );
            }
            None => {
                for def in &definitions {
                    let name = def["name"].as_str().unwrap_or_default();
                    if def["required"].as_bool() == Some(true) {
                        ensure!(
                            given.iter().any(|n| n == name),
                            "/{} needs the required option {name:?}",
                            self.path.join(" ")
                        );
                    }
                }
            }
        }
        let mut options = leaf;
        for (name, kind) in chain.iter().rev() {
            options = vec![json!({"name": name, "type": kind, "options": options})];
        }
        let mut data = json!({
            "id": command["id"],
            "name": command["name"],
            "type": 1,
            "options": options,
        });
        if let Some(guild_id) = command.get("guild_id") {
            data["guild_id"] = guild_id.clone();
        }
        if !resolved.is_empty() {
            data["resolved"] = resolved.into_json();
        }
        // As Discord names it: by its default names, however it was typed.
        let path = std::iter::once(command["name"].as_str().unwrap_or(root).to_string())
            .chain(chain.into_iter().map(|(name, _)| name))
            .collect::<Vec<_>>()
            .join(" ");
        Ok((data, focused_type, path))
    }
}

/// Whether a command, subcommand or option definition is called `typed`: by its name, or
/// by its name in `locale`.
fn named(definition: &Value, typed: &str, locale: &str) -> bool {
    definition["name"].as_str() == Some(typed)
        || definition["name_localizations"][locale].as_str() == Some(typed)
}

#[derive(Default)]
struct Resolved {
    users: Map<String, Value>,
    members: Map<String, Value>,
    roles: Map<String, Value>,
    channels: Map<String, Value>,
}

impl Resolved {
    fn is_empty(&self) -> bool {
        self.users.is_empty()
            && self.members.is_empty()
            && self.roles.is_empty()
            && self.channels.is_empty()
    }

    fn into_json(self) -> Value {
        let mut out = Map::new();
        for (key, map) in [
            ("users", self.users),
            ("members", self.members),
            ("roles", self.roles),
            ("channels", self.channels),
        ] {
            if !map.is_empty() {
                out.insert(key.to_string(), Value::Object(map));
            }
        }
        Value::Object(out)
    }
}

fn id_of(value: &Value) -> anyhow::Result<u64> {
    match value {
        Value::Number(n) => n.as_u64().ok_or_else(|| anyhow!("{value} is not an id")),
        Value::String(s) => s.parse().map_err(|_| anyhow!("{s:?} is not an id")),
        _ => bail!("{value} is not an id"),
    }
}

/// Check a typed option value the way Discord's client would, and add what Discord adds to
/// `data.resolved`.
fn option_value(
    world: &World,
    spec: &ActorSpec,
    def: &Value,
    value: &Value,
    forged: bool,
    resolved: &mut Resolved,
) -> anyhow::Result<Value> {
    let kind = def["type"].as_u64().unwrap_or(0);
    let value = match kind {
        3 => {
            let s = value
                .as_str()
                .ok_or_else(|| anyhow!("a string option needs a string, not {value}"))?;
            let n = s.chars().count() as u64;
            // A forged client ignores the bot's own limits, but not Discord's.
            if let Some(min) = def["min_length"].as_u64().filter(|_| !forged) {
                ensure!(n >= min, "at least {min} characters");
            }
            if let Some(max) = def["max_length"].as_u64().filter(|_| !forged) {
                ensure!(n <= max, "at most {max} characters");
            }
            ensure!(n <= 6000, "at most 6000 characters");
            json!(s)
        }
        4 => {
            let n = value
                .as_i64()
                .ok_or_else(|| anyhow!("an integer option needs an integer, not {value}"))?;
            if let Some(min) = def["min_value"].as_f64() {
                ensure!(n as f64 >= min, "at least {min}");
            }
            if let Some(max) = def["max_value"].as_f64() {
                ensure!(n as f64 <= max, "at most {max}");
            }
            json!(n)
        }
        10 => {
            let n = value
                .as_f64()
                .ok_or_else(|| anyhow!("a number option needs a number, not {value}"))?;
            json!(n)
        }
        5 => json!(value
            .as_bool()
            .ok_or_else(|| anyhow!("a boolean option needs a bool, not {value}"))?),
        6 | 9 => {
            let id = id_of(value)?;
            if world.users.contains_key(&id) {
                resolve_user(world, spec, id, resolved);
            } else if kind == 9 && resolve_role(world, spec, id, resolved) {
            } else {
                bail!("no user {id}");
            }
            json!(id.to_string())
        }
        7 => {
            let id = id_of(value)?;
            let channel = world
                .channels
                .get(&id)
                .filter(|c| !c.deleted)
                .ok_or_else(|| anyhow!("no channel {id}"))?;
            // Discord's client offers this guild's channels only; a forged delivery may
            // name another guild's.
            ensure!(
                forged || channel.guild_id == spec.guild_id,
                "channel {id} is not in this guild (.forged() sends it anyway)"
            );
            if let Some(types) = def["channel_types"].as_array().filter(|t| !t.is_empty()) {
                ensure!(
                    types
                        .iter()
                        .any(|t| t.as_u64() == Some(channel.kind as u64)),
                    "channel {id} (type {}) is not one of the option's channel_types {types:?}",
                    channel.kind
                );
            }
            resolved.channels.insert(
                id.to_string(),
                world.partial_channel_json(channel, spec.user_id),
            );
            json!(id.to_string())
        }
        8 => {
            let id = id_of(value)?;
            ensure!(
                resolve_role(world, spec, id, resolved),
                "no role {id} in this guild"
            );
            json!(id.to_string())
        }
        11 => bail!("attachment options are not supported by fake-discord"),
        other => bail!("unknown option type {other}"),
    };
    if let Some(choices) = def["choices"].as_array().filter(|c| !c.is_empty()) {
        ensure!(
            choices.iter().any(|c| c["value"] == value),
            "{value} is not one of the option's choices {:?}",
            choices.iter().map(|c| &c["value"]).collect::<Vec<_>>()
        );
    }
    Ok(value)
}

fn resolve_user(world: &World, spec: &ActorSpec, id: u64, resolved: &mut Resolved) {
    resolved.users.insert(id.to_string(), world.user_json(id));
    if let Some(guild) = spec.guild_id {
        if let Some(mut member) = world.member_json(guild, id) {
            if let Some(map) = member.as_object_mut() {
                map.remove("user");
                map.remove("deaf");
                map.remove("mute");
            }
            let channel = spec.channel_id.unwrap_or_default();
            member["permissions"] = json!(world.channel_permissions(channel, id).to_string());
            resolved.members.insert(id.to_string(), member);
        }
    }
}

fn resolve_role(world: &World, spec: &ActorSpec, id: u64, resolved: &mut Resolved) -> bool {
    let role = spec
        .guild_id
        .and_then(|g| world.guilds.get(&g))
        .and_then(|g| g.roles.get(&id));
    match role {
        Some(role) => {
            resolved.roles.insert(id.to_string(), world.role_json(role));
            true
        }
        None => false,
    }
}

async fn wait_for_session(inner: &Inner) -> anyhow::Result<()> {
    inner
        .wait_for(SESSION_WAIT, |w| {
            (w.gateway.session.is_some() || !w.gateway.shards.is_empty() || w.http.enabled())
                .then_some(())
        })
        .await
        .ok_or_else(|| {
            anyhow!("the bot never identified on the gateway (no session after {SESSION_WAIT:?})")
        })
}

/// What an INTERACTION_CREATE carries besides who acts where.
pub(crate) struct NewInteraction {
    /// 1 ping, 2 command, 3 component, 4 autocomplete, 5 modal submit.
    pub(crate) kind: u64,
    pub(crate) data: Value,
    /// The message a component sits on, or that opened the modal.
    pub(crate) source_message: Option<u64>,
    /// Autocomplete: the focused option's type.
    pub(crate) focused_type: Option<u64>,
    /// Commands: the name as typed (`settings notices`).
    pub(crate) command_name: Option<String>,
    /// Modal submits: the metadata of the interaction that opened the modal.
    pub(crate) trigger_metadata: Option<Value>,
    /// Changes the finished payload, which is then sent unchecked (see
    /// [`CommandBuilder::send_malformed`]).
    pub(crate) malform: Option<Malform>,
}

/// A change that makes an interaction's payload one serenity cannot decode.
pub(crate) type Malform = Box<dyn FnOnce(&mut Value) + Send>;

impl NewInteraction {
    fn new(kind: u64, data: Value) -> Self {
        NewInteraction {
            kind,
            data,
            source_message: None,
            focused_type: None,
            command_name: None,
            trigger_metadata: None,
            malform: None,
        }
    }
}

/// Build, check and dispatch an INTERACTION_CREATE.
pub(crate) fn create_interaction(
    inner: &Arc<Inner>,
    world: &mut World,
    spec: &ActorSpec,
    new: NewInteraction,
) -> anyhow::Result<InteractionHandle> {
    let NewInteraction {
        kind,
        data,
        source_message,
        focused_type,
        command_name,
        trigger_metadata,
        malform,
    } = new;
    ensure!(
        is_discord_locale(&spec.locale),
        "{:?} is not a Discord locale (e.g. \"en-US\", \"nl\")",
        spec.locale
    );
    ensure!(
        world.users.contains_key(&spec.user_id),
        "no user {}",
        spec.user_id
    );
    let channel_id = match spec.guild_id {
        Some(guild_id) => {
            let guild = world
                .guilds
                .get(&guild_id)
                .ok_or_else(|| anyhow!("no guild {guild_id}"))?;
            ensure!(
                guild.members.contains_key(&spec.user_id),
                "user {} is not a member of guild {guild_id}",
                spec.user_id
            );
            ensure!(
                guild.members.contains_key(&world.bot_id),
                "the bot is not a member of guild {guild_id}"
            );
            let channel = spec
                .channel_id
                .or(guild.system_channel)
                .ok_or_else(|| anyhow!("guild {guild_id} has no channel"))?;
            let rec = world
                .channels
                .get(&channel)
                .filter(|c| !c.deleted)
                .ok_or_else(|| anyhow!("no channel {channel}"))?;
            ensure!(
                rec.guild_id == Some(guild_id),
                "channel {channel} is not in guild {guild_id}"
            );
            channel
        }
        None => world.dm_channel(spec.user_id),
    };
    let id = world.ids.next();
    let token = format!("aW50ZXJhY3Rpb246{id}:fake{:x}", world.ids.next());
    let channel = world
        .channels
        .get(&channel_id)
        .map(|c| world.partial_channel_json(c, spec.user_id))
        .unwrap_or(Value::Null);
    let user = world.user_json(spec.user_id);
    let mut payload = json!({
        "id": id.to_string(),
        "application_id": world.app_id.to_string(),
        "type": kind,
        "token": token,
        "version": 1,
        "locale": spec.locale,
        "entitlements": [],
        "attachment_size_limit": 10_485_760,
        "channel_id": channel_id.to_string(),
        "channel": channel,
        "app_permissions": world.channel_permissions(channel_id, world.bot_id).to_string(),
        "data": data,
    });
    let owners = match spec.guild_id {
        Some(guild_id) => {
            let mut member = world
                .member_json(guild_id, spec.user_id)
                .unwrap_or(Value::Null);
            member["permissions"] = json!(world
                .channel_permissions(channel_id, spec.user_id)
                .to_string());
            payload["guild_id"] = json!(guild_id.to_string());
            payload["member"] = member;
            let locale = world.guilds.get(&guild_id).map(|g| g.locale.clone());
            payload["guild_locale"] = json!(locale);
            payload["guild"] =
                json!({"id": guild_id.to_string(), "locale": locale, "features": []});
            payload["context"] = json!(0);
            json!({"0": guild_id.to_string()})
        }
        None => {
            payload["user"] = user.clone();
            payload["context"] = json!(1);
            json!({"0": "0"})
        }
    };
    payload["authorizing_integration_owners"] = owners.clone();
    if let Some(message) = source_message.and_then(|m| world.messages.get(&m)) {
        payload["message"] = message.json.clone();
    }
    let mut metadata = json!({
        "id": id.to_string(),
        "type": kind,
        "user": user,
        "authorizing_integration_owners": owners,
    });
    match kind {
        2 | 4 => {
            metadata["name"] = json!(command_name);
            metadata["command_type"] = json!(1);
        }
        3 => {
            if let Some(m) = source_message {
                metadata["interacted_message_id"] = json!(m.to_string());
            }
        }
        5 => metadata["triggering_interaction_metadata"] = trigger_metadata.unwrap_or(Value::Null),
        _ => {}
    }
    let over_http = world.http.enabled();
    if let Some(malform) = malform {
        malform(&mut payload);
        if !over_http {
            world
                .dispatch_unchecked("INTERACTION_CREATE", payload.clone())
                .map_err(|e| anyhow!("fake-discord could not dispatch the interaction: {e}"))?;
        }
    } else if over_http {
        crate::gateway::check_dispatch("INTERACTION_CREATE", &payload)
            .map_err(|e| anyhow!("fake-discord refused to deliver its own interaction: {e}"))?;
    } else {
        world
            .dispatch("INTERACTION_CREATE", payload.clone())
            .map_err(|e| anyhow!("fake-discord refused to dispatch its own interaction: {e}"))?;
    }
    world.tokens.insert(token.clone(), id);
    world.interactions.insert(
        id,
        InteractionRec {
            id,
            token: token.clone(),
            kind,
            actor: spec.clone(),
            channel_id,
            created: std::time::Instant::now(),
            aged: Duration::ZERO,
            payload,
            metadata,
            source_message,
            focused_type,
            callback: None,
            original: None,
            original_edits: 0,
            followups: vec![],
            refusals: vec![],
            deliveries: 1,
            modal_submitted: false,
        },
    );
    if over_http {
        crate::http_delivery::spawn(inner.clone(), id, spec.delivery);
    }
    Ok(InteractionHandle {
        inner: inner.clone(),
        id,
        token,
        actor: spec.clone(),
    })
}

/// An interaction the fake dispatched: wait for the bot's answer and read it.
#[derive(Clone)]
pub struct InteractionHandle {
    pub(crate) inner: Arc<Inner>,
    pub(crate) id: u64,
    pub(crate) token: String,
    pub(crate) actor: ActorSpec,
}

impl std::fmt::Debug for InteractionHandle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("InteractionHandle")
            .field("id", &self.id)
            .finish()
    }
}

impl InteractionHandle {
    pub fn id(&self) -> InteractionId {
        InteractionId::new(self.id)
    }

    pub fn token(&self) -> &str {
        &self.token
    }

    /// The INTERACTION_CREATE payload as dispatched.
    pub fn payload(&self) -> Value {
        self.inner
            .lock()
            .interactions
            .get(&self.id)
            .map(|r| r.payload.clone())
            .unwrap_or(Value::Null)
    }

    /// The user who acted, in the same place: to act again (e.g. click on a follow-up).
    pub fn actor(&self) -> Actor {
        Actor {
            inner: self.inner.clone(),
            spec: self.actor.clone(),
        }
    }

    /// Wait for the initial callback only (any type), without waiting for deferred edits.
    pub async fn wait_ack(&self, timeout: Duration) -> anyhow::Result<Response> {
        let id = self.id;
        self.inner
            .wait_for(timeout, |w| w.response_of(id))
            .await
            .ok_or_else(|| self.timeout_error("an initial response", timeout))
    }

    /// Wait for the bot's answer: the initial callback, and for a deferred message (5) until
    /// @original was edited (or the first follow-up replaced it); for a deferred update (6)
    /// until @original was edited, deleted or a follow-up was sent. Use [`Self::wait_ack`]
    /// when a deferred update is all the bot does.
    pub async fn wait_response(&self, timeout: Duration) -> anyhow::Result<Response> {
        let id = self.id;
        self.inner
            .wait_for(timeout, |w| {
                let rec = w.interactions.get(&id)?;
                let callback = rec.callback.as_ref()?;
                let original = rec.original.and_then(|m| w.messages.get(&m));
                let settled = match callback.kind {
                    5 => original.is_some_and(|m| {
                        m.deleted
                            || m.json["flags"].as_u64().unwrap_or(0) & crate::state::FLAG_LOADING
                                == 0
                    }),
                    6 => {
                        rec.original_edits > 0
                            || !rec.followups.is_empty()
                            || original.is_some_and(|m| m.deleted)
                    }
                    _ => true,
                };
                settled.then(|| w.response_of(id)).flatten()
            })
            .await
            .ok_or_else(|| self.timeout_error("a (settled) response", timeout))
    }

    /// The answer as it stands now, if the bot answered.
    pub fn response(&self) -> Option<Response> {
        self.inner.lock().response_of(self.id)
    }

    /// The interaction's @original message as it stands now (after edits).
    pub fn original_message(&self) -> Option<StoredMessage> {
        let world = self.inner.lock();
        world
            .interactions
            .get(&self.id)
            .and_then(|r| r.original)
            .and_then(|m| world.stored_message(m))
    }

    /// Wait until @original satisfies `pred` (e.g. the buttons are gone after Redeem).
    pub async fn wait_original(
        &self,
        timeout: Duration,
        pred: impl Fn(&StoredMessage) -> bool,
    ) -> anyhow::Result<StoredMessage> {
        let id = self.id;
        self.inner
            .wait_for(timeout, |w| {
                let m = w.interactions.get(&id)?.original?;
                w.stored_message(m).filter(|m| pred(m))
            })
            .await
            .ok_or_else(|| self.timeout_error("@original to match", timeout))
    }

    /// Follow-up messages, in order, as they stand now.
    pub fn followups(&self) -> Vec<StoredMessage> {
        let world = self.inner.lock();
        world
            .interactions
            .get(&self.id)
            .map(|r| {
                r.followups
                    .iter()
                    .filter_map(|m| world.stored_message(*m))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Wait until at least `count` follow-ups were sent.
    pub async fn wait_followups(
        &self,
        count: usize,
        timeout: Duration,
    ) -> anyhow::Result<Vec<StoredMessage>> {
        let id = self.id;
        self.inner
            .wait_for(timeout, |w| {
                let rec = w.interactions.get(&id)?;
                (rec.followups.len() >= count).then(|| {
                    rec.followups
                        .iter()
                        .filter_map(|m| w.stored_message(*m))
                        .collect()
                })
            })
            .await
            .ok_or_else(|| self.timeout_error(&format!("{count} follow-up(s)"), timeout))
    }

    /// Requests with this interaction's token that the fake refused (Discord's errors).
    pub fn refusals(&self) -> Vec<Refusal> {
        self.inner
            .lock()
            .interactions
            .get(&self.id)
            .map(|r| r.refusals.clone())
            .unwrap_or_default()
    }

    /// In HTTP interactions mode: the POSTs of this interaction so far, oldest first.
    pub fn deliveries(&self) -> Vec<Delivery> {
        self.inner
            .lock()
            .http
            .deliveries
            .iter()
            .filter(|d| d.interaction_id == self.id)
            .cloned()
            .collect()
    }

    /// In HTTP interactions mode: wait until the endpoint replied to (the latest POST of)
    /// this interaction, whatever the status.
    pub async fn wait_delivery(&self, timeout: Duration) -> anyhow::Result<Delivery> {
        let id = self.id;
        let seen = self
            .inner
            .lock()
            .interactions
            .get(&id)
            .map_or(0, |r| r.deliveries) as usize;
        self.inner
            .wait_for(timeout, |w| {
                let mine: Vec<&Delivery> = w
                    .http
                    .deliveries
                    .iter()
                    .filter(|d| d.interaction_id == id)
                    .collect();
                (mine.len() >= seen)
                    .then(|| mine.last().map(|d| (*d).clone()))
                    .flatten()
            })
            .await
            .ok_or_else(|| self.timeout_error("an HTTP delivery", timeout))
    }

    /// Make the interaction `by` older: after 3 s the initial response is refused (10062),
    /// after 15 min every use of the token (401 50027). No sleeping needed.
    pub fn age(&self, by: Duration) {
        if let Some(rec) = self.inner.lock().interactions.get_mut(&self.id) {
            rec.aged += by;
        }
        self.inner.bump();
    }

    /// Deliver the same INTERACTION_CREATE (same id and token) again: a duplicate dispatch.
    pub async fn redeliver(&self) -> anyhow::Result<()> {
        let mut world = self.inner.lock();
        let payload = world
            .interactions
            .get(&self.id)
            .map(|r| r.payload.clone())
            .ok_or_else(|| anyhow!("unknown interaction"))?;
        if world.http.enabled() {
            crate::http_delivery::spawn(self.inner.clone(), self.id, self.actor.delivery);
        } else {
            world
                .dispatch("INTERACTION_CREATE", payload)
                .map_err(|e| anyhow!(e))?;
        }
        if let Some(rec) = world.interactions.get_mut(&self.id) {
            rec.deliveries += 1;
        }
        drop(world);
        self.inner.bump();
        Ok(())
    }

    /// In HTTP interactions mode: POST this interaction again (same id, token and body) to
    /// endpoint `index`, as someone who captured Discord's delivery would replay it to
    /// another replica behind the load balancer. It is signed afresh with the application's
    /// key, which makes it exactly as valid as the captured one within its five minutes.
    pub async fn redeliver_via(&self, index: usize) -> anyhow::Result<()> {
        let mut world = self.inner.lock();
        ensure!(
            world.http.enabled(),
            "redeliver_via needs HTTP interactions (set_interaction_endpoints)"
        );
        ensure!(
            world.interactions.contains_key(&self.id),
            "unknown interaction"
        );
        let mut options = self.actor.delivery;
        options.endpoint = Some(index);
        crate::http_delivery::spawn(self.inner.clone(), self.id, options);
        if let Some(rec) = world.interactions.get_mut(&self.id) {
            rec.deliveries += 1;
        }
        drop(world);
        self.inner.bump();
        Ok(())
    }

    /// Click the button labelled `label` on this interaction's @original message, as the
    /// same user.
    pub async fn click(&self, label: &str) -> anyhow::Result<InteractionHandle> {
        let message = self
            .original_message()
            .ok_or_else(|| anyhow!("interaction {} has no @original message", self.id))?;
        self.actor().click(message.id, label).await
    }

    /// Submit the modal the bot opened in answer to this interaction, as the same user.
    pub async fn submit_modal(&self, fields: &[(&str, &str)]) -> anyhow::Result<InteractionHandle> {
        self.actor().submit_modal(self, fields).await
    }

    /// [`Actor::forge_modal_submit`] as the same user: the inputs' own limits not enforced.
    pub async fn forge_modal_submit(
        &self,
        fields: &[(&str, &str)],
    ) -> anyhow::Result<InteractionHandle> {
        self.actor().forge_modal_submit(self, fields).await
    }

    fn timeout_error(&self, what: &str, timeout: Duration) -> anyhow::Error {
        let world = self.inner.lock();
        anyhow!(
            "no {what} within {timeout:?}: {}",
            world.describe_interaction(self.id)
        )
    }
}
