//! Taking back what was sold, from the command line: `keys reverse`.

use chrono::{DateTime, Utc};

use super::commands::{keys_from_stdin, STDIN};
use crate::{
    app::{App, ReversalEntry, ReversalFilter, SubscriptionRef, Suspension},
    domain::{records::GuildId, ReversalResult},
};

/// `licensebot keys reverse (--batch LABEL | KEY... | -) [--reason TEXT]`: one line per key
/// (masked) with what it came to, then a count.
pub(super) async fn keys_reverse(
    app: &App,
    batch: Option<&str>,
    keys: &[String],
    reason: Option<&str>,
) -> anyhow::Result<()> {
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
    let results = app.reverse_keys(batch, keys, reason).await?;
    for key in &results {
        let released = if key.released.is_empty() {
            String::new()
        } else {
            let ids: Vec<String> = key.released.iter().map(|u| u.0.to_string()).collect();
            format!(" (released the licenses of {})", ids.join(", "))
        };
        println!("{}  {}{released}", key.tail.masked(), key.result.as_str());
    }
    let n = results
        .iter()
        .filter(|k| k.result == ReversalResult::Reversed)
        .count();
    println!("reversed {n} {}", if n == 1 { "key" } else { "keys" });
    Ok(())
}

/// A guild's reversals, newest first (all of them).
pub(super) async fn guild_reversals(
    app: &App,
    guild: GuildId,
) -> anyhow::Result<Vec<ReversalEntry>> {
    app.list_reversals(ReversalFilter {
        guild: Some(guild),
        subscription_id: None,
        after_id: None,
        limit: i64::MAX,
        newest_first: true,
    })
    .await
}

/// A reversal as a row of `redemptions list`: ID `r<id>`, no user (the vendor did it), kind
/// `reversal`, the change, the key's tail.
pub(super) fn ledger_row(r: &ReversalEntry) -> (DateTime<Utc>, Vec<String>) {
    let mut change = Vec::new();
    if r.seats_after != r.seats_before {
        change.push(format!("{} -> {} seats", r.seats_before, r.seats_after));
    }
    if r.ends_after != r.ends_before {
        change.push(format!("{} -> {}", r.ends_before, r.ends_after));
    }
    (
        r.reversed_at,
        vec![
            format!("r{}", r.id),
            r.reversed_at.format("%Y-%m-%d %H:%M:%S UTC").to_string(),
            "-".into(),
            r.subscription_name.clone(),
            "reversal".into(),
            if change.is_empty() {
                "-".into()
            } else {
                change.join(", ")
            },
            r.tail.masked(),
        ],
    )
}

/// `redemptions list --json`: the redemptions as before, and the reversals, each an object
/// with `kind: "reversal"`, newest first together.
pub(super) fn print_ledger_json(
    redemptions: &[crate::domain::records::Redemption],
    reversals: &[ReversalEntry],
) -> anyhow::Result<()> {
    let mut entries: Vec<(DateTime<Utc>, serde_json::Value)> = redemptions
        .iter()
        .map(|r| Ok((r.redeemed_at, serde_json::to_value(r)?)))
        .collect::<anyhow::Result<_>>()?;
    entries.extend(reversals.iter().map(|r| {
        (
            r.reversed_at,
            serde_json::json!({
                "kind": "reversal",
                "id": r.id,
                "guild_id": r.guild.0,
                "subscription_id": r.subscription_id,
                "subscription_name": r.subscription_name,
                "redemption_id": r.redemption_id,
                "key": r.tail.masked(),
                "reason": r.reason,
                "seats_before": r.seats_before,
                "seats_after": r.seats_after,
                "ends_before": r.ends_before,
                "ends_after": r.ends_after,
                "released": r.released.iter().map(|u| u.0.to_string()).collect::<Vec<_>>(),
                "reversed_at": r.reversed_at,
            }),
        )
    }));
    entries.sort_by_key(|entry| std::cmp::Reverse(entry.0));
    let values: Vec<serde_json::Value> = entries.into_iter().map(|(_, v)| v).collect();
    println!("{}", serde_json::to_string_pretty(&values)?);
    Ok(())
}

/// `licensebot subscriptions suspend|resume --guild ID --subscription NAME [--reason TEXT]`.
pub(super) async fn subscriptions_suspension(
    app: &App,
    args: super::SuspensionArgs,
    what: Suspension,
) -> anyhow::Result<()> {
    let change = app
        .set_suspension(
            GuildId(args.guild),
            &SubscriptionRef::Name(args.subscription.trim().to_string()),
            what,
            args.reason.as_deref(),
        )
        .await
        .map_err(super::commands::cli_error)?;
    let name = &change.subscription.name;
    match (what, change.changed) {
        (Suspension::Suspend, true) => println!("suspended {name}"),
        (Suspension::Suspend, false) => println!("{name} was suspended already; nothing changed"),
        (Suspension::Resume, true) => println!("resumed {name}: {}", change.state),
        (Suspension::Resume, false) => println!("{name} was not suspended; nothing changed"),
    }
    Ok(())
}

/// `licensebot keys show (KEY... | -) [--json]`: what each key is and where it went, masked.
pub(super) async fn keys_show(app: &App, keys: &[String], json: bool) -> anyhow::Result<()> {
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
    let found = app.lookup_keys(keys).await?;
    if json {
        let values: Vec<serde_json::Value> = found
            .iter()
            .map(|k| {
                serde_json::json!({
                    "key": k.tail.masked(),
                    "state": k.state.as_str(),
                    "product": k.key.as_ref().map(|s| &s.product_sku),
                    "seats": k.key.as_ref().map(|s| s.seats),
                    "term": k.key.as_ref().map(|s| s.term.to_string()),
                    "batch": k.key.as_ref().and_then(|s| s.batch.as_ref()),
                    "reference": k.key.as_ref().and_then(|s| s.reference.as_ref()),
                    "created": k.key.as_ref().map(|s| s.created_at),
                    "went_to": k.went_to.as_ref().map(|w| serde_json::json!({
                        "guild": w.guild.0.to_string(),
                        "subscription": {"id": w.subscription_id, "name": w.subscription_name},
                        "user": w.user.0.to_string(),
                        "at": w.at,
                    })),
                })
            })
            .collect();
        println!("{}", serde_json::to_string_pretty(&values)?);
        return Ok(());
    }
    let rows: Vec<Vec<String>> = found
        .iter()
        .map(|k| {
            let dash = || "-".to_string();
            vec![
                k.tail.masked(),
                k.state.as_str().to_owned(),
                k.key.as_ref().map_or_else(dash, |s| s.product_sku.clone()),
                k.key.as_ref().map_or_else(dash, |s| s.seats.to_string()),
                k.key.as_ref().map_or_else(dash, |s| s.term.to_string()),
                k.key
                    .as_ref()
                    .and_then(|s| s.batch.clone())
                    .unwrap_or_else(dash),
                k.key
                    .as_ref()
                    .and_then(|s| s.reference.clone())
                    .unwrap_or_else(dash),
                k.went_to.as_ref().map_or_else(dash, |w| {
                    format!(
                        "guild {} / {} (#{}) by {} at {}",
                        w.guild.0,
                        w.subscription_name,
                        w.subscription_id,
                        w.user.0,
                        w.at.format("%Y-%m-%d %H:%M:%S UTC")
                    )
                }),
            ]
        })
        .collect();
    super::table::print(
        &[
            "KEY",
            "STATE",
            "PRODUCT",
            "SEATS",
            "TERM",
            "BATCH",
            "REFERENCE",
            "WENT TO",
        ],
        &rows,
    );
    Ok(())
}
