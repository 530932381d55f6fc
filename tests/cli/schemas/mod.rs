//! Application databases resetctl did not create: a table with other names
//! and no usernames, ids that are not integers, and where tokens are kept.

mod django;
mod names;

use crate::common::{TestEnv, assert_one_line_error, json, sha256_hex};

/// Every name in sqlite_schema, with its SQL.
fn schema_entries(env: &TestEnv) -> Vec<(String, String)> {
    let conn = env.conn();
    let mut stmt = conn
        .prepare("SELECT name, coalesce(sql, '') FROM sqlite_schema ORDER BY name")
        .unwrap();
    stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

fn columns(env: &TestEnv, table: &str) -> Vec<String> {
    let conn = env.conn();
    let mut stmt = conn
        .prepare("SELECT name FROM pragma_table_info(?1)")
        .unwrap();
    stmt.query_map([table], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

const MEMBERS_CONFIG: &str = r#"
[schema]
table = "members"
id = "user_id"
username = ""
email = "mail"
password = "pw"
token = "reset_tok"
expires = "reset_until"
expires_format = "unix"
"#;

fn members() -> (TestEnv, std::path::PathBuf) {
    let env = TestEnv::empty();
    env.conn()
        .execute_batch(
            "CREATE TABLE members (user_id INTEGER PRIMARY KEY, mail TEXT NOT NULL UNIQUE, pw TEXT, joined INTEGER);
             INSERT INTO members VALUES (11, 'ben@example.net', NULL, 1600000001);",
        )
        .unwrap();
    env.conn()
        .execute(
            "INSERT INTO members VALUES (10, 'ann@example.net', ?1, 1600000000)",
            [crate::common::APP_HASH],
        )
        .unwrap();
    let config = env.config(MEMBERS_CONFIG);
    env.cmd_with(&config).arg("init").assert().success();
    (env, config)
}

#[test]
fn mapped_table_without_usernames() {
    let (env, config) = members();
    assert_eq!(
        columns(&env, "members"),
        [
            "user_id",
            "mail",
            "pw",
            "joined",
            "reset_tok",
            "reset_until"
        ]
    );
    let cmd = || {
        let mut c = env.cmd();
        c.arg("--config").arg(&config);
        c
    };
    let v = json(
        &cmd()
            .args(["--json", "issue", "ANN@example.net"])
            .output()
            .unwrap()
            .stdout,
    );
    assert_eq!(
        v["user"],
        serde_json::json!({"id": 10, "username": null, "email": "ann@example.net"})
    );
    let token = v["token"].as_str().unwrap().to_string();
    // Written as integer Unix seconds, as configured.
    let (stored, until): (String, rusqlite::types::Value) = env
        .conn()
        .query_row(
            "SELECT reset_tok, reset_until FROM members WHERE user_id = 10",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(stored, sha256_hex(&token));
    assert_eq!(
        until,
        rusqlite::types::Value::Integer(1_795_258_800),
        "2026-11-21T11:00:00Z"
    );
    // By id works; a bare name cannot be a username here.
    cmd().args(["issue", "11"]).assert().success();
    let out = cmd().args(["inspect", "ann"]).output().unwrap();
    assert_eq!(out.status.code(), Some(67));
    assert_one_line_error(&out.stderr, "no user with username 'ann'");
    assert!(String::from_utf8_lossy(&out.stderr).contains("this database has no usernames"));
    // list, purge and redeem against the mapped names.
    let v = json(&cmd().args(["--json", "list"]).output().unwrap().stdout);
    assert_eq!(v.as_array().unwrap().len(), 2);
    assert_eq!(v[0]["expires_at"], "2026-11-21T11:00:00Z");
    cmd()
        .args(["redeem", &token, "--password-stdin"])
        .write_stdin("members only pw\n")
        .assert()
        .success();
    let pw: String = env
        .conn()
        .query_row("SELECT pw FROM members WHERE user_id = 10", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert!(argon2_reference::verify_encoded(&pw, b"members only pw").unwrap());
    let out = cmd()
        .args(["--json", "purge"])
        .env("RESETCTL_NOW", "2026-11-21T12:00:00Z")
        .output()
        .unwrap();
    assert_eq!(json(&out.stdout), serde_json::json!({"purged": 1}));
    let joined: i64 = env
        .conn()
        .query_row("SELECT joined FROM members WHERE user_id = 11", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(joined, 1_600_000_001, "the app's own columns are untouched");
}

#[test]
fn an_id_column_that_does_not_name_one_integer_row_is_refused_before_any_change() {
    for (create, want) in [
        (
            "CREATE TABLE people (pid INTEGER NOT NULL, mail TEXT, pw TEXT); \
             INSERT INTO people VALUES (1, 'ann@x.org', NULL), (1, 'bob@x.org', NULL);",
            "schema.id: people.pid is not unique",
        ),
        (
            "CREATE TABLE people (pid REAL PRIMARY KEY, mail TEXT, pw TEXT); INSERT INTO people VALUES (1.5, 'ann@x.org', NULL);",
            "schema.id: people.pid is declared REAL; resetctl needs user ids that are integers, text or UUIDs",
        ),
    ] {
        let env = TestEnv::empty();
        env.conn().execute_batch(create).unwrap();
        let config = env.config("[schema]\ntable = \"people\"\nid = \"pid\"\nusername = \"\"\nemail = \"mail\"\npassword = \"pw\"\n");
        let before = env.bytes();
        let out = env.cmd_with(&config).arg("init").output().unwrap();
        assert_eq!(out.status.code(), Some(78), "{create}");
        assert_one_line_error(&out.stderr, want);
        assert_eq!(env.bytes(), before, "init changed nothing");
    }
}

#[test]
fn ids_that_are_not_integers_are_left_out_and_named_never_70() {
    let env = TestEnv::empty();
    env.conn()
        .execute_batch(
            "CREATE TABLE users (id BIGINT PRIMARY KEY, username TEXT UNIQUE, email TEXT UNIQUE, \
             password_hash TEXT, password_reset_token TEXT, password_reset_expires TEXT);
             INSERT INTO users (id, username, email) VALUES (1, 'ann', 'ann@example.com'), \
             (2, 'bob', 'bob@example.com'), ('x7', 'tex', 'tex@example.com'), \
             (NULL, 'nul', 'nul@example.com'), (2.5, 'flo', 'flo@example.com');",
        )
        .unwrap();
    env.cmd().arg("init").assert().success();
    env.conn()
        .execute(
            "UPDATE users SET password_reset_token = 'x', password_reset_expires = '2026-11-21T11:00:00Z' \
             WHERE username IN ('tex', 'nul', 'ann')",
            [],
        )
        .unwrap();
    let out = env.cmd().args(["--json", "list"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(json(&out.stdout).as_array().unwrap().len(), 1, "ann only");
    assert!(
        String::from_utf8_lossy(&out.stderr)
            .contains("2 row(s) holding a reset token have an id that is not an integer")
    );
    let out = env.cmd().args(["inspect", "tex"]).output().unwrap();
    assert_eq!(out.status.code(), Some(78));
    assert_one_line_error(&out.stderr, "id = 'x7' in users, not an integer id");
    let out = env
        .cmd()
        .args(["--json", "issue", "--all"])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(78),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("3 user(s) have an id that is not an integer and are left out"),
        "{stderr}"
    );
    assert!(
        stderr.contains("Issued 2, skipped 0, failed 3."),
        "{stderr}"
    );
    assert_eq!(String::from_utf8(out.stdout).unwrap().lines().count(), 2);
}

#[test]
fn reserved_names_and_impossible_demo_users_are_config_errors() {
    let env = TestEnv::demo();
    let config = env.config("[schema]\ntable = \"sqlite_master\"\n");
    let out = env.cmd_with(&config).arg("list").output().unwrap();
    assert_eq!(out.status.code(), Some(78));
    assert_one_line_error(
        &out.stderr,
        "schema.table = 'sqlite_master' is not a valid SQL identifier",
    );
    let (members, config) = members_with_required_password();
    let before = members.bytes();
    let out = members
        .cmd_with(&config)
        .args(["init", "--demo"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(78));
    assert_one_line_error(&out.stderr, "cannot add demo users to members");
    assert_eq!(members.bytes(), before);
}

fn members_with_required_password() -> (TestEnv, std::path::PathBuf) {
    let env = TestEnv::empty();
    env.conn()
        .execute_batch("CREATE TABLE members (user_id INTEGER PRIMARY KEY, mail TEXT NOT NULL UNIQUE, pw TEXT NOT NULL)")
        .unwrap();
    let config = env.config(MEMBERS_CONFIG);
    env.cmd_with(&config).arg("init").assert().success();
    (env, config)
}

#[test]
fn plain_token_storage_is_warned_about_once() {
    let env = TestEnv::demo();
    let config = env.config("[schema]\ntoken_storage = \"plain\"\n");
    let out = env
        .cmd_with(&config)
        .args(["--json", "issue", "alice", "bob"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(stderr.matches("resetctl: warning:").count(), 1, "{stderr}");
    assert!(stderr.contains("token_storage = \"plain\""), "{stderr}");
    let token = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .next()
        .map(|l| json(l.as_bytes())["token"].as_str().unwrap().to_string())
        .unwrap();
    assert_eq!(
        env.token_row(1).0.as_deref(),
        Some(token.as_str()),
        "stored as it is"
    );
    env.cmd_with(&config)
        .args(["inspect", "--token", &token])
        .assert()
        .success();
    env.cmd_with(&config)
        .args(["redeem", &token, "--password-stdin"])
        .write_stdin("plain sailing\n")
        .assert()
        .success();
    assert_eq!(env.token_row(1), (None, None));
}
