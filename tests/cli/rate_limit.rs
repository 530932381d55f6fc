//! limits.issue: at most N tokens per user in a window; --force, audited;
//! and under --no-enumerate, one bucket per name as typed.

use crate::common::{TestEnv, assert_one_line_error};
use crate::on_every_engine;

on_every_engine! {
    fn fourth_issue_in_fifteen_minutes_is_75_until_the_window_passes(backend) {
        let env = TestEnv::demo_on(backend);
        for minute in ["00", "04", "08"] {
            env.cmd()
                .args(["issue", "alice"])
                .env("RESETCTL_NOW", format!("2026-11-21T10:{minute}:00Z"))
                .assert()
                .success();
        }
        let before = env.bytes();
        let out = env
            .cmd()
            .args(["issue", "alice"])
            .env("RESETCTL_NOW", "2026-11-21T10:10:00Z")
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(75));
        assert_one_line_error(
            &out.stderr,
            "rate limit reached for alice <alice@example.com>: 3 reset tokens issued in the last 15m; try again at 2026-11-21T10:15:00Z (in 5m)",
        );
        assert!(String::from_utf8_lossy(&out.stderr).contains("hint: or pass --force"));
        assert!(out.stdout.is_empty());
        assert_eq!(env.bytes(), before);
        // Other users are not affected; alice is again once the first issue is 15m old.
        env.cmd()
            .args(["issue", "bob"])
            .env("RESETCTL_NOW", "2026-11-21T10:10:00Z")
            .assert()
            .success();
        env.cmd()
            .args(["issue", "alice"])
            .env("RESETCTL_NOW", "2026-11-21T10:15:00Z")
            .assert()
            .success();
    }
}

on_every_engine! {
    fn force_bypasses_it_and_is_audited_with_actor_and_reason(backend) {
        let env = TestEnv::demo_on(backend);
        for _ in 0..3 {
            env.issue("bob");
        }
        env.cmd().args(["issue", "bob"]).assert().code(75);
        let v = env.json(&["--actor", "lead-sam", "--reason", "SEC-12", "issue", "--force", "bob"]);
        assert_eq!(v["user"]["id"], 2);
        let last = env.audit().pop().unwrap();
        assert_eq!(last.actor, "lead-sam");
        assert_eq!(last.reason.as_deref(), Some("SEC-12"));
        assert!(last.detail.unwrap().contains("forced past the rate limit"));
    }
}

on_every_engine! {
    fn configurable_and_can_be_turned_off(backend) {
        let env = TestEnv::demo_on(backend);
        let one = env.config("[limits]\nissue = \"1/1h\"\n");
        env.cmd_with(&one)
            .args(["issue", "carol"])
            .assert()
            .success();
        let out = env
            .cmd_with(&one)
            .args(["issue", "carol"])
            .env("RESETCTL_NOW", "2026-11-21T10:59:00Z")
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(75));
        assert_one_line_error(
            &out.stderr,
            "1 reset tokens issued in the last 1h; try again at 2026-11-21T11:00:00Z (in 1m)",
        );
        let off = env.config("[limits]\nissue = \"off\"\n");
        for _ in 0..5 {
            env.cmd_with(&off)
                .args(["issue", "carol"])
                .assert()
                .success();
        }
    }
}

on_every_engine! {
    fn unknown_users_under_no_enumerate_are_limited_the_same_way(backend) {
        let env = TestEnv::demo_on(backend);
        for user in ["alice@example.com", "nobody@example.com"] {
            // Case variants count as the same address for known and unknown alike.
            for variant in [user.to_string(), user.to_uppercase(), format!(" {user}")] {
                env.cmd()
                    .args(["issue", "--no-enumerate", &variant])
                    .assert()
                    .success();
            }
            let out = env
                .cmd()
                .args(["issue", "--no-enumerate", user])
                .output()
                .unwrap();
            assert_eq!(out.status.code(), Some(75), "{user}");
            assert_one_line_error(
                &out.stderr,
                &format!("rate limit reached for {user}: 3 reset tokens"),
            );
        }
    }
}

on_every_engine! {
    fn force_needs_a_reason_and_is_only_noted_when_it_bypassed_something(backend) {
        let env = TestEnv::demo_on(backend);
        let before = env.bytes();
        let out = env
            .cmd()
            .args(["issue", "--force", "carol"])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2));
        assert_one_line_error(&out.stderr, "--force needs --reason");
        assert_eq!(env.bytes(), before);
        env.cmd()
            .args(["--reason", "T-1", "issue", "--force", "carol"])
            .assert()
            .success();
        let last = env.audit().pop().unwrap();
        assert!(
            !last.detail.unwrap().contains("forced"),
            "nothing was bypassed"
        );
    }
}

#[test]
fn no_enumerate_limits_every_spelling_of_a_name_alike() {
    let env = TestEnv::demo();
    let codes = |spellings: &[&str]| -> Vec<i32> {
        spellings
            .iter()
            .map(|u| {
                env.cmd()
                    .args(["issue", "--no-enumerate", u])
                    .output()
                    .unwrap()
                    .status
                    .code()
                    .unwrap()
            })
            .collect()
    };
    // bob is id 2; nobody is id 99: both reach the limit on the 4th.
    assert_eq!(codes(&["2", "02", "002", "0002"]), [0, 0, 0, 75]);
    assert_eq!(codes(&["99", "099", "0099", "00099"]), [0, 0, 0, 75]);
}

// Under --no-enumerate the rate limit counts names as typed, so a
// username and an email of one account are two buckets, as for nobody.
#[test]
fn no_enumerate_rate_limit_buckets_do_not_depend_on_the_account() {
    let env = TestEnv::demo();
    let cfg = env.config("[limits]\nissue = \"3/15m\"\n");
    let run = |user: &str| -> i32 {
        env.cmd_with(&cfg)
            .args(["-q", "issue", "--no-enumerate", user])
            .output()
            .unwrap()
            .status
            .code()
            .unwrap()
    };
    let known: Vec<i32> = ["bob", "bob", "bob", "bob@example.com", "bob"]
        .iter()
        .map(|u| run(u))
        .collect();
    let unknown: Vec<i32> = ["zed", "zed", "zed", "zed@example.com", "zed"]
        .iter()
        .map(|u| run(u))
        .collect();
    assert_eq!(known, [0, 0, 0, 0, 75]);
    assert_eq!(unknown, known);
    // Every request is on the audit trail under the name typed.
    let asked = env.value(
        "SELECT count(*) FROM resetctl_audit WHERE user_id IS NULL AND subject = 'bob' AND outcome = 'asked'",
    );
    assert_eq!(asked.as_deref(), Some("3"));
    let issued = env.value(
        "SELECT count(*) FROM resetctl_audit WHERE user_id = 2 AND action = 'issue' AND outcome = 'ok'",
    );
    assert_eq!(issued.as_deref(), Some("4"));
}
