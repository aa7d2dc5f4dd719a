//! The operator command line, driving the real `licensebot` binary: against a test
//! database, and with no DATABASE_URL at all (its own private PostgreSQL cluster).

use std::collections::HashSet;
use std::os::unix::fs::PermissionsExt as _;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use licensebot::app::{App, Clock, OpenOrder, SubscriptionRef};
use licensebot::config::Settings;
use licensebot::domain::{
    records::{GuildId, UserId},
    OrderKind, ProductKey, ALPHABET,
};
use licensebot::pg_cluster::PrivateCluster;
use licensebot::store::Store;
use serde_json::{json, Value};

use crate::support::db::TestDb;

const GUILD: u64 = 730_000_000_000_000_001;

/// One run of the binary.
#[derive(Debug)]
pub(crate) struct Run {
    pub(crate) success: bool,
    pub(crate) stdout: String,
    pub(crate) stderr: String,
}

/// Where the binary runs: a scratch working directory (so the repository's `.env` and
/// `config/` are not read), and either a database URL or a data directory.
pub(crate) struct Cli {
    pub(crate) cwd: tempfile::TempDir,
    database_url: Option<String>,
    data_dir: Option<PathBuf>,
    /// More environment variables for every run.
    env: Vec<(String, String)>,
}

impl Cli {
    pub(crate) fn with_database(url: &str) -> Cli {
        Cli {
            cwd: scratch_dir(),
            database_url: Some(url.to_string()),
            data_dir: None,
            env: Vec::new(),
        }
    }

    fn with_data_dir(dir: &Path) -> Cli {
        Cli {
            cwd: scratch_dir(),
            database_url: None,
            data_dir: Some(dir.to_path_buf()),
            env: Vec::new(),
        }
    }

    /// The same, with `name=value` in every run's environment.
    pub(crate) fn with_env(mut self, name: &str, value: &str) -> Cli {
        self.env.push((name.to_string(), value.to_string()));
        self
    }

    pub(crate) async fn run(&self, args: &[&str]) -> Run {
        self.run_with_stdin(args, None).await
    }

    /// Runs the binary with `stdin` on its standard input (none: it reads end of file).
    async fn run_with_stdin(&self, args: &[&str], stdin: Option<&str>) -> Run {
        let mut command = tokio::process::Command::new(env!("CARGO_BIN_EXE_licensebot"));
        command
            .args(args)
            .current_dir(self.cwd.path())
            .env_remove("DATABASE_URL")
            .env_remove("RUST_LOG")
            .env_remove("DISCORD_TOKEN");
        for (name, _) in std::env::vars_os() {
            if name.to_string_lossy().starts_with("LICENSEBOT_") {
                command.env_remove(name);
            }
        }
        if let Some(url) = &self.database_url {
            command.env("DATABASE_URL", url);
        }
        if let Some(dir) = &self.data_dir {
            command.env("LICENSEBOT_DATA_DIR", dir);
        }
        command.env_remove("DISCORD_API_URL");
        for (name, value) in &self.env {
            command.env(name, value);
        }
        let output = match stdin {
            None => command.output().await.expect("running licensebot"),
            Some(input) => {
                use tokio::io::AsyncWriteExt as _;
                command
                    .stdin(std::process::Stdio::piped())
                    .stdout(std::process::Stdio::piped())
                    .stderr(std::process::Stdio::piped());
                let mut child = command.spawn().expect("running licensebot");
                let mut pipe = child.stdin.take().expect("a stdin pipe");
                pipe.write_all(input.as_bytes())
                    .await
                    .expect("writing to licensebot's stdin");
                drop(pipe);
                child.wait_with_output().await.expect("running licensebot")
            }
        };
        Run {
            success: output.status.success(),
            stdout: String::from_utf8(output.stdout).expect("stdout is UTF-8"),
            stderr: String::from_utf8(output.stderr).expect("stderr is UTF-8"),
        }
    }

    /// Runs a command that must succeed; returns its stdout.
    pub(crate) async fn ok(&self, args: &[&str]) -> String {
        let run = self.run(args).await;
        assert!(run.success, "licensebot {args:?} failed: {run:?}");
        run.stdout
    }

    /// Runs a command that must fail with a one-line reason; returns that line.
    pub(crate) async fn fails(&self, args: &[&str]) -> String {
        let run = self.run(args).await;
        assert!(!run.success, "licensebot {args:?} succeeded: {run:?}");
        assert_eq!(run.stdout, "", "licensebot {args:?} printed a result");
        let lines: Vec<&str> = run.stderr.lines().collect();
        assert_eq!(
            lines.len(),
            1,
            "licensebot {args:?}: expected one line on stderr, got {:?}",
            run.stderr
        );
        assert!(lines[0].starts_with("error: "), "{:?}", lines[0]);
        lines[0].to_string()
    }

    pub(crate) async fn json(&self, args: &[&str]) -> Value {
        let stdout = self.ok(args).await;
        serde_json::from_str(&stdout)
            .unwrap_or_else(|e| panic!("licensebot {args:?} printed no JSON ({e}): {stdout}"))
    }
}

fn scratch_dir() -> tempfile::TempDir {
    tempfile::tempdir().expect("a scratch directory")
}

/// `XXXXX-XXXXX-XXXXX-XXXXX-XXXXX` with every X from the alphabet.
fn is_dashed_key(line: &str) -> bool {
    let groups: Vec<&str> = line.split('-').collect();
    groups.len() == 5
        && groups
            .iter()
            .all(|g| g.len() == 5 && g.chars().all(|c| ALPHABET.contains(c)))
}

/// The keys printed by `keys generate`: exactly `count` lines of dashed keys, all new.
fn printed_keys(stdout: &str, count: usize) -> Vec<ProductKey> {
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), count, "{stdout:?}");
    assert!(stdout.ends_with('\n'));
    for line in &lines {
        assert!(is_dashed_key(line), "not a key line: {line:?}");
    }
    let distinct: HashSet<&&str> = lines.iter().collect();
    assert_eq!(distinct.len(), count, "repeated keys: {stdout}");
    lines
        .iter()
        .map(|l| ProductKey::parse(l).expect("a printed key parses"))
        .collect()
}

/// Asserts that `text` holds no key of `keys`, in any spelling, nor its secret part.
fn assert_no_key_in(text: &str, keys: &[ProductKey]) {
    let upper = text.to_uppercase();
    for key in keys {
        let compact = key.compact();
        let dashed = key.to_string();
        for needle in [compact, &compact[..20], dashed.as_str(), &dashed[..23]] {
            assert!(!upper.contains(needle), "a key is shown in full: {text}");
        }
    }
}

async fn table_count(db: &TestDb, table: &str) -> i64 {
    sqlx::query_scalar(&format!("SELECT count(*) FROM {table}"))
        .fetch_one(&db.pool)
        .await
        .expect("counting rows")
}

/// Row counts of what the operator commands write.
async fn counts(db: &TestDb) -> Vec<i64> {
    let mut counts = Vec::new();
    for table in ["products", "subscriptions", "product_keys", "redemptions"] {
        counts.push(table_count(db, table).await);
    }
    let revoked: i64 =
        sqlx::query_scalar("SELECT count(*) FROM product_keys WHERE state = 'revoked'")
            .fetch_one(&db.pool)
            .await
            .expect("counting revoked keys");
    counts.push(revoked);
    counts
}

#[tokio::test]
async fn an_activation_is_listed_with_an_empty_before_and_its_refused_keys_are_audited() {
    let db = TestDb::new().await;
    let cli = Cli::with_database(&db.url);
    let guild = GUILD.to_string();
    for (sku, name) in [
        ("BUSINESS-STANDARD", "Business Standard"),
        ("BUSINESS-PREMIUM", "Business Premium"),
    ] {
        cli.ok(&["products", "add", "--sku", sku, "--name", name])
            .await;
    }
    let mut minted = Vec::new();
    for sku in ["BUSINESS-STANDARD", "BUSINESS-PREMIUM"] {
        let printed = cli
            .ok(&[
                "keys",
                "generate",
                "--product",
                sku,
                "--seats",
                "25",
                "--term",
                "12m",
                "--count",
                "1",
            ])
            .await;
        minted.push(printed_keys(&printed, 1).remove(0));
    }
    let [standard, premium] = <[ProductKey; 2]>::try_from(minted).expect("two keys");

    // A guild admin starts Contoso (through the engine, as the bot would); a key of
    // another product than the first key's is refused on the way.
    let admin = UserId(830_000_000_000_000_002);
    let app = App::assemble(
        Store::new(db.pool.clone()),
        Arc::new(Settings::default()),
        Clock::System,
    );
    let activation = |keys: String| OpenOrder {
        guild: GuildId(GUILD),
        user: admin,
        locale: "en-US".into(),
        subscription: SubscriptionRef::Name("Contoso".into()),
        kind: OrderKind::Activate,
        keys,
    };
    assert!(app
        .open_order(activation(format!("{standard} {premium}")))
        .await
        .is_err());
    let review = app
        .open_order(activation(standard.to_string()))
        .await
        .expect("opening the activation");
    app.redeem(GuildId(GUILD), admin, review.order.id)
        .await
        .expect("redeeming the activation");
    let ends = (chrono::Utc::now().date_naive() + chrono::Months::new(12)).to_string();

    let ledger = cli
        .json(&["redemptions", "list", "--guild", &guild, "--json"])
        .await;
    let r = &ledger[0];
    assert_eq!(r["kind"], "activate");
    assert_eq!(r["subscription_name"], "Contoso");
    assert_eq!(
        (r["seats_before"].clone(), r["seats_after"].clone()),
        (Value::Null, json!(25))
    );
    assert_eq!(
        (r["ends_before"].clone(), r["ends_after"].clone()),
        (Value::Null, json!(ends))
    );
    assert_eq!(r["key_count"], 1);
    let table = cli.ok(&["redemptions", "list", "--guild", &guild]).await;
    let row = table
        .lines()
        .find(|line| line.contains("Contoso"))
        .unwrap_or_else(|| panic!("no row for Contoso in {table}"));
    assert!(row.contains("activate"), "{row}");
    assert!(
        row.contains(&format!("new: 25 seats until {ends}")),
        "{row}"
    );
    let subs = cli
        .json(&["subscriptions", "list", "--guild", &guild, "--json"])
        .await;
    assert_eq!(
        (subs[0]["name"].clone(), subs[0]["seats"].clone()),
        (json!("Contoso"), json!(25))
    );

    let audit = cli
        .json(&["audit", "list", "--guild", &guild, "--json"])
        .await;
    let audit = audit.as_array().expect("a JSON array");
    assert_eq!(audit.len(), 1, "{audit:?}");
    assert_eq!(audit[0]["cause"], "other-product");
    assert_eq!(audit[0]["tail"], premium.tail().as_str());
    let everything = format!("{ledger}{table}{audit:?}");
    assert_no_key_in(&everything, &[standard, premium]);
}

#[tokio::test]
async fn the_operator_manages_products_subscriptions_keys_and_reads_the_ledger() {
    let db = TestDb::new().await;
    let cli = Cli::with_database(&db.url);
    let guild = GUILD.to_string();

    assert_eq!(
        cli.ok(&[
            "products",
            "add",
            "--sku",
            "business-standard",
            "--name",
            "Business Standard",
            "--max-seats",
            "300",
        ])
        .await,
        "added product BUSINESS-STANDARD (Business Standard)\n"
    );
    cli.ok(&[
        "products",
        "add",
        "--sku",
        "BUSINESS-PREMIUM",
        "--name",
        "Business Premium",
    ])
    .await;
    assert_eq!(
        cli.json(&["products", "list", "--json"]).await,
        json!([
            {"sku": "BUSINESS-PREMIUM", "name": "Business Premium", "max_seats": null},
            {"sku": "BUSINESS-STANDARD", "name": "Business Standard", "max_seats": 300},
        ])
    );
    let table = cli.ok(&["products", "list"]).await;
    assert!(table.starts_with("SKU"), "{table}");
    assert!(table.contains("BUSINESS-STANDARD"), "{table}");

    let created = cli
        .ok(&[
            "subscriptions",
            "create",
            "--guild",
            &guild,
            "--product",
            "business-standard",
            "--name",
            "Contoso",
            "--seats",
            "50",
            "--ends",
            "2099-01-31",
        ])
        .await;
    assert!(created.contains("Contoso"), "{created}");
    let subs = cli
        .json(&["subscriptions", "list", "--guild", &guild, "--json"])
        .await;
    let id = subs[0]["id"].as_i64().expect("a subscription id");
    assert_eq!(
        subs,
        json!([{
            "id": id,
            "guild": guild,
            "name": "Contoso",
            "product": "BUSINESS-STANDARD",
            "product_name": "Business Standard",
            "seats": 50,
            "assigned": 0,
            "ends_on": "2099-01-31",
            "state": "active",
        }])
    );
    assert_eq!(
        cli.json(&["subscriptions", "list", "--guild", "1", "--json"])
            .await,
        json!([]),
        "another guild has none"
    );

    let generated = cli
        .run(&[
            "keys",
            "generate",
            "--product",
            "BUSINESS-STANDARD",
            "--seats",
            "25",
            "--term",
            "12m",
            "--count",
            "5",
            "--batch",
            "B1",
        ])
        .await;
    assert!(generated.success, "{generated:?}");
    let b1 = printed_keys(&generated.stdout, 5);
    assert_no_key_in(&generated.stderr, &b1);
    let b2 = printed_keys(
        &cli.ok(&[
            "keys",
            "generate",
            "--product",
            "business-standard",
            "--seats",
            "1",
            "--term",
            "30d",
            "--count",
            "3",
            "--batch",
            "B2",
            "--expires",
            "2099-12-31",
        ])
        .await,
        3,
    );
    let all: Vec<ProductKey> = b1.iter().chain(&b2).cloned().collect();

    let listed = cli.json(&["keys", "list", "--json"]).await;
    let listed = listed.as_array().expect("a JSON array");
    assert_eq!(listed.len(), 8);
    let masked: HashSet<&str> = listed.iter().map(|k| k["key"].as_str().unwrap()).collect();
    let expected: HashSet<String> = all.iter().map(ProductKey::masked).collect();
    assert_eq!(
        masked,
        expected.iter().map(String::as_str).collect::<HashSet<_>>()
    );
    assert_no_key_in(&serde_json::to_string(listed).unwrap(), &all);
    let table = cli.ok(&["keys", "list"]).await;
    assert_eq!(table.lines().count(), 9, "{table}");
    assert_no_key_in(&table, &all);
    let b2_listed = cli.json(&["keys", "list", "--batch", "B2", "--json"]).await;
    assert_eq!(b2_listed.as_array().unwrap().len(), 3);
    assert_eq!(b2_listed[0]["term"], "30d");
    assert_eq!(b2_listed[0]["expires_on"], "2099-12-31");
    assert_eq!(b2_listed[0]["state"], "available");

    // A guild admin redeems two of the printed keys (through the engine, as the bot would).
    let admin = UserId(830_000_000_000_000_001);
    let app = App::assemble(
        Store::new(db.pool.clone()),
        Arc::new(Settings::default()),
        Clock::System,
    );
    let review = app
        .open_order(OpenOrder {
            guild: GuildId(GUILD),
            user: admin,
            locale: "en-US".into(),
            subscription: SubscriptionRef::Name("Contoso".into()),
            kind: OrderKind::Extend,
            keys: format!("{}\n{}", b1[0], b1[1]),
        })
        .await
        .expect("opening an order with printed keys");
    app.redeem(GuildId(GUILD), admin, review.order.id)
        .await
        .expect("redeeming printed keys");

    let ledger = cli
        .json(&["redemptions", "list", "--guild", &guild, "--json"])
        .await;
    let ledger = ledger.as_array().expect("a JSON array");
    assert_eq!(ledger.len(), 1, "{ledger:?}");
    let r = &ledger[0];
    assert_eq!(r["guild_id"], json!(GUILD));
    assert_eq!(r["user_id"], json!(admin.0));
    assert_eq!(r["subscription_id"], json!(id));
    assert_eq!(r["subscription_name"], "Contoso");
    assert_eq!(r["kind"], "extend");
    assert_eq!(
        (r["seats_before"].clone(), r["seats_after"].clone()),
        (json!(50), json!(50))
    );
    assert_eq!(r["ends_before"], "2099-01-31");
    assert_eq!(r["ends_after"], "2100-01-31");
    assert_eq!(r["key_count"], 2);
    assert_eq!(
        cli.json(&["redemptions", "list", "--guild", "1", "--json"])
            .await,
        json!([])
    );
    let subs = cli
        .json(&["subscriptions", "list", "--guild", &guild, "--json"])
        .await;
    assert_eq!(subs[0]["ends_on"], "2100-01-31");

    // Revoking a batch leaves its redeemed keys redeemed; single keys by any spelling.
    assert_eq!(
        cli.ok(&["keys", "revoke", "--batch", "B1"]).await,
        "revoked 3 keys; 2 already redeemed\n"
    );
    let lower = b2[0].compact().to_lowercase();
    assert_eq!(cli.ok(&["keys", "revoke", &lower]).await, "revoked 1 key\n");
    let states = |listing: &Value| {
        let mut states: Vec<String> = listing
            .as_array()
            .unwrap()
            .iter()
            .map(|k| k["state"].as_str().unwrap().to_string())
            .collect();
        states.sort();
        states
    };
    let b1_listed = cli.json(&["keys", "list", "--batch", "B1", "--json"]).await;
    assert_eq!(
        states(&b1_listed),
        ["redeemed", "redeemed", "revoked", "revoked", "revoked"]
    );
    let redeemed = b1_listed
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["state"] == "redeemed")
        .unwrap();
    assert_eq!(redeemed["redeemed_by"], admin.0.to_string());
    assert_eq!(
        states(&cli.json(&["keys", "list", "--batch", "B2", "--json"]).await),
        ["available", "available", "revoked"]
    );
    // A revoked key is refused by the engine.
    let refused = app
        .open_order(OpenOrder {
            guild: GuildId(GUILD),
            user: admin,
            locale: "en-US".into(),
            subscription: SubscriptionRef::Id(id),
            kind: OrderKind::AddLicenses,
            keys: b2[0].to_string(),
        })
        .await;
    assert!(refused.is_err(), "{refused:?}");
}

#[tokio::test]
async fn keys_revoke_dash_reads_the_keys_from_standard_input_so_they_stay_off_the_command_line() {
    let db = TestDb::new().await;
    let cli = Cli::with_database(&db.url);
    cli.ok(&["products", "add", "--sku", "P1", "--name", "Plan One"])
        .await;
    let keys = printed_keys(
        &cli.ok(&[
            "keys",
            "generate",
            "--product",
            "P1",
            "--seats",
            "1",
            "--term",
            "12m",
            "--count",
            "4",
        ])
        .await,
        4,
    );
    // One per line, in any spelling people paste: dashed, compact lower case, in groups.
    let grouped = keys[2]
        .compact()
        .as_bytes()
        .chunks(5)
        .map(|g| std::str::from_utf8(g).unwrap())
        .collect::<Vec<_>>()
        .join(" ");
    let input = format!(
        "{}\n{}\r\n{grouped}\n\n",
        keys[0],
        keys[1].compact().to_lowercase()
    );
    let run = cli
        .run_with_stdin(&["keys", "revoke", "-"], Some(&input))
        .await;
    assert!(run.success, "{run:?}");
    assert_eq!(run.stdout, "revoked 3 keys\n");
    assert_no_key_in(&run.stderr, &keys);
    let states: Vec<(String, String)> =
        sqlx::query_as("SELECT tail, state FROM product_keys ORDER BY tail")
            .fetch_all(&db.pool)
            .await
            .unwrap();
    let revoked: HashSet<String> = states
        .iter()
        .filter(|(_, state)| state == "revoked")
        .map(|(tail, _)| tail.clone())
        .collect();
    let expected: HashSet<String> = keys[..3]
        .iter()
        .map(|k| k.tail().as_str().to_string())
        .collect();
    assert_eq!(revoked, expected, "the fourth key stays available");

    // Nothing on standard input, or a bad key there, is refused whole, naming no key.
    let empty = cli
        .run_with_stdin(&["keys", "revoke", "-"], Some("\n"))
        .await;
    assert!(
        !empty.success && empty.stderr.contains("no keys"),
        "{empty:?}"
    );
    let bad = cli
        .run_with_stdin(
            &["keys", "revoke", "-"],
            Some(&format!("{}\nNOT-A-KEY\n", keys[3])),
        )
        .await;
    assert!(
        !bad.success && bad.stderr.contains("key 2 is not a valid product key"),
        "{bad:?}"
    );
    assert_no_key_in(&bad.stderr, &keys);
    assert_eq!(
        table_count_where(&db, "state = 'revoked'").await,
        3,
        "the bad entry revoked nothing"
    );
    // `-` stands alone.
    let mixed = cli
        .run_with_stdin(&["keys", "revoke", "-", &keys[3].to_string()], Some(""))
        .await;
    assert!(!mixed.success, "{mixed:?}");
    assert_no_key_in(&mixed.stderr, &keys);
}

async fn table_count_where(db: &TestDb, condition: &str) -> i64 {
    sqlx::query_scalar(&format!(
        "SELECT count(*) FROM product_keys WHERE {condition}"
    ))
    .fetch_one(&db.pool)
    .await
    .expect("counting keys")
}

#[tokio::test]
async fn keys_import_takes_a_good_file_whole_and_refuses_a_bad_one_whole_naming_the_line() {
    let db = TestDb::new().await;
    let cli = Cli::with_database(&db.url);
    cli.ok(&["products", "add", "--sku", "P1", "--name", "Plan One"])
        .await;
    let keys: Vec<ProductKey> = (0..6)
        .map(|_| ProductKey::generate(&mut rand::rngs::OsRng))
        .collect();
    let write = |name: &str, text: String| {
        let path = cli.cwd.path().join(name);
        std::fs::write(&path, text).expect("writing a CSV file");
        path.to_string_lossy().into_owned()
    };

    let good = write(
        "good.csv",
        format!(
            "key,product,seats,term,expires,batch\n\
             {},P1,10,12m,2099-12-31,reseller\n\
             {},p1,5,30d\n\
             # a comment\n\
             {},P1,1,1m,,reseller\n",
            keys[0],
            keys[1].compact().to_lowercase(),
            keys[2],
        ),
    );
    assert_eq!(
        cli.ok(&["keys", "import", &good]).await,
        "imported 3 keys\n"
    );
    let listed = cli
        .json(&["keys", "list", "--batch", "reseller", "--json"])
        .await;
    assert_eq!(listed.as_array().unwrap().len(), 2);
    assert_eq!(table_count(&db, "product_keys").await, 3);

    let before = counts(&db).await;
    let bad_files = [
        // seats are not a number on line 3
        (
            format!(
                "{},P1,10,12m\n{},P1,2,12m\n{},P1,ten,12m\n",
                keys[3], keys[4], keys[5]
            ),
            "line 3",
        ),
        // a mistyped key on line 2: the message must not echo the key
        (
            format!(
                "{},P1,10,12m\n{}O,P1,10,12m\n",
                keys[3],
                &keys[4].to_string()[..28]
            ),
            "line 2",
        ),
        // an unknown product on line 1
        (format!("{},NOPE,10,12m\n", keys[3]), "line 1"),
        // a bad term on line 2, after a header
        (
            format!("key,product,seats,term\n{},P1,10,12y\n", keys[3]),
            "line 2",
        ),
        // a key imported before, on line 2
        (
            format!("{},P1,1,1m\n{},P1,1,1m\n", keys[3], keys[0]),
            "line 2",
        ),
        // the same key twice, the second on line 2
        (
            format!("{},P1,1,1m\n{},P1,1,1m\n", keys[3], keys[3]),
            "line 2",
        ),
        // too few columns on line 1
        (format!("{},P1,1\n", keys[3]), "line 1"),
    ];
    for (i, (text, line)) in bad_files.into_iter().enumerate() {
        let path = write(&format!("bad{i}.csv"), text);
        let error = cli.fails(&["keys", "import", &path]).await;
        assert!(error.contains(line), "bad file {i}: {error}");
        assert_no_key_in(&error, &keys);
        assert_eq!(counts(&db).await, before, "bad file {i} imported something");
    }
    let missing = cli.cwd.path().join("missing.csv");
    cli.fails(&["keys", "import", &missing.to_string_lossy()])
        .await;
}

#[tokio::test]
async fn bad_operator_input_exits_non_zero_with_one_line_and_changes_nothing() {
    let db = TestDb::new().await;
    let cli = Cli::with_database(&db.url);
    let guild = GUILD.to_string();
    cli.ok(&[
        "products",
        "add",
        "--sku",
        "P1",
        "--name",
        "Plan One",
        "--max-seats",
        "100",
    ])
    .await;
    cli.ok(&[
        "subscriptions",
        "create",
        "--guild",
        &guild,
        "--product",
        "P1",
        "--name",
        "Contoso",
        "--seats",
        "10",
        "--ends",
        "2099-01-31",
    ])
    .await;
    let before = counts(&db).await;

    let create =
        |product: &'static str, name: &'static str, seats: &'static str, ends: &'static str| {
            vec![
                "subscriptions",
                "create",
                "--guild",
                GUILD_STR,
                "--product",
                product,
                "--name",
                name,
                "--seats",
                seats,
                "--ends",
                ends,
            ]
        };
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (
            create("NOPE", "Fabrikam", "10", "2099-01-31"),
            "unknown product NOPE",
        ),
        (create("P1", "Fabrikam", "10", "2026-13-01"), "2026-13-01"),
        (create("P1", "Fabrikam", "10", "31/01/2099"), "31/01/2099"),
        (create("P1", "Fabrikam", "0", "2099-01-31"), "seats"),
        (create("P1", "Fabrikam", "-5", "2099-01-31"), "-5"),
        (create("P1", "Fabrikam", "101", "2099-01-31"), "100"),
        (
            create("P1", "contoso", "10", "2099-01-31"),
            "already has a subscription",
        ),
        (
            vec![
                "subscriptions",
                "create",
                "--guild",
                GUILD_STR,
                "--product",
                "P1",
            ],
            "--name",
        ),
        (
            vec!["products", "add", "--sku", "P1", "--name", "Again"],
            "already exists",
        ),
        (
            vec!["products", "add", "--sku", "bad sku!", "--name", "X"],
            "SKU",
        ),
        (
            vec![
                "keys",
                "generate",
                "--product",
                "NOPE",
                "--seats",
                "1",
                "--term",
                "12m",
                "--count",
                "1",
            ],
            "unknown product NOPE",
        ),
        (
            vec![
                "keys",
                "generate",
                "--product",
                "P1",
                "--seats",
                "1",
                "--term",
                "12y",
                "--count",
                "1",
            ],
            "12m or 30d",
        ),
        (
            vec![
                "keys",
                "generate",
                "--product",
                "P1",
                "--seats",
                "0",
                "--term",
                "12m",
                "--count",
                "1",
            ],
            "seats",
        ),
        (
            vec![
                "keys",
                "generate",
                "--product",
                "P1",
                "--seats",
                "1",
                "--term",
                "12m",
                "--count",
                "0",
            ],
            "--count",
        ),
        (
            vec![
                "keys",
                "generate",
                "--product",
                "P1",
                "--seats",
                "1",
                "--term",
                "12m",
                "--count",
                "1",
                "--expires",
                "tomorrow",
            ],
            "tomorrow",
        ),
        (
            vec!["keys", "revoke", "BCDFG-HJKMP-QRTVW-XY234-6789O"],
            "not a valid product key",
        ),
        (vec!["keys", "revoke"], "--batch"),
        (vec!["redemptions", "list", "--guild", "abc"], "abc"),
        (vec!["frobnicate"], "frobnicate"),
    ];
    for (args, says) in cases {
        let line = cli.fails(&args).await;
        assert!(
            line.contains(says),
            "licensebot {args:?}: {line:?} does not say {says:?}"
        );
        assert_eq!(
            counts(&db).await,
            before,
            "licensebot {args:?} changed something"
        );
    }
    let subs = cli
        .json(&["subscriptions", "list", "--guild", &guild, "--json"])
        .await;
    assert_eq!(subs.as_array().unwrap().len(), 1);
    assert_eq!(subs[0]["seats"], 10);
}

const GUILD_STR: &str = "730000000000000001";

/// Stops the private cluster in `dir` when the test ends, even by panicking, so that no
/// server is left running.
struct StopsCluster(PathBuf);

impl Drop for StopsCluster {
    fn drop(&mut self) {
        if !self.0.join("postgres").join("postmaster.pid").exists() {
            return;
        }
        let dir = self.0.clone();
        let _ = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .ok()?;
            runtime.block_on(async {
                let cluster = PrivateCluster::start(&dir).await.ok()?;
                cluster.stop().await.ok()
            })
        })
        .join();
    }
}

#[tokio::test]
async fn without_database_url_the_cli_runs_its_own_cluster_and_finds_its_data_again() {
    // As root the server runs as `postgres`, which must be able to enter the directory.
    let data = tempfile::Builder::new()
        .prefix("lbt-cli-")
        .tempdir_in("/tmp")
        .expect("a data directory under /tmp");
    std::fs::set_permissions(data.path(), std::fs::Permissions::from_mode(0o755))
        .expect("chmod 0755");
    let _stop = StopsCluster(data.path().to_path_buf());
    let cli = Cli::with_data_dir(data.path());
    let guild = GUILD_STR;

    let started = Instant::now();
    let first = cli.run(&["migrate"]).await;
    assert!(first.success, "{first:?}");
    assert_eq!(first.stdout, "database schema is up to date\n");
    let said: Vec<&str> = first
        .stderr
        .lines()
        .filter(|l| l.contains("private PostgreSQL cluster"))
        .collect();
    assert_eq!(
        said.len(),
        1,
        "one log line about the cluster: {}",
        first.stderr
    );
    assert!(said[0].contains("startup=Created"), "{}", said[0]);
    assert!(data.path().join("postgres").join("PG_VERSION").exists());
    eprintln!("created the private cluster in {:?}", started.elapsed());

    cli.ok(&["products", "add", "--sku", "P1", "--name", "Plan One"])
        .await;
    cli.ok(&[
        "subscriptions",
        "create",
        "--guild",
        guild,
        "--product",
        "P1",
        "--name",
        "Contoso",
        "--seats",
        "10",
        "--ends",
        "2099-01-31",
    ])
    .await;
    let generated = cli
        .run(&[
            "keys",
            "generate",
            "--product",
            "P1",
            "--seats",
            "1",
            "--term",
            "12m",
            "--count",
            "4",
        ])
        .await;
    assert!(generated.success, "{generated:?}");
    let keys = printed_keys(&generated.stdout, 4);
    assert!(
        generated.stderr.contains("startup=AlreadyRunning"),
        "a later run reuses the running cluster: {}",
        generated.stderr
    );
    let subs = cli
        .json(&["subscriptions", "list", "--guild", guild, "--json"])
        .await;
    assert_eq!(subs[0]["name"], "Contoso");
    assert_eq!(subs[0]["seats"], 10);

    // Stop the server, as after a reboot: the next run starts it again and finds it all.
    PrivateCluster::start(data.path())
        .await
        .expect("finding the running cluster")
        .stop()
        .await
        .expect("stopping the cluster");
    assert!(!data.path().join("postgres").join("postmaster.pid").exists());
    let again = cli
        .run(&["subscriptions", "list", "--guild", guild, "--json"])
        .await;
    assert!(again.success, "{again:?}");
    assert!(
        again.stderr.contains("startup=Started"),
        "the stopped cluster is started, not created anew: {}",
        again.stderr
    );
    assert_eq!(serde_json::from_str::<Value>(&again.stdout).unwrap(), subs);
    let listed = cli.json(&["keys", "list", "--json"]).await;
    let masked: HashSet<&str> = listed
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["key"].as_str().unwrap())
        .collect();
    let expected: HashSet<String> = keys.iter().map(ProductKey::masked).collect();
    assert_eq!(masked, expected.iter().map(String::as_str).collect());
    assert_eq!(
        cli.json(&["products", "list", "--json"]).await,
        json!([{"sku": "P1", "name": "Plan One", "max_seats": null}])
    );

    // Leave no server running.
    PrivateCluster::start(data.path())
        .await
        .expect("finding the running cluster")
        .stop()
        .await
        .expect("stopping the cluster");
    assert!(!data.path().join("postgres").join("postmaster.pid").exists());
}

#[tokio::test]
async fn the_operator_assigns_unassigns_and_lists_licenses_with_their_history() {
    let db = TestDb::new().await;
    let cli = Cli::with_database(&db.url);
    let guild = GUILD.to_string();
    cli.ok(&[
        "products",
        "add",
        "--sku",
        "BUSINESS-STANDARD",
        "--name",
        "Business Standard",
    ])
    .await;
    cli.ok(&[
        "subscriptions",
        "create",
        "--guild",
        &guild,
        "--product",
        "BUSINESS-STANDARD",
        "--name",
        "Contoso",
        "--seats",
        "2",
        "--ends",
        "2099-01-31",
    ])
    .await;
    let license = |action: &'static str, user: &'static str| {
        let guild = guild.clone();
        let cli = &cli;
        async move {
            cli.run(&[
                "licenses",
                action,
                "--guild",
                &guild,
                "--subscription",
                "contoso",
                "--user",
                user,
            ])
            .await
        }
    };
    let ana = "830000000000000001";
    let bob = "830000000000000002";
    let carol = "830000000000000003";
    let run = license("assign", ana).await;
    assert!(run.success, "{run:?}");
    assert_eq!(
        run.stdout,
        format!("assigned a license of Contoso to {ana}: 1 of 2 assigned\n")
    );
    assert!(license("assign", bob).await.success);
    let before = table_count(&db, "license_history").await;
    let full = cli
        .fails(&[
            "licenses",
            "assign",
            "--guild",
            &guild,
            "--subscription",
            "Contoso",
            "--user",
            carol,
        ])
        .await;
    assert_eq!(
        full,
        "error: all 2 licenses of Contoso are assigned; add licenses or unassign someone"
    );
    let again = cli
        .fails(&[
            "licenses",
            "assign",
            "--guild",
            &guild,
            "--subscription",
            "Contoso",
            "--user",
            ana,
        ])
        .await;
    assert!(
        again.contains("already holds a license of Contoso"),
        "{again}"
    );
    let unknown = cli
        .fails(&[
            "licenses",
            "assign",
            "--guild",
            &guild,
            "--subscription",
            "Fabrikam",
            "--user",
            ana,
        ])
        .await;
    assert_eq!(unknown, "error: this guild has no such subscription");
    assert_eq!(
        table_count(&db, "license_history").await,
        before,
        "refusals change nothing"
    );

    let run = license("unassign", ana).await;
    assert_eq!(
        run.stdout,
        format!("unassigned {ana}'s license of Contoso: 1 of 2 assigned\n")
    );
    let subs = cli
        .json(&["subscriptions", "list", "--guild", &guild, "--json"])
        .await;
    assert_eq!(subs[0]["assigned"], 1);

    let held = cli
        .json(&["licenses", "list", "--guild", &guild, "--json"])
        .await;
    let held = held.as_array().expect("a list");
    assert_eq!(held.len(), 1);
    assert_eq!(held[0]["subscription"], "Contoso");
    assert_eq!(held[0]["user_id"], bob);
    assert_eq!(held[0]["assigned_by"], "0", "the operator");
    assert_eq!(held[0]["assigned_via"], "admin");
    assert!(held[0]["assigned_at"].is_string());
    assert!(
        held[0].get("reason").is_none(),
        "no history fields without --history"
    );

    let history = cli
        .json(&[
            "licenses",
            "list",
            "--guild",
            &guild,
            "--subscription",
            "CONTOSO",
            "--history",
            "--json",
        ])
        .await;
    let history = history.as_array().expect("a list");
    assert_eq!(history.len(), 2, "{history:?}");
    let ended = history
        .iter()
        .find(|l| l["user_id"] == ana)
        .expect("ana's license");
    assert_eq!(ended["reason"], "admin");
    assert!(ended["unassigned_at"].is_string());
    let current = history
        .iter()
        .find(|l| l["user_id"] == bob)
        .expect("bob's license");
    assert_eq!(current["reason"], Value::Null);
    assert_eq!(current["unassigned_at"], Value::Null);

    let table = cli
        .ok(&["licenses", "list", "--guild", &guild, "--history"])
        .await;
    let lines: Vec<&str> = table.lines().collect();
    assert!(lines[0].starts_with("SUBSCRIPTION  USER"), "{table}");
    assert!(
        lines[0].contains("UNASSIGNED AT") && lines[0].ends_with("REASON"),
        "{table}"
    );
    assert_eq!(lines.len(), 3, "{table}");
    assert!(table.contains("operator"), "{table}");
}

/// `licenses assign --guild GUILD --subscription Contoso --user USER`.
fn assign_args<'a>(guild: &'a str, user: &'a str) -> [&'a str; 8] {
    [
        "licenses",
        "assign",
        "--guild",
        guild,
        "--subscription",
        "Contoso",
        "--user",
        user,
    ]
}

/// With the bot's token, the command line asks Discord before assigning, and refuses a bot
/// and a non-member as `/licenses assign` does; without an answer it assigns and says what
/// it could not check.
#[tokio::test]
async fn the_command_line_asks_discord_and_refuses_a_bot_or_a_non_member() {
    let db = TestDb::new().await;
    let fake = fake_discord::FakeDiscord::start()
        .await
        .expect("the fake Discord starts");
    let guild = fake.create_guild("Contoso Ltd", "en-US");
    let ana = fake.add_member(guild, "ana", &[]).get().to_string();
    let (bot, _) = fake.add_bot(guild, "another-bot");
    let (bot, stranger) = (bot.get().to_string(), "830000000000000099".to_string());
    let cli = Cli::with_database(&db.url)
        .with_env("DISCORD_TOKEN", fake.token())
        .with_env("DISCORD_API_URL", &fake.api_url());
    let guild = guild.get().to_string();
    cli.ok(&["products", "add", "--sku", "P1", "--name", "Plan One"])
        .await;
    cli.ok(&[
        "subscriptions",
        "create",
        "--guild",
        &guild,
        "--product",
        "P1",
        "--name",
        "Contoso",
        "--seats",
        "5",
        "--ends",
        "2099-01-31",
    ])
    .await;
    let refused = cli.fails(&assign_args(&guild, &bot)).await;
    assert_eq!(
        refused,
        format!("error: {bot} is a bot; bots hold no licenses")
    );
    let refused = cli.fails(&assign_args(&guild, &stranger)).await;
    assert_eq!(
        refused,
        format!("error: {stranger} is not a member of the guild")
    );
    assert_eq!(
        table_count(&db, "license_history").await,
        0,
        "refusals change nothing"
    );
    let run = cli.run(&assign_args(&guild, &ana)).await;
    assert!(run.success, "{run:?}");
    assert_eq!(
        run.stdout,
        format!("assigned a license of Contoso to {ana}: 1 of 5 assigned\n")
    );
    assert!(!run.stderr.contains("note:"), "checked: {}", run.stderr);
    assert!(
        !fake
            .requests_to("GET", &format!("/guilds/{guild}/members/*"))
            .is_empty(),
        "Discord was asked"
    );

    // Discord out of reach: assigned, with a note of what was not checked.
    let offline = Cli::with_database(&db.url)
        .with_env("DISCORD_TOKEN", fake.token())
        .with_env("DISCORD_API_URL", "http://127.0.0.1:9");
    let run = offline.run(&assign_args(&guild, &stranger)).await;
    assert!(run.success, "{run:?}");
    assert!(
        run.stderr.contains(&format!(
            "note: not checked that {stranger} is a member of the guild and not a bot (Discord did not answer"
        )),
        "{}",
        run.stderr
    );
    assert!(
        !run.stderr.contains("127.0.0.1:9"),
        "no URL (a proxy's may carry credentials): {}",
        run.stderr
    );
    // No token: the same note, saying why.
    let run = Cli::with_database(&db.url)
        .run(&assign_args(&guild, &bot))
        .await;
    assert!(run.success, "{run:?}");
    assert!(
        run.stderr.contains("(DISCORD_TOKEN is not set)"),
        "{}",
        run.stderr
    );
    assert_eq!(table_count(&db, "license_assignments").await, 3);
}
