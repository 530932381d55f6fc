//! Races and faults, repeated: many rounds of concurrent redeemers; issue,
//! purge and revoke racing a redeem; a writer from another process holding
//! the lock, in rollback-journal and WAL databases; kill -9 during redeem.

use crate::on_every_engine;
use std::io::Write;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use crate::common::{NOW, TestEnv, json, sha256_hex};

const NO_LIMIT: &str = "[limits]\nissue = \"off\"\n";

fn spawn(env: &TestEnv, cfg: &std::path::Path, args: &[&str], stdin: &str, now: &str) -> Child {
    let mut c = env
        .std_cmd()
        .arg("--config")
        .arg(cfg)
        .args(args)
        .env("RESETCTL_NOW", now)
        .spawn()
        .unwrap();
    c.stdin.take().unwrap().write_all(stdin.as_bytes()).unwrap();
    c
}

fn finish(c: Child) -> (i32, String) {
    let out = c.wait_with_output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr),
    )
}

fn issue(env: &TestEnv, cfg: &std::path::Path, user: &str) -> String {
    env.json_at(cfg, None, &["issue", user])["token"]
        .as_str()
        .unwrap()
        .to_string()
}

on_every_engine! {
    fn many_rounds_of_concurrent_redeemers_have_exactly_one_winner(backend) {
        const ROUNDS: usize = 12;
        const RACERS: usize = 8;
        let env = TestEnv::demo_on(backend);
        let cfg = env.config(NO_LIMIT);
        for round in 0..ROUNDS {
            let token = issue(&env, &cfg, "alice");
            let racers: Vec<Child> = (0..RACERS)
                .map(|i| {
                    spawn(
                        &env,
                        &cfg,
                        &["redeem", &token, "--password-stdin"],
                        &format!("round {round} racer {i}\n"),
                        NOW,
                    )
                })
                .collect();
            let codes: Vec<i32> = racers.into_iter().map(|c| finish(c).0).collect();
            let winners: Vec<usize> = (0..RACERS).filter(|&i| codes[i] == 0).collect();
            assert_eq!(winners.len(), 1, "round {round}: {codes:?}");
            assert!(
                codes.iter().all(|&c| c == 0 || c == 77),
                "round {round}: only documented codes: {codes:?}"
            );
            let hash = env.password_hash(1).unwrap();
            assert!(
                argon2_reference::verify_encoded(
                    &hash,
                    format!("round {round} racer {}", winners[0]).as_bytes()
                )
                .unwrap()
            );
            assert_eq!(env.token_row(1), (None, None));
        }
    }
}

on_every_engine! {
    fn issue_purge_and_revoke_racing_a_redeem_stay_consistent(backend) {
        const ROUNDS: usize = 6;
        let env = TestEnv::demo_on(backend);
        let cfg = env.config(NO_LIMIT);
        for round in 0..ROUNDS {
            // issue vs redeem: whoever commits first, bob ends with the new token,
            // and the redeem either won or found its token replaced.
            let old = issue(&env, &cfg, "bob");
            let before = env.password_hash(2);
            let redeem = spawn(
                &env,
                &cfg,
                &["redeem", &old, "--password-stdin"],
                "issue race pw\n",
                NOW,
            );
            let reissue = spawn(&env, &cfg, &["--json", "issue", "bob"], "", NOW);
            let (rc, _) = finish(redeem);
            let (ic, iout) = finish(reissue);
            assert_eq!(ic, 0, "round {round}: {iout}");
            let new = json(iout.lines().next().unwrap().as_bytes())["token"]
                .as_str()
                .unwrap()
                .to_string();
            assert_eq!(
                env.token_row(2).0.unwrap(),
                sha256_hex(&new),
                "round {round}"
            );
            match rc {
                0 => assert_ne!(env.password_hash(2), before),
                77 => assert_eq!(env.password_hash(2), before),
                other => panic!("round {round}: redeem exited {other}"),
            }

            // revoke vs redeem: exactly one of them consumed the token.
            let token = issue(&env, &cfg, "carol");
            let redeem = spawn(
                &env,
                &cfg,
                &["redeem", &token, "--password-stdin"],
                "revoke race pw\n",
                NOW,
            );
            let revoke = spawn(&env, &cfg, &["--json", "revoke", "carol"], "", NOW);
            let (rc, _) = finish(redeem);
            let (vc, vout) = finish(revoke);
            assert_eq!(vc, 0);
            let revoked = json(vout.trim().as_bytes())["revoked"].as_bool().unwrap();
            assert!(
                matches!((rc, revoked), (0, false) | (77, true)),
                "round {round}: redeem {rc}, revoked {revoked}"
            );
            assert_eq!(env.token_row(3), (None, None));

            // purge vs redeem: the token is live for the redeem's clock and
            // expired for the purge's; exactly one of them takes it.
            env.cmd().args(["revoke", "bob"]).assert().success();
            let token = issue(&env, &cfg, "alice");
            let just_before = "2026-11-21T10:59:59Z";
            let just_after = "2026-11-21T11:00:01Z";
            let redeem = spawn(
                &env,
                &cfg,
                &["redeem", &token, "--password-stdin"],
                "purge race pw\n",
                just_before,
            );
            let purge = spawn(&env, &cfg, &["--json", "purge"], "", just_after);
            let (rc, _) = finish(redeem);
            let (pc, pout) = finish(purge);
            assert_eq!(pc, 0);
            let purged = json(pout.trim().as_bytes())["purged"].as_i64().unwrap();
            assert!(
                matches!((rc, purged), (0, 0) | (77, 1)),
                "round {round}: redeem {rc}, purged {purged}"
            );
            assert_eq!(env.token_row(1), (None, None));
        }
    }
}

/// Another process (as the web app would be) holds the write lock for
/// `hold` seconds; python's sqlite3 module plays the app.
fn app_holding_lock(db: &std::path::Path, hold: f64) -> Child {
    let script = format!(
        "import sqlite3, sys, time\n\
         c = sqlite3.connect(sys.argv[1], isolation_level=None)\n\
         c.execute('BEGIN IMMEDIATE')\n\
         c.execute(\"UPDATE users SET email = email WHERE id = 3\")\n\
         print('locked', flush=True)\n\
         time.sleep({hold})\n\
         c.execute('COMMIT')\n"
    );
    let mut child = Command::new(crate::common::tools::python())
        .args(["-c", &script])
        .arg(db)
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    std::io::BufRead::read_line(
        &mut std::io::BufReader::new(child.stdout.as_mut().unwrap()),
        &mut line,
    )
    .unwrap();
    assert_eq!(line.trim(), "locked");
    child
}

#[test]
fn a_writer_in_another_process_in_rollback_and_wal_databases() {
    for mode in ["delete", "wal"] {
        let env = TestEnv::demo();
        let mode_now: String = env
            .conn()
            .query_row(&format!("PRAGMA journal_mode = {mode}"), [], |r| r.get(0))
            .unwrap();
        assert_eq!(mode_now, mode);
        let cfg = env.config("busy_timeout = \"2s\"\n");
        // Shorter than busy_timeout: redeem waits and succeeds.
        let token = env.issue("alice");
        let app = app_holding_lock(&env.db, 0.7);
        let (code, out) = finish(spawn(
            &env,
            &cfg,
            &["redeem", &token, "--password-stdin"],
            "waited patiently\n",
            NOW,
        ));
        assert!(app.wait_with_output().unwrap().status.success());
        assert_eq!(code, 0, "{mode}: {out}");
        assert!(
            argon2_reference::verify_encoded(&env.password_hash(1).unwrap(), b"waited patiently")
                .unwrap()
        );
        // Longer than busy_timeout: 75, nothing changed.
        let token = env.issue("bob");
        let app = app_holding_lock(&env.db, 3.5);
        let (code, out) = finish(spawn(
            &env,
            &cfg,
            &["redeem", &token, "--password-stdin"],
            "gave up waiting\n",
            NOW,
        ));
        assert_eq!(code, 75, "{mode}: {out}");
        assert!(
            out.contains("is locked by another process (waited 2s)"),
            "{out}"
        );
        assert!(app.wait_with_output().unwrap().status.success());
        assert_eq!(env.password_hash(2), None);
        assert_eq!(
            env.token_row(2).0.unwrap(),
            sha256_hex(&token),
            "{mode}: the token survived"
        );
        // resetctl never changes the journal mode.
        let after: String = env
            .conn()
            .query_row("PRAGMA journal_mode", [], |r| r.get(0))
            .unwrap();
        assert_eq!(after, mode);
    }
}

#[test]
fn kill_9_at_twenty_points_during_redeem_never_half_writes() {
    let env = TestEnv::demo();
    let cfg = env.config(NO_LIMIT);
    let mut outcomes = (0, 0);
    for point in 0..20u64 {
        let token = issue(&env, &cfg, "carol");
        let before = env.password_hash(3);
        let password = format!("kill point {point}");
        let mut child = spawn(
            &env,
            &cfg,
            &["redeem", &token, "--password-stdin"],
            &format!("{password}\n"),
            NOW,
        );
        // Spread the kills over the whole run: start-up, hashing, the write.
        std::thread::sleep(Duration::from_millis(point * 9));
        let _ = child.kill();
        let _ = child.wait();
        let integrity: String = env
            .conn()
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))
            .unwrap();
        assert_eq!(integrity, "ok", "point {point}");
        let (stored, expires) = env.token_row(3);
        let hash = env.password_hash(3);
        if stored.is_some() {
            // Not redeemed: token, expiry and password all as they were.
            assert!(expires.is_some(), "point {point}");
            assert_eq!(
                hash, before,
                "point {point}: a password without the token cleared"
            );
            outcomes.0 += 1;
        } else {
            // Redeemed: the new password, whole, and the expiry cleared with the token.
            assert_eq!(expires, None, "point {point}");
            assert!(
                argon2_reference::verify_encoded(&hash.unwrap(), password.as_bytes()).unwrap(),
                "point {point}"
            );
            outcomes.1 += 1;
        }
    }
    assert!(
        outcomes.0 > 0,
        "some kills must land before the write: {outcomes:?}"
    );
}

on_every_engine! {
    fn kill_9_at_ten_points_during_bulk_issue_leaves_whole_pairs(backend) {
        let env = TestEnv::with_users_on(20_000, backend);
        let mut issued_at = Vec::new();
        for point in 0..10u64 {
            env.cmd()
                .args(["revoke", "--all", "--yes"])
                .assert()
                .success();
            let mut child = env
                .std_cmd()
                .args(["--json", "issue", "--all", "--batch", "5000"])
                .stdout(Stdio::null())
                .spawn()
                .unwrap();
            std::thread::sleep(Duration::from_millis(40 + point * 60));
            let _ = child.kill();
            let _ = child.wait();
            if !env.is_server() {
                let integrity: String = env
                    .conn()
                    .query_row("PRAGMA integrity_check", [], |r| r.get(0))
                    .unwrap();
                assert_eq!(integrity, "ok", "point {point}");
            }
            let row = env.rows(
                "SELECT count(password_reset_token), \
                 count(CASE WHEN (password_reset_token IS NULL) <> (password_reset_expires IS NULL) THEN 1 END) \
                 FROM users",
            );
            let tokens: i64 = row[0][0].as_ref().unwrap().parse().unwrap();
            let halves: i64 = row[0][1].as_ref().unwrap().parse().unwrap();
            assert_eq!(
                halves, 0,
                "point {point}: a token without its expiry, or the reverse"
            );
            assert_eq!(
                tokens % 5000,
                0,
                "point {point}: whole batches only ({tokens})"
            );
            issued_at.push(tokens);
        }
        assert!(
            issued_at.iter().any(|&n| n > 0 && n < 20_000),
            "some kills landed mid-run: {issued_at:?}"
        );
    }
}

#[test]
fn an_app_writing_during_bulk_issue_gets_in_between_batches() {
    let env = TestEnv::with_users(10_000);
    let mut child = env
        .std_cmd()
        .args(["-q", "issue", "--all", "--batch", "1000"])
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    // The app: a write every 20 ms, waiting for the lock as long as it takes,
    // noting how many users held a token each time it got in.
    let mut app = env.conn();
    app.busy_timeout(Duration::from_secs(60)).unwrap();
    let mut seen = std::collections::BTreeSet::new();
    while child.try_wait().unwrap().is_none() {
        let tx = app
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .unwrap();
        let issued: i64 = tx
            .query_row(
                "SELECT count(*) FROM users WHERE password_reset_token IS NOT NULL",
                [],
                |r| r.get(0),
            )
            .unwrap();
        tx.execute("UPDATE users SET username = username WHERE id = 1", [])
            .unwrap();
        tx.commit().unwrap();
        seen.insert(issued);
        std::thread::sleep(Duration::from_millis(20));
    }
    assert_eq!(child.wait().unwrap().code(), Some(0));
    // Ten batches leave nine points between them; the app's writes must not
    // wait through several batches in a row.
    let between: Vec<i64> = seen.into_iter().filter(|&n| n > 0 && n < 10_000).collect();
    assert!(
        between.iter().all(|n| n % 1000 == 0),
        "whole batches only: {between:?}"
    );
    assert!(
        between.len() >= 6,
        "the app got in between only {} of 9 pairs of batches: {between:?}",
        between.len()
    );
}
