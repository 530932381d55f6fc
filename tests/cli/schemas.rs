//! Application databases resetctl did not create: Django's auth_user made by
//! Django itself, and a table with other names and no usernames; storage and
//! expiry forms.

use std::path::Path;
use std::process::Command;

use crate::common::{TestEnv, assert_one_line_error, json, sha256_hex};

fn django(db: &Path, args: &[&str]) -> bool {
    let helper = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/support/django_app.py");
    let out = Command::new(crate::common::tools::python())
        .arg(helper)
        .arg(db)
        .args(args)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        !stderr.contains("ModuleNotFoundError"),
        "Django and argon2-cffi must be installed (scripts/test-env): {stderr}"
    );
    out.status.success()
}

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

const DJANGO_CONFIG: &str = r#"
[schema]
table = "auth_user"
password = "password"

[password]
format = "django"
"#;

#[test]
fn django_auth_user_end_to_end() {
    let env = TestEnv::empty();
    assert!(django(
        &env.db,
        &["create", "dave", "Dave@Example.org", "old password 1"]
    ));
    let config = env.config(DJANGO_CONFIG);
    let before_schema = schema_entries(&env);
    let before_cols = columns(&env, "auth_user");

    let out = env.cmd_with(&config).arg("init").output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // Only what resetctl owns was added: two columns, two indexes, the audit table.
    let mut cols = before_cols.clone();
    cols.extend([
        "password_reset_token".to_string(),
        "password_reset_expires".to_string(),
    ]);
    assert_eq!(columns(&env, "auth_user"), cols);
    let added: Vec<String> = schema_entries(&env)
        .into_iter()
        .filter(|e| !before_schema.iter().any(|b| b.0 == e.0))
        .map(|e| e.0)
        .collect();
    assert_eq!(
        added,
        [
            "resetctl_audit",
            "resetctl_audit_subject_idx",
            "resetctl_audit_user_idx",
            "resetctl_auth_user_email_nocase_idx",
            "resetctl_auth_user_password_reset_token_idx",
        ]
    );
    for (name, sql) in &before_schema {
        if name != "auth_user" {
            assert!(
                schema_entries(&env).contains(&(name.clone(), sql.clone())),
                "{name} untouched"
            );
        }
    }

    // Issue by email in another case, redeem, and Django accepts the new password.
    let v = env.json_at(&config, None, &["issue", "dave@example.ORG"]);
    assert_eq!(v["user"]["username"], "dave");
    let token = v["token"].as_str().unwrap().to_string();
    env.cmd_with(&config)
        .args(["redeem", &token, "--password-stdin"])
        .write_stdin("brand new password 2\n")
        .assert()
        .success();
    let stored: String = env
        .conn()
        .query_row("SELECT password FROM auth_user", [], |r| r.get(0))
        .unwrap();
    assert!(
        stored.starts_with("argon2$argon2id$v=19$m=19456,t=2,p=1$"),
        "{stored}"
    );
    assert!(
        django(&env.db, &["check", "dave", "brand new password 2"]),
        "Django's check_password accepts it"
    );
    assert!(!django(&env.db, &["check", "dave", "old password 1"]));
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
fn every_expires_format_is_written_as_configured_and_read_back() {
    for (format, want) in [
        (
            "rfc3339",
            rusqlite::types::Value::Text("2026-11-21T11:00:00Z".into()),
        ),
        (
            "sqlite",
            rusqlite::types::Value::Text("2026-11-21 11:00:00".into()),
        ),
        ("unix", rusqlite::types::Value::Integer(1_795_258_800)),
        (
            "unix_ms",
            rusqlite::types::Value::Integer(1_795_258_800_000),
        ),
    ] {
        let env = TestEnv::demo();
        let config = env.config(&format!("[schema]\nexpires_format = \"{format}\"\n"));
        env.cmd_with(&config)
            .args(["issue", "alice"])
            .assert()
            .success();
        let got: rusqlite::types::Value = env
            .conn()
            .query_row(
                "SELECT password_reset_expires FROM users WHERE id = 1",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(got, want, "{format}");
        // Read back as the same instant, active before it and expired at it.
        for (now, state) in [
            ("2026-11-21T10:59:59Z", "active"),
            ("2026-11-21T11:00:00Z", "expired"),
        ] {
            let v = env.json_at(&config, Some(now), &["inspect", "alice"]);
            assert_eq!(
                (v["state"].as_str(), v["expires_at"].as_str()),
                (Some(state), Some("2026-11-21T11:00:00Z")),
                "{format} at {now}"
            );
        }
        // And the "password changed since issue" check still recognises the token.
        env.conn()
            .execute(
                "UPDATE users SET password_hash = 'changed' WHERE id = 1",
                [],
            )
            .unwrap();
        let v = env.json_at(&config, None, &["inspect", "alice"]);
        assert_eq!(v["password_changed_since_issue"], true, "{format}");
    }
}

#[test]
fn comparisons_are_right_across_forms() {
    let env = TestEnv::demo();
    // Each expiry is 10:30 UTC or 11:30 UTC in a different form; now is 11:00.
    env.conn()
        .execute_batch(
            "UPDATE users SET password_reset_token = 'a', password_reset_expires = '2026-11-21 10:30:00' WHERE id = 1;
             UPDATE users SET password_reset_token = 'b', password_reset_expires = '2026-11-21T12:30:00+01:00' WHERE id = 2;
             UPDATE users SET password_reset_token = 'c', password_reset_expires = 1795258800000 + 1800000 WHERE id = 3;",
        )
        .unwrap();
    let at = "2026-11-21T11:00:00Z";
    let ids = |flag: &str| -> Vec<i64> {
        let v = json(
            &env.cmd()
                .args(["--json", "list", flag])
                .env("RESETCTL_NOW", at)
                .output()
                .unwrap()
                .stdout,
        );
        v.as_array()
            .unwrap()
            .iter()
            .map(|r| r["user"]["id"].as_i64().unwrap())
            .collect()
    };
    assert_eq!(
        ids("--expired"),
        [1],
        "'2026-11-21 10:30:00' is before 11:00 although it sorts after '2026-11-21T11...' as text"
    );
    assert_eq!(ids("--active"), [2, 3]);
    let v = json(
        &env.cmd()
            .args(["--json", "purge"])
            .env("RESETCTL_NOW", at)
            .output()
            .unwrap()
            .stdout,
    );
    assert_eq!(v["purged"], 1);
    assert_eq!(env.token_row(1), (None, None));
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

#[test]
fn argon2_parameters_are_configurable() {
    let env = TestEnv::demo();
    let config = env.config(
        // OWASP's 9 MiB row, with two lanes.
        "[password]\nmin_length = 12\nargon2 = { m_cost = 9216, t_cost = 4, p_cost = 2 }\n",
    );
    let token = env.issue("carol");
    let out = env
        .cmd_with(&config)
        .args(["redeem", &token, "--password-stdin"])
        .write_stdin("elevenchars\n")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(65));
    assert_one_line_error(&out.stderr, "at least 12 needed");
    env.cmd_with(&config)
        .args(["redeem", &token, "--password-stdin"])
        .write_stdin("twelve chars\n")
        .assert()
        .success();
    let hash = env.password_hash(3).unwrap();
    assert!(hash.starts_with("$argon2id$v=19$m=9216,t=4,p=2$"), "{hash}");
    assert!(argon2_reference::verify_encoded(&hash, b"twelve chars").unwrap());
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
            "CREATE TABLE people (pid TEXT PRIMARY KEY, mail TEXT, pw TEXT); INSERT INTO people VALUES ('u-1', 'ann@x.org', NULL);",
            "schema.id: people.pid is declared TEXT; resetctl needs integer user ids",
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
fn init_never_creates_a_mistyped_table_next_to_the_apps() {
    let env = TestEnv::empty();
    assert!(django(
        &env.db,
        &["create", "dave", "dave@example.org", "old password 1"]
    ));
    let config = env.config("[schema]\ntable = \"auth_users\"\npassword = \"password\"\n");
    let before = env.bytes();
    let out = env.cmd_with(&config).arg("init").output().unwrap();
    assert_eq!(out.status.code(), Some(78));
    assert_one_line_error(&out.stderr, "the database has no table auth_users");
    assert!(String::from_utf8_lossy(&out.stderr).contains("hint: check schema.table"));
    assert_eq!(env.bytes(), before);
}

#[test]
fn only_full_indexes_of_the_right_collation_count() {
    let env = TestEnv::empty();
    env.conn()
        .execute_batch(
            "CREATE TABLE users (id INTEGER PRIMARY KEY, username TEXT, email TEXT, password_hash TEXT, active INT, password_reset_token TEXT);
             CREATE INDEX app_email ON users (email COLLATE NOCASE) WHERE active = 1;
             CREATE INDEX app_token ON users (password_reset_token COLLATE NOCASE);",
        )
        .unwrap();
    let out = env.cmd().arg("init").output().unwrap();
    assert!(out.status.success());
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("Created index resetctl_users_email_nocase_idx"),
        "a partial index does not serve every lookup: {stdout}"
    );
    assert!(
        stdout.contains("Created index resetctl_users_password_reset_token_idx"),
        "a NOCASE index does not serve '=': {stdout}"
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("resetctl: warning: users.username has no index"),
        "{stderr}"
    );
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
