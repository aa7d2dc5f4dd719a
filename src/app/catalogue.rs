//! The operator's and the shop's use cases: products, subscriptions, minting, importing,
//! listing and revoking keys. The command line and the API both come here, so a key, a
//! product or a row of an import follows the same rules whichever way it arrives.

use std::collections::{HashMap, HashSet};

use anyhow::{anyhow, bail};
use chrono::{DateTime, NaiveDate, Utc};

use super::{error::InputError, App};
use crate::domain::{
    catalogue::{
        check_seats, normalise_batch, normalise_product_name, normalise_reference, normalise_sku,
        normalise_subscription_name, CatalogueError, MAX_SEATS,
    },
    records::{GuildId, KeyState, Product, Revocation, StoredKey, Subscription},
    KeyDigest, KeyTail, ProductKey, Term, TermError, WebhookEvent,
};
use crate::store::{IdempotencyClaim, KeyFilter, KeyListing, MintWrite, NewKey, NewSubscription};

/// Keys to mint.
#[derive(Debug, Clone)]
pub struct KeyBatch {
    pub product_sku: String,
    pub seats: i64,
    pub term: Term,
    pub count: usize,
    pub batch: Option<String>,
    pub expires_on: Option<NaiveDate>,
}

/// A CSV row that could not be imported; nothing was imported.
#[derive(Debug, thiserror::Error)]
#[error("line {line}: {reason}")]
pub struct ImportError {
    pub line: u64,
    pub reason: String,
}

/// A row of a key import, as the API's JSON gives it (a CSV line is read into the same).
#[derive(Debug, Clone)]
pub struct KeyRow {
    pub key: String,
    pub product: String,
    pub seats: i64,
    pub term: String,
    pub expires_on: Option<NaiveDate>,
    pub batch: Option<String>,
    /// The shop's reference (its order id).
    pub reference: Option<String>,
}

/// What an import did, row by row: each key (its tail) and whether it was new.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportOutcome {
    pub keys: Vec<ImportedKey>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportedKey {
    pub tail: KeyTail,
    /// `false`: the key was imported before, with the same attributes, and left alone.
    pub fresh: bool,
}

impl ImportOutcome {
    /// Keys stored by this import.
    pub fn imported(&self) -> usize {
        self.keys.iter().filter(|k| k.fresh).count()
    }

    /// Keys imported before, identically, and left alone.
    pub fn unchanged(&self) -> usize {
        self.keys.len() - self.imported()
    }
}

/// What a mint came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Minted {
    /// New keys: the only time they exist outside the shop's hands and licensebot's memory.
    New {
        batch: Option<String>,
        keys: Vec<ProductKey>,
    },
    /// The idempotency key minted this batch within the last 24 hours; nothing was minted.
    Replayed {
        batch: String,
        minted_at: DateTime<Utc>,
    },
    /// The idempotency key was used within the last 24 hours for another request (another
    /// product, seats, term, count, batch or expiry): nothing was minted, and the first
    /// request's batch is not named.
    Mismatch,
}

/// An `Idempotency-Key` sent with a mint, and the API token that sent it.
#[derive(Debug, Clone, Copy)]
pub struct Idempotency<'a> {
    pub key: &'a str,
    pub token_id: i64,
}

/// One key of a revocation: its tail, and what revoking it came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RevokedKey {
    pub tail: KeyTail,
    pub result: Revocation,
    /// This revocation revoked it (it was available until now).
    pub changed: bool,
}

const MAX_GENERATE: usize = 100_000;

/// How long an `Idempotency-Key` holds its batch.
const IDEMPOTENCY_HOURS: i64 = 24;

/// The field of an import row that a refusal is about, as the API spells it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum RowField {
    Key,
    Product,
    Seats,
    Term,
    Batch,
    Reference,
}

impl RowField {
    fn as_str(self) -> &'static str {
        match self {
            RowField::Key => "key",
            RowField::Product => "product",
            RowField::Seats => "seats",
            RowField::Term => "term",
            RowField::Batch => "batch",
            RowField::Reference => "reference",
        }
    }
}

/// Why a row of an import is refused.
#[derive(Debug)]
struct RowError {
    field: RowField,
    reason: String,
}

impl RowError {
    fn new(field: RowField, reason: impl std::fmt::Display) -> RowError {
        RowError {
            field,
            reason: reason.to_string(),
        }
    }
}

/// The fields of one import row once typed: what both a CSV line and the API give.
struct RowFields<'r> {
    key: &'r str,
    product: &'r str,
    seats: i64,
    term: &'r str,
    expires_on: Option<NaiveDate>,
    batch: Option<&'r str>,
    reference: Option<&'r str>,
}

impl App {
    pub async fn add_product(
        &self,
        sku: &str,
        name: &str,
        max_seats: Option<i64>,
    ) -> anyhow::Result<Product> {
        let sku = normalise_sku(sku)
            .map_err(|e| InputError::invalid("sku", unquoted_refusal(&e)).for_operator(e))?;
        // A name's refusal names a position, never the name itself.
        let name = normalise_product_name(name).map_err(|e| InputError::invalid("name", e))?;
        if let Some(max) = max_seats {
            check_seats(max).map_err(|e| {
                InputError::invalid("max_seats", format!("max seats: {}", unquoted_refusal(&e)))
                    .for_operator(format!("max seats: {e}"))
            })?;
        }
        match self.store.create_product(&sku, &name, max_seats).await? {
            Some(product) => Ok(product),
            None => Err(
                InputError::conflict("sku", "a product with this SKU exists already")
                    .for_operator(format!("product {sku} already exists"))
                    .into(),
            ),
        }
    }

    /// `products edit`: a new name (by the rules for names, like `products add`) or seat cap;
    /// what is `None` stays as it is. At least one must be given.
    pub async fn edit_product(
        &self,
        sku: &str,
        name: Option<&str>,
        max_seats: Option<i64>,
    ) -> anyhow::Result<Product> {
        let sku = normalise_sku(sku)
            .map_err(|e| InputError::invalid("sku", unquoted_refusal(&e)).for_operator(e))?;
        if name.is_none() && max_seats.is_none() {
            return Err(InputError::invalid(
                "name",
                "nothing to change: give --name or --max-seats",
            )
            .into());
        }
        let name = name
            .map(|n| normalise_product_name(n).map_err(|e| InputError::invalid("name", e)))
            .transpose()?;
        if let Some(max) = max_seats {
            check_seats(max).map_err(|e| {
                InputError::invalid("max_seats", format!("max seats: {}", unquoted_refusal(&e)))
                    .for_operator(format!("max seats: {e}"))
            })?;
        }
        match self
            .store
            .update_product(&sku, name.as_deref(), max_seats)
            .await?
        {
            Some(product) => Ok(product),
            None => Err(InputError::not_found("no product with this SKU")
                .for_operator(format!("no product {sku}"))
                .into()),
        }
    }

    pub async fn create_subscription(
        &self,
        guild: GuildId,
        product_sku: &str,
        name: &str,
        seats: i64,
        ends_on: NaiveDate,
    ) -> anyhow::Result<Subscription> {
        let sku = normalise_sku(product_sku)?;
        let product = self
            .store
            .product(&sku)
            .await?
            .ok_or_else(|| anyhow!("unknown product {sku} (see `licensebot products list`)"))?;
        let name = normalise_subscription_name(name)?;
        check_seats(seats)?;
        if let Some(max) = product.max_seats {
            if seats > max {
                bail!(
                    "{} allows at most {max} licenses, not {seats}",
                    product.name
                );
            }
        }
        if guild.0 == 0 {
            bail!("a guild id is a Discord snowflake, not 0");
        }
        self.store
            .create_subscription(NewSubscription {
                guild,
                product_sku: &sku,
                name: &name,
                seats,
                ends_on,
            })
            .await?
            .ok_or_else(|| {
                anyhow!(
                    "guild {} already has a subscription named {name:?}",
                    guild.0
                )
            })
    }

    /// Mints keys from the operating system's CSPRNG and stores their digests; the keys
    /// themselves are returned once, for the operator to hand out, and never stored.
    pub async fn generate_keys(&self, batch: &KeyBatch) -> anyhow::Result<Vec<ProductKey>> {
        match self.mint(batch, None, None).await? {
            Minted::New { keys, .. } => Ok(keys),
            Minted::Replayed { .. } | Minted::Mismatch => {
                bail!("a mint without an idempotency key was replayed")
            }
        }
    }

    /// The shop's mint: like [`App::generate_keys`], always with a batch label (one is made
    /// up when none is given, so the mint can be listed and revoked as one), and with an
    /// `Idempotency-Key`, once per token: the same token's key within 24 hours gets the
    /// batch it minted back, never its keys, when the request is the same; with another
    /// request it is [`Minted::Mismatch`]. Another token's key is a new request.
    pub async fn mint_keys(
        &self,
        batch: &KeyBatch,
        idempotency: Option<Idempotency<'_>>,
    ) -> anyhow::Result<Minted> {
        self.mint_keys_for(batch, idempotency, None).await
    }

    /// [`App::mint_keys`] with the shop's reference (its order id) on every key.
    pub async fn mint_keys_for(
        &self,
        batch: &KeyBatch,
        idempotency: Option<Idempotency<'_>>,
        reference: Option<&str>,
    ) -> anyhow::Result<Minted> {
        // The request as it was asked for, before a label is made up for it.
        let idempotency = idempotency.map(|i| (i, request_digest(batch)));
        let mut batch = batch.clone();
        if batch.batch.as_deref().is_none_or(|b| b.trim().is_empty()) {
            let mut suffix = [0u8; 4];
            rand::RngCore::fill_bytes(&mut rand::rngs::OsRng, &mut suffix);
            batch.batch = Some(format!(
                "api-{}-{}",
                self.clock.now().format("%Y%m%dT%H%M%SZ"),
                hex::encode(suffix)
            ));
        }
        self.mint(&batch, idempotency, reference).await
    }

    /// Mints `batch`; with an idempotency key, the digest of the request it came with.
    async fn mint(
        &self,
        batch: &KeyBatch,
        idempotency: Option<(Idempotency<'_>, [u8; 32])>,
        reference: Option<&str>,
    ) -> anyhow::Result<Minted> {
        let reference = normalise_reference(reference)
            .map_err(|e| InputError::invalid("reference", unquoted_refusal(&e)).for_operator(e))?;
        let sku = normalise_sku(&batch.product_sku)
            .map_err(|e| InputError::invalid("product", unquoted_refusal(&e)).for_operator(e))?;
        if self.store.product(&sku).await?.is_none() {
            return Err(InputError::invalid("product", UNKNOWN_PRODUCT)
                .for_operator(format!(
                    "unknown product {sku} (see `licensebot products list`)"
                ))
                .into());
        }
        check_seats(batch.seats)
            .map_err(|e| InputError::invalid("seats", unquoted_refusal(&e)).for_operator(e))?;
        if !(1..=MAX_GENERATE).contains(&batch.count) {
            return Err(InputError::invalid(
                "count",
                format!("--count must be between 1 and {MAX_GENERATE}"),
            )
            .into());
        }
        let label = normalise_batch(batch.batch.as_deref())
            .map_err(|e| InputError::invalid("batch", unquoted_refusal(&e)))?;
        if let Some((idempotency, _)) = idempotency {
            check_idempotency_key(idempotency.key)?;
        }
        let now = self.clock.now();
        let mut rng = rand::rngs::OsRng;
        loop {
            let keys: Vec<ProductKey> = (0..batch.count)
                .map(|_| ProductKey::generate(&mut rng))
                .collect();
            let rows: Vec<NewKey> = keys
                .iter()
                .map(|k| NewKey {
                    digest: k.digest(),
                    tail: k.tail(),
                    product_sku: sku.clone(),
                    seats: batch.seats,
                    term: batch.term,
                    expires_on: batch.expires_on,
                    batch: label.clone(),
                    reference: reference.clone(),
                })
                .collect();
            let claim = idempotency.map(|(i, request)| IdempotencyClaim {
                key: i.key,
                batch: label.as_deref().unwrap_or_default(),
                token_id: i.token_id,
                request,
                now,
                lapsed_before: now - chrono::Duration::hours(IDEMPOTENCY_HOURS),
            });
            match self.store.mint_keys(&rows, claim.as_ref()).await? {
                MintWrite::Minted => return Ok(Minted::New { batch: label, keys }),
                MintWrite::Replayed { batch, minted_at } => {
                    return Ok(Minted::Replayed { batch, minted_at })
                }
                MintWrite::Mismatch => return Ok(Minted::Mismatch),
                // A collision in ~114 bits is practically impossible; mint again rather than fail.
                MintWrite::Collision => continue,
            }
        }
    }

    /// Imports `key,product,seats,term[,expires][,batch]` rows: all of them or, on the first
    /// bad row, none (the error names its line). A key imported before with the same
    /// attributes is left alone; with others, it fails the import at its line.
    pub async fn import_keys<R: std::io::Read>(
        &self,
        csv_source: R,
    ) -> anyhow::Result<ImportOutcome> {
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .trim(csv::Trim::All)
            .comment(Some(b'#'))
            .from_reader(csv_source);
        let mut lines = Vec::new();
        let mut rows = Vec::new();
        let mut known_products = HashMap::new();
        for record in reader.records() {
            let record = record.map_err(|e| ImportError {
                line: e.position().map(|p| p.line()).unwrap_or(0),
                reason: "not a CSV row".into(),
            })?;
            let row = CsvRow::new(&record);
            // A header row is allowed on the first line.
            if row.is_header() {
                continue;
            }
            row.check_columns()?;
            let fields = RowFields {
                key: row.field(0),
                product: row.field(1),
                seats: row.seats()?,
                term: row.field(3),
                expires_on: row.expires_on()?,
                batch: Some(row.field(5)).filter(|b| !b.is_empty()),
                reference: Some(row.field(6)).filter(|r| !r.is_empty()),
            };
            let key = self
                .import_row(&mut known_products, &fields)
                .await?
                .map_err(|e| row.fail(e.reason))?;
            lines.push(row.line);
            rows.push(key);
        }
        let line = |index: usize| lines.get(index).copied().unwrap_or(0);
        if let Some(index) = repeated_key(&rows) {
            return Err(ImportError {
                line: line(index),
                reason: "the same key appears twice in the file".into(),
            }
            .into());
        }
        self.store_import(&rows).await?.map_err(|index| {
            ImportError {
                line: line(index),
                reason: CONFLICTING_KEY.into(),
            }
            .into()
        })
    }

    /// The shop's import: the same rules as a CSV file's, row by row; a refusal names the
    /// field at fault (`keys[2].term`), and a key stored before with other attributes is a
    /// conflict. All or nothing.
    pub async fn import_key_rows(&self, input: &[KeyRow]) -> anyhow::Result<ImportOutcome> {
        let mut rows = Vec::with_capacity(input.len());
        let mut known_products = HashMap::new();
        for (index, row) in input.iter().enumerate() {
            let fields = RowFields {
                key: &row.key,
                product: &row.product,
                seats: row.seats,
                term: &row.term,
                expires_on: row.expires_on,
                batch: row.batch.as_deref(),
                reference: row.reference.as_deref(),
            };
            let key = self
                .import_row(&mut known_products, &fields)
                .await?
                .map_err(|e| {
                    InputError::invalid(format!("keys[{index}].{}", e.field.as_str()), e.reason)
                })?;
            rows.push(key);
        }
        if let Some(index) = repeated_key(&rows) {
            return Err(InputError::invalid(
                format!("keys[{index}].key"),
                "the same key appears twice in the import",
            )
            .into());
        }
        self.store_import(&rows).await?.map_err(|index| {
            InputError::conflict(format!("keys[{index}].key"), CONFLICTING_KEY).into()
        })
    }

    /// The import rules for one row, in the order its refusals are reported.
    async fn import_row(
        &self,
        known_products: &mut HashMap<String, bool>,
        row: &RowFields<'_>,
    ) -> anyhow::Result<Result<NewKey, RowError>> {
        let key = match ProductKey::parse(row.key) {
            Ok(key) => key,
            Err(e) => {
                return Ok(Err(RowError::new(
                    RowField::Key,
                    format!("not a valid product key: {e}"),
                )))
            }
        };
        let sku = match normalise_sku(row.product) {
            Ok(sku) => sku,
            Err(e) => return Ok(Err(RowError::new(RowField::Product, unquoted_refusal(&e)))),
        };
        if !self.product_known(known_products, &sku).await? {
            return Ok(Err(RowError::new(RowField::Product, UNKNOWN_PRODUCT)));
        }
        if let Err(e) = check_seats(row.seats) {
            return Ok(Err(RowError::new(RowField::Seats, unquoted_refusal(&e))));
        }
        let term: Term = match row.term.parse() {
            Ok(term) => term,
            Err(e @ TermError) => return Ok(Err(RowError::new(RowField::Term, e))),
        };
        let batch = match normalise_batch(row.batch) {
            Ok(batch) => batch,
            Err(e) => return Ok(Err(RowError::new(RowField::Batch, unquoted_refusal(&e)))),
        };
        let reference = match normalise_reference(row.reference) {
            Ok(reference) => reference,
            Err(e) => return Ok(Err(RowError::new(RowField::Reference, e))),
        };
        Ok(Ok(NewKey {
            digest: key.digest(),
            tail: key.tail(),
            product_sku: sku,
            seats: row.seats,
            term,
            expires_on: row.expires_on,
            batch,
            reference,
        }))
    }

    /// Whether product `sku` exists, asking the store once per SKU of an import.
    async fn product_known(
        &self,
        known: &mut HashMap<String, bool>,
        sku: &str,
    ) -> anyhow::Result<bool> {
        if let Some(&found) = known.get(sku) {
            return Ok(found);
        }
        let found = self.store.product(sku).await?.is_some();
        known.insert(sku.to_owned(), found);
        Ok(found)
    }

    /// Stores the imported keys, all or none; `Err` is the index of a key stored before
    /// with other attributes.
    async fn store_import(&self, rows: &[NewKey]) -> anyhow::Result<Result<ImportOutcome, usize>> {
        Ok(self
            .store
            .import_keys(rows)
            .await?
            .map(|fresh| ImportOutcome {
                keys: rows
                    .iter()
                    .zip(fresh)
                    .map(|(row, fresh)| ImportedKey {
                        tail: row.tail.clone(),
                        fresh,
                    })
                    .collect(),
            }))
    }

    pub async fn list_keys(&self, filter: &KeyFilter) -> anyhow::Result<Vec<KeyListing>> {
        self.store.list_keys(filter).await
    }

    /// Revokes a batch, or keys by their text, in one transaction with a `key.revoked`
    /// webhook event for each key it revokes, and says for each key what it came to: `revoked` (also when it was revoked before), `already_redeemed`
    /// (redeemed keys stay redeemed) or `unknown`. A key being redeemed at this moment is
    /// waited for and then reported redeemed.
    pub async fn revoke_keys(
        &self,
        batch: Option<&str>,
        keys: &[String],
    ) -> anyhow::Result<Vec<RevokedKey>> {
        let now = self.clock.now();
        let mut tx = self.store.begin().await?;
        let (asked, found) = match (batch, keys.is_empty()) {
            (Some(batch), true) => {
                let found = tx.lock_keys_of_batch(batch.trim()).await?;
                let asked = found.iter().map(|(d, k)| (*d, k.tail.clone())).collect();
                (asked, found)
            }
            (None, false) => {
                let asked = parse_keys_to_revoke(keys)?;
                let digests: Vec<KeyDigest> = asked.iter().map(|(d, _)| *d).collect();
                let found = tx.lock_keys_by_digest(&digests).await?;
                (asked, found)
            }
            _ => bail!("give either --batch LABEL or one or more keys"),
        };
        let found: HashMap<KeyDigest, StoredKey> = found.into_iter().collect();
        let results: Vec<RevokedKey> = asked
            .into_iter()
            .map(|(digest, tail)| {
                let (result, changed) = match found.get(&digest).map(|k| k.state) {
                    None => (Revocation::Unknown, false),
                    Some(KeyState::Available) => (Revocation::Revoked, true),
                    Some(KeyState::Revoked) => (Revocation::Revoked, false),
                    Some(KeyState::Redeemed | KeyState::Reversed) => {
                        (Revocation::AlreadyRedeemed, false)
                    }
                };
                RevokedKey {
                    tail,
                    result,
                    changed,
                }
            })
            .collect();
        let mut revoked: Vec<&StoredKey> = found
            .values()
            .filter(|k| k.state == KeyState::Available)
            .collect();
        revoked.sort_by_key(|k| k.id);
        let ids: Vec<i64> = revoked.iter().map(|k| k.id).collect();
        let events: Vec<WebhookEvent> = revoked
            .iter()
            .map(|k| WebhookEvent::key_revoked(k, now))
            .collect();
        tx.revoke_key_ids(&ids, now).await?;
        tx.record_events(&events).await?;
        tx.commit().await?;
        if !revoked.is_empty() {
            tracing::info!(keys = revoked.len(), "keys revoked");
        }
        Ok(results)
    }
}

/// A SKU that names no product. (Like every refusal the API answers with, it does not
/// quote what was sent: a key typed into the wrong field would be in the answer.)
const UNKNOWN_PRODUCT: &str = "no product has this SKU";

/// A catalogue refusal without the value refused: what the API answers (and an import's
/// row, from a file too), while the command line may show the value typed.
pub fn unquoted_refusal(e: &CatalogueError) -> String {
    match e {
        CatalogueError::Sku(_) => {
            "a SKU is 1 to 64 letters, digits, '-' or '_', like BUSINESS-STANDARD".to_owned()
        }
        CatalogueError::Seats(_) => format!("seats must be between 1 and {MAX_SEATS}"),
        CatalogueError::BatchLabel | CatalogueError::Reference => e.to_string(),
    }
}

/// What an import says of a key stored before with other attributes.
const CONFLICTING_KEY: &str =
    "this key is already known, with another product, seats, term, expiry or batch";

/// Keys to revoke, as typed, each once: (digest, tail). A key that is not one fails the
/// revocation, naming its position.
pub(super) fn parse_keys_to_revoke(keys: &[String]) -> anyhow::Result<Vec<(KeyDigest, KeyTail)>> {
    let mut seen = HashSet::new();
    let mut asked = Vec::new();
    for (i, typed) in keys.iter().enumerate() {
        let key = ProductKey::parse(typed).map_err(|e| {
            InputError::invalid(
                format!("keys[{i}]"),
                format!("key {} is not a valid product key: {e}", i + 1),
            )
        })?;
        if seen.insert(key.digest()) {
            asked.push((key.digest(), key.tail()));
        }
    }
    Ok(asked)
}

/// SHA-256 of a mint's request in a canonical form: its fields as the mint reads them (the
/// SKU upper-cased, the term and the batch label normalised), in a fixed order, so that two
/// spellings of one request are one request. A field that does not normalise is taken as
/// sent (such a mint is refused before its key is claimed).
fn request_digest(batch: &KeyBatch) -> [u8; 32] {
    use sha2::{Digest as _, Sha256};
    let canonical = serde_json::json!([
        normalise_sku(&batch.product_sku).unwrap_or_else(|_| batch.product_sku.clone()),
        batch.seats,
        batch.term.to_string(),
        batch.count,
        normalise_batch(batch.batch.as_deref()).unwrap_or_else(|_| batch.batch.clone()),
        batch.expires_on,
    ]);
    Sha256::digest(canonical.to_string().as_bytes()).into()
}

/// An `Idempotency-Key`: 1 to 255 visible ASCII characters.
fn check_idempotency_key(key: &str) -> Result<(), InputError> {
    if key.is_empty() || key.len() > 255 || !key.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(InputError::invalid(
            "Idempotency-Key",
            "an idempotency key has 1 to 255 visible ASCII characters",
        ));
    }
    Ok(())
}

/// The index of the first key that appears a second time.
fn repeated_key(rows: &[NewKey]) -> Option<usize> {
    let mut seen = HashSet::new();
    rows.iter().position(|row| !seen.insert(row.digest))
}

/// One line of a CSV key import, read field by field.
struct CsvRow<'r> {
    line: u64,
    record: &'r csv::StringRecord,
}

impl<'r> CsvRow<'r> {
    fn new(record: &'r csv::StringRecord) -> CsvRow<'r> {
        CsvRow {
            line: record.position().map(|p| p.line()).unwrap_or(0),
            record,
        }
    }

    fn field(&self, i: usize) -> &'r str {
        self.record.get(i).unwrap_or("").trim()
    }

    fn fail(&self, reason: String) -> ImportError {
        ImportError {
            line: self.line,
            reason,
        }
    }

    fn is_header(&self) -> bool {
        self.line == 1 && self.field(0).eq_ignore_ascii_case("key")
    }

    fn check_columns(&self) -> Result<(), ImportError> {
        let columns = self.record.len();
        if !(4..=7).contains(&columns) {
            return Err(self.fail(format!(
                "expected key,product,seats,term[,expires][,batch][,reference], found {columns} columns"
            )));
        }
        Ok(())
    }

    fn seats(&self) -> Result<i64, ImportError> {
        self.field(2)
            .parse()
            .map_err(|_| self.fail(format!("seats {:?} is not a number", self.field(2))))
    }

    fn expires_on(&self) -> Result<Option<NaiveDate>, ImportError> {
        match self.field(4) {
            "" => Ok(None),
            s => NaiveDate::parse_from_str(s, "%Y-%m-%d")
                .map(Some)
                .map_err(|_| self.fail(format!("expiry {s:?} is not a YYYY-MM-DD date"))),
        }
    }
}
