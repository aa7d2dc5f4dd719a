//! The walkthrough (`cargo run --example walkthrough`) runs, against a fresh test database,
//! and its transcript shows every step of the admin's session, without a product key.

#[path = "../walkthrough/session.rs"]
mod session;

use chrono::{Months, NaiveDate};

/// The date that follows `label` in `text`, e.g. the `YYYY-MM-DD` after "· ends ".
fn date_after(text: &str, label: &str) -> NaiveDate {
    text.split_once(label)
        .and_then(|(_, rest)| rest.get(..10))
        .and_then(|date| date.parse().ok())
        .unwrap_or_else(|| panic!("no date after {label:?} in:\n{text}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_walkthrough_shows_every_step_of_the_session_and_no_product_key() {
    let _ = tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "warn".into()),
        )
        .with_test_writer()
        .try_init();
    let db = crate::support::db::TestDb::new().await;
    let mut out = Vec::new();
    let transcript = session::play(Some(db.url.clone()), &mut out)
        .await
        .expect("the walkthrough runs");
    let text = &transcript.text;
    assert_eq!(
        String::from_utf8(out).unwrap(),
        *text,
        "what was printed is the transcript"
    );
    assert!(transcript.problems.is_empty(), "{:?}", transcript.problems);
    let has = |needle: &str| {
        assert!(text.contains(needle), "missing {needle:?} in:\n{text}");
    };
    let keys = &transcript.minted_keys;
    let masked = |key: &str| format!("•••••-•••••-•••••-•••••-{}", &key[key.len() - 5..]);

    has("database: postgres://");
    // Its languages, each with its own command names.
    has("licensebot speaks English, Dutch, German, French, Spanish, Brazilian Portuguese, Italian and Polish");
    has("de /lizenzen-hinzufügen");
    has("pl /dodaj-licencje");
    // The operator's set-up: a product and keys, masked; no subscription.
    has("$ licensebot products add --sku BUSINESS-STANDARD");
    has("$ licensebot keys generate");
    assert!(
        !text.contains("subscriptions create"),
        "the admin starts the subscription:\n{text}"
    );
    for key in keys {
        has(&format!("{}   # printed in full; masked here", masked(key)));
    }
    // /settings notices, and its greeting in the notice channel.
    has("ana ▸ /settings notices channel:#licenses");
    has("Notices will be posted in #licenses.");
    has("── #licenses · Contoso Ltd");
    has("licensebot will post redemption and subscription notices in this channel.");
    // /settings show: the set-up as a checklist, every line ticked.
    has("ana ▸ /settings show");
    has("licensebot's set-up in this server");
    has("✅ Notices are posted in #licenses.");
    has("✅ No manager role: members with Manage Server use licensebot.");
    has("✅ No notices are waiting for a channel.");
    // /subscriptions: none yet.
    has("ana ▸ /subscriptions");
    has("Your products");
    has("This server has no subscriptions yet. Start one with /activate");
    // /activate: the review of the new subscription, the receipt, the notice.
    has(&format!(
        "ana ▸ /activate name:Contoso keys:{}",
        masked(&keys[0])
    ));
    has("Review your order: new subscription");
    let ends = date_after(
        text,
        "New subscription *Contoso* · Business Standard · 50 licenses · ends ",
    );
    let started_on = date_after(text, "12 months from today, ");
    assert_eq!(ends, started_on + Months::new(12), "exactly 12 months");
    has(&format!(
        "End date: {ends} (12 months from today, {started_on})"
    ));
    has("1 product key redeemed: *Contoso* has started.");
    has(&format!(
        "@ana started *Contoso* (Business Standard): 50 licenses until {ends}, 1 product key."
    ));
    // /subscriptions again: the new subscription.
    has(&format!(
        "Contoso: Business Standard · 0 of 50 assigned · ends {ends}"
    ));
    // Autocomplete, then the mistyped key: refused, naming the position.
    has("licensebot suggests “Contoso · Business Standard · 0 of 50 assigned”");
    has(&format!(
        "keys:•••••-•0•••-•••••-•••••-{}",
        &keys[1][keys[1].len() - 5..]
    ));
    has("isn't a valid product key: character 7 ('0') is never used in product keys.");
    has("Nothing was changed.");
    // The review: masked key, before → after, the three buttons.
    has("licensebot (only you can see this) ▸");
    has("Review your order: add licenses");
    has(&format!("`{}` · 10 licenses · 12 months", masked(&keys[1])));
    has("Licenses: 50 → 60");
    has("┃   Contoso (Business Standard)\n  ┃   0 of 50 assigned");
    has("[Redeem] [Add another product key] [Cancel]");
    // The modal, and the review with both keys.
    has("ana clicks [Add another product key]");
    has("licensebot opens a form “Add another product key”");
    has("Product keys (several lines, required)");
    has(&format!(
        "ana types {} into",
        masked(&keys[2]).to_lowercase()
    ));
    has("licensebot updates the message (only you can see this) ▸");
    has(&format!("`{}` · 15 licenses · 12 months", masked(&keys[2])));
    has("Licenses: 50 → 75");
    // The receipt.
    has("ana clicks [Redeem]");
    has("✅ Redeemed");
    has("2 product keys redeemed on *Contoso*.");
    // /extend: the pooled seat-time arithmetic, from the end date the activation gave.
    let days_in_term = (ends + Months::new(12) - ends).num_days();
    let days = 25 * days_in_term / 75;
    let after = ends + chrono::Days::new(days as u64);
    has("Review your order: extend end date");
    has(&format!(
        "25 × {days_in_term} days = {} license-days ÷ 75 licenses = {days} days (rounded down)",
        25 * days_in_term
    ));
    has(&format!("End date: {ends} → {after}"));
    has("1 product key redeemed on *Contoso*.");
    // /redemptions, newest first.
    has("ana ▸ /redemptions");
    has("Redemptions");
    let extend_line = text
        .find(&format!(
            "@ana · *Contoso* · end date {ends} → {after} · 1 product key"
        ))
        .unwrap_or_else(|| panic!("the extension in the ledger:\n{text}"));
    let add_line = text
        .rfind("@ana · *Contoso* · 50 → 75 licenses · 2 product keys")
        .unwrap_or_else(|| panic!("the added licenses in the ledger:\n{text}"));
    let activate_line = text
        .rfind(&format!(
            "@ana · *Contoso* · started: 50 licenses until {ends} · 1 product key"
        ))
        .unwrap_or_else(|| panic!("the activation in the ledger:\n{text}"));
    assert!(
        extend_line < add_line && add_line < activate_line,
        "newest first:\n{text}"
    );
    has("Page 1 of 1");
    has("[Newer (disabled)] [Older (disabled)]");
    // The notices, in the notice channel, as they arrived.
    let notice_add = "@ana added 25 licenses to *Contoso*: 50 → 75 licenses (2 product keys).";
    let notice_extend =
        format!("@ana extended *Contoso*: end date {ends} → {after} (1 product key).");
    has(notice_add);
    has(&notice_extend);
    // Licenses for people: a linked role, two assigned, one approved on request, none left.
    has("(in Discord, the server gives licensebot Manage Roles and drags its role above @Design licenses)");
    has(&format!(
        "ana ▸ /activate name:Contoso Design keys:{}",
        masked(&keys[4])
    ));
    has("@ana started *Contoso Design* (Business Standard): 3 licenses until");
    has("ana ▸ /settings license-role subscription:Contoso Design role:@Design licenses");
    has("Members holding a license of *Contoso Design* will carry @Design licenses while it is active or expired.");
    has("@bob now holds a license of *Contoso Design*: 1 of 3 assigned.");
    has("@carol now holds a license of *Contoso Design*: 2 of 3 assigned.");
    has("dave ▸ /request-license subscription:Contoso Design");
    has("@dave asks for a license of *Contoso Design* (Business Standard).\n  [Approve] [Deny]");
    has("Approved: @dave now holds a license of *Contoso Design* (3 of 3 assigned).");
    has("licensebot updates the request ▸");
    has("✅ Approved by @ana at");
    has("The last free license of *Contoso Design* was just assigned: all 3 are in use.");
    has("── direct message to @dave");
    has("Your request for a license of *Contoso Design* was approved by @ana.");
    has("All 3 licenses of *Contoso Design* are assigned. Add licenses with /add-licenses or unassign someone.");
    has("@dave · since");
    has("approved by @ana on request");
    has("── members' roles in Discord");
    has("@bob: @Design licenses\n@carol: @Design licenses\n@dave: @Design licenses\n@erin: (none)");
    // The refund: one more license, assigned to erin, then the vendor reverses its key.
    has("$ licensebot keys reverse");
    has("The vendor reversed the product key ending in `");
    has("*Contoso Design* now has 3 licenses, was 4. The license of @erin was released to fit.");
    assert_eq!(
        text.matches("@bob: @Design licenses\n@carol: @Design licenses\n@dave: @Design licenses\n@erin: (none)").count(),
        2,
        "erin, assigned last, lost the license and the role:\n{text}"
    );
    has("key ending in `");
    assert!(
        !text.contains("refund, order 1042") || text.contains("--reason \"refund, order 1042\""),
        "the reason stays out of Discord:\n{text}"
    );
    assert_eq!(
        text.matches("Approved: @dave").count(),
        1,
        "the answer to the click is shown once:\n{text}"
    );
    let notices_header = text.matches("── #licenses · Contoso Ltd").count();
    assert_eq!(
        notices_header, 9,
        "greeting, the two activations, two redemptions, the request and what followed, the \
         added license and erin's, the refund:\n{text}"
    );
    // Readable: no Discord markup left, no key in full.
    for markup in ["<@", "<#", "<t:"] {
        assert!(!text.contains(markup), "{markup} left in:\n{text}");
    }
    for key in keys {
        let lower = text.to_lowercase();
        let compact = key.replace('-', "").to_lowercase();
        assert!(
            !lower.contains(&key.to_lowercase()) && !lower.contains(&compact),
            "a full product key in the transcript"
        );
    }
}
