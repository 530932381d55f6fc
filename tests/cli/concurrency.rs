//! Many redeemers of one token, and a database locked by another writer.

use crate::on_every_engine;
use std::time::Duration;

use crate::common::frameworks::race_redeem;
use crate::common::{TestEnv, assert_one_line_error, spawn_redeem};

on_every_engine! {
    fn sixteen_concurrent_redeemers_exactly_one_wins(backend) {
        const N: usize = 16;
        let env = TestEnv::demo_on(backend);
        let token = env.issue("alice");
        let winner_pw = race_redeem(&env, None, &token);
        // The stored password is the winner's, and only the winner's.
        let hash = env.password_hash(1).unwrap();
        assert!(argon2_reference::verify_encoded(&hash, winner_pw.as_bytes()).unwrap());
        assert_eq!(env.token_row(1), (None, None));
        let audit = env.audit();
        let oks = audit
            .iter()
            .filter(|r| r.action == "redeem" && r.outcome == "ok")
            .count();
        let rejected = audit
            .iter()
            .filter(|r| r.action == "redeem" && r.outcome == "rejected")
            .count();
        assert_eq!((oks, rejected), (1, N - 1));
    }
}

#[test]
fn waits_for_a_writer_that_holds_the_lock_briefly() {
    let env = TestEnv::demo();
    let token = env.issue("bob");
    let app = env.conn();
    app.execute_batch("BEGIN IMMEDIATE; UPDATE users SET email = email WHERE id = 3;")
        .unwrap();
    let mut child = spawn_redeem(&env, &token, "a patient password");
    std::thread::sleep(Duration::from_secs(1));
    assert!(
        child.try_wait().unwrap().is_none(),
        "redeem is waiting for the lock, not failing"
    );
    app.execute_batch("COMMIT").unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        argon2_reference::verify_encoded(&env.password_hash(2).unwrap(), b"a patient password")
            .unwrap()
    );
    assert_eq!(env.token_row(2), (None, None));
}

#[test]
fn gives_up_after_busy_timeout_with_75_and_changes_nothing() {
    let env = TestEnv::demo();
    let token = env.issue("carol");
    let before = env.bytes();
    let app = env.conn();
    app.execute_batch("BEGIN IMMEDIATE").unwrap();
    let started = std::time::Instant::now();
    let out = spawn_redeem(&env, &token, "an impatient password")
        .wait_with_output()
        .unwrap();
    let waited = started.elapsed();
    app.execute_batch("ROLLBACK").unwrap();
    // A lower bound on a wait, not a speed check: it did wait out busy_timeout.
    assert!(
        waited >= Duration::from_millis(4500),
        "gave up after {waited:?}"
    );
    assert_eq!(out.status.code(), Some(75));
    assert_one_line_error(&out.stderr, "is locked by another process (waited 5s)");
    assert!(String::from_utf8_lossy(&out.stderr).contains("hint: try again later"));
    assert_eq!(env.bytes(), before);
    // The token survived and still works.
    env.cmd()
        .args(["redeem", &token, "--password-stdin"])
        .write_stdin("an impatient password\n")
        .assert()
        .success();
}
