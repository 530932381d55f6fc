//! `purge`: clearing expired tokens, for cron, on big tables too, and
//! pruning the audit table without what live tokens need.

use crate::common::{Backend, TestEnv, json};
use crate::on_every_engine;

/// alice expires 10:05, bob 11:00, carol 10:30 (issued at 10:00).
fn three_tokens(backend: Backend) -> TestEnv {
    let env = TestEnv::demo_on(backend);
    env.cmd()
        .args(["issue", "--ttl", "5m", "alice"])
        .assert()
        .success();
    env.issue("bob");
    env.cmd()
        .args(["issue", "--ttl", "30m", "carol"])
        .assert()
        .success();
    env
}

on_every_engine! {
    fn clears_expired_tokens_and_prints_the_count(backend) {
        let env = three_tokens(backend);
        env.cmd()
            .arg("purge")
            .env("RESETCTL_NOW", "2026-11-21T10:40:00Z")
            .assert()
            .success()
            .stdout("Purged 2 expired reset tokens.\n")
            .stderr("");
        assert_eq!(env.token_row(1), (None, None));
        assert!(env.token_row(2).0.is_some(), "bob's token is still live");
        assert_eq!(env.token_row(3), (None, None));
        let last = env.audit().pop().unwrap();
        assert_eq!(
            (last.action.as_str(), last.detail.as_deref()),
            ("purge", Some("2 expired tokens (older than 0s)"))
        );
    }
}

on_every_engine! {
    fn older_than_keeps_recently_expired_tokens(backend) {
        let env = three_tokens(backend);
        let at = "2026-11-21T10:40:00Z";
        let v = json(
            &env.cmd()
                .args(["--json", "purge", "--older-than", "30m"])
                .env("RESETCTL_NOW", at)
                .output()
                .unwrap()
                .stdout,
        );
        assert_eq!(
            v,
            serde_json::json!({"purged": 1}),
            "only alice expired 35m ago"
        );
        assert_eq!(env.token_row(1), (None, None));
        assert!(env.token_row(3).0.is_some());
    }
}

on_every_engine! {
    fn quiet_is_silent_and_nothing_to_purge_changes_nothing(backend) {
        let env = three_tokens(backend);
        let before = env.bytes();
        env.cmd()
            .args(["-q", "purge"])
            .assert()
            .success()
            .stdout("")
            .stderr("");
        assert_eq!(
            env.bytes(),
            before,
            "nothing expired at NOW: no change, no audit row"
        );
        env.cmd()
            .args(["-q", "purge"])
            .env("RESETCTL_NOW", "2026-11-22T00:00:00Z")
            .assert()
            .success()
            .stdout("")
            .stderr("");
        assert_eq!(env.token_row(2), (None, None));
    }
}

on_every_engine! {
    fn malformed_duration_is_65(backend) {
        let env = three_tokens(backend);
        let before = env.bytes();
        env.cmd()
            .args(["purge", "--older-than", "a while"])
            .assert()
            .code(65)
            .stdout("");
        assert_eq!(env.bytes(), before);
    }
}

#[test]
fn audit_retention_keeps_what_live_tokens_need() {
    let env = TestEnv::demo();
    let cfg = env.config("[token]\nmax_ttl = \"30d\"\n");
    let at = |t: &str| {
        let mut c = env.cmd_with(&cfg);
        c.env("RESETCTL_NOW", t);
        c
    };
    // A year ago: a token to bob, redeemed.
    let old = json(
        &at("2025-11-21T10:00:00Z")
            .args(["--json", "issue", "bob"])
            .output()
            .unwrap()
            .stdout,
    )["token"]
        .as_str()
        .unwrap()
        .to_string();
    at("2025-11-21T10:10:00Z")
        .args(["redeem", &old, "--password-stdin"])
        .write_stdin("correct horse battery\n")
        .assert()
        .success();
    // Ten days ago: a two-week token to alice, still alive.
    at("2026-11-11T10:00:00Z")
        .args(["issue", "alice", "--ttl", "14d"])
        .assert()
        .success();
    let before = env.audit();
    assert_eq!(
        env.json_at(&cfg, None, &["purge", "--audit-older-than", "1d"]),
        serde_json::json!({"purged": 0, "audit_deleted": 1})
    );
    let after = env.audit();
    // Gone: bob's year-old redeem. Kept: each user's newest issue (alice's
    // ten days old, bob's a year old), and the purge's own entry.
    assert!(!after.iter().any(|r| r.action == "redeem"));
    assert_eq!(after.len(), before.len() - 1 + 1);
    assert!(
        after
            .iter()
            .any(|r| r.action == "issue" && r.user_id == Some(1))
    );
    // So the check on a password changed by the app still works for alice.
    env.conn()
        .execute(
            "UPDATE users SET password_hash = ?1 WHERE id = 1",
            [crate::common::APP_HASH],
        )
        .unwrap();
    let v = env.json_at(&cfg, None, &["inspect", "alice"]);
    assert_eq!(v["password_changed_since_issue"], true);
    assert_eq!(v["state"], "expired");
    // Nothing from inside the rate-limit window goes, whatever is asked:
    // the issue just made is what the limit counts.
    env.issue("carol");
    assert_eq!(
        env.json_at(&cfg, None, &["purge", "--audit-older-than", "1s"])["audit_deleted"],
        0
    );
}

#[test]
fn revoke_all_and_purge_count_on_a_big_table() {
    let env = TestEnv::empty();
    env.cmd().arg("init").assert().success();
    // 200,000 users; every other one holds a token, half of those expired.
    env.conn()
        .execute_batch(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 200000)
             INSERT INTO users (id, username, email, password_reset_token, password_reset_expires)
             SELECT i, 'u' || i, 'u' || i || '@example.com',
                    CASE WHEN i % 2 = 0 THEN lower(hex(randomblob(32))) END,
                    CASE WHEN i % 4 = 0 THEN '2026-11-21T09:00:00Z' WHEN i % 2 = 0 THEN '2026-11-21 12:00:00' END
             FROM n;",
        )
        .unwrap();
    let v = env.json(&["purge"]);
    assert_eq!(v, serde_json::json!({"purged": 50_000}));
    env.cmd()
        .args(["revoke", "--all", "--yes"])
        .assert()
        .success()
        .stdout("Revoked 50000 reset tokens.\n");
    let left: i64 = env
        .conn()
        .query_row(
            "SELECT count(*) FROM users WHERE password_reset_token IS NOT NULL",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(left, 0);
    let audit: Vec<String> = env.audit().into_iter().filter_map(|r| r.detail).collect();
    assert!(
        audit.contains(&"50000 expired tokens (older than 0s)".to_string()),
        "{audit:?}"
    );
    assert!(audit.contains(&"all: 50000 tokens".to_string()));
}
