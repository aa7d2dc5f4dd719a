//! What each operator command does: one function per subcommand.

use anyhow::Context as _;
use chrono::NaiveDate;

use super::{
    table, ApiTokensCommand, AuditCommand, Cli, Command, GuildsCommand, KeysCommand, LicenseArgs,
    LicensesCommand, ProductsCommand, RedemptionsCommand, SubscriptionsCommand, WebhooksCommand,
};
use crate::{
    app::{
        App, AppError, AssignLicense, KeyBatch, KeyFilter, LicenseChange, SubscriptionRef,
        UnassignLicense, UserError, OPERATOR,
    },
    boot,
    config::Settings,
    domain::{
        records::{GuildId, Revocation, UserId},
        split_keys, LicenseRefusal, OrderKind, PrivateTargets,
    },
};

/// Runs a parsed command line to completion.
pub async fn execute(cli: Cli, settings: Settings) -> anyhow::Result<()> {
    let command = cli.command.unwrap_or(Command::Run(Default::default()));
    match command {
        Command::Run(args) => {
            return boot::run(settings, args.guild, &args.layout(), args.api).await
        }
        Command::Doctor { guild, json } => return doctor(settings, guild, json).await,
        Command::Migrate { check: true } => return migrate_check(&settings).await,
        Command::Backup { file } => return backup(&settings, &file).await,
        Command::Restore { file } => return restore(&settings, &file).await,
        _ => {}
    }
    let db = boot::open_database(&settings).await?;
    let app = App::new(db.store(), settings);
    let result = operate(&app, command).await;
    db.close().await;
    result
}

/// Hands a command to its function.
async fn operate(app: &App, command: Command) -> anyhow::Result<()> {
    match command {
        // `execute` runs the bot itself; nothing is left to do here.
        Command::Run(_) => Ok(()),
        // `execute` ran these.
        Command::Doctor { .. }
        | Command::Migrate { check: true }
        | Command::Backup { .. }
        | Command::Restore { .. } => Ok(()),
        Command::Migrate { check: false } => {
            println!("database schema is up to date");
            Ok(())
        }
        Command::Products(ProductsCommand::Add {
            sku,
            name,
            max_seats,
        }) => products_add(app, &sku, &name, max_seats).await,
        Command::Products(ProductsCommand::List { json }) => products_list(app, json).await,
        Command::Subscriptions(SubscriptionsCommand::Create {
            guild,
            product,
            name,
            seats,
            ends,
        }) => subscriptions_create(app, GuildId(guild), &product, &name, seats, ends).await,
        Command::Subscriptions(SubscriptionsCommand::List { guild, json }) => {
            subscriptions_list(app, GuildId(guild), json).await
        }
        Command::Keys(KeysCommand::Generate {
            product,
            seats,
            term,
            count,
            batch,
            expires,
        }) => {
            let batch = KeyBatch {
                product_sku: product,
                seats,
                term,
                count,
                batch,
                expires_on: expires,
            };
            keys_generate(app, &batch).await
        }
        Command::Keys(KeysCommand::Import { file }) => keys_import(app, &file).await,
        Command::Keys(KeysCommand::List {
            product,
            batch,
            json,
        }) => keys_list(app, product, batch, json).await,
        Command::Keys(KeysCommand::Revoke { batch, keys }) => {
            keys_revoke(app, batch.as_deref(), &keys).await
        }
        Command::Subscriptions(SubscriptionsCommand::Suspend(args)) => {
            super::refunds::subscriptions_suspension(app, args, crate::app::Suspension::Suspend)
                .await
        }
        Command::Subscriptions(SubscriptionsCommand::Resume(args)) => {
            super::refunds::subscriptions_suspension(app, args, crate::app::Suspension::Resume)
                .await
        }
        Command::Keys(KeysCommand::Show { keys, json }) => {
            super::refunds::keys_show(app, &keys, json).await
        }
        Command::Keys(KeysCommand::Reverse {
            batch,
            keys,
            reason,
        }) => super::refunds::keys_reverse(app, batch.as_deref(), &keys, reason.as_deref()).await,
        Command::Redemptions(RedemptionsCommand::List { guild, json }) => {
            redemptions_list(app, GuildId(guild), json).await
        }
        Command::Audit(AuditCommand::List { guild, json }) => {
            audit_list(app, guild.map(GuildId), json).await
        }
        Command::Licenses(LicensesCommand::List {
            guild,
            subscription,
            history,
            json,
        }) => licenses_list(app, GuildId(guild), subscription.as_deref(), history, json).await,
        Command::Licenses(LicensesCommand::Assign(args)) => licenses_change(app, &args, true).await,
        Command::Licenses(LicensesCommand::Unassign(args)) => {
            licenses_change(app, &args, false).await
        }
        Command::ApiTokens(ApiTokensCommand::Create { name, scopes }) => {
            api_tokens_create(app, &name, scopes.as_deref()).await
        }
        Command::ApiTokens(ApiTokensCommand::List { json }) => api_tokens_list(app, json).await,
        Command::ApiTokens(ApiTokensCommand::Revoke { name }) => {
            app.revoke_api_token(&name).await?;
            println!("revoked API token {name}");
            Ok(())
        }
        Command::Webhooks(command) => webhooks(app, command).await,
        Command::Products(ProductsCommand::Edit {
            sku,
            name,
            max_seats,
        }) => products_edit(app, &sku, name.as_deref(), max_seats).await,
        Command::Guilds(GuildsCommand::List { json }) => guilds_list(app, json).await,
    }
}

/// `doctor [--guild ID] [--json]`: one line per finding; an error (exit 1) when any is a
/// problem.
async fn doctor(settings: Settings, guild: Option<u64>, json: bool) -> anyhow::Result<()> {
    let findings = boot::doctor(settings, guild).await;
    if json {
        table::json(&findings)?;
    } else {
        for finding in &findings {
            let mark = if finding.ok { "ok     " } else { "PROBLEM" };
            println!("{mark} {}: {}", finding.check, finding.message);
        }
    }
    let problems = findings.iter().filter(|f| !f.ok).count();
    if problems > 0 {
        anyhow::bail!(
            "doctor found {problems} {}",
            plural(problems, "problem", "problems")
        );
    }
    Ok(())
}

/// `backup FILE`
async fn backup(settings: &Settings, file: &std::path::Path) -> anyhow::Result<()> {
    let size = boot::backup(settings, file).await?;
    println!(
        "backed up the database to {} ({size} bytes)",
        file.display()
    );
    Ok(())
}

/// `restore FILE`: into an empty database only; then the migrations are checked.
async fn restore(settings: &Settings, file: &std::path::Path) -> anyhow::Result<()> {
    let restored = boot::restore(settings, file).await?;
    println!("restored {} ({} tables)", file.display(), restored.tables);
    let schema = restored.schema;
    if !schema.unknown.is_empty() {
        anyhow::bail!(
            "the backup's schema is newer than this binary ({} migration(s) it does not know);              run the release it was taken with",
            schema.unknown.len()
        );
    }
    if !schema.broken.is_empty() {
        anyhow::bail!(
            "the backup's migrations {:?} failed half-way or differ from this binary's",
            schema.broken
        );
    }
    if schema.pending.is_empty() {
        println!(
            "database schema is up to date ({} migrations applied)",
            schema.applied
        );
    } else {
        println!(
            "{} migration(s) pending (the backup is from an older release); `licensebot migrate` applies them",
            schema.pending.len()
        );
    }
    Ok(())
}

/// `migrate --check`: whether the schema is this binary's, without migrating.
async fn migrate_check(settings: &Settings) -> anyhow::Result<()> {
    let db = boot::connect_database(settings).await?;
    let app = App::new(db.store(), settings.clone());
    let status = app.schema_status().await;
    db.close().await;
    let status = status?;
    if !status.unknown.is_empty() {
        anyhow::bail!(
            "the schema is newer than this binary: {} migration(s) it does not know (newest {})",
            status.unknown.len(),
            status.unknown.iter().max().copied().unwrap_or_default()
        );
    }
    if !status.broken.is_empty() {
        anyhow::bail!(
            "migration(s) {:?} failed half-way or differ from this binary's",
            status.broken
        );
    }
    if !status.pending.is_empty() {
        for pending in &status.pending {
            println!("pending {pending}");
        }
        anyhow::bail!(
            "{} migration(s) pending; `licensebot migrate` applies them",
            status.pending.len()
        );
    }
    println!(
        "database schema is up to date ({} migrations applied)",
        status.applied
    );
    Ok(())
}

/// `webhooks add|list|remove|test|deliveries|redeliver`
async fn webhooks(app: &App, command: WebhooksCommand) -> anyhow::Result<()> {
    match command {
        WebhooksCommand::Add {
            url,
            events,
            allow_private,
        } => {
            let private = if allow_private {
                PrivateTargets::Allowed
            } else {
                PrivateTargets::Refused
            };
            let (endpoint, secret) = app.add_webhook(&url, events.as_deref(), private).await?;
            println!("added webhook endpoint {}", endpoint.id);
            println!("{}", secret.expose());
            eprintln!(
                "the signing secret is not shown again; verify deliveries with it (docs/API.md)"
            );
        }
        WebhooksCommand::List { json } => webhooks_list(app, json).await?,
        WebhooksCommand::Remove { id } => {
            app.remove_webhook(id).await?;
            println!("removed webhook endpoint {id}");
        }
        WebhooksCommand::Test { id } => {
            let (delivery, webhook_id) = app.ping_webhook(id).await?;
            println!("enqueued ping {webhook_id} for endpoint {id} (delivery {delivery})");
        }
        WebhooksCommand::Deliveries {
            failed,
            json,
            limit,
        } => webhooks_deliveries(app, failed, json, limit).await?,
        WebhooksCommand::Redeliver { id } => {
            app.redeliver(id).await?;
            println!("delivery {id} will be sent again now");
        }
    }
    Ok(())
}

/// `webhooks list`
async fn webhooks_list(app: &App, json: bool) -> anyhow::Result<()> {
    let endpoints = app.list_webhooks().await?;
    let events = |e: &crate::app::WebhookEndpoint| -> Option<Vec<&'static str>> {
        e.events
            .as_ref()
            .map(|events| events.iter().map(|t| t.as_str()).collect())
    };
    if json {
        let listed: Vec<serde_json::Value> = endpoints
            .iter()
            .map(|e| {
                serde_json::json!({
                    "id": e.id,
                    "url": e.url,
                    "events": events(e),
                    "allow_private": e.private_targets == PrivateTargets::Allowed,
                    "created_at": e.created_at,
                })
            })
            .collect();
        return table::json(&listed);
    }
    let rows = endpoints
        .iter()
        .map(|e| {
            vec![
                e.id.to_string(),
                e.url.clone(),
                events(e).map_or_else(|| "all".to_string(), |events| events.join(",")),
                e.created_at.format("%Y-%m-%d %H:%M UTC").to_string(),
            ]
        })
        .collect::<Vec<_>>();
    table::print(&["ID", "URL", "EVENTS", "CREATED"], &rows);
    Ok(())
}

/// `webhooks deliveries`
async fn webhooks_deliveries(
    app: &App,
    failed: bool,
    json: bool,
    limit: i64,
) -> anyhow::Result<()> {
    let deliveries = app.list_deliveries(failed, limit.clamp(1, 10_000)).await?;
    if json {
        return table::json(&deliveries);
    }
    let rows = deliveries
        .iter()
        .map(|d| {
            vec![
                d.id.to_string(),
                d.event.as_str().to_string(),
                d.endpoint_id.to_string(),
                d.state.as_str().to_string(),
                d.attempts.to_string(),
                or_dash(d.last_status),
                or_dash(d.last_error.as_ref()),
                d.created_at.format("%Y-%m-%d %H:%M:%S UTC").to_string(),
                d.webhook_id.clone(),
            ]
        })
        .collect::<Vec<_>>();
    table::print(
        &[
            "ID",
            "EVENT",
            "ENDPOINT",
            "STATE",
            "ATTEMPTS",
            "STATUS",
            "ERROR",
            "CREATED",
            "WEBHOOK-ID",
        ],
        &rows,
    );
    Ok(())
}

/// `api-tokens create`: the token on stdout, and nothing else; it is never shown again.
async fn api_tokens_create(app: &App, name: &str, scopes: Option<&str>) -> anyhow::Result<()> {
    let (info, token) = app.create_api_token(name, scopes).await?;
    println!("{}", token.expose());
    let scopes: Vec<&str> = info.scopes.iter().map(|s| s.as_str()).collect();
    eprintln!(
        "created API token {:?} with scopes {}; store it now: it is not shown again",
        info.name,
        scopes.join(",")
    );
    Ok(())
}

/// `api-tokens list`
async fn api_tokens_list(app: &App, json: bool) -> anyhow::Result<()> {
    let tokens = app.list_api_tokens().await?;
    let scopes = |t: &crate::domain::TokenInfo| -> Vec<&'static str> {
        t.scopes.iter().map(|s| s.as_str()).collect()
    };
    if json {
        let listed: Vec<serde_json::Value> = tokens
            .iter()
            .map(|t| {
                serde_json::json!({
                    "name": t.name,
                    "scopes": scopes(t),
                    "created_at": t.created_at,
                    "last_used_at": t.last_used_at,
                    "revoked_at": t.revoked_at,
                })
            })
            .collect();
        return table::json(&listed);
    }
    let when = |at: Option<chrono::DateTime<chrono::Utc>>| {
        or_dash(at.map(|at| at.format("%Y-%m-%d %H:%M UTC")))
    };
    let rows = tokens
        .iter()
        .map(|t| {
            vec![
                t.name.clone(),
                scopes(t).join(","),
                when(Some(t.created_at)),
                when(t.last_used_at),
                when(t.revoked_at),
            ]
        })
        .collect::<Vec<_>>();
    table::print(
        &["NAME", "SCOPES", "CREATED", "LAST USED", "REVOKED"],
        &rows,
    );
    Ok(())
}

/// `products add`
async fn products_add(
    app: &App,
    sku: &str,
    name: &str,
    max_seats: Option<i64>,
) -> anyhow::Result<()> {
    let p = app.add_product(sku, name, max_seats).await?;
    println!("added product {} ({})", p.sku, p.name);
    Ok(())
}

/// `products edit SKU [--name NAME] [--max-seats N]`
async fn products_edit(
    app: &App,
    sku: &str,
    name: Option<&str>,
    max_seats: Option<i64>,
) -> anyhow::Result<()> {
    let p = app.edit_product(sku, name, max_seats).await?;
    println!(
        "product {} is now {} (max seats: {})",
        p.sku,
        p.name,
        or_dash(p.max_seats)
    );
    Ok(())
}

/// `guilds list [--json]`
async fn guilds_list(app: &App, json: bool) -> anyhow::Result<()> {
    let guilds = app.list_guilds().await?;
    if json {
        // Snowflakes as strings: JSON readers lose precision past 2^53.
        let listed: Vec<serde_json::Value> = guilds
            .iter()
            .map(|g| {
                serde_json::json!({
                    "id": g.guild.0.to_string(),
                    "name": g.name,
                    "subscriptions": g.subscriptions,
                    "notice_channel": g.notice_channel.map(|c| c.to_string()),
                    "language": g.language,
                })
            })
            .collect();
        return table::json(&listed);
    }
    let rows = guilds
        .iter()
        .map(|g| {
            vec![
                g.guild.0.to_string(),
                or_dash(g.name.as_deref()),
                g.subscriptions.to_string(),
                or_dash(g.notice_channel),
                g.language.clone(),
            ]
        })
        .collect::<Vec<_>>();
    table::print(
        &[
            "GUILD",
            "NAME",
            "SUBSCRIPTIONS",
            "NOTICE CHANNEL",
            "LANGUAGE",
        ],
        &rows,
    );
    Ok(())
}

/// `products list`
async fn products_list(app: &App, json: bool) -> anyhow::Result<()> {
    let products = app.list_products().await?;
    if json {
        return table::json(&products);
    }
    let rows = products
        .iter()
        .map(|p| vec![p.sku.clone(), p.name.clone(), or_dash(p.max_seats)])
        .collect::<Vec<_>>();
    table::print(&["SKU", "NAME", "MAX SEATS"], &rows);
    Ok(())
}

/// `subscriptions create`
async fn subscriptions_create(
    app: &App,
    guild: GuildId,
    product: &str,
    name: &str,
    seats: i64,
    ends: NaiveDate,
) -> anyhow::Result<()> {
    let s = app
        .create_subscription(guild, product, name, seats, ends)
        .await?;
    println!(
        "created subscription {} ({}): {} {}, {} seats, ends {}",
        s.id, s.name, s.product.sku, s.product.name, s.seats, s.ends_on
    );
    Ok(())
}

/// `subscriptions list`
async fn subscriptions_list(app: &App, guild: GuildId, json: bool) -> anyhow::Result<()> {
    let subs = app.list_subscriptions(guild).await?;
    let counts = app.assigned_counts(guild).await?;
    let assigned = |id: i64| counts.get(&id).copied().unwrap_or(0);
    if json {
        let listed: Vec<serde_json::Value> = subs
            .iter()
            .map(|status| {
                let s = &status.subscription;
                serde_json::json!({
                    "id": s.id,
                    "guild": s.guild.0.to_string(),
                    "name": s.name,
                    "product": s.product.sku,
                    "product_name": s.product.name,
                    "seats": s.seats,
                    "assigned": assigned(s.id),
                    "ends_on": s.ends_on,
                    "state": status.state.as_str(),
                })
            })
            .collect();
        return table::json(&listed);
    }
    let rows = subs
        .iter()
        .map(|status| {
            let s = &status.subscription;
            vec![
                s.id.to_string(),
                s.name.clone(),
                s.product.sku.clone(),
                s.seats.to_string(),
                assigned(s.id).to_string(),
                s.ends_on.to_string(),
                status.state.as_str().to_string(),
            ]
        })
        .collect::<Vec<_>>();
    table::print(
        &[
            "ID", "NAME", "PRODUCT", "SEATS", "ASSIGNED", "ENDS", "STATE",
        ],
        &rows,
    );
    Ok(())
}

/// `keys generate`: the new keys, one per line, and nothing else on stdout.
async fn keys_generate(app: &App, batch: &KeyBatch) -> anyhow::Result<()> {
    let keys = app.generate_keys(batch).await?;
    let mut out = String::with_capacity(keys.len() * 30);
    for key in &keys {
        out.push_str(&key.to_string());
        out.push('\n');
    }
    print!("{out}");
    tracing::info!(count = keys.len(), "minted keys");
    Ok(())
}

/// `keys import FILE.csv`
async fn keys_import(app: &App, file: &std::path::Path) -> anyhow::Result<()> {
    let reader =
        std::fs::File::open(file).with_context(|| format!("opening {}", file.display()))?;
    let outcome = app.import_keys(reader).await?;
    let n = outcome.imported();
    let unchanged = match outcome.unchanged() {
        0 => String::new(),
        m => format!("; {m} imported before, unchanged"),
    };
    println!("imported {n} {}{unchanged}", plural(n, "key", "keys"));
    Ok(())
}

/// `keys list`, masked.
async fn keys_list(
    app: &App,
    product: Option<String>,
    batch: Option<String>,
    json: bool,
) -> anyhow::Result<()> {
    let product = product.map(|p| crate::app::normalise_sku(&p)).transpose()?;
    let keys = app
        .list_keys(&KeyFilter {
            product_sku: product,
            batch,
            ..KeyFilter::default()
        })
        .await?;
    if json {
        let listed: Vec<serde_json::Value> = keys
            .iter()
            .map(|k| {
                serde_json::json!({
                    "key": k.key.tail.masked(),
                    "product": k.key.product_sku,
                    "seats": k.key.seats,
                    "term": k.key.term.to_string(),
                    "expires_on": k.key.expires_on,
                    "batch": k.key.batch,
                    "state": k.key.state.as_str(),
                    "redeemed_at": k.redeemed_at,
                    "redeemed_by": k.redeemed_by.as_ref().map(|r| r.user.0.to_string()),
                    "redeemed_in_guild": k.redeemed_by.as_ref().map(|r| r.guild.0.to_string()),
                })
            })
            .collect();
        return table::json(&listed);
    }
    let rows = keys
        .iter()
        .map(|k| {
            vec![
                k.key.tail.masked(),
                k.key.product_sku.clone(),
                k.key.seats.to_string(),
                k.key.term.to_string(),
                or_dash(k.key.expires_on),
                or_dash(k.key.batch.as_ref()),
                k.key.state.as_str().to_string(),
            ]
        })
        .collect::<Vec<_>>();
    table::print(
        &[
            "KEY", "PRODUCT", "SEATS", "TERM", "EXPIRES", "BATCH", "STATE",
        ],
        &rows,
    );
    Ok(())
}

/// `keys revoke (--batch LABEL | KEY... | -)`
async fn keys_revoke(app: &App, batch: Option<&str>, keys: &[String]) -> anyhow::Result<()> {
    let from_stdin;
    let keys = if keys.iter().any(|k| k == STDIN) {
        anyhow::ensure!(
            keys.len() == 1,
            "`-` reads the keys from standard input: give it alone"
        );
        from_stdin = keys_from_stdin()?;
        &from_stdin
    } else {
        keys
    };
    let results = app.revoke_keys(batch, keys).await?;
    let n = results.iter().filter(|k| k.changed).count();
    let mut others = Vec::new();
    for (result, what) in [
        (Revocation::AlreadyRedeemed, "already redeemed"),
        (Revocation::Unknown, "unknown"),
    ] {
        let count = results.iter().filter(|k| k.result == result).count();
        if count > 0 {
            others.push(format!("{count} {what}"));
        }
    }
    let others = if others.is_empty() {
        String::new()
    } else {
        format!("; {}", others.join(", "))
    };
    println!("revoked {n} {}{others}", plural(n, "key", "keys"));
    Ok(())
}

/// The argument that stands for standard input.
pub(super) const STDIN: &str = "-";

/// The keys on standard input, as people paste them: one per line, or separated by
/// spaces or commas, each dashed or not.
pub(super) fn keys_from_stdin() -> anyhow::Result<Vec<String>> {
    use std::io::Read as _;
    let mut text = String::new();
    std::io::stdin()
        .read_to_string(&mut text)
        .context("reading keys from standard input")?;
    let keys: Vec<String> = split_keys(&text).into_iter().map(|c| c.typed).collect();
    anyhow::ensure!(!keys.is_empty(), "no keys on standard input");
    Ok(keys)
}

/// `redemptions list`
async fn redemptions_list(app: &App, guild: GuildId, json: bool) -> anyhow::Result<()> {
    let list = app.list_redemptions(guild).await?;
    let reversals = super::refunds::guild_reversals(app, guild).await?;
    if json {
        return super::refunds::print_ledger_json(&list, &reversals);
    }
    let mut rows = list
        .iter()
        .map(|r| {
            let change = match r.kind {
                OrderKind::Extend => format!("{} -> {}", or_dash(r.ends_before), r.ends_after),
                OrderKind::AddLicenses => {
                    format!("{} -> {} seats", or_dash(r.seats_before), r.seats_after)
                }
                // Nothing before: the redemption started the subscription.
                OrderKind::Activate => {
                    format!("new: {} seats until {}", r.seats_after, r.ends_after)
                }
            };
            (
                r.redeemed_at,
                vec![
                    r.id.to_string(),
                    r.redeemed_at.format("%Y-%m-%d %H:%M:%S UTC").to_string(),
                    r.user_id.to_string(),
                    r.subscription_name.clone(),
                    r.kind.to_string(),
                    change,
                    r.key_count.to_string(),
                ],
            )
        })
        .collect::<Vec<_>>();
    rows.extend(reversals.iter().map(super::refunds::ledger_row));
    // Newest first, redemptions and reversals together.
    rows.sort_by_key(|row| std::cmp::Reverse(row.0));
    let rows: Vec<Vec<String>> = rows.into_iter().map(|(_, row)| row).collect();
    table::print(
        &["ID", "AT", "USER", "SUBSCRIPTION", "KIND", "CHANGE", "KEYS"],
        &rows,
    );
    Ok(())
}

/// `audit list`
async fn audit_list(app: &App, guild: Option<GuildId>, json: bool) -> anyhow::Result<()> {
    let list = app.list_attempts(guild).await?;
    if json {
        return table::json(&list);
    }
    let rows = list
        .iter()
        .map(|a| {
            vec![
                a.at.format("%Y-%m-%d %H:%M:%S UTC").to_string(),
                a.guild_id.to_string(),
                a.user_id.to_string(),
                a.tail
                    .as_deref()
                    .map(|t| format!("…{t}"))
                    .unwrap_or_else(|| "-".into()),
                a.cause.to_string(),
            ]
        })
        .collect::<Vec<_>>();
    table::print(&["AT", "GUILD", "USER", "KEY", "CAUSE"], &rows);
    Ok(())
}

/// `licenses list`: who holds which license (with `--history`, also those that ended).
async fn licenses_list(
    app: &App,
    guild: GuildId,
    subscription: Option<&str>,
    history: bool,
    json: bool,
) -> anyhow::Result<()> {
    let reference = subscription.map(|name| SubscriptionRef::Name(name.trim().to_string()));
    let spans = app
        .list_licenses(guild, reference.as_ref(), history)
        .await
        .map_err(cli_error)?;
    if json {
        let listed: Vec<serde_json::Value> = spans
            .iter()
            .map(|l| {
                let mut row = serde_json::json!({
                    "subscription": l.subscription,
                    "subscription_id": l.subscription_id,
                    "user_id": l.user.0.to_string(),
                    "assigned_by": l.assigned_by.0.to_string(),
                    "assigned_at": l.assigned_at,
                    "assigned_via": l.assigned_via,
                });
                if history {
                    row["unassigned_by"] =
                        serde_json::json!(l.unassigned_by.map(|u| u.0.to_string()));
                    row["unassigned_at"] = serde_json::json!(l.unassigned_at);
                    row["reason"] = serde_json::json!(l.unassigned_reason);
                }
                row
            })
            .collect();
        return table::json(&listed);
    }
    let time = |at: chrono::DateTime<chrono::Utc>| at.format("%Y-%m-%d %H:%M:%S UTC").to_string();
    let rows = spans
        .iter()
        .map(|l| {
            let mut row = vec![
                l.subscription.clone(),
                l.user.0.to_string(),
                who(l.assigned_by),
                time(l.assigned_at),
                l.assigned_via.to_string(),
            ];
            if history {
                row.push(or_dash(l.unassigned_at.map(time)));
                row.push(or_dash(l.unassigned_reason));
            }
            row
        })
        .collect::<Vec<_>>();
    let mut headers = vec!["SUBSCRIPTION", "USER", "ASSIGNED BY", "ASSIGNED AT", "VIA"];
    if history {
        headers.extend(["UNASSIGNED AT", "REASON"]);
    }
    table::print(&headers, &rows);
    Ok(())
}

/// Who assigned a license, for a table: a user id, or the operator.
fn who(user: UserId) -> String {
    if user == OPERATOR {
        "operator".into()
    } else {
        user.0.to_string()
    }
}

/// `licenses assign|unassign`, by the operator, under the same rules as in Discord. Before
/// assigning, Discord is asked whether the user is a member and a bot, when it can be (with
/// `DISCORD_TOKEN`); if not, the license is assigned and a note says what was not checked.
async fn licenses_change(app: &App, args: &LicenseArgs, assign: bool) -> anyhow::Result<()> {
    let (guild, member) = (GuildId(args.guild), UserId(args.user));
    let subscription = SubscriptionRef::Name(args.subscription.trim().to_string());
    let mut unchecked = None;
    let change: LicenseChange = if assign {
        let member_is_bot = match boot::check_member(guild, member).await {
            boot::MemberCheck::Member { bot } => bot,
            boot::MemberCheck::NotAMember => {
                anyhow::bail!(refusal_text(&LicenseRefusal::NotAMember { member }))
            }
            boot::MemberCheck::NotChecked(why) => {
                unchecked = Some(why);
                false
            }
        };
        app.assign_license(AssignLicense {
            guild,
            subscription,
            member,
            member_is_bot,
            by: OPERATOR,
        })
        .await
    } else {
        app.unassign_license(UnassignLicense {
            guild,
            subscription,
            member,
            by: OPERATOR,
        })
        .await
    }
    .map_err(cli_error)?;
    let s = &change.subscription;
    let counted = format!("{} of {} assigned", change.assigned, s.seats);
    if assign {
        println!(
            "assigned a license of {} to {}: {counted}",
            s.name, member.0
        );
        if let Some(why) = unchecked {
            eprintln!(
                "note: not checked that {} is a member of the guild and not a bot ({why})",
                member.0
            );
        }
    } else {
        println!("unassigned {}'s license of {}: {counted}", member.0, s.name);
    }
    Ok(())
}

/// A refusal as one line for the operator; anything else as it is.
pub(super) fn cli_error(e: AppError) -> anyhow::Error {
    match e {
        AppError::User(UserError::SubscriptionNotFound) => {
            anyhow::anyhow!("this guild has no such subscription")
        }
        AppError::User(UserError::License(refusal)) => anyhow::anyhow!(refusal_text(&refusal)),
        AppError::User(UserError::Suspended { subscription }) => {
            anyhow::anyhow!("{subscription} is suspended by the vendor; resume it first")
        }
        AppError::User(other) => anyhow::anyhow!("refused: {other:?}"),
        AppError::Internal(e) => e,
    }
}

fn refusal_text(refusal: &LicenseRefusal) -> String {
    match refusal {
        LicenseRefusal::BotUser { member } => {
            format!("{} is a bot; bots hold no licenses", member.0)
        }
        LicenseRefusal::NotAMember { member } => {
            format!("{} is not a member of the guild", member.0)
        }
        LicenseRefusal::WrongState {
            subscription,
            state,
        } => format!("{subscription} is {state}: no licenses can be assigned"),
        LicenseRefusal::AlreadyAssigned {
            subscription,
            member,
        } => {
            format!("{} already holds a license of {subscription}", member.0)
        }
        LicenseRefusal::NoFreeLicense {
            subscription,
            seats,
        } => format!(
            "all {seats} licenses of {subscription} are assigned; add licenses or unassign someone"
        ),
        LicenseRefusal::NotAssigned {
            subscription,
            member,
        } => {
            format!(
                "{} holds no license of {subscription}; nothing was changed",
                member.0
            )
        }
        other => format!("refused: {other:?}"),
    }
}

fn plural<'a>(n: usize, one: &'a str, many: &'a str) -> &'a str {
    if n == 1 {
        one
    } else {
        many
    }
}

/// A value for a table cell, or `-`.
fn or_dash<T: ToString>(value: Option<T>) -> String {
    value.map_or_else(|| "-".into(), |v| v.to_string())
}
