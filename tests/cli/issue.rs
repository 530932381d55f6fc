//! `issue`: finding the user, the token and what is stored of it, expiry,
//! links, JSON, unknown users, and the earlier token kept when an issue fails.

use predicates::prelude::*;

use crate::common::smtp::mail_config;
use crate::common::{
    NO_LIMIT, NOW_PLUS_1H, TestEnv, assert_one_line_error, closed_port, is_token, json, sha256_hex,
};
use crate::on_every_engine;

on_every_engine! {
    fn prints_link_and_stores_only_the_sha256(backend) {
        let env = TestEnv::demo_on(backend);
        let out = env
            .cmd()
            .args(["issue", "alice"])
            .assert()
            .success()
            .get_output()
            .clone();
        let stdout = String::from_utf8(out.stdout).unwrap();
        let lines: Vec<&str> = stdout.lines().collect();
        assert_eq!(lines.len(), 2, "{stdout}");
        assert_eq!(
            lines[0],
            format!("alice <alice@example.com>: reset link valid until {NOW_PLUS_1H} (in 1h)")
        );
        let token = lines[1]
            .strip_prefix("https://example.com/reset-password?token=")
            .expect("default link");
        assert!(is_token(token), "{token}");
        let (stored, expires) = env.token_row(1);
        assert_eq!(stored.as_deref(), Some(sha256_hex(token).as_str()));
        assert_eq!(expires.as_deref(), Some(NOW_PLUS_1H));
        assert!(
            !env.all_text().contains(token),
            "the token itself is nowhere in the database"
        );
        assert_eq!(env.token_row(2), (None, None), "other users untouched");
    }
}

on_every_engine! {
    fn finds_users_by_email_ignoring_case_username_and_id(backend) {
        let env = TestEnv::demo_on(backend);
        for (arg, id) in [("ALICE@Example.COM", 1), ("bob", 2), ("3", 3)] {
            let v = env.json(&["issue", arg]);
            assert_eq!(v["user"]["id"], id, "{arg}");
            assert!(env.token_row(id).0.is_some());
        }
    }
}

on_every_engine! {
    fn by_forces_the_kind_of_name(backend) {
        let env = TestEnv::demo_on(backend);
        // A username that looks like an id.
        env.sql("INSERT INTO users (id, username, email) VALUES (42, '7', 'seven@example.com')");
        let v = env.json(&["issue", "--by", "username", "7"]);
        assert_eq!(v["user"]["id"], 42);
        env.cmd().args(["issue", "7"]).assert().code(67);
        env.cmd()
            .args(["issue", "--by", "id", "alice"])
            .assert()
            .code(67);
        assert_eq!(env.token_row(1), (None, None));
    }
}

on_every_engine! {
    fn json_has_user_token_link_and_expiry(backend) {
        let env = TestEnv::demo_on(backend);
        let out = env
            .cmd()
            .args(["--json", "issue", "carol"])
            .assert()
            .success()
            .get_output()
            .clone();
        let v = json(&out.stdout);
        assert_eq!(
            v["user"],
            serde_json::json!({"id": 3, "username": "carol", "email": "carol@example.com"})
        );
        let token = v["token"].as_str().unwrap();
        assert!(is_token(token));
        assert_eq!(
            v["link"],
            format!("https://example.com/reset-password?token={token}")
        );
        assert_eq!(v["expires_at"], NOW_PLUS_1H);
        assert_eq!(v["sent"], false);
        assert_eq!(env.token_row(3).0.unwrap(), sha256_hex(token));
    }
}

on_every_engine! {
    fn ttl_and_link_flags(backend) {
        let env = TestEnv::demo_on(backend);
        let v = env.json(&["issue", "--ttl", "15m", "--link", "https://app.test/r/{token}?x=1", "alice"]);
        assert_eq!(v["expires_at"], "2026-11-21T10:15:00Z");
        assert_eq!(
            v["link"],
            format!("https://app.test/r/{}?x=1", v["token"].as_str().unwrap())
        );
        assert_eq!(env.token_row(1).1.as_deref(), Some("2026-11-21T10:15:00Z"));
        env.cmd()
            .args(["issue", "--ttl", "7d", "bob"])
            .assert()
            .success();
        assert_eq!(env.token_row(2).1.as_deref(), Some("2026-11-28T10:00:00Z"));
    }
}

on_every_engine! {
    fn ttl_over_seven_days_or_malformed_is_rejected_and_nothing_changes(backend) {
        let env = TestEnv::demo_on(backend);
        let before = env.bytes();
        for ttl in ["8d", "0s", "1x", "soon", "-1h"] {
            let out = env
                .cmd()
                .args(["issue", &format!("--ttl={ttl}"), "alice"])
                .output()
                .unwrap();
            assert_eq!(out.status.code(), Some(65), "{ttl}");
            assert_one_line_error(&out.stderr, "");
            assert!(out.stdout.is_empty());
        }
        let out = env
            .cmd()
            .args(["issue", "--link", "https://x.test/no-placeholder", "alice"])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2));
        assert_one_line_error(&out.stderr, "{token}");
        assert_eq!(env.bytes(), before);
    }
}

on_every_engine! {
    fn a_new_token_replaces_the_earlier_one(backend) {
        let env = TestEnv::demo_on(backend);
        let first = env.issue("alice");
        let second = env.issue("alice");
        assert_ne!(first, second);
        assert_eq!(env.token_row(1).0.unwrap(), sha256_hex(&second));
        env.cmd()
            .args(["inspect", "--token", &first])
            .assert()
            .code(77);
        env.cmd()
            .args(["inspect", "--token", &second])
            .assert()
            .success();
    }
}

on_every_engine! {
    fn several_users_at_once_get_one_json_line_each(backend) {
        let env = TestEnv::demo_on(backend);
        let lines = env.json_lines(&["issue", "alice", "bob@example.com", "1"]);
        assert_eq!(lines.len(), 2, "alice named twice is issued once");
        assert_eq!(lines[0]["user"]["id"], 1);
        assert_eq!(lines[1]["user"]["id"], 2);
        assert_eq!(
            env.audit().iter().filter(|r| r.action == "issue").count(),
            2
        );
    }
}

on_every_engine! {
    fn unknown_user_is_67_and_nothing_is_issued(backend) {
        let env = TestEnv::demo_on(backend);
        let before = env.bytes();
        let out = env
            .cmd()
            .args(["issue", "alice", "mallory@example.com"])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(67));
        assert!(out.stdout.is_empty());
        assert_one_line_error(&out.stderr, "no user with email 'mallory@example.com'");
        assert_eq!(env.bytes(), before, "alice was not issued either");
    }
}

on_every_engine! {
    fn quiet_prints_only_the_link(backend) {
        let env = TestEnv::demo_on(backend);
        env.cmd()
            .args(["-q", "issue", "bob"])
            .assert()
            .success()
            .stdout(
                predicate::str::is_match("^https://example.com/reset-password\\?token=[0-9a-f]{64}\n$")
                    .unwrap(),
            )
            .stderr("");
    }
}

on_every_engine! {
    fn issue_is_audited_with_actor_reason_and_no_secret(backend) {
        let env = TestEnv::demo_on(backend);
        let token = env.json(&["--actor", "support-jane", "--reason", "TICKET-42", "issue", "alice"])["token"].as_str().unwrap().to_string();
        let row = env
            .audit()
            .into_iter()
            .find(|r| r.action == "issue")
            .unwrap();
        assert_eq!(row.actor, "support-jane");
        assert_eq!(row.reason.as_deref(), Some("TICKET-42"));
        assert_eq!(row.user_id, Some(1));
        assert_eq!(row.outcome, "ok");
        let audit_text = format!("{:?}", env.rows("SELECT * FROM resetctl_audit"));
        assert!(!audit_text.contains(&token));
        assert!(!audit_text.contains(&sha256_hex(&token)));
    }
}

on_every_engine! {
    fn a_token_pasted_as_user_is_refused_and_never_echoed_or_stored(backend) {
        let env = TestEnv::demo_on(backend);
        let token = env.issue("alice");
        let before = env.bytes();
        let link = format!("https://example.com/reset-password?token={token}");
        for args in [
            vec!["issue", token.as_str()],
            vec!["issue", "--no-enumerate", token.as_str()],
            vec!["issue", "--no-enumerate", link.as_str()],
            vec!["revoke", link.as_str()],
            vec!["inspect", token.as_str()],
            vec!["inspect", &token[..50]],
        ] {
            let out = env.cmd().args(&args).output().unwrap();
            assert_eq!(out.status.code(), Some(65), "{:?}", &args[..args.len() - 1]);
            assert_one_line_error(&out.stderr, "looks like a reset token or link, not a user");
            assert!(!String::from_utf8_lossy(&out.stderr).contains(&token[..20]));
            assert!(out.stdout.is_empty());
        }
        assert_eq!(env.bytes(), before, "nothing audited, nothing stored");
    }
}

#[test]
fn a_failed_issue_leaves_the_earlier_token_working() {
    let env = TestEnv::demo();
    let earlier = env.issue("alice");
    let row = env.token_row(1);
    let audit = env.audit().len();
    // Standard output full: nothing is issued.
    let out = env
        .sh(&format!("{} issue alice > /dev/full", crate::common::bin()))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(74));
    assert_one_line_error(&out.stderr, "cannot write to standard output");
    // The mail server down.
    let cfg = mail_config(
        &env,
        &format!("smtp://127.0.0.1:{}", closed_port()),
        NO_LIMIT,
    );
    let out = env
        .cmd_with(&cfg)
        .args(["issue", "--send", "alice"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(75));
    // A link too long for a QR code: refused before anything.
    let long = format!("https://example.com/{}?t={{token}}", "x".repeat(3000));
    let out = env
        .cmd()
        .args(["issue", "alice", "--qr=always", "--link", &long])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(65));
    assert_one_line_error(&out.stderr, "the link cannot be drawn as a QR code");
    assert_eq!(
        env.token_row(1),
        row,
        "alice's token is the one she was given"
    );
    let new_rows: Vec<String> = env.audit()[audit..]
        .iter()
        .map(|r| r.action.clone())
        .collect();
    assert_eq!(new_rows, ["email"], "only the failed delivery is recorded");
    env.cmd()
        .args(["redeem", &earlier, "--password-stdin"])
        .write_stdin("correct horse battery\n")
        .assert()
        .success();
}
