//! What only MariaDB and MySQL have: their URLs and `~/.my.cnf`, TLS by
//! `ssl-mode`, a server that is down or refuses the login, privileges,
//! locks held by the app, collations, the server's time zone, and schema
//! changes that commit at once. Everything else runs on every engine
//! through `on_every_engine!`; the test server's zone is +05:00 for all.

mod collations;
mod server;

use std::time::{Duration, Instant};

use mysql::prelude::Queryable;

use crate::common::mariadb::{PASSWORD, server};
use crate::common::{Backend, TestEnv, assert_one_line_error, closed_port, json};

fn maria_env() -> TestEnv {
    TestEnv::demo_on(Backend::Mariadb)
}

fn db_name(env: &TestEnv) -> &str {
    &env.server_db().name
}

/// Runs SQL as the server's root.
fn as_root(sql: &str) {
    server()
        .admin()
        .unwrap()
        .query_drop(sql)
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
}

/// A login of its own with `grants` on the test's database.
fn login_with(env: &TestEnv, user: &str, grants: &str, extra: &str) -> String {
    let name = db_name(env);
    let user = format!("{user}_{name}");
    as_root(&format!(
        "CREATE USER '{user}'@'%' IDENTIFIED BY 'Pw-{user}' {extra}"
    ));
    if !grants.is_empty() {
        as_root(&format!("GRANT {grants} ON `{name}`.* TO '{user}'@'%'"));
    }
    format!(
        "mysql://{user}:Pw-{user}@127.0.0.1:{}/{name}",
        server().port
    )
}

fn output_text(out: &std::process::Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

// Proves a wrong password or user is 78, a server that is down 75, an unknown database 66, each with nothing changed and no password shown.
#[test]
fn logins_refused_servers_down_and_unknown_databases_have_their_exit_codes() {
    let env = maria_env();
    let before = env.bytes();
    let (port, name) = (server().port, db_name(&env).to_string());
    let wrong = "Wr0ng-Secret-Pw";
    for (db, code, says) in [
        (
            format!("mysql://resetctl:{wrong}@127.0.0.1:{port}/{name}"),
            78,
            "the server refused the login",
        ),
        (
            format!("mariadb://nobody:{wrong}@127.0.0.1:{port}/{name}"),
            78,
            "the server refused the login",
        ),
        (
            format!(
                "mysql://resetctl:{wrong}@127.0.0.1:{}/{name}",
                closed_port()
            ),
            75,
            "cannot reach",
        ),
        (
            format!("mysql://resetctl:{PASSWORD}@127.0.0.1:{port}/no_such_db"),
            66,
            "database no_such_db does not exist",
        ),
    ] {
        for args in [&["issue", "alice"][..], &["doctor"], &["list"]] {
            let out = env
                .cmd()
                .env("RESETCTL_DB", &db)
                .args(args)
                .output()
                .unwrap();
            assert_eq!(out.status.code(), Some(code), "{db} {args:?}: {out:?}");
            let text = output_text(&out);
            if args[0] != "doctor" {
                assert_one_line_error(&out.stderr, says);
            }
            assert!(!text.contains(wrong) && !text.contains(PASSWORD), "{text}");
            assert!(
                !text.contains("Error {"),
                "the driver's types shown: {text}"
            );
        }
    }
    assert_eq!(env.bytes(), before);
}

// Proves a login without UPDATE is 78, names the privilege the server refused, points at the README's grants and changes nothing.
#[test]
fn a_missing_privilege_is_78_and_says_which() {
    let env = maria_env();
    let before = env.bytes();
    let url = login_with(&env, "reader", "SELECT", "");
    let out = env
        .cmd()
        .env("RESETCTL_DB", &url)
        .args(["issue", "alice"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(78), "{out:?}");
    assert_one_line_error(&out.stderr, "command denied");
    let text = output_text(&out);
    assert!(text.contains("UPDATE") || text.contains("INSERT"), "{text}");
    assert!(text.contains("MariaDB/MySQL section"), "{text}");
    assert!(!text.contains("Pw-reader"), "{text}");
    assert_eq!(env.bytes(), before);
    // The grants the README lists are enough for every command.
    let support = login_with(&env, "support", "SELECT, UPDATE", "");
    as_root(&format!(
        "GRANT INSERT, DELETE ON `{}`.resetctl_audit TO 'support_{}'@'%'",
        db_name(&env),
        db_name(&env)
    ));
    for args in [
        &["issue", "alice"][..],
        &["list"],
        &["inspect", "alice"],
        &["revoke", "alice"],
    ] {
        env.cmd()
            .env("RESETCTL_DB", &support)
            .args(args)
            .assert()
            .success();
    }
    assert_eq!(env.audit().len(), 3, "init, issue, revoke");
}

// Proves the password comes from ~/.my.cnf's [client] section when the URL has none, and appears in no output, error or audit row.
#[test]
fn the_password_comes_from_my_cnf_and_is_never_shown() {
    let env = maria_env();
    let home = env.path("home");
    std::fs::create_dir(&home).unwrap();
    std::fs::write(
        home.join(".my.cnf"),
        format!("[mysql]\npassword=not-this\n[client]\nuser=someone\npassword = \"{PASSWORD}\"\n"),
    )
    .unwrap();
    let url = format!(
        "mysql://resetctl@127.0.0.1:{}/{}",
        server().port,
        db_name(&env)
    );
    let out = env
        .cmd()
        .env("HOME", &home)
        .env("RESETCTL_DB", &url)
        .args(["--json", "issue", "alice"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert!(env.token_row(1).0.is_some());
    let doctor = env
        .cmd()
        .env("HOME", &home)
        .env("RESETCTL_DB", &url)
        .args(["doctor"])
        .output()
        .unwrap();
    let text = output_text(&out) + &output_text(&doctor);
    assert!(text.contains("mysql://resetctl@127.0.0.1"), "{text}");
    assert!(!text.contains(PASSWORD), "{text}");
    assert!(!env.all_text().contains(PASSWORD));
    // Without the file, the server refuses the login.
    let out = env
        .cmd()
        .env("HOME", env.path("nowhere"))
        .env("RESETCTL_DB", &url)
        .args(["issue", "bob"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(78), "{out:?}");
    assert_eq!(env.token_row(2), (None, None));
}

// Proves ssl-mode: a login that requires TLS gets in with PREFERRED, REQUIRED, VERIFY_CA and VERIFY_IDENTITY (against the tests' CA), is refused with DISABLED, and an untrusted or misnamed certificate is 78.
#[test]
fn ssl_mode_and_ssl_ca_as_mysql_s_clients_read_them() {
    let env = maria_env();
    let url = login_with(&env, "tls", "ALL", "REQUIRE SSL");
    let ca = server().ca.display().to_string();
    let localhost = url.replace("@127.0.0.1:", "@localhost:");
    for (db, code) in [
        (url.clone(), 0),
        (format!("{url}?ssl-mode=REQUIRED"), 0),
        (format!("{url}?ssl-mode=verify_ca&ssl-ca={ca}"), 0),
        (
            format!("{localhost}?ssl-mode=VERIFY_IDENTITY&ssl-ca={ca}"),
            0,
        ),
        (format!("{url}?ssl-mode=DISABLED"), 78),
        // The bundled roots do not know the tests' CA.
        (format!("{url}?ssl-mode=VERIFY_CA"), 78),
        (format!("{url}?ssl-mode=SOMETIMES"), 78),
    ] {
        let out = env
            .cmd()
            .env("RESETCTL_DB", &db)
            .args(["--json", "list"])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(code), "{db}: {out:?}");
        assert!(!output_text(&out).contains("Pw-tls"), "{out:?}");
        if code == 0 {
            assert!(json(&out.stdout).is_array(), "{out:?}");
        }
    }
}

// Proves another resetctl writer holding the writer lock past busy_timeout is 75 after about that wait, not InnoDB's 50 s, with nothing changed.
#[test]
fn a_writer_lock_held_past_busy_timeout_is_75_and_nothing_changes() {
    let env = maria_env();
    let before = env.bytes();
    let config = env.config("busy_timeout = \"2s\"\n");
    let mut holder = server().client(db_name(&env)).unwrap();
    let got: Option<i64> = holder
        .query_first(format!(
            "SELECT GET_LOCK('resetctl writer {}', 0)",
            db_name(&env)
        ))
        .unwrap();
    assert_eq!(got, Some(1));
    let started = Instant::now();
    let out = env
        .cmd_with(&config)
        .args(["issue", "alice"])
        .output()
        .unwrap();
    let waited = started.elapsed();
    drop(holder);
    assert!(
        waited >= Duration::from_millis(1800),
        "gave up after {waited:?}"
    );
    assert!(waited < Duration::from_secs(20), "waited {waited:?}");
    assert_eq!(out.status.code(), Some(75), "{out:?}");
    assert_one_line_error(&out.stderr, "is locked by another process (waited 2s)");
    assert_eq!(env.bytes(), before);
}

// Proves an app transaction holding the user's row makes redeem give up with 75 after about busy_timeout, not InnoDB's 50 s, with nothing changed; the token still works afterwards.
#[test]
fn an_app_holding_the_row_past_busy_timeout_is_75_and_nothing_changes() {
    let env = maria_env();
    let token = env.issue("carol");
    let before = env.bytes();
    let config = env.config("busy_timeout = \"2s\"\n");
    let mut app = server().client(db_name(&env)).unwrap();
    app.query_drop("START TRANSACTION").unwrap();
    app.query_drop("SELECT * FROM users WHERE id = 3 FOR UPDATE")
        .unwrap();
    let started = Instant::now();
    let out = env
        .cmd_with(&config)
        .args(["redeem", &token, "--password-stdin"])
        .write_stdin("an impatient password\n")
        .output()
        .unwrap();
    let waited = started.elapsed();
    app.query_drop("ROLLBACK").unwrap();
    assert!(
        waited >= Duration::from_millis(1800),
        "gave up after {waited:?}"
    );
    assert!(waited < Duration::from_secs(20), "waited {waited:?}");
    assert_eq!(out.status.code(), Some(75), "{out:?}");
    assert_one_line_error(&out.stderr, "is locked by another process");
    assert_eq!(env.bytes(), before);
    env.cmd()
        .args(["redeem", &token, "--password-stdin"])
        .write_stdin("a patient password\n")
        .assert()
        .success();
}

// Proves times mean the same instant whatever the server's zone (+05:00 here) and the column's type: a DATETIME holds UTC, a TIMESTAMP the instant, and both read back as issued.
#[test]
fn times_are_written_and_read_as_meant_whatever_the_server_zone() {
    let env = maria_env();
    assert_eq!(
        env.value("SELECT @@global.time_zone").as_deref(),
        Some("+05:00")
    );
    env.cmd().args(["issue", "alice"]).assert().success();
    // Read as the app would, in the server's own zone.
    let mut app = mysql::Conn::new(
        mysql::OptsBuilder::new()
            .ip_or_hostname(Some("127.0.0.1"))
            .tcp_port(server().port)
            .user(Some("resetctl"))
            .pass(Some(PASSWORD))
            .db_name(Some(db_name(&env))),
    )
    .unwrap();
    let stored: Option<String> = app
        .query_first("SELECT CAST(password_reset_expires AS CHAR) FROM users WHERE id = 1")
        .unwrap();
    assert_eq!(stored.as_deref(), Some("2026-11-21 11:00:00.000000"));
    // A TIMESTAMP column: the same instant, whatever zone reads it.
    env.sql("ALTER TABLE users MODIFY password_reset_expires TIMESTAMP NULL");
    env.cmd().args(["issue", "bob"]).assert().success();
    let epoch: Option<i64> = app
        .query_first("SELECT UNIX_TIMESTAMP(password_reset_expires) FROM users WHERE id = 2")
        .unwrap();
    assert_eq!(epoch, Some(1_795_258_800), "2026-11-21T11:00:00Z");
    let out = env
        .cmd()
        .args(["--json", "inspect", "bob"])
        .output()
        .unwrap();
    assert_eq!(json(&out.stdout)["expires_at"], "2026-11-21T11:00:00Z");
    let out = env
        .cmd()
        .args(["--json", "list", "--active"])
        .output()
        .unwrap();
    assert_eq!(json(&out.stdout).as_array().unwrap().len(), 2);
}

// Proves init stopped half way by a missing privilege says what it already did (schema changes commit at once here), and running it again finishes the rest.
#[test]
fn init_stopped_half_way_says_what_it_did_and_finishes_when_run_again() {
    let env = TestEnv::empty_on(Backend::Mariadb);
    env.sql(
        "CREATE TABLE users (id BIGINT PRIMARY KEY, username VARCHAR(100) UNIQUE, \
         email VARCHAR(255) UNIQUE, password_hash VARCHAR(255))",
    );
    let name = db_name(&env).to_string();
    // May change the users table, not create tables.
    let url = login_with(&env, "alterer", "SELECT, INSERT, UPDATE, ALTER, INDEX", "");
    let out = env
        .cmd()
        .env("RESETCTL_DB", &url)
        .arg("init")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(78), "{out:?}");
    assert_one_line_error(
        &out.stderr,
        "init stopped half way, and what it did before stays (schema changes commit at once on this engine): \
         Added column users.password_reset_token; Added column users.password_reset_expires; \
         Created index resetctl_users_password_reset_token_idx",
    );
    assert!(output_text(&out).contains("run init again"), "{out:?}");
    let columns = env.value(&format!(
        "SELECT count(*) FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = '{name}' \
         AND TABLE_NAME = 'users' AND COLUMN_NAME LIKE 'password_reset_%'"
    ));
    assert_eq!(columns.as_deref(), Some("2"));
    // Run again with the privilege: only what is missing is added.
    let out = env.cmd().arg("init").output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let said = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(said.contains("Created table resetctl_audit"), "{said}");
    assert!(!said.contains("Added column"), "{said}");
    env.cmd()
        .arg("init")
        .assert()
        .success()
        .stdout(predicates::str::contains("Nothing to do"));
}
