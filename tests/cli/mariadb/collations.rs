//! Collations and character sets: token hashes compared byte for byte
//! under a case-insensitive collation, emails found ignoring case under a
//! binary one, every lookup through an index on a million users, and a
//! latin1 database.

use mysql::prelude::Queryable;

use super::{as_root, db_name, login_with, maria_env};
use crate::common::mariadb::server;
use crate::common::{Backend, TestEnv, json};

// Proves the token hash is compared byte for byte under a case-insensitive collation: a stored hash differing only in case redeems nothing.
#[test]
fn token_hashes_compare_exactly_under_a_case_insensitive_collation() {
    let env = maria_env();
    let collation = env.value(
        "SELECT COLLATION_NAME FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() \
         AND TABLE_NAME = 'users' AND COLUMN_NAME = 'password_reset_token'",
    );
    assert!(
        collation.as_deref().unwrap().ends_with("_ci"),
        "{collation:?}"
    );
    let token = env.issue("alice");
    env.sql("UPDATE users SET password_reset_token = upper(password_reset_token) WHERE id = 1");
    let users = env.rows("SELECT * FROM users ORDER BY id");
    let out = env
        .cmd()
        .args(["redeem", &token, "--password-stdin"])
        .write_stdin("a new password here\n")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(77), "{out:?}");
    assert_eq!(env.rows("SELECT * FROM users ORDER BY id"), users);
    let last = env.audit().pop().unwrap();
    assert_eq!(
        (last.action.as_str(), last.outcome.as_str()),
        ("redeem", "rejected")
    );
    let out = env
        .cmd()
        .args(["--json", "inspect", "--token", &token])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(77), "{out:?}");
}

// Proves that on a million users every statement resetctl runs to find a user by email (any case) or a token by its hash uses an index: the server's own EXPLAIN of each statement it logged shows no full scan, and the login read a few rows, not a million.
#[test]
fn lookups_use_an_index_on_a_million_users() {
    let env = TestEnv::empty_on(Backend::Mariadb);
    env.cmd().arg("init").assert().success();
    env.sql(
        "INSERT INTO users (id, username, email) \
         SELECT seq, concat('u', seq), concat('u', seq, '@example.com') FROM seq_1_to_1000000",
    );
    let url = login_with(&env, "probe", "ALL", "");
    let user = url
        .split("//")
        .nth(1)
        .unwrap()
        .split(':')
        .next()
        .unwrap()
        .to_string();
    let mut root = server().admin().unwrap();
    let read = |root: &mut mysql::Conn| -> i64 {
        root.query_first(format!(
            "SELECT coalesce(sum(ROWS_READ), 0) FROM information_schema.USER_STATISTICS WHERE USER = '{user}'"
        ))
        .unwrap()
        .unwrap_or(0)
    };
    let before = read(&mut root);
    root.query_drop("SET GLOBAL log_output = 'TABLE', general_log = 1")
        .unwrap();
    // A named scheme: `format = "auto"` samples up to 100,000 of the
    // newest users' hashes by design, which is not a lookup.
    let config = env.config("[password]\nformat = \"argon2id\"\n");
    let config = config.to_str().unwrap();
    let run = |args: &[&str], stdin: &str| {
        let out = env
            .cmd()
            .env("RESETCTL_DB", &url)
            .args(["--config", config])
            .args(args)
            .write_stdin(stdin)
            .output()
            .unwrap();
        root_off_on_failure(&out);
        out
    };
    let issued = json(&run(&["--json", "issue", "U500000@EXAMPLE.COM"], "").stdout);
    let token = issued["token"].as_str().unwrap().to_string();
    assert_eq!(issued["user"]["id"], 500_000);
    assert_eq!(
        run(&["inspect", "--token", "-"], &format!("{token}\n"))
            .status
            .code(),
        Some(0)
    );
    let out = run(
        &["redeem", "-", "--password-stdin"],
        &format!("{token}\na million-th password\n"),
    );
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    root.query_drop("SET GLOBAL general_log = 0").unwrap();
    let rows_read = read(&mut root) - before;
    assert_eq!(env.token_row(500_000), (None, None));
    // Every statement on the users table, as the server logged it with
    // its values, explained by the server.
    let logged: Vec<String> = root
        .query(format!(
            "SELECT CONVERT(argument USING utf8mb4) FROM mysql.general_log \
             WHERE user_host LIKE '{user}%' AND command_type IN ('Execute', 'Query')"
        ))
        .unwrap();
    let statements: Vec<&String> = logged
        .iter()
        .filter(|s| s.contains("`users`") && !s.starts_with("SET"))
        .collect();
    assert!(statements.len() >= 3, "{logged:#?}");
    let mut client = server().client(db_name(&env)).unwrap();
    for sql in statements {
        let plan: Vec<mysql::Row> = client.query(format!("EXPLAIN {sql}")).unwrap();
        for row in &plan {
            let cell = |name: &str| -> Option<String> {
                match row.get_opt::<mysql::Value, _>(name)?.ok()? {
                    mysql::Value::Bytes(b) => Some(String::from_utf8_lossy(&b).into_owned()),
                    _ => None,
                }
            };
            let (table, kind, key) = (cell("table"), cell("type"), cell("key"));
            eprintln!("EXPLAIN {sql}\n  -> table {table:?}, type {kind:?}, key {key:?}");
            if table.as_deref() == Some("users") || table.as_deref() == Some("resetctl_audit") {
                assert_ne!(kind.as_deref(), Some("ALL"), "a full scan: {sql}");
                assert!(key.is_some(), "no index: {sql}");
            }
        }
    }
    assert!(rows_read < 10_000, "read {rows_read} rows");
}

/// A failed run must not leave the server logging every statement.
fn root_off_on_failure(out: &std::process::Output) {
    if !out.status.success() {
        as_root("SET GLOBAL general_log = 0");
    }
}

// Proves a database and users table in latin1 (an older app's default) work: resetctl's own table is utf8mb4 whatever the default, and issue, list, inspect and redeem compare across the two without error.
#[test]
fn a_latin1_database_and_users_table_work_as_any_other() {
    let env = TestEnv::empty_on(Backend::Mariadb);
    let name = db_name(&env).to_string();
    as_root(&format!(
        "ALTER DATABASE `{name}` CHARACTER SET latin1 COLLATE latin1_swedish_ci"
    ));
    env.sql(
        "CREATE TABLE users (id INT PRIMARY KEY, username VARCHAR(50) UNIQUE, \
         email VARCHAR(100) UNIQUE, password_hash VARCHAR(255)) CHARACTER SET latin1",
    );
    env.sql("INSERT INTO users VALUES (1, 'ren', 'Ren@Example.com', NULL)");
    env.cmd().arg("init").assert().success();
    let charset = env.value(&format!(
        "SELECT CCSA.CHARACTER_SET_NAME FROM information_schema.TABLES T \
         JOIN information_schema.COLLATION_CHARACTER_SET_APPLICABILITY CCSA \
         ON CCSA.COLLATION_NAME = T.TABLE_COLLATION \
         WHERE T.TABLE_SCHEMA = '{name}' AND T.TABLE_NAME = 'resetctl_audit'"
    ));
    assert_eq!(charset.as_deref(), Some("utf8mb4"));
    let token = env.issue("ren@example.com");
    let out = env
        .cmd()
        .args(["--json", "inspect", "ren"])
        .output()
        .unwrap();
    assert_eq!(json(&out.stdout)["state"], "active", "{out:?}");
    let out = env.cmd().args(["--json", "list"]).output().unwrap();
    assert_eq!(json(&out.stdout).as_array().unwrap().len(), 1, "{out:?}");
    env.cmd()
        .args(["redeem", &token, "--password-stdin"])
        .write_stdin("a latin1 password\n")
        .assert()
        .success();
    assert_eq!(env.token_row(1), (None, None));
    assert!(env.password_hash(1).unwrap().starts_with("$argon2id$"));
}

// Proves that under a binary collation (utf8mb4_bin) a user is found by email ignoring case: init adds an invisible, indexed lower-case copy of the column that the app's own INSERT and SELECT * never see, the lookup reads a handful of rows of a million through it, and without the copy the lookup still ignores case.
#[test]
fn emails_are_found_ignoring_case_under_a_binary_collation_through_an_index() {
    let env = TestEnv::empty_on(Backend::Mariadb);
    env.sql(
        "CREATE TABLE users (id BIGINT PRIMARY KEY, username VARCHAR(100) UNIQUE, \
         email VARCHAR(255) COLLATE utf8mb4_bin UNIQUE, password_hash VARCHAR(255)) \
         CHARACTER SET utf8mb4",
    );
    env.sql(
        "INSERT INTO users (id, username, email) \
         SELECT seq, concat('u', seq), concat('U', seq, '@Example.com') FROM seq_1_to_1000000",
    );
    let out = env.cmd().arg("init").output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert!(
        String::from_utf8_lossy(&out.stdout)
            .contains("Added column users.resetctl_email_lower (lower(email), invisible, indexed)"),
        "{out:?}"
    );
    // The app's own statements do not see the copy.
    env.sql("INSERT INTO users VALUES (1000001, 'ren', 'Ren@Example.com', NULL, NULL, NULL)");
    assert_eq!(env.rows("SELECT * FROM users WHERE id = 1")[0].len(), 6);
    let url = login_with(&env, "bin", "ALL", "");
    let user = url
        .split("//")
        .nth(1)
        .unwrap()
        .split(':')
        .next()
        .unwrap()
        .to_string();
    let mut root = server().admin().unwrap();
    let read = |root: &mut mysql::Conn| -> i64 {
        root.query_first(format!(
            "SELECT coalesce(sum(ROWS_READ), 0) FROM information_schema.USER_STATISTICS WHERE USER = '{user}'"
        ))
        .unwrap()
        .unwrap_or(0)
    };
    let config = env.config("[password]\nformat = \"argon2id\"\n");
    let before = read(&mut root);
    for typed in ["u500000@example.com", "REN@EXAMPLE.COM"] {
        let out = env
            .cmd_with(&config)
            .env("RESETCTL_DB", &url)
            .args(["--json", "inspect", typed])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{typed}: {out:?}");
    }
    let rows_read = read(&mut root) - before;
    assert!(rows_read < 1_000, "read {rows_read} rows");
    let issued = env.json_at(&config, None, &["issue", "ren@example.com"]);
    assert_eq!(issued["user"]["id"], 1_000_001);
    // Without the copy: still found ignoring case, by reading the table.
    env.sql("ALTER TABLE users DROP COLUMN resetctl_email_lower");
    let out = env
        .cmd()
        .args(["--json", "inspect", "rEn@example.COM"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert_eq!(json(&out.stdout)["user"]["id"], 1_000_001);
    // init puts it back, and nothing else.
    let out = env.cmd().arg("init").output().unwrap();
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim_end(),
        "Added column users.resetctl_email_lower (lower(email), invisible, indexed): \
         finding users by email ignoring case uses it",
        "{out:?}"
    );
}
