//! `inspect`: the states of a token, history from the audit table, lookup by
//! token, and never the token itself.

use crate::on_every_engine;
use std::io::Write;

use crate::common::{NOW_PLUS_1H, TestEnv, assert_one_line_error, json, sha256_hex};

on_every_engine! {
    fn none_active_and_expired(backend) {
        let env = TestEnv::demo_on(backend);
        let out = env.cmd().args(["inspect", "alice"]).output().unwrap();
        assert_eq!(
            String::from_utf8(out.stdout).unwrap(),
            "User:           alice <alice@example.com> (id 1)\n\
             Token:          none\n\
             Last issued:    never\n\
             Last redeemed:  never\n"
        );
        let token = env.issue("alice");
        let out = env
            .cmd()
            .args(["--reason", "T-1", "inspect", "alice"])
            .env("RESETCTL_NOW", "2026-11-21T10:18:00Z")
            .output()
            .unwrap();
        let text = String::from_utf8(out.stdout).unwrap();
        assert!(
            text.contains(&format!(
                "Token:          active, expires {NOW_PLUS_1H} (in 42m)"
            )),
            "{text}"
        );
        assert!(
            text.contains("Last issued:    2026-11-21T10:00:00Z by tester"),
            "{text}"
        );
        assert!(!text.contains(&token) && !text.contains(&sha256_hex(&token)));

        let out = env
            .cmd()
            .args(["inspect", "alice"])
            .env("RESETCTL_NOW", "2026-11-21T14:00:00Z")
            .output()
            .unwrap();
        let text = String::from_utf8(out.stdout).unwrap();
        assert!(
            text.contains(&format!(
                "Token:          expired at {NOW_PLUS_1H} (3h ago)"
            )),
            "{text}"
        );
    }
}

on_every_engine! {
    fn json_fields(backend) {
        let env = TestEnv::demo_on(backend);
        env.issue("bob");
        let v = json(
            &env.cmd()
                .args(["--json", "inspect", "bob"])
                .env("RESETCTL_NOW", "2026-11-21T10:30:00Z")
                .output()
                .unwrap()
                .stdout,
        );
        assert_eq!(v["user"]["username"], "bob");
        assert_eq!(v["state"], "active");
        assert_eq!(v["expires_at"], NOW_PLUS_1H);
        assert_eq!(v["seconds_left"], 1800);
        assert_eq!(v["last_issued"]["actor"], "tester");
        assert_eq!(v["last_redeemed"], serde_json::Value::Null);
        assert!(v.get("token").is_none());
        let v = env.json(&["inspect", "carol"]);
        assert_eq!(v["state"], "none");
        assert_eq!(v["expires_at"], serde_json::Value::Null);
    }
}

on_every_engine! {
    fn shows_last_redeem(backend) {
        let env = TestEnv::demo_on(backend);
        let token = env.issue("carol");
        env.cmd()
            .args(["redeem", &token, "--password-stdin"])
            .write_stdin("a new password\n")
            .assert()
            .success();
        let text = String::from_utf8(
            env.cmd()
                .args(["inspect", "carol"])
                .output()
                .unwrap()
                .stdout,
        )
        .unwrap();
        assert!(text.contains("Token:          none"), "{text}");
        assert!(
            text.contains("Last redeemed:  2026-11-21T10:00:00Z by tester"),
            "{text}"
        );
    }
}

on_every_engine! {
    fn by_token_argument_or_stdin_without_consuming_it(backend) {
        let env = TestEnv::demo_on(backend);
        let token = env.issue("carol");
        let before = env.bytes();
        let v = env.json(&["inspect", "--token", &token.to_uppercase()]);
        assert_eq!(v["user"]["id"], 3);
        assert_eq!(v["state"], "active");
        let link = format!("https://example.com/reset-password?token={token}\n");
        let out = env
            .cmd()
            .args(["--json", "inspect", "--token", "-"])
            .write_stdin(link)
            .output()
            .unwrap();
        assert_eq!(json(&out.stdout)["user"]["id"], 3);
        assert!(!String::from_utf8_lossy(&out.stdout).contains(&token));
        assert_eq!(env.bytes(), before, "inspect changes nothing");
    }
}

on_every_engine! {
    fn unknown_and_malformed_tokens(backend) {
        let env = TestEnv::demo_on(backend);
        let out = env
            .cmd()
            .args(["inspect", "--token", &"ab".repeat(32)])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(77));
        assert_one_line_error(&out.stderr, "no user holds this reset token");
        let half = "0123456789abcdef0123456789abcdef";
        let out = env
            .cmd()
            .args(["inspect", "--token", half])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(65));
        assert_one_line_error(
            &out.stderr,
            "malformed reset token: expected 64 hex characters, got 32",
        );
        assert!(!String::from_utf8_lossy(&out.stderr).contains(half));
        let mut child = env
            .std_cmd()
            .args(["inspect", "--token", "-"])
            .spawn()
            .unwrap();
        child.stdin.take().unwrap().write_all(b"").unwrap();
        let out = child.wait_with_output().unwrap();
        assert_eq!(out.status.code(), Some(65));
    }
}
