//! The operator's use cases: products, subscriptions, minting, importing and revoking keys.

use std::collections::{HashMap, HashSet};

use anyhow::{anyhow, bail, Context as _};
use chrono::NaiveDate;

use super::App;
use crate::domain::{
    catalogue::{check_seats, normalise_batch, normalise_sku, normalise_subscription_name},
    records::{GuildId, Product, Subscription},
    ProductKey, Term, TermError,
};
use crate::store::{KeyFilter, KeyListing, NewKey, NewSubscription};

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

const MAX_GENERATE: usize = 100_000;

impl App {
    pub async fn add_product(
        &self,
        sku: &str,
        name: &str,
        max_seats: Option<i64>,
    ) -> anyhow::Result<Product> {
        let sku = normalise_sku(sku)?;
        let name = name.trim();
        if name.is_empty() || name.chars().count() > 100 {
            bail!("a product name has 1 to 100 characters");
        }
        if let Some(max) = max_seats {
            check_seats(max).context("--max-seats")?;
        }
        self.store
            .create_product(&sku, name, max_seats)
            .await?
            .ok_or_else(|| anyhow!("product {sku} already exists"))
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
        let sku = normalise_sku(&batch.product_sku)?;
        self.store
            .product(&sku)
            .await?
            .ok_or_else(|| anyhow!("unknown product {sku} (see `licensebot products list`)"))?;
        check_seats(batch.seats)?;
        if !(1..=MAX_GENERATE).contains(&batch.count) {
            bail!("--count must be between 1 and {MAX_GENERATE}");
        }
        let label = normalise_batch(batch.batch.as_deref())?;
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
                })
                .collect();
            match self.store.insert_keys(&rows).await? {
                Ok(_) => return Ok(keys),
                // A collision in ~114 bits is practically impossible; mint again rather than fail.
                Err(_) => continue,
            }
        }
    }

    /// Imports `key,product,seats,term[,expires][,batch]` rows: all of them or, on the first
    /// bad row, none (the error names its line).
    pub async fn import_keys<R: std::io::Read>(&self, csv_source: R) -> anyhow::Result<usize> {
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .trim(csv::Trim::All)
            .comment(Some(b'#'))
            .from_reader(csv_source);
        let mut rows = Vec::new();
        let mut known_products = HashMap::new();
        for record in reader.records() {
            let record = record.map_err(|e| ImportError {
                line: e.position().map(|p| p.line()).unwrap_or(0),
                reason: "not a CSV row".into(),
            })?;
            let row = ImportRow::new(&record);
            // A header row is allowed on the first line.
            if row.is_header() {
                continue;
            }
            row.check_columns()?;
            let key = row.key()?;
            let sku = row.sku()?;
            if !self.product_known(&mut known_products, &sku).await? {
                return Err(row.fail(format!("unknown product {sku}")).into());
            }
            rows.push((row.line, row.new_key(&key, sku)?));
        }
        refuse_keys_repeated_in_file(&rows)?;
        self.insert_imported_keys(&rows).await
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

    /// Stores the imported keys, all or none; a key already known fails the import at its
    /// line.
    async fn insert_imported_keys(&self, rows: &[(u64, NewKey)]) -> anyhow::Result<usize> {
        let keys: Vec<NewKey> = rows.iter().map(|(_, k)| k.clone()).collect();
        match self.store.insert_keys(&keys).await? {
            Ok(n) => Ok(n),
            Err(index) => Err(ImportError {
                line: rows.get(index).map(|(l, _)| *l).unwrap_or(0),
                reason: "this key is already known".into(),
            }
            .into()),
        }
    }

    pub async fn list_keys(&self, filter: &KeyFilter) -> anyhow::Result<Vec<KeyListing>> {
        self.store.list_keys(filter).await
    }

    /// Revokes keys by batch or by key; returns how many were revoked (redeemed keys stay
    /// redeemed).
    pub async fn revoke_keys(&self, batch: Option<&str>, keys: &[String]) -> anyhow::Result<u64> {
        match (batch, keys.is_empty()) {
            (Some(batch), true) => Ok(self.store.revoke_batch(batch).await?),
            (None, false) => {
                let mut digests = Vec::new();
                for (i, typed) in keys.iter().enumerate() {
                    let key = ProductKey::parse(typed)
                        .map_err(|e| anyhow!("key {} is not a valid product key: {e}", i + 1))?;
                    digests.push(key.digest());
                }
                Ok(self.store.revoke_keys(&digests).await?.len() as u64)
            }
            _ => bail!("give either --batch LABEL or one or more keys"),
        }
    }
}

/// One row of a key import, read field by field in the order its errors are reported.
struct ImportRow<'r> {
    line: u64,
    record: &'r csv::StringRecord,
}

impl<'r> ImportRow<'r> {
    fn new(record: &'r csv::StringRecord) -> ImportRow<'r> {
        ImportRow {
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
        if !(4..=6).contains(&columns) {
            return Err(self.fail(format!(
                "expected key,product,seats,term[,expires][,batch], found {columns} columns"
            )));
        }
        Ok(())
    }

    fn key(&self) -> Result<ProductKey, ImportError> {
        ProductKey::parse(self.field(0))
            .map_err(|e| self.fail(format!("not a valid product key: {e}")))
    }

    fn sku(&self) -> Result<String, ImportError> {
        normalise_sku(self.field(1)).map_err(|e| self.fail(e.to_string()))
    }

    /// The key to store for this row: its seats, term, expiry and batch checked.
    fn new_key(&self, key: &ProductKey, product_sku: String) -> Result<NewKey, ImportError> {
        let seats: i64 = self
            .field(2)
            .parse()
            .map_err(|_| self.fail(format!("seats {:?} is not a number", self.field(2))))?;
        check_seats(seats).map_err(|e| self.fail(e.to_string()))?;
        let term: Term = self
            .field(3)
            .parse()
            .map_err(|e: TermError| self.fail(e.to_string()))?;
        let expires_on = match self.field(4) {
            "" => None,
            s => Some(
                NaiveDate::parse_from_str(s, "%Y-%m-%d")
                    .map_err(|_| self.fail(format!("expiry {s:?} is not a YYYY-MM-DD date")))?,
            ),
        };
        let batch = normalise_batch(Some(self.field(5)).filter(|b| !b.is_empty()))
            .map_err(|e| self.fail(e.to_string()))?;
        Ok(NewKey {
            digest: key.digest(),
            tail: key.tail(),
            product_sku,
            seats,
            term,
            expires_on,
            batch,
        })
    }
}

/// The same key twice in one file fails the import at its second line.
fn refuse_keys_repeated_in_file(rows: &[(u64, NewKey)]) -> Result<(), ImportError> {
    let mut seen = HashSet::new();
    for (line, row) in rows {
        if !seen.insert(row.digest) {
            return Err(ImportError {
                line: *line,
                reason: "the same key appears twice in the file".into(),
            });
        }
    }
    Ok(())
}
