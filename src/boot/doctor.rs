//! `licensebot doctor`: checks a deployment, one finding per line, each either fine or a
//! problem with what to do about it. It reads Discord through the same REST base as the bot
//! (`DISCORD_API_URL`) and the database without migrating it, and changes nothing.

use std::time::Duration;

use chrono::Utc;
use secrecy::ExposeSecret as _;
use serde::Serialize;

use super::{api_address, connect_database, Secrets};
use crate::{
    app::App,
    config::Settings,
    discord::{
        doctor::{self, ChannelAccess, Identity, Probe, Refused, RoleAccess},
        layout::{Layout, LayoutArgs},
    },
    domain::records::GuildId,
};

/// The clock may be this far from Discord's (interaction tokens and timestamps are
/// judged by Discord's).
const CLOCK_TOLERANCE: Duration = Duration::from_secs(10);

/// One finding.
#[derive(Debug, Clone, Serialize)]
pub struct Finding {
    /// What was checked: `configuration`, `discord`, `clock`, `database`, `migrations`,
    /// `commands`, `guild <id>`, `webhooks`.
    pub check: String,
    pub ok: bool,
    /// What was found; for a problem, also what to do.
    pub message: String,
}

impl Finding {
    fn ok(check: impl Into<String>, message: impl Into<String>) -> Finding {
        Finding {
            check: check.into(),
            ok: true,
            message: message.into(),
        }
    }

    fn problem(check: impl Into<String>, message: impl Into<String>) -> Finding {
        Finding {
            check: check.into(),
            ok: false,
            message: message.into(),
        }
    }
}

/// Runs every check of PRODUCT.md ("Running it for real"); `guild`: that server only.
/// A check that needs what an earlier one found missing (Discord, the database) is left out.
pub async fn doctor(settings: Settings, guild: Option<u64>) -> Vec<Finding> {
    let mut findings = Vec::new();

    // The configuration, and the secrets.
    let layout = Layout::resolve(&LayoutArgs::default(), &settings);
    let api = api_address(&settings);
    let secrets = match (&layout, &api) {
        (Ok(layout), Ok(_)) => Secrets::from_env(layout.http.is_some()),
        (Err(e), _) | (_, Err(e)) => Err(anyhow::anyhow!("{e:#}")),
    };
    let secrets = match secrets {
        Ok(secrets) => {
            findings.push(Finding::ok(
                "configuration",
                "settings read; DISCORD_TOKEN is set",
            ));
            Some(secrets)
        }
        Err(e) => {
            findings.push(Finding::problem(
                "configuration",
                format!("{e:#}; fix the setting in config/ or the environment (.env)"),
            ));
            None
        }
    };

    // Discord: the token, its application, the clock.
    let mut discord: Option<(Probe, Identity)> = None;
    if let Some(secrets) = &secrets {
        match Probe::new(secrets.token.expose_secret(), secrets.api_url.as_deref()) {
            Err(e) => findings.push(Finding::problem(
                "discord",
                format!("cannot build an HTTP client ({e:#})"),
            )),
            Ok(mut probe) => {
                let (identity, date) = probe.identity().await;
                match identity {
                    Ok(identity) => {
                        findings.push(Finding::ok(
                            "discord",
                            format!(
                                "DISCORD_TOKEN is the bot {} ({}) of the application {} ({})",
                                identity.bot_name,
                                identity.bot_id,
                                identity.application_name,
                                identity.application_id
                            ),
                        ));
                        discord = Some((probe, identity));
                    }
                    Err(Refused::Unauthorized) => findings.push(Finding::problem(
                        "discord",
                        "Discord refused DISCORD_TOKEN (401 Unauthorized); copy the bot's \
                         token from the developer portal (Bot, Reset Token) into DISCORD_TOKEN",
                    )),
                    Err(Refused::Unreachable(why)) => findings.push(Finding::problem(
                        "discord",
                        format!(
                            "Discord did not answer ({why}); check the network, the firewall \
                             or DISCORD_API_URL"
                        ),
                    )),
                    Err(refused) => findings.push(Finding::problem(
                        "discord",
                        format!("Discord refused the bot's first request ({refused})"),
                    )),
                }
                if let Some(date) = date {
                    findings.push(clock(date));
                }
            }
        }
    }

    // The database: reachable, and its schema this binary's.
    let mut app = None;
    match connect_database(&settings).await {
        Err(e) => findings.push(Finding::problem(
            "database",
            format!(
                "cannot connect ({}); start PostgreSQL, or fix DATABASE_URL",
                one_line(&format!("{e:#}"))
            ),
        )),
        Ok(db) => {
            let connected = App::new(db.store(), settings.clone());
            match connected.schema_status().await {
                Err(e) => findings.push(Finding::problem(
                    "database",
                    format!(
                        "cannot read it ({}); check DATABASE_URL's user and database",
                        one_line(&format!("{e:#}"))
                    ),
                )),
                Ok(status) => {
                    findings.push(Finding::ok("database", "reachable"));
                    findings.push(migrations(&status));
                    app = Some(connected);
                }
            }
        }
    }

    // The servers: which ones, their commands, notice channels and roles.
    if let Some((probe, identity)) = &discord {
        let guilds = match probe.guilds().await {
            Ok(guilds) => guilds,
            Err(refused) => {
                findings.push(Finding::problem(
                    "guilds",
                    format!("Discord did not list the bot's servers ({refused})"),
                ));
                Vec::new()
            }
        };
        let checked: Vec<(GuildId, String)> = match guild {
            None => guilds,
            Some(id) => match guilds.into_iter().find(|(g, _)| g.0 == id) {
                Some(found) => vec![found],
                None => {
                    findings.push(Finding::problem(
                        format!("guild {id}"),
                        "the bot is not in this server; invite it with the \
                         application's install link (developer portal, Installation)",
                    ));
                    Vec::new()
                }
            },
        };
        findings.extend(commands(probe, identity, &checked).await);
        if let Some(app) = &app {
            for (guild, name) in &checked {
                findings.extend(server(app, probe, identity, *guild, name).await);
            }
        }
    }

    if let Some(app) = &app {
        findings.push(webhooks(app).await);
    }
    findings
}

fn clock(discord: chrono::DateTime<Utc>) -> Finding {
    let ahead = (Utc::now() - discord).num_seconds();
    let tolerance = CLOCK_TOLERANCE.as_secs() as i64;
    if ahead.abs() <= tolerance {
        Finding::ok(
            "clock",
            format!("within {tolerance} s of Discord's (Date header)"),
        )
    } else {
        let (by, way) = if ahead > 0 {
            (ahead, "ahead of")
        } else {
            (-ahead, "behind")
        };
        Finding::problem(
            "clock",
            format!(
                "this machine's clock is {by} s {way} Discord's (more than {tolerance} s); \
                 synchronise it (NTP, e.g. `timedatectl set-ntp true`)"
            ),
        )
    }
}

fn migrations(status: &crate::app::SchemaStatus) -> Finding {
    if !status.unknown.is_empty() {
        let newest = status.unknown.iter().max().copied().unwrap_or_default();
        return Finding::problem(
            "migrations",
            format!(
                "the schema is newer than this binary: {} migration(s) it does not know \
                 (newest {newest}); run the release that migrated it, or restore a backup \
                 taken before",
                status.unknown.len()
            ),
        );
    }
    if !status.broken.is_empty() {
        return Finding::problem(
            "migrations",
            format!(
                "migration(s) {:?} failed half-way or differ from this binary's; restore a \
                 backup, or repair by hand (docs/DEPLOYMENT.md)",
                status.broken
            ),
        );
    }
    if !status.pending.is_empty() {
        return Finding::problem(
            "migrations",
            format!(
                "{} pending ({}); run `licensebot migrate`",
                status.pending.len(),
                status.pending.join(", ")
            ),
        );
    }
    Finding::ok(
        "migrations",
        format!("all {} applied, none unknown", status.applied),
    )
}

/// The commands registered globally equal this binary's; where none are global, those of
/// each server checked.
async fn commands(
    probe: &Probe,
    identity: &Identity,
    guilds: &[(GuildId, String)],
) -> Vec<Finding> {
    const ADVICE: &str = "start the bot (`licensebot run`): it registers its commands";
    let global = match probe
        .registered_commands(identity.application_id, None)
        .await
    {
        Ok(global) => global,
        Err(refused) => {
            return vec![Finding::problem(
                "commands",
                format!("Discord did not list the global commands ({refused})"),
            )]
        }
    };
    if !global.is_empty() {
        let differences = doctor::command_differences(&global);
        return vec![if differences.is_empty() {
            Finding::ok(
                "commands",
                format!(
                    "the {} global commands are this binary's",
                    doctor::command_count()
                ),
            )
        } else {
            Finding::problem(
                "commands",
                format!("global: {}; {ADVICE}", differences.join(", ")),
            )
        }];
    }
    if guilds.is_empty() {
        return vec![Finding::problem(
            "commands",
            format!("none registered globally; {ADVICE}"),
        )];
    }
    let mut findings = Vec::new();
    for (guild, name) in guilds {
        let check = format!("commands in guild {}", guild.0);
        match probe
            .registered_commands(identity.application_id, Some(*guild))
            .await
        {
            Err(refused) => findings.push(Finding::problem(
                check,
                format!("Discord did not list the commands of {name} ({refused})"),
            )),
            Ok(list) if list.is_empty() => findings.push(Finding::problem(
                check,
                format!("none registered globally or in {name}; {ADVICE}"),
            )),
            Ok(list) => {
                let differences = doctor::command_differences(&list);
                findings.push(if differences.is_empty() {
                    Finding::ok(
                        check,
                        format!(
                            "the {} commands registered in {name} are this binary's",
                            doctor::command_count()
                        ),
                    )
                } else {
                    Finding::problem(check, format!("{}; {ADVICE}", differences.join(", ")))
                });
            }
        }
    }
    findings
}

/// One server: its notice channel, and every linked license role.
async fn server(
    app: &App,
    probe: &Probe,
    identity: &Identity,
    guild: GuildId,
    name: &str,
) -> Vec<Finding> {
    let check = format!("guild {}", guild.0);
    let mut findings = Vec::new();
    let settings = match app.guild_settings(guild).await {
        Ok(settings) => settings,
        Err(e) => {
            return vec![Finding::problem(
                check,
                format!("cannot read its settings ({e:?})"),
            )]
        }
    };
    match settings.notice_channel {
        None => findings.push(Finding::problem(
            check.clone(),
            format!(
                "{name}: no notice channel; notices for it are dropped; an admin sets one \
                 with /settings notices"
            ),
        )),
        Some(channel) => {
            match probe.channel_access(guild, channel, identity.bot_id).await {
                Err(refused) => findings.push(Finding::problem(
                    check.clone(),
                    format!("{name}: Discord did not show notice channel {channel} ({refused})"),
                )),
                Ok(ChannelAccess::Missing) => findings.push(Finding::problem(
                    check.clone(),
                    format!(
                        "{name}: the notice channel {channel} no longer exists; an admin picks \
                     another with /settings notices"
                    ),
                )),
                Ok(ChannelAccess::Allowed { view, send, embed }) => {
                    let missing: Vec<&str> = [
                        (view, "View Channel"),
                        (send, "Send Messages"),
                        (embed, "Embed Links"),
                    ]
                    .into_iter()
                    .filter(|(has, _)| !has)
                    .map(|(_, what)| what)
                    .collect();
                    findings.push(if missing.is_empty() {
                    Finding::ok(
                        check.clone(),
                        format!("{name}: the bot may view, send and embed in notice channel {channel}"),
                    )
                } else {
                    Finding::problem(
                        check.clone(),
                        format!(
                            "{name}: the bot lacks {} in notice channel {channel}; allow them \
                             for the bot's role in that channel's permissions",
                            missing.join(", ")
                        ),
                    )
                });
                }
            }
        }
    }
    let roles = match app.license_roles(guild).await {
        Ok(roles) => roles,
        Err(e) => {
            findings.push(Finding::problem(
                check,
                format!("cannot read its linked roles ({e:?})"),
            ));
            return findings;
        }
    };
    let mut roles: Vec<u64> = roles.into_values().collect();
    roles.sort_unstable();
    roles.dedup();
    let manager_role = app
        .guild_settings(guild)
        .await
        .ok()
        .and_then(|s| s.manager_role);
    let mut fine = 0;
    for role in roles {
        let problem = match probe.role_access(guild, role, manager_role).await {
            Ok(RoleAccess::Ok) => {
                fine += 1;
                continue;
            }
            Ok(RoleAccess::Missing) => {
                "no longer exists; link another with /settings license-role".to_string()
            }
            Ok(RoleAccess::NoManageRoles) => {
                "cannot be given: the bot lacks Manage Roles; give its role Manage Roles"
                    .to_string()
            }
            Ok(RoleAccess::NotBelowBot) => "cannot be given: it is not below the bot's highest \
                 role; drag the bot's role above it (Server Settings, Roles)"
                .to_string(),
            Ok(RoleAccess::Powerful) => "is not given: it carries power over the server (or is \
                 the manager role); take that permission off it, then link it again with \
                 /settings license-role"
                .to_string(),
            Ok(RoleAccess::NotAssignable) => {
                "cannot be given by a bot (@everyone, or managed by an integration); link \
                 another with /settings license-role"
                    .to_string()
            }
            Err(refused) => format!("Discord did not show it ({refused})"),
        };
        findings.push(Finding::problem(
            check.clone(),
            format!("{name}: linked license role {role} {problem}"),
        ));
    }
    if fine > 0 {
        findings.push(Finding::ok(
            check,
            format!("{name}: the bot can give and take its {fine} linked license role(s)"),
        ));
    }
    findings
}

async fn webhooks(app: &App) -> Finding {
    match app.endpoints_with_failed_deliveries().await {
        Err(e) => Finding::problem(
            "webhooks",
            format!(
                "cannot read the deliveries ({})",
                one_line(&format!("{e:#}"))
            ),
        ),
        Ok(endpoints) if endpoints.is_empty() => {
            Finding::ok("webhooks", "no endpoint has failed deliveries")
        }
        Ok(endpoints) => {
            let listed: Vec<String> = endpoints
                .iter()
                .map(|(id, url, count)| format!("endpoint {id} ({url}): {count} failed"))
                .collect();
            Finding::problem(
                "webhooks",
                format!(
                    "{}; fix the endpoint, then `licensebot webhooks deliveries --failed` and \
                     `licensebot webhooks redeliver ID`",
                    listed.join("; ")
                ),
            )
        }
    }
}

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}
