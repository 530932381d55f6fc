//! The app's locks and the server's limits: a row held briefly is waited
//! for, a table held past busy_timeout or a statement_timeout is 75 with
//! nothing changed, and a connection dropped mid-run is resumed.

use std::process::Stdio;
use std::time::{Duration, Instant};

use super::{db_name, pg_env};
use crate::common::postgres::{PASSWORD, cluster};
use crate::common::{Backend, TestEnv, assert_one_line_error, spawn_redeem};

#[test]
fn an_app_holding_the_row_briefly_is_waited_for() {
    let env = pg_env();
    let token = env.issue("bob");
    let mut app = cluster().client(db_name(&env)).unwrap();
    let mut tx = app.transaction().unwrap();
    tx.batch_execute("SELECT * FROM users WHERE id = 2 FOR UPDATE")
        .unwrap();
    let mut child = spawn_redeem(&env, &token, "a patient password");
    std::thread::sleep(Duration::from_secs(1));
    assert!(
        child.try_wait().unwrap().is_none(),
        "redeem is waiting for the row, not failing"
    );
    tx.commit().unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert!(env.password_hash(2).unwrap().starts_with("$argon2id$"));
    assert_eq!(env.token_row(2), (None, None));
}

#[test]
fn an_app_holding_the_row_past_busy_timeout_is_75_and_nothing_changes() {
    let env = pg_env();
    let token = env.issue("carol");
    let before = env.bytes();
    let config = env.config("busy_timeout = \"2s\"\n");
    let mut app = cluster().client(db_name(&env)).unwrap();
    let mut tx = app.transaction().unwrap();
    tx.batch_execute("LOCK TABLE users IN EXCLUSIVE MODE")
        .unwrap();
    let started = Instant::now();
    let out = env
        .cmd_with(&config)
        .args(["redeem", &token, "--password-stdin"])
        .write_stdin("an impatient password\n")
        .output()
        .unwrap();
    let waited = started.elapsed();
    tx.rollback().unwrap();
    // A lower bound on a wait, not a speed check: it did wait out busy_timeout.
    assert!(
        waited >= Duration::from_millis(1800),
        "gave up after {waited:?}"
    );
    assert_eq!(out.status.code(), Some(75), "{out:?}");
    assert_one_line_error(&out.stderr, "is locked by another process (waited 2s)");
    assert_eq!(env.bytes(), before);
    env.cmd()
        .args(["redeem", &token, "--password-stdin"])
        .write_stdin("an impatient password\n")
        .assert()
        .success();
}

// Proves a statement the server cancels for its statement_timeout is 75 (try again later), not 70, and changes nothing.
#[test]
fn a_server_statement_timeout_is_75_and_changes_nothing() {
    let env = TestEnv::demo_on(Backend::Postgres);
    let token = env.issue("bob");
    let before = env.bytes();
    let url = format!(
        "{}&options=-c%20statement_timeout%3D1s",
        env.server_db().url
    );
    // A long busy_timeout: the lock wait is cut by statement_timeout.
    let config = env.config("busy_timeout = \"30s\"\n");
    let mut app = cluster().client(&env.server_db().name).unwrap();
    let mut tx = app.transaction().unwrap();
    tx.batch_execute("LOCK TABLE users IN ACCESS EXCLUSIVE MODE")
        .unwrap();
    let started = Instant::now();
    let runs = [
        env.cmd_with(&config)
            .env("RESETCTL_DB", &url)
            .args(["issue", "alice"])
            .output()
            .unwrap(),
        env.cmd_with(&config)
            .env("RESETCTL_DB", &url)
            .args(["redeem", &token, "--password-stdin"])
            .write_stdin("a patient password\n")
            .output()
            .unwrap(),
    ];
    let waited = started.elapsed();
    tx.rollback().unwrap();
    assert!(waited < Duration::from_secs(25), "waited {waited:?}");
    for out in runs {
        assert_eq!(out.status.code(), Some(75), "{out:?}");
        assert!(out.stdout.is_empty(), "{out:?}");
        assert_one_line_error(&out.stderr, "cancelled a statement");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains("statement timeout"), "{stderr}");
        assert!(stderr.contains("hint: try again later"), "{stderr}");
    }
    assert_eq!(env.bytes(), before);
}

#[test]
fn a_connection_dropped_mid_bulk_is_75_and_a_resume_finishes() {
    const USERS: i64 = 20_000;
    let env = TestEnv::with_users_on(USERS as u32, Backend::Postgres);
    let name = db_name(&env);
    let child = env
        .std_cmd()
        .args(["-q", "issue", "--all", "--batch", "100"])
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    // Once a batch has landed, the app takes the table between two batches
    // (holding resetctl's next one), and the server ends resetctl's session.
    let mut app = cluster().client(name).unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let landed: i64 = app
            .query_one("SELECT count(password_reset_token) FROM users", &[])
            .unwrap()
            .get(0);
        if landed > 0 {
            break;
        }
        assert!(Instant::now() < deadline, "no batch landed");
        std::thread::sleep(Duration::from_millis(2));
    }
    let mut tx = app.transaction().unwrap();
    tx.batch_execute("LOCK TABLE users IN EXCLUSIVE MODE")
        .unwrap();
    let held: i64 = tx
        .query_one("SELECT count(password_reset_token) FROM users", &[])
        .unwrap()
        .get(0);
    assert!(held < USERS, "the run ended before the app got in");
    let mut admin = cluster().client("postgres").unwrap();
    let killed = admin
        .query(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
             WHERE datname = $1 AND application_name = 'resetctl'",
            &[&name],
        )
        .unwrap();
    assert_eq!(killed.len(), 1);
    tx.rollback().unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(75), "{out:?}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("connection"), "{stderr}");
    assert!(!stderr.contains(PASSWORD), "{stderr}");
    let row = env.rows(
        "SELECT count(password_reset_token), \
         count(*) FILTER (WHERE (password_reset_token IS NULL) <> (password_reset_expires IS NULL)) FROM users",
    );
    let tokens: i64 = row[0][0].as_ref().unwrap().parse().unwrap();
    assert_eq!(row[0][1].as_deref(), Some("0"));
    assert_eq!(tokens, held, "the batch in flight was rolled back whole");
    assert_eq!(tokens % 100, 0, "{tokens}");
    // The resume issues the rest and leaves the earlier tokens alone.
    let issued = env
        .json_lines(&["issue", "--all", "--skip-active"])
        .iter()
        .filter(|v| v.get("token").is_some())
        .count() as i64;
    assert_eq!(issued, USERS - tokens);
    assert_eq!(
        env.value("SELECT count(password_reset_token) FROM users")
            .as_deref(),
        Some("20000")
    );
}
