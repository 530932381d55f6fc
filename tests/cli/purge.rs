//! `purge`: clearing expired tokens, for cron.

use crate::common::{Backend, TestEnv, json};
use crate::on_both_engines;

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

on_both_engines! {
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

on_both_engines! {
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

on_both_engines! {
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

on_both_engines! {
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
