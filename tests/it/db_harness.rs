//! The test database harness: every test gets a database of its own on a real PostgreSQL.

use sqlx::{Connection as _, PgConnection};

use crate::support::db::{created_at, redacted, with_database, TestDb};

async fn current_database(db: &TestDb) -> String {
    sqlx::query_scalar("SELECT current_database()::text")
        .fetch_one(&db.pool)
        .await
        .expect("asking for the current database")
}

async fn has_table(db: &TestDb, table: &str) -> bool {
    sqlx::query_scalar("SELECT to_regclass($1) IS NOT NULL")
        .bind(table)
        .fetch_one(&db.pool)
        .await
        .expect("looking for a table")
}

#[tokio::test]
async fn each_test_db_is_a_separate_migrated_database() {
    let a = TestDb::new().await;
    let b = TestDb::new().await;
    assert_ne!(a.name, b.name);
    assert_eq!(current_database(&a).await, a.name);
    assert_eq!(current_database(&b).await, b.name);
    assert!(has_table(&a, "_sqlx_migrations").await, "a is migrated");
    assert!(has_table(&b, "_sqlx_migrations").await, "b is migrated");

    sqlx::query("CREATE TABLE only_in_a (x int)")
        .execute(&a.pool)
        .await
        .expect("creating a table in a");
    assert!(has_table(&a, "only_in_a").await);
    assert!(
        !has_table(&b, "only_in_a").await,
        "b must not see a's table"
    );

    let mut conn = PgConnection::connect(&a.url)
        .await
        .expect("connecting with the url");
    let name: String = sqlx::query_scalar("SELECT current_database()::text")
        .fetch_one(&mut conn)
        .await
        .expect("asking for the current database");
    assert_eq!(name, a.name);
    conn.close().await.expect("closing the connection");
}

#[tokio::test]
async fn a_passing_test_drops_its_database() {
    let witness = TestDb::new().await;
    let db = TestDb::new().await;
    let name = db.name.clone();
    assert!(created_at(&name).is_some(), "{name}");
    drop(db);
    let left: i64 = sqlx::query_scalar("SELECT count(*) FROM pg_database WHERE datname = $1")
        .bind(&name)
        .fetch_one(&witness.pool)
        .await
        .expect("counting databases");
    assert_eq!(left, 0, "{name} should be gone");
}

#[test]
fn with_database_replaces_only_the_path() {
    assert_eq!(
        with_database("postgres://postgres@127.0.0.1:5432/postgres", "lbt_1_x"),
        "postgres://postgres@127.0.0.1:5432/lbt_1_x"
    );
    assert_eq!(
        with_database("postgres://u:p@h", "db"),
        "postgres://u:p@h/db"
    );
    assert_eq!(
        with_database(
            "postgres://licensebot@localhost:5432/licensebot?host=/tmp/x/run",
            "db"
        ),
        "postgres://licensebot@localhost:5432/db?host=/tmp/x/run"
    );
}

#[test]
fn redacted_hides_only_the_password() {
    assert_eq!(
        redacted("postgres://u:secret@h:5432/db?sslmode=require"),
        "postgres://u:***@h:5432/db?sslmode=require"
    );
    assert_eq!(redacted("postgres://u@h/db"), "postgres://u@h/db");
}
