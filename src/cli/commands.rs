//! What each operator command does.

use anyhow::Context as _;

use super::{
    table, AuditCommand, Cli, Command, KeysCommand, ProductsCommand, RedemptionsCommand,
    SubscriptionsCommand,
};
use crate::{
    app::{App, KeyBatch},
    config::Settings,
    domain::{records::GuildId, LifecycleState, OrderKind},
    store::{KeyFilter, RedemptionFilter},
};

/// Runs a parsed command line to completion.
pub async fn execute(cli: Cli, settings: Settings) -> anyhow::Result<()> {
    let command = cli.command.unwrap_or(Command::Run(Default::default()));
    if let Command::Run(args) = command {
        let layout = crate::discord::layout::Layout::resolve(&args.layout(), &settings)?;
        return crate::discord::run(settings, args.guild, layout).await;
    }
    let db = super::open_database(&settings).await?;
    let app = App::new(db.store.clone(), settings);
    let result = operate(&app, command).await;
    db.close().await;
    result
}

async fn operate(app: &App, command: Command) -> anyhow::Result<()> {
    match command {
        Command::Run(_) => unreachable!("handled by execute"),
        Command::Migrate => {
            println!("database schema is up to date");
        }
        Command::Products(ProductsCommand::Add {
            sku,
            name,
            max_seats,
        }) => {
            let p = app.add_product(&sku, &name, max_seats).await?;
            println!("added product {} ({})", p.sku, p.name);
        }
        Command::Products(ProductsCommand::List { json }) => {
            let products = app.store.list_products().await?;
            if json {
                return table::json(&products);
            }
            let rows = products
                .iter()
                .map(|p| {
                    vec![
                        p.sku.clone(),
                        p.name.clone(),
                        p.max_seats
                            .map(|m| m.to_string())
                            .unwrap_or_else(|| "-".into()),
                    ]
                })
                .collect::<Vec<_>>();
            table::print(&["SKU", "NAME", "MAX SEATS"], &rows);
        }
        Command::Subscriptions(SubscriptionsCommand::Create {
            guild,
            product,
            name,
            seats,
            ends,
        }) => {
            let s = app
                .create_subscription(GuildId(guild), &product, &name, seats, ends)
                .await?;
            println!(
                "created subscription {} ({}): {} {}, {} seats, ends {}",
                s.id, s.name, s.product.sku, s.product.name, s.seats, s.ends_on
            );
        }
        Command::Subscriptions(SubscriptionsCommand::List { guild, json }) => {
            let today = app.clock.today();
            let subs = app.store.list_subscriptions(GuildId(guild)).await?;
            let listed: Vec<serde_json::Value> = subs
                .iter()
                .map(|s| {
                    serde_json::json!({
                        "id": s.id,
                        "guild": s.guild.0.to_string(),
                        "name": s.name,
                        "product": s.product.sku,
                        "product_name": s.product.name,
                        "seats": s.seats,
                        "ends_on": s.ends_on,
                        "state": LifecycleState::on(s.ends_on, today, app.settings.periods()).as_str(),
                    })
                })
                .collect();
            if json {
                return table::json(&listed);
            }
            let rows = subs
                .iter()
                .map(|s| {
                    vec![
                        s.id.to_string(),
                        s.name.clone(),
                        s.product.sku.clone(),
                        s.seats.to_string(),
                        s.ends_on.to_string(),
                        LifecycleState::on(s.ends_on, today, app.settings.periods())
                            .as_str()
                            .to_string(),
                    ]
                })
                .collect::<Vec<_>>();
            table::print(&["ID", "NAME", "PRODUCT", "SEATS", "ENDS", "STATE"], &rows);
        }
        Command::Keys(KeysCommand::Generate {
            product,
            seats,
            term,
            count,
            batch,
            expires,
        }) => {
            let keys = app
                .generate_keys(&KeyBatch {
                    product_sku: product,
                    seats,
                    term,
                    count,
                    batch,
                    expires_on: expires,
                })
                .await?;
            let mut out = String::with_capacity(keys.len() * 30);
            for key in &keys {
                out.push_str(&key.to_string());
                out.push('\n');
            }
            print!("{out}");
            tracing::info!(count = keys.len(), "minted keys");
        }
        Command::Keys(KeysCommand::Import { file }) => {
            let reader = std::fs::File::open(&file)
                .with_context(|| format!("opening {}", file.display()))?;
            let n = app.import_keys(reader).await?;
            println!("imported {n} {}", if n == 1 { "key" } else { "keys" });
        }
        Command::Keys(KeysCommand::List {
            product,
            batch,
            json,
        }) => {
            let product = product.map(|p| crate::app::normalise_sku(&p)).transpose()?;
            let keys = app
                .list_keys(&KeyFilter {
                    product_sku: product,
                    batch,
                })
                .await?;
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
            if json {
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
                        k.key
                            .expires_on
                            .map(|d| d.to_string())
                            .unwrap_or_else(|| "-".into()),
                        k.key.batch.clone().unwrap_or_else(|| "-".into()),
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
        }
        Command::Keys(KeysCommand::Revoke { batch, keys }) => {
            let n = app.revoke_keys(batch.as_deref(), &keys).await?;
            println!("revoked {n} {}", if n == 1 { "key" } else { "keys" });
        }
        Command::Redemptions(RedemptionsCommand::List { guild, json }) => {
            let list = app
                .store
                .list_redemptions(RedemptionFilter {
                    guild: Some(GuildId(guild)),
                    subscription_id: None,
                    limit: i64::MAX,
                    offset: 0,
                })
                .await?;
            if json {
                return table::json(&list);
            }
            let rows = list
                .iter()
                .map(|r| {
                    let change = if r.kind == OrderKind::Extend {
                        format!("{} -> {}", r.ends_before, r.ends_after)
                    } else {
                        format!("{} -> {} seats", r.seats_before, r.seats_after)
                    };
                    vec![
                        r.id.to_string(),
                        r.redeemed_at.format("%Y-%m-%d %H:%M:%S UTC").to_string(),
                        r.user_id.to_string(),
                        r.subscription_name.clone(),
                        r.kind.to_string(),
                        change,
                        r.key_count.to_string(),
                    ]
                })
                .collect::<Vec<_>>();
            table::print(
                &["ID", "AT", "USER", "SUBSCRIPTION", "KIND", "CHANGE", "KEYS"],
                &rows,
            );
        }
        Command::Audit(AuditCommand::List { guild, json }) => {
            let list = app.store.list_attempts(guild.map(GuildId)).await?;
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
        }
    }
    Ok(())
}
