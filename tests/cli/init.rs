//! `init`: creating the database, upgrading an app's table and an older
//! audit table, idempotence.

use std::os::unix::fs::PermissionsExt;

use predicates::prelude::*;

use crate::common::{TestEnv, assert_one_line_error, json};

#[test]
fn creates_file_0600_with_schema_and_says_so() {
    let env = TestEnv::empty();
    env.cmd()
        .arg("init")
        .assert()
        .success()
        .stdout(predicate::str::contains("Created database file"))
        .stdout(predicate::str::contains("Created table users"))
        .stdout(predicate::str::contains("Created table resetctl_audit"))
        .stderr("");
    let mode = std::fs::metadata(&env.db).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
    let conn = env.conn();
    let cols: Vec<String> = conn
        .prepare("SELECT name FROM pragma_table_info('users')")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(
        cols,
        [
            "id",
            "username",
            "email",
            "password_hash",
            "password_reset_token",
            "password_reset_expires"
        ]
    );
    let users: i64 = conn
        .query_row("SELECT count(*) FROM users", [], |r| r.get(0))
        .unwrap();
    assert_eq!(users, 0, "no demo users without --demo");
    let journal: String = conn
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .unwrap();
    assert_eq!(journal, "delete", "the journal mode is left alone");
    let audit = env.audit();
    assert_eq!(audit.len(), 1);
    assert_eq!(audit[0].action, "init");
    assert_eq!(audit[0].actor, "tester");
}

#[test]
fn demo_adds_three_users() {
    let env = TestEnv::empty();
    env.cmd()
        .args(["init", "--demo"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "Added demo users alice, bob, carol",
        ));
    let conn = env.conn();
    let users: Vec<(i64, String, String)> = conn
        .prepare("SELECT id, username, email FROM users ORDER BY id")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(
        users,
        [
            (1, "alice".into(), "alice@example.com".into()),
            (2, "bob".into(), "bob@example.com".into()),
            (3, "carol".into(), "carol@example.com".into()),
        ]
    );
}

#[test]
fn second_run_changes_nothing_and_says_so() {
    let env = TestEnv::demo();
    let before = env.bytes();
    env.cmd()
        .args(["init", "--demo"])
        .assert()
        .success()
        .stdout(predicate::str::contains("Nothing to do"))
        .stderr("");
    assert_eq!(env.bytes(), before, "a second init must not touch the file");
    env.cmd()
        .args(["--json", "init"])
        .assert()
        .success()
        .stdout(predicate::function(|s: &str| {
            json(s.as_bytes())["changed"] == serde_json::json!([])
        }));
}

#[test]
fn upgrades_an_existing_users_table_without_touching_its_data() {
    let env = TestEnv::empty();
    {
        let conn = env.conn();
        conn.execute_batch(
            "CREATE TABLE users (id INTEGER PRIMARY KEY, username TEXT UNIQUE, email TEXT UNIQUE, password_hash TEXT, created TEXT);
             INSERT INTO users VALUES (7, 'dave', 'dave@example.org', 'bcrypt$abc', '2020-01-01');
             INSERT INTO users VALUES (9, 'erin', 'erin@example.org', NULL, '2021-02-02');",
        )
        .unwrap();
    }
    let before_rows = env.all_rows();
    std::fs::set_permissions(&env.db, std::fs::Permissions::from_mode(0o640)).unwrap();
    env.cmd()
        .arg("init")
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "Added column users.password_reset_token",
        ))
        .stdout(predicate::str::contains(
            "Added column users.password_reset_expires",
        ))
        .stdout(predicate::str::contains("Created index"))
        .stdout(predicate::str::contains("Created table resetctl_audit"))
        .stdout(predicate::str::contains("Created database file").not())
        .stdout(predicate::str::contains("Created table users").not());
    let after_rows = env.all_rows();
    assert_eq!(before_rows.len(), after_rows.len());
    for (b, a) in before_rows.iter().zip(&after_rows) {
        assert_eq!(&a[..5], &b[..], "app data unchanged");
        assert_eq!(&a[5..], ["NULL", "NULL"], "new columns empty");
    }
    let mode = std::fs::metadata(&env.db).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o640, "an existing file keeps its mode");
    let idx: i64 = env
        .conn()
        .query_row(
            "SELECT count(*) FROM pragma_index_list('users') il JOIN pragma_index_info(il.name) ii WHERE ii.name = 'password_reset_token'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(idx, 1);
    // And the tool now works on it.
    env.cmd().args(["issue", "dave"]).assert().success();
}

#[test]
fn table_missing_an_app_column_is_a_schema_error_and_untouched() {
    let env = TestEnv::empty();
    env.conn()
        .execute_batch("CREATE TABLE users (id INTEGER PRIMARY KEY, username TEXT, email TEXT)")
        .unwrap();
    let before = env.bytes();
    let out = env.cmd().arg("init").assert().code(78).get_output().clone();
    crate::common::assert_one_line_error(&out.stderr, "table users has no column password_hash");
    assert_eq!(env.bytes(), before);
}

trait Rows {
    fn all_rows(&self) -> Vec<Vec<String>>;
}

impl Rows for TestEnv {
    fn all_rows(&self) -> Vec<Vec<String>> {
        let conn = self.conn();
        let mut stmt = conn.prepare("SELECT * FROM users ORDER BY id").unwrap();
        let n = stmt.column_count();
        stmt.query_map([], |r| {
            Ok((0..n)
                .map(|i| match r.get::<_, rusqlite::types::Value>(i).unwrap() {
                    rusqlite::types::Value::Null => "NULL".to_string(),
                    v => format!("{v:?}"),
                })
                .collect())
        })
        .unwrap()
        .map(Result::unwrap)
        .collect()
    }
}

#[test]
fn an_older_audit_table_is_refused_until_init_adds_the_new_columns() {
    let env = TestEnv::demo();
    env.issue("alice");
    // As a resetctl before these columns left it.
    env.conn()
        .execute_batch(
            "ALTER TABLE resetctl_audit DROP COLUMN real_at; ALTER TABLE resetctl_audit DROP COLUMN run;",
        )
        .unwrap();
    let out = env.cmd().arg("list").output().unwrap();
    assert_eq!(out.status.code(), Some(78));
    assert_one_line_error(
        &out.stderr,
        "resetctl_audit was made by an older resetctl and lacks the column real_at",
    );
    let out = env.cmd().arg("init").output().unwrap();
    assert!(out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stdout)
            .contains("Added columns real_at, run to resetctl_audit")
    );
    env.cmd().arg("list").assert().success();
    assert_eq!(
        env.audit().len(),
        3,
        "init, the issue, and the upgrade: nothing lost"
    );
}
