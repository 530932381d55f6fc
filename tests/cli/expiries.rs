//! Expiries in every form an app may keep them: written as configured, read
//! back as times, integers read by magnitude, and anything that is no time
//! counted as expired by every command on every engine.

use crate::common::{Backend, TestEnv, assert_one_line_error, json, sha256_hex};
use crate::on_every_engine;

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
fn integer_expiries_are_read_by_magnitude_and_absurd_ones_count_as_expired() {
    let env = TestEnv::demo();
    for user in ["alice", "bob", "carol"] {
        env.issue(user);
    }
    // 2020-01-01 in microseconds (long past), 2026-11-21T11:00 in
    // microseconds and nanoseconds (in an hour), and a number no unit
    // makes a date of.
    for (id, cell) in [
        (1, 1_577_836_800_000_000i64),
        (2, 1_795_258_800_000_000),
        (3, 1_795_258_800_000_000_000),
    ] {
        env.conn()
            .execute(
                "UPDATE users SET password_reset_expires = ?1 WHERE id = ?2",
                rusqlite::params![cell, id],
            )
            .unwrap();
    }
    let state = |user: &str| env.json(&["inspect", user]);
    assert_eq!(state("alice")["state"], "expired");
    assert_eq!(state("alice")["expires_at"], "2020-01-01T00:00:00Z");
    assert_eq!(state("bob")["state"], "active");
    assert_eq!(state("carol")["expires_at"], "2026-11-21T11:00:00Z");
    env.conn()
        .execute(
            "UPDATE users SET password_reset_expires = 99999999999 WHERE id = 3",
            [],
        )
        .unwrap();
    let v = state("carol");
    assert_eq!(
        (v["state"].as_str(), v["expires_at"].as_str()),
        (Some("expired"), None)
    );
}

/// The token of user `id`, as printed in its link.
fn token(id: usize) -> String {
    sha256_hex(&format!("token of user {id}"))
}

/// Gives users 1..=n a token each, expiring at `expiries[i]` (SQL text).
fn give_tokens(env: &TestEnv, expiries: &[&str]) {
    for (i, expiry) in expiries.iter().enumerate() {
        env.sql(&format!(
            "UPDATE users SET password_reset_token = '{}', password_reset_expires = '{expiry}' WHERE id = {}",
            sha256_hex(&token(i + 1)),
            i + 1
        ));
    }
}

/// The ids `list --json [flag]` shows, with their states.
fn listed(env: &TestEnv, flag: Option<&str>) -> Vec<(i64, String)> {
    let out = env
        .cmd()
        .args(["--json", "list"])
        .args(flag)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{flag:?}: {out:?}");
    assert!(out.stderr.is_empty(), "{out:?}");
    json(&out.stdout)
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let state = r["state"].as_str().unwrap().to_string();
            (r["user"]["id"].as_i64().unwrap(), state)
        })
        .collect()
}

/// Every command agrees that exactly the users `active` hold a live token
/// (the other users with a token hold an expired one): the SQL filters of
/// `list` and `purge` and the row reading of `inspect` and `redeem`.
fn all_agree(env: &TestEnv, n: usize, active: &[i64]) {
    // The SQL filters first, then the rows as read by resetctl itself.
    let ids = |flag| -> Vec<i64> { listed(env, Some(flag)).into_iter().map(|r| r.0).collect() };
    let expired: Vec<i64> = (1..=n as i64).filter(|id| !active.contains(id)).collect();
    assert_eq!(ids("--active"), active);
    assert_eq!(ids("--expired"), expired);
    let state = |id: i64| {
        if active.contains(&id) {
            "active"
        } else {
            "expired"
        }
    };
    let want: Vec<(i64, String)> = (1..=n as i64).map(|id| (id, state(id).into())).collect();
    assert_eq!(listed(env, None), want);
    for id in 1..=n as i64 {
        let out = env
            .cmd()
            .args(["--json", "inspect", &format!("u{id}")])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{out:?}");
        assert!(out.stderr.is_empty(), "{out:?}");
        assert_eq!(json(&out.stdout)["state"], state(id), "user {id}");
    }
    let first_expired = expired[0];
    let stored = format!("SELECT password_reset_token FROM users WHERE id = {first_expired}");
    let held_before = env.value(&stored);
    let out = env
        .cmd()
        .args(["redeem", &token(first_expired as usize), "--password-stdin"])
        .write_stdin("a new password 1\n")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(77), "{out:?}");
    assert!(out.stdout.is_empty(), "{out:?}");
    assert_one_line_error(&out.stderr, "expired");
    assert_eq!(env.password_hash(first_expired), None);
    assert_eq!(env.value(&stored), held_before);
    let audit_len = env.audit().len();
    let out = env.cmd().args(["--json", "purge"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert!(out.stderr.is_empty(), "{out:?}");
    assert_eq!(json(&out.stdout)["purged"], expired.len());
    assert_eq!(env.audit().len(), audit_len + 1);
    let held: Vec<i64> = env
        .rows("SELECT id FROM users WHERE password_reset_token IS NOT NULL ORDER BY id")
        .into_iter()
        .map(|r| r[0].as_ref().unwrap().parse().unwrap())
        .collect();
    assert_eq!(held, active);
    let out = env
        .cmd()
        .args(["redeem", &token(active[0] as usize), "--password-stdin"])
        .write_stdin("a new password 1\n")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert!(env.password_hash(active[0]).is_some());
}

/// Forms around NOW (2026-11-21T10:00:00Z): the live ones first.
const LIVE: [&str; 12] = [
    "2026-11-21T11:00:00Z",
    "2026-11-21 11:00:00+00",
    "2026-11-21t11:00:00z",
    "2026-11-21 11:00:00.5",
    "2026-11-21T11:00",
    "2026-11-21T13:00:00+02:30",
    "2026-11-21T05:30:00-05:00",
    "2026-11-22",
    " 2026-11-22 01:02:03 ",
    "2026-11-21T10:00:60",
    "1795257000",
    "1795257000000",
];

const DEAD: [&str; 17] = [
    "not-a-time",
    "infinity",
    "tomorrow",
    "2026-02-30 10:00:00",
    "epoch",
    "-infinity",
    "2026-11-21T24:00:00",
    "2026-11-22t10:00:00",
    "2026-11-22T10:00Z",
    "2026-11-22T10:00:00+0100",
    "2026-11-22T10:00:00+24:00",
    "+2026-11-22",
    "2026-1-22T10:00:00Z",
    "2026-11-22 1:2:3",
    "2026-11-22  10:00:00",
    "-1795257000",
    "17952570000000000000",
];

on_every_engine! {
    // Proves an expiry that is no time (infinity, tomorrow, 2026-02-30, epoch...) counts as expired in every command, never as an error or eternal, the same on PostgreSQL as on SQLite.
    fn unreadable_expiries_count_as_expired_in_every_command(backend) {
        let forms: Vec<&str> = DEAD.iter().chain(LIVE.iter()).copied().collect();
        let env = TestEnv::with_users_on(forms.len() as u32, backend);
        // A server's time column would refuse most of these: make it text.
        match backend {
            Backend::Postgres => {
                env.sql("ALTER TABLE users ALTER COLUMN password_reset_expires TYPE text")
            }
            Backend::Mariadb => env.sql("ALTER TABLE users MODIFY password_reset_expires text"),
            Backend::Sqlite => {}
        }
        give_tokens(&env, &forms);
        let active: Vec<i64> = (DEAD.len() as i64 + 1..=forms.len() as i64).collect();
        all_agree(&env, forms.len(), &active);
        if backend == Backend::Postgres {
            // A timestamptz column holds infinity, epoch and BC too.
            let env = TestEnv::with_users_on(5, backend);
            give_tokens(&env, &[
                "infinity",
                "-infinity",
                "epoch",
                "0044-03-15 10:00:00+00 BC",
                "2026-11-21 11:00:00+00",
            ]);
            all_agree(&env, 5, &[5]);
        }
    }
}
