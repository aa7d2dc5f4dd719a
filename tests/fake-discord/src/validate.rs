//! Discord's limits on what a bot sends, refused with 400 50035 "Invalid Form Body" and
//! the field path, as Discord does. Field error codes follow Discord's
//! (`BASE_TYPE_MAX_LENGTH`, `BASE_TYPE_BAD_LENGTH`, ...); messages are Discord's wording.

use std::collections::HashSet;

use serde_json::Value;

use crate::error::{DiscordError, FieldErrors};

pub(crate) const MAX_CONTENT: usize = 2000;
pub(crate) const MAX_EMBEDS: usize = 10;
pub(crate) const MAX_EMBED_TITLE: usize = 256;
pub(crate) const MAX_EMBED_DESCRIPTION: usize = 4096;
pub(crate) const MAX_EMBED_FIELDS: usize = 25;
pub(crate) const MAX_EMBED_TOTAL: usize = 6000;
pub(crate) const MAX_ACTION_ROWS: usize = 5;
pub(crate) const MAX_ROW_WIDTH: usize = 5;
pub(crate) const MAX_CUSTOM_ID: usize = 100;
pub(crate) const MAX_MODAL_TITLE: usize = 45;
pub(crate) const MAX_MODAL_ROWS: usize = 5;
pub(crate) const MAX_CHOICES: usize = 25;

/// Message flags a bot may set: SUPPRESS_EMBEDS, EPHEMERAL, SUPPRESS_NOTIFICATIONS,
/// IS_COMPONENTS_V2.
pub(crate) const SETTABLE_FLAGS: u64 = (1 << 2) | (1 << 6) | (1 << 12) | (1 << 15);
pub(crate) const FLAG_COMPONENTS_V2: u64 = 1 << 15;

fn join(prefix: &str, key: &str) -> String {
    if prefix.is_empty() {
        key.to_string()
    } else {
        format!("{prefix}.{key}")
    }
}

fn chars(s: &str) -> usize {
    s.chars().count()
}

fn max_len(errors: &mut FieldErrors, path: &str, value: &Value, max: usize) {
    match value {
        Value::Null => {}
        Value::String(s) => {
            if chars(s) > max {
                errors.add(
                    path,
                    "BASE_TYPE_MAX_LENGTH",
                    format!("Must be {max} or fewer in length."),
                );
            }
        }
        _ => errors.add(path, "BASE_TYPE_STRING", "Must be a string."),
    }
}

fn len_between(errors: &mut FieldErrors, path: &str, value: &Value, min: usize, max: usize) {
    match value {
        Value::Null => errors.add(path, "BASE_TYPE_REQUIRED", "This field is required"),
        Value::String(s) => {
            let n = chars(s);
            if n > max {
                errors.add(
                    path,
                    "BASE_TYPE_MAX_LENGTH",
                    format!("Must be {max} or fewer in length."),
                );
            } else if n < min {
                errors.add(
                    path,
                    "BASE_TYPE_BAD_LENGTH",
                    format!("Must be between {min} and {max} in length."),
                );
            }
        }
        _ => errors.add(path, "BASE_TYPE_STRING", "Must be a string."),
    }
}

fn int_between(errors: &mut FieldErrors, path: &str, value: &Value, min: i64, max: i64) {
    match value {
        Value::Null => {}
        Value::Number(n) => match n.as_i64() {
            Some(v) if v >= min && v <= max => {}
            Some(v) if v < min => errors.add(
                path,
                "NUMBER_TYPE_MIN",
                format!("int value should be greater than or equal to {min}."),
            ),
            _ => errors.add(
                path,
                "NUMBER_TYPE_MAX",
                format!("int value should be less than or equal to {max}."),
            ),
        },
        _ => errors.add(path, "NUMBER_TYPE_COERCE", "Value is not int."),
    }
}

/// `Some(array)` if the value is an array, `None` if absent/null; records an error otherwise.
fn array<'v>(errors: &mut FieldErrors, path: &str, value: &'v Value) -> Option<&'v Vec<Value>> {
    match value {
        Value::Null => None,
        Value::Array(items) => Some(items),
        _ => {
            errors.add(
                path,
                "LIST_TYPE_CONVERT",
                "Only iterables may be used in a ListType",
            );
            None
        }
    }
}

/// How a message body is used: creating a message (must not be empty) or editing one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum BodyUse {
    Create,
    Edit,
}

/// Validate a message body (channel message, callback 4/7 `data`, follow-up, webhook edit).
/// `prefix` is the path of the body in the request (`"data"` for callbacks).
pub(crate) fn message_body(
    body: &Value,
    prefix: &str,
    usage: BodyUse,
    uploaded_files: usize,
) -> Result<(), DiscordError> {
    let mut errors = FieldErrors::default();
    if body.is_null() {
        return if usage == BodyUse::Create {
            Err(DiscordError::empty_message())
        } else {
            Ok(())
        };
    }
    if !body.is_object() {
        errors.add(
            prefix,
            "DICT_TYPE_CONVERT",
            "Only dictionaries may be used in a DictType",
        );
        return errors.into_result();
    }
    let flags = body["flags"].as_u64().unwrap_or(0);
    max_len(
        &mut errors,
        &join(prefix, "content"),
        &body["content"],
        MAX_CONTENT,
    );
    if !body["flags"].is_null() && !body["flags"].is_u64() {
        errors.add(
            &join(prefix, "flags"),
            "NUMBER_TYPE_COERCE",
            "Value is not int.",
        );
    }
    validate_embeds(&mut errors, &join(prefix, "embeds"), &body["embeds"]);
    if flags & FLAG_COMPONENTS_V2 == 0 {
        message_components(
            &mut errors,
            &join(prefix, "components"),
            &body["components"],
        );
    } else if let Some(items) = array(
        &mut errors,
        &join(prefix, "components"),
        &body["components"],
    ) {
        if items.len() > 40 {
            errors.add(
                &join(prefix, "components"),
                "BASE_TYPE_MAX_LENGTH",
                "Must be 40 or fewer in length.",
            );
        }
    }
    if let Some(items) = array(
        &mut errors,
        &join(prefix, "attachments"),
        &body["attachments"],
    ) {
        if items.len() > 10 {
            errors.add(
                &join(prefix, "attachments"),
                "BASE_TYPE_MAX_LENGTH",
                "Must be 10 or fewer in length.",
            );
        }
    }
    match &body["nonce"] {
        Value::Null | Value::Number(_) => {}
        Value::String(s) => {
            if chars(s) > 25 {
                errors.add(
                    &join(prefix, "nonce"),
                    "BASE_TYPE_MAX_LENGTH",
                    "Must be 25 or fewer in length.",
                );
            }
        }
        _ => errors.add(
            &join(prefix, "nonce"),
            "NONCE_TYPE_INVALID",
            "Nonce must be an integer or a string.",
        ),
    }
    errors.into_result()?;

    if usage == BodyUse::Create {
        let non_empty = |key: &str| match &body[key] {
            Value::String(s) => !s.is_empty(),
            Value::Array(items) => !items.is_empty(),
            Value::Null => false,
            _ => true,
        };
        let has_something = non_empty("content")
            || non_empty("embeds")
            || non_empty("components")
            || non_empty("sticker_ids")
            || non_empty("poll")
            || non_empty("attachments")
            || uploaded_files > 0;
        if !has_something {
            return Err(DiscordError::empty_message());
        }
    }
    Ok(())
}

fn validate_embeds(errors: &mut FieldErrors, path: &str, value: &Value) {
    let Some(embeds) = array(errors, path, value) else {
        return;
    };
    if embeds.len() > MAX_EMBEDS {
        errors.add(
            path,
            "BASE_TYPE_MAX_LENGTH",
            format!("Must be {MAX_EMBEDS} or fewer in length."),
        );
    }
    let mut total = 0;
    for (i, embed) in embeds.iter().enumerate() {
        let ep = format!("{path}.{i}");
        if !embed.is_object() {
            errors.add(
                &ep,
                "DICT_TYPE_CONVERT",
                "Only dictionaries may be used in a DictType",
            );
            continue;
        }
        max_len(
            errors,
            &format!("{ep}.title"),
            &embed["title"],
            MAX_EMBED_TITLE,
        );
        max_len(
            errors,
            &format!("{ep}.description"),
            &embed["description"],
            MAX_EMBED_DESCRIPTION,
        );
        max_len(errors, &format!("{ep}.url"), &embed["url"], 2048);
        max_len(
            errors,
            &format!("{ep}.footer.text"),
            &embed["footer"]["text"],
            2048,
        );
        max_len(
            errors,
            &format!("{ep}.author.name"),
            &embed["author"]["name"],
            256,
        );
        int_between(
            errors,
            &format!("{ep}.color"),
            &embed["color"],
            0,
            0xFF_FF_FF,
        );
        for key in ["title", "description"] {
            total += embed[key].as_str().map(chars).unwrap_or(0);
        }
        total += embed["footer"]["text"].as_str().map(chars).unwrap_or(0);
        total += embed["author"]["name"].as_str().map(chars).unwrap_or(0);
        let fields_path = format!("{ep}.fields");
        if let Some(fields) = array(errors, &fields_path, &embed["fields"]) {
            if fields.len() > MAX_EMBED_FIELDS {
                errors.add(
                    &fields_path,
                    "BASE_TYPE_MAX_LENGTH",
                    format!("Must be {MAX_EMBED_FIELDS} or fewer in length."),
                );
            }
            for (j, field) in fields.iter().enumerate() {
                let fp = format!("{fields_path}.{j}");
                len_between(errors, &format!("{fp}.name"), &field["name"], 1, 256);
                len_between(errors, &format!("{fp}.value"), &field["value"], 1, 1024);
                total += field["name"].as_str().map(chars).unwrap_or(0);
                total += field["value"].as_str().map(chars).unwrap_or(0);
            }
        }
    }
    if total > MAX_EMBED_TOTAL {
        errors.add(
            path,
            "MAX_EMBED_SIZE_EXCEEDED",
            format!("Embed size exceeds maximum size of {MAX_EMBED_TOTAL}"),
        );
    }
}

/// Classic (non components-v2) message components: up to 5 action rows, each with up to
/// 5 buttons or exactly one select menu.
fn message_components(errors: &mut FieldErrors, path: &str, value: &Value) {
    let Some(rows) = array(errors, path, value) else {
        return;
    };
    if rows.len() > MAX_ACTION_ROWS {
        errors.add(
            path,
            "BASE_TYPE_MAX_LENGTH",
            format!("Must be {MAX_ACTION_ROWS} or fewer in length."),
        );
    }
    let mut custom_ids = HashSet::new();
    for (i, row) in rows.iter().enumerate() {
        let rp = format!("{path}.{i}");
        if row["type"].as_u64() != Some(1) {
            errors.add(
                &rp,
                "UNION_TYPE_CHOICES",
                "Value of field \"type\" must be one of (1,).",
            );
            continue;
        }
        let cp = format!("{rp}.components");
        let Some(children) = array(errors, &cp, &row["components"]) else {
            errors.add(&cp, "BASE_TYPE_REQUIRED", "This field is required");
            continue;
        };
        if children.is_empty() || children.len() > MAX_ROW_WIDTH {
            errors.add(
                &cp,
                "BASE_TYPE_BAD_LENGTH",
                format!("Must be between 1 and {MAX_ROW_WIDTH} in length."),
            );
        }
        let mut width = 0;
        for (j, child) in children.iter().enumerate() {
            let path = format!("{cp}.{j}");
            match child["type"].as_u64() {
                Some(2) => {
                    width += 1;
                    button(errors, &path, child, &mut custom_ids);
                }
                Some(3 | 5 | 6 | 7 | 8) => {
                    width += MAX_ROW_WIDTH;
                    select_menu(errors, &path, child, &mut custom_ids);
                }
                _ => errors.add(
                    &path,
                    "UNION_TYPE_CHOICES",
                    "Value of field \"type\" must be one of (2, 3, 5, 6, 7, 8).",
                ),
            }
        }
        if width > MAX_ROW_WIDTH && children.len() <= MAX_ROW_WIDTH {
            errors.add(
                &cp,
                "COMPONENT_LAYOUT_WIDTH_EXCEEDED",
                "The specified component exceeds the maximum width",
            );
        }
    }
}

fn custom_id(
    errors: &mut FieldErrors,
    path: &str,
    value: &Value,
    seen: &mut HashSet<String>,
    required: bool,
) {
    match value {
        Value::Null if required => {
            errors.add(path, "BASE_TYPE_REQUIRED", "This field is required");
        }
        Value::Null => {}
        Value::String(s) => {
            if s.is_empty() {
                errors.add(
                    path,
                    "BASE_TYPE_BAD_LENGTH",
                    format!("Must be between 1 and {MAX_CUSTOM_ID} in length."),
                );
            } else if chars(s) > MAX_CUSTOM_ID {
                errors.add(
                    path,
                    "BASE_TYPE_MAX_LENGTH",
                    format!("Must be {MAX_CUSTOM_ID} or fewer in length."),
                );
            } else if !seen.insert(s.clone()) {
                errors.add(
                    path,
                    "COMPONENT_CUSTOM_ID_DUPLICATED",
                    "Component custom id cannot be duplicated",
                );
            }
        }
        _ => errors.add(path, "BASE_TYPE_STRING", "Must be a string."),
    }
}

fn button(errors: &mut FieldErrors, path: &str, b: &Value, seen: &mut HashSet<String>) {
    let style = b["style"].as_u64();
    match style {
        Some(1..=4) => {
            custom_id(
                errors,
                &format!("{path}.custom_id"),
                &b["custom_id"],
                seen,
                true,
            );
            if !b["url"].is_null() {
                errors.add(
                    &format!("{path}.url"),
                    "BUTTON_COMPONENT_URL_NOT_ALLOWED",
                    "A url cannot be specified for a non-link button",
                );
            }
        }
        Some(5) => {
            if b["url"].is_null() {
                errors.add(
                    &format!("{path}.url"),
                    "BUTTON_COMPONENT_URL_REQUIRED",
                    "A url is required",
                );
            }
            if !b["custom_id"].is_null() {
                errors.add(
                    &format!("{path}.custom_id"),
                    "BUTTON_COMPONENT_CUSTOM_ID_NOT_ALLOWED",
                    "A custom id cannot be specified for a link button",
                );
            }
        }
        Some(6) => {
            if b["sku_id"].is_null() {
                errors.add(
                    &format!("{path}.sku_id"),
                    "BUTTON_COMPONENT_SKU_ID_REQUIRED",
                    "A sku id is required",
                );
            }
        }
        _ => errors.add(
            &format!("{path}.style"),
            "BASE_TYPE_CHOICES",
            "Value must be one of {1, 2, 3, 4, 5, 6}.",
        ),
    }
    max_len(errors, &format!("{path}.label"), &b["label"], 80);
    let has_label = b["label"].as_str().is_some_and(|l| !l.is_empty());
    if style != Some(6) && !has_label && b["emoji"].is_null() {
        errors.add(
            path,
            "BUTTON_COMPONENT_LABEL_OR_EMOJI_REQUIRED",
            "A label or an emoji is required",
        );
    }
}

fn select_menu(errors: &mut FieldErrors, path: &str, s: &Value, seen: &mut HashSet<String>) {
    custom_id(
        errors,
        &format!("{path}.custom_id"),
        &s["custom_id"],
        seen,
        true,
    );
    max_len(
        errors,
        &format!("{path}.placeholder"),
        &s["placeholder"],
        150,
    );
    int_between(
        errors,
        &format!("{path}.min_values"),
        &s["min_values"],
        0,
        25,
    );
    int_between(
        errors,
        &format!("{path}.max_values"),
        &s["max_values"],
        1,
        25,
    );
    if s["type"].as_u64() == Some(3) {
        let op = format!("{path}.options");
        match array(errors, &op, &s["options"]) {
            None => errors.add(&op, "BASE_TYPE_REQUIRED", "This field is required"),
            Some(options) => {
                if options.is_empty() || options.len() > 25 {
                    errors.add(
                        &op,
                        "BASE_TYPE_BAD_LENGTH",
                        "Must be between 1 and 25 in length.",
                    );
                }
                let mut values = HashSet::new();
                for (k, option) in options.iter().enumerate() {
                    let p = format!("{op}.{k}");
                    len_between(errors, &format!("{p}.label"), &option["label"], 1, 100);
                    len_between(errors, &format!("{p}.value"), &option["value"], 1, 100);
                    max_len(
                        errors,
                        &format!("{p}.description"),
                        &option["description"],
                        100,
                    );
                    if let Some(v) = option["value"].as_str() {
                        if !values.insert(v.to_string()) {
                            errors.add(
                                &format!("{p}.value"),
                                "SELECT_COMPONENT_OPTION_VALUE_DUPLICATED",
                                "Select component option values cannot be duplicated",
                            );
                        }
                    }
                }
            }
        }
    }
}

/// Callback type 9: `{custom_id, title, components: [action rows of one text input]}`.
/// Only action rows are accepted: serenity 0.12.5 cannot decode the modal submit of
/// Discord's newer Label (18) / Text Display (10) modal components.
pub(crate) fn modal(data: &Value) -> Result<(), DiscordError> {
    let mut errors = FieldErrors::default();
    if !data.is_object() {
        errors.add("data", "BASE_TYPE_REQUIRED", "This field is required");
        return errors.into_result();
    }
    let mut seen = HashSet::new();
    custom_id(
        &mut errors,
        "data.custom_id",
        &data["custom_id"],
        &mut HashSet::new(),
        true,
    );
    len_between(
        &mut errors,
        "data.title",
        &data["title"],
        1,
        MAX_MODAL_TITLE,
    );
    match array(&mut errors, "data.components", &data["components"]) {
        None => errors.add(
            "data.components",
            "BASE_TYPE_REQUIRED",
            "This field is required",
        ),
        Some(rows) => {
            if rows.is_empty() || rows.len() > MAX_MODAL_ROWS {
                errors.add(
                    "data.components",
                    "BASE_TYPE_BAD_LENGTH",
                    format!("Must be between 1 and {MAX_MODAL_ROWS} in length."),
                );
            }
            for (i, row) in rows.iter().enumerate() {
                let rp = format!("data.components.{i}");
                if row["type"].as_u64() != Some(1) {
                    errors.add(
                        &rp,
                        "UNION_TYPE_CHOICES",
                        "Value of field \"type\" must be one of (1,).",
                    );
                    continue;
                }
                let cp = format!("{rp}.components");
                let Some(inputs) = array(&mut errors, &cp, &row["components"]) else {
                    errors.add(&cp, "BASE_TYPE_REQUIRED", "This field is required");
                    continue;
                };
                if inputs.is_empty() || inputs.len() > MAX_ROW_WIDTH {
                    errors.add(
                        &cp,
                        "BASE_TYPE_BAD_LENGTH",
                        format!("Must be between 1 and {MAX_ROW_WIDTH} in length."),
                    );
                } else if inputs.len() > 1 {
                    errors.add(
                        &cp,
                        "COMPONENT_LAYOUT_WIDTH_EXCEEDED",
                        "The specified component exceeds the maximum width",
                    );
                }
                for (j, input) in inputs.iter().enumerate() {
                    let p = format!("{cp}.{j}");
                    if input["type"].as_u64() != Some(4) {
                        errors.add(
                            &p,
                            "UNION_TYPE_CHOICES",
                            "Value of field \"type\" must be one of (4,).",
                        );
                        continue;
                    }
                    custom_id(
                        &mut errors,
                        &format!("{p}.custom_id"),
                        &input["custom_id"],
                        &mut seen,
                        true,
                    );
                    match input["style"].as_u64() {
                        Some(1 | 2) => {}
                        _ => errors.add(
                            &format!("{p}.style"),
                            "BASE_TYPE_CHOICES",
                            "Value must be one of {1, 2}.",
                        ),
                    }
                    len_between(&mut errors, &format!("{p}.label"), &input["label"], 1, 45);
                    max_len(&mut errors, &format!("{p}.value"), &input["value"], 4000);
                    max_len(
                        &mut errors,
                        &format!("{p}.placeholder"),
                        &input["placeholder"],
                        100,
                    );
                    int_between(
                        &mut errors,
                        &format!("{p}.min_length"),
                        &input["min_length"],
                        0,
                        4000,
                    );
                    int_between(
                        &mut errors,
                        &format!("{p}.max_length"),
                        &input["max_length"],
                        1,
                        4000,
                    );
                }
            }
        }
    }
    errors.into_result()
}

/// Callback type 8: `{choices: [{name, value}]}` for an option of type `option_type`.
pub(crate) fn autocomplete(data: &Value, option_type: Option<u64>) -> Result<(), DiscordError> {
    let mut errors = FieldErrors::default();
    let Some(choices) = array(&mut errors, "data.choices", &data["choices"]) else {
        return errors.into_result();
    };
    if choices.len() > MAX_CHOICES {
        errors.add(
            "data.choices",
            "BASE_TYPE_MAX_LENGTH",
            format!("Must be {MAX_CHOICES} or fewer in length."),
        );
    }
    for (i, choice) in choices.iter().enumerate() {
        let p = format!("data.choices.{i}");
        len_between(&mut errors, &format!("{p}.name"), &choice["name"], 1, 100);
        let value = &choice["value"];
        match option_type {
            Some(4) if !value.is_i64() => errors.add(
                &format!("{p}.value"),
                "NUMBER_TYPE_COERCE",
                "Value is not int.",
            ),
            Some(10) if !value.is_number() => errors.add(
                &format!("{p}.value"),
                "NUMBER_TYPE_COERCE",
                "Value is not float.",
            ),
            Some(3) | None => len_between(&mut errors, &format!("{p}.value"), value, 1, 100),
            _ => {}
        }
    }
    errors.into_result()
}

const LOCALES: &[&str] = &[
    "id", "da", "de", "en-GB", "en-US", "es-ES", "es-419", "fr", "hr", "it", "lt", "hu", "nl",
    "no", "pl", "pt-BR", "ro", "fi", "sv-SE", "vi", "tr", "cs", "el", "bg", "ru", "uk", "hi", "th",
    "zh-CN", "ja", "zh-TW", "ko",
];

/// Whether `locale` is one of Discord's locales.
pub(crate) fn is_discord_locale(locale: &str) -> bool {
    LOCALES.contains(&locale)
}

fn command_name(errors: &mut FieldErrors, path: &str, value: &Value, chat_input: bool) {
    let Some(name) = value.as_str() else {
        errors.add(path, "BASE_TYPE_REQUIRED", "This field is required");
        return;
    };
    let n = chars(name);
    if n == 0 || n > 32 {
        errors.add(
            path,
            "BASE_TYPE_BAD_LENGTH",
            "Must be between 1 and 32 in length.",
        );
        return;
    }
    if chat_input {
        let valid = name
            .chars()
            .all(|c| c == '-' || c == '_' || c == '\'' || c.is_alphanumeric())
            && name.chars().all(|c| !c.is_uppercase());
        if !valid {
            errors.add(
                path,
                "APPLICATION_COMMAND_INVALID_NAME",
                "Command name is invalid",
            );
        }
    }
}

fn localizations(
    errors: &mut FieldErrors,
    path: &str,
    value: &Value,
    check: &mut dyn FnMut(&mut FieldErrors, &str, &Value),
) {
    match value {
        Value::Null => {}
        Value::Object(map) => {
            for (locale, text) in map {
                let p = format!("{path}.{locale}");
                if !is_discord_locale(locale) {
                    errors.add(&p, "LOCALE_INVALID", "Invalid Locale");
                } else {
                    check(errors, &p, text);
                }
            }
        }
        _ => errors.add(
            path,
            "DICT_TYPE_CONVERT",
            "Only dictionaries may be used in a DictType",
        ),
    }
}

fn command_options(errors: &mut FieldErrors, path: &str, value: &Value, depth: usize) {
    let Some(options) = array(errors, path, value) else {
        return;
    };
    if options.len() > 25 {
        errors.add(
            path,
            "BASE_TYPE_MAX_LENGTH",
            "Must be 25 or fewer in length.",
        );
    }
    let mut seen_optional = false;
    let mut names = HashSet::new();
    for (i, option) in options.iter().enumerate() {
        let p = format!("{path}.{i}");
        let kind = option["type"].as_u64().unwrap_or(0);
        if !(1..=11).contains(&kind) {
            errors.add(
                &format!("{p}.type"),
                "BASE_TYPE_CHOICES",
                "Value must be one of {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}.",
            );
        }
        command_name(errors, &format!("{p}.name"), &option["name"], true);
        if let Some(name) = option["name"].as_str() {
            if !names.insert(name.to_string()) {
                errors.add(
                    &format!("{p}.name"),
                    "APPLICATION_COMMAND_OPTION_NAME_ALREADY_EXISTS",
                    "Option name already exists",
                );
            }
        }
        len_between(
            errors,
            &format!("{p}.description"),
            &option["description"],
            1,
            100,
        );
        localizations(
            errors,
            &format!("{p}.name_localizations"),
            &option["name_localizations"],
            &mut |e, p, v| command_name(e, p, v, true),
        );
        localizations(
            errors,
            &format!("{p}.description_localizations"),
            &option["description_localizations"],
            &mut |e, p, v| len_between(e, p, v, 1, 100),
        );
        let required = option["required"].as_bool().unwrap_or(false);
        if kind > 2 {
            if required && seen_optional {
                errors.add(
                    &format!("{p}.required"),
                    "APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID",
                    "Required options must be placed before non-required options",
                );
            }
            if !required {
                seen_optional = true;
            }
        }
        if let Some(choices) = array(errors, &format!("{p}.choices"), &option["choices"]) {
            if choices.len() > 25 {
                errors.add(
                    &format!("{p}.choices"),
                    "BASE_TYPE_MAX_LENGTH",
                    "Must be 25 or fewer in length.",
                );
            }
            if !choices.is_empty() && option["autocomplete"].as_bool() == Some(true) {
                errors.add(
                    &format!("{p}.autocomplete"),
                    "APPLICATION_COMMAND_AUTOCOMPLETE_INVALID",
                    "Autocomplete cannot be set on options with choices",
                );
            }
            for (k, choice) in choices.iter().enumerate() {
                len_between(
                    errors,
                    &format!("{p}.choices.{k}.name"),
                    &choice["name"],
                    1,
                    100,
                );
            }
        }
        if kind == 1 || kind == 2 {
            if depth >= 2 || (kind == 2 && depth >= 1) {
                errors.add(
                    &format!("{p}.type"),
                    "APPLICATION_COMMAND_OPTION_TYPE_INVALID",
                    "Sub-command and sub-command group option types are mutually exclusive to all other types",
                );
            }
            command_options(
                errors,
                &format!("{p}.options"),
                &option["options"],
                depth + 1,
            );
        }
    }
}

/// Bulk overwrite body (`PUT /applications/{id}/commands`): an array of commands.
pub(crate) fn commands(body: &Value) -> Result<(), DiscordError> {
    let mut errors = FieldErrors::default();
    let Some(commands) = body.as_array() else {
        errors.add(
            "",
            "LIST_TYPE_CONVERT",
            "Only iterables may be used in a ListType",
        );
        return errors.into_result();
    };
    if commands.len() > 110 {
        errors.add(
            "",
            "BASE_TYPE_MAX_LENGTH",
            "Must be 110 or fewer in length.",
        );
    }
    let mut names = HashSet::new();
    for (i, command) in commands.iter().enumerate() {
        single_command(&mut errors, &i.to_string(), command);
        let kind = command["type"].as_u64().unwrap_or(1);
        if let Some(name) = command["name"].as_str() {
            if !names.insert((kind, name.to_string())) {
                errors.add(
                    &format!("{i}.name"),
                    "APPLICATION_COMMANDS_DUPLICATE_NAME",
                    format!("Application command names must be unique: {name}"),
                );
            }
        }
    }
    errors.into_result()
}

/// One command (`POST`/`PATCH` or an element of a bulk overwrite).
pub(crate) fn command(body: &Value) -> Result<(), DiscordError> {
    let mut errors = FieldErrors::default();
    single_command(&mut errors, "", body);
    errors.into_result()
}

fn single_command(errors: &mut FieldErrors, p: &str, command: &Value) {
    let kind = command["type"].as_u64().unwrap_or(1);
    let chat_input = kind == 1;
    command_name(errors, &join(p, "name"), &command["name"], chat_input);
    localizations(
        errors,
        &join(p, "name_localizations"),
        &command["name_localizations"],
        &mut |e, p, v| command_name(e, p, v, chat_input),
    );
    if chat_input {
        len_between(
            errors,
            &join(p, "description"),
            &command["description"],
            1,
            100,
        );
        localizations(
            errors,
            &join(p, "description_localizations"),
            &command["description_localizations"],
            &mut |e, p, v| len_between(e, p, v, 1, 100),
        );
        command_options(errors, &join(p, "options"), &command["options"], 0);
    }
    match &command["default_member_permissions"] {
        Value::Null => {}
        Value::String(s) if s.parse::<u64>().is_ok() => {}
        _ => errors.add(
            &join(p, "default_member_permissions"),
            "BASE_TYPE_STRING",
            "Must be a string of a permission bitfield.",
        ),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn codes(result: Result<(), DiscordError>) -> Vec<(String, String)> {
        result.err().map(|e| e.field_errors()).unwrap_or_default()
    }

    #[test]
    fn a_message_at_every_limit_is_accepted() {
        let body = json!({
            "content": "x".repeat(2000),
            "embeds": [{"title": "t".repeat(256), "description": "d".repeat(4096)}],
            "components": [{"type": 1, "components": [
                {"type": 2, "style": 1, "label": "a", "custom_id": "c".repeat(100)},
            ]}],
        });
        assert!(message_body(&body, "", BodyUse::Create, 0).is_ok());
    }

    #[test]
    fn content_over_2000_characters_is_refused_at_its_path() {
        let body = json!({"content": "é".repeat(2001)});
        assert_eq!(
            codes(message_body(&body, "data", BodyUse::Create, 0)),
            vec![("data.content".into(), "BASE_TYPE_MAX_LENGTH".into())]
        );
    }

    #[test]
    fn a_select_menu_shares_no_row() {
        let body = json!({"components": [{"type": 1, "components": [
            {"type": 2, "style": 1, "label": "a", "custom_id": "a"},
            {"type": 3, "custom_id": "s", "options": [{"label": "x", "value": "x"}]},
        ]}]});
        assert_eq!(
            codes(message_body(&body, "", BodyUse::Edit, 0)),
            vec![(
                "components.0.components".into(),
                "COMPONENT_LAYOUT_WIDTH_EXCEEDED".into()
            )]
        );
    }

    #[test]
    fn command_names_must_be_lowercase() {
        let body = json!([{"name": "Add", "description": "d"}]);
        assert_eq!(
            codes(commands(&body)),
            vec![("0.name".into(), "APPLICATION_COMMAND_INVALID_NAME".into())]
        );
    }
}
