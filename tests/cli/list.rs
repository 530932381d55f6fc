//! `list`: outstanding tokens as a table or a JSON array, filtered by state.

use crate::common::{Backend, TestEnv, json};
use crate::on_every_engine;

/// alice active (1h), bob expired at 10:05 when seen at 10:30, carol none.
fn mixed(backend: Backend) -> TestEnv {
    let env = TestEnv::demo_on(backend);
    env.issue("alice");
    env.cmd()
        .args(["issue", "--ttl", "5m", "bob"])
        .assert()
        .success();
    env
}

const LATER: &str = "2026-11-21T10:30:00Z";

on_every_engine! {
    fn table_of_outstanding_tokens(backend) {
        let env = mixed(backend);
        let out = env
            .cmd()
            .arg("list")
            .env("RESETCTL_NOW", LATER)
            .output()
            .unwrap();
        assert!(out.status.success());
        let text = String::from_utf8(out.stdout).unwrap();
        let rows: Vec<Vec<&str>> = text
            .lines()
            .map(|l| l.split_whitespace().collect())
            .collect();
        assert_eq!(
            rows[0],
            ["ID", "USERNAME", "EMAIL", "STATE", "EXPIRES", "LEFT", "LOCKED"]
        );
        assert_eq!(
            rows[1],
            [
                "1",
                "alice",
                "alice@example.com",
                "active",
                "2026-11-21T11:00:00Z",
                "in",
                "30m",
                "-"
            ]
        );
        assert_eq!(
            rows[2],
            [
                "2",
                "bob",
                "bob@example.com",
                "expired",
                "2026-11-21T10:05:00Z",
                "25m",
                "ago",
                "-"
            ]
        );
        assert_eq!(rows.len(), 3, "carol has no token: {text}");
        assert!(!text.contains('\x1b'), "no colour when not a terminal");
    }
}

on_every_engine! {
    fn filters(backend) {
        let env = mixed(backend);
        let ids = |flag: &str| -> Vec<i64> {
            let out = env
                .cmd()
                .args(["--json", "list", flag])
                .env("RESETCTL_NOW", LATER)
                .output()
                .unwrap();
            json(&out.stdout)
                .as_array()
                .unwrap()
                .iter()
                .map(|v| v["user"]["id"].as_i64().unwrap())
                .collect()
        };
        assert_eq!(ids("--active"), [1]);
        assert_eq!(ids("--expired"), [2]);
        env.cmd()
            .args(["list", "--active", "--expired"])
            .assert()
            .code(2);
    }
}

on_every_engine! {
    fn json_array_fields(backend) {
        let env = mixed(backend);
        let v = json(
            &env.cmd()
                .args(["--json", "list"])
                .env("RESETCTL_NOW", LATER)
                .output()
                .unwrap()
                .stdout,
        );
        assert_eq!(
            v,
            serde_json::json!([
                {"user": {"id": 1, "username": "alice", "email": "alice@example.com"}, "state": "active",
                 "expires_at": "2026-11-21T11:00:00Z", "seconds_left": 1800, "locked": null},
                {"user": {"id": 2, "username": "bob", "email": "bob@example.com"}, "state": "expired",
                 "expires_at": "2026-11-21T10:05:00Z", "seconds_left": -1500, "locked": null},
            ])
        );
    }
}

on_every_engine! {
    fn empty_list(backend) {
        let env = TestEnv::demo_on(backend);
        env.cmd()
            .arg("list")
            .assert()
            .success()
            .stdout("No outstanding reset tokens.\n");
        env.cmd()
            .args(["--json", "list"])
            .assert()
            .success()
            .stdout("[]\n");
    }
}

#[test]
fn expiries_in_other_forms_are_compared_as_times() {
    let env = TestEnv::demo();
    // What an app might have written: SQLite's form (earlier than NOW+30m,
    // though it sorts after it as text), Unix seconds, and junk.
    env.conn()
        .execute_batch(
            "UPDATE users SET password_reset_token = 'x1', password_reset_expires = '2026-11-21 10:30:00' WHERE id = 1;
             UPDATE users SET password_reset_token = 'x2', password_reset_expires = 1795263000 WHERE id = 2;
             UPDATE users SET password_reset_token = 'x3', password_reset_expires = 'garbage' WHERE id = 3;",
        )
        .unwrap();
    let v = json(
        &env.cmd()
            .args(["--json", "list"])
            .env("RESETCTL_NOW", "2026-11-21T10:45:00Z")
            .output()
            .unwrap()
            .stdout,
    );
    let states: Vec<(&str, &serde_json::Value)> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["state"].as_str().unwrap(), &r["expires_at"]))
        .collect();
    assert_eq!(
        states[0],
        ("expired", &serde_json::json!("2026-11-21T10:30:00Z"))
    );
    assert_eq!(
        states[1],
        ("active", &serde_json::json!("2026-11-21T12:10:00Z"))
    );
    assert_eq!(
        states[2],
        ("expired", &serde_json::Value::Null),
        "unreadable expiry counts as expired"
    );
}
