//! Every statement that finds one user, one token or one user's history
//! searches an index, on a table of a million users: no lookup scans.

use std::time::Duration;

use super::*;
use crate::db::{Db, Ident, Location};

/// The query plan of `sql`, one line per step.
fn plan(tx: &Tx<'_>, sql: &str) -> String {
    let mut steps = Vec::new();
    // Parameters left unbound: the plan does not depend on their values.
    tx.each(&format!("EXPLAIN QUERY PLAN {sql}"), &[], &mut |r| {
        steps.push(r.text(3)?);
        Ok(())
    })
    .unwrap();
    steps.join(" | ")
}

fn check_lookups(schema: &Schema, create: &str, users: u32) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("big.db");
    {
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.execute_batch(create).unwrap();
        conn.execute(
            &format!(
                "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?1) \
                 INSERT INTO {t} ({id}, {email}, {pw}) SELECT i, 'User' || i || '@Example.com', 'x' FROM n",
                t = schema.table,
                id = schema.id,
                email = schema.email,
                pw = schema.password,
            ),
            [users],
        )
        .unwrap();
    }
    let store = RowColumns::new(schema, &RowSettings::default());
    let (mut db, _) = Db::create(
        &Location::File(path.clone()),
        Duration::from_secs(5),
        schema,
        None,
    )
    .unwrap();
    db.write(|tx| {
        tx.prepare_users_table()?;
        store.prepare(tx)?;
        tx.prepare_email_index()?;
        tx.prepare_audit_table()
    })
    .unwrap();
    let tx = db.read();
    assert_eq!(tx.count_users().unwrap(), u64::from(users));
    let sql = store.sql(&tx);
    let mut lookups = db.lookup_statements();
    lookups.extend([
        ("by token", sql.by_token.clone()),
        ("token state by id", sql.state_by_id.clone()),
        ("set token", sql.set_token.clone()),
        ("clear token", sql.clear_token.clone()),
        ("redeem", sql.redeem.clone()),
    ]);
    for (name, stmt) in lookups {
        let p = plan(&tx, &stmt);
        assert!(
            p.contains("SEARCH") && !p.contains("SCAN"),
            "{name} is not index-backed: {p}\n{stmt}"
        );
    }
}

#[test]
fn lookups_are_index_backed_on_a_million_users() {
    check_lookups(
        &Schema::default(),
        "CREATE TABLE users (id INTEGER PRIMARY KEY, username TEXT UNIQUE, email TEXT UNIQUE, \
         password_hash TEXT, password_reset_token TEXT, password_reset_expires DATETIME)",
        1_000_000,
    );
}

#[test]
fn lookups_are_index_backed_on_a_table_without_usernames() {
    let id = |n: &str| Ident::new("t", n).unwrap();
    let schema = Schema {
        table: id("members"),
        id: id("user_id"),
        username: None,
        email: id("mail"),
        password: id("pw"),
        token: id("reset_tok"),
        expires: id("reset_until"),
        password_row: None,
        sessions: None,
    };
    check_lookups(
        &schema,
        "CREATE TABLE members (user_id INTEGER PRIMARY KEY, mail TEXT NOT NULL UNIQUE, pw TEXT)",
        10_000,
    );
}

#[test]
fn lookups_are_index_backed_on_djangos_auth_user() {
    // Django declares no index on email at all: init's NOCASE index is the only one.
    let schema = Schema {
        table: Ident::new("t", "auth_user").unwrap(),
        password: Ident::new("p", "password").unwrap(),
        ..Schema::default()
    };
    check_lookups(
        &schema,
        "CREATE TABLE auth_user (id integer NOT NULL PRIMARY KEY AUTOINCREMENT, password varchar(128) NOT NULL, \
         last_login datetime NULL, is_superuser bool NOT NULL DEFAULT 0, username varchar(150) NULL UNIQUE, \
         last_name varchar(150) NOT NULL DEFAULT '', email varchar(254) NOT NULL, is_staff bool NOT NULL DEFAULT 0, \
         is_active bool NOT NULL DEFAULT 1, date_joined datetime NOT NULL DEFAULT 0, first_name varchar(150) NOT NULL DEFAULT '')",
        10_000,
    );
}

#[test]
fn the_link_needs_a_token_placeholder() {
    let store = RowColumns::new(&Schema::default(), &RowSettings::default());
    assert!(store.link_problem(super::DEFAULT_LINK).is_none());
    assert!(
        store
            .link_problem("https://x/")
            .unwrap()
            .contains("no {token} placeholder")
    );
}
