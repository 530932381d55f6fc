//! `redeem`: the token forms, where the password comes from, the policy, the
//! hash written, single use and dead tokens.

use crate::common::{TestEnv, assert_one_line_error, json};
use crate::on_every_engine;

const PW: &str = "correct horse battery";

#[track_caller]
fn assert_password(env: &TestEnv, id: i64, password: &str) {
    let hash = env.password_hash(id).expect("a password hash was written");
    assert!(
        hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
        "{hash}"
    );
    // Checked by an independent Argon2 implementation, not the one that wrote it.
    assert!(argon2_reference::verify_encoded(&hash, password.as_bytes()).unwrap());
    assert!(!argon2_reference::verify_encoded(&hash, b"wrong password").unwrap());
}

on_every_engine! {
    fn sets_the_password_and_clears_the_token(backend) {
        let env = TestEnv::demo_on(backend);
        let token = env.issue("alice");
        env.cmd()
            .args(["redeem", &token, "--password-stdin"])
            .write_stdin(format!("{PW}\n"))
            .assert()
            .success()
            .stdout("Password changed for alice <alice@example.com>; the reset token is used up.\n")
            .stderr("");
        assert_password(&env, 1, PW);
        assert_eq!(env.token_row(1), (None, None));
        let last = env.audit().pop().unwrap();
        assert_eq!(
            (last.action.as_str(), last.outcome.as_str(), last.user_id),
            ("redeem", "ok", Some(1))
        );
    }
}

on_every_engine! {
    fn single_use(backend) {
        let env = TestEnv::demo_on(backend);
        let token = env.issue("bob");
        env.cmd()
            .args(["redeem", &token, "--password-stdin"])
            .write_stdin(format!("{PW}\n"))
            .assert()
            .success();
        let hash = env.password_hash(2);
        let out = env
            .cmd()
            .args(["redeem", &token, "--password-stdin"])
            .write_stdin("another password\n")
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(77));
        assert_one_line_error(&out.stderr, "invalid reset token");
        assert_eq!(
            env.password_hash(2),
            hash,
            "the second redeem changed nothing"
        );
        let last = env.audit().pop().unwrap();
        assert_eq!(
            (last.action.as_str(), last.outcome.as_str()),
            ("redeem", "rejected")
        );
    }
}

on_every_engine! {
    fn accepts_any_case_whitespace_a_whole_link_and_stdin(backend) {
        for form in ["upper", "spaces", "link", "stdin"] {
            let env = TestEnv::demo_on(backend);
            let token = env.issue("carol");
            let mut cmd = env.cmd();
            match form {
                "upper" => cmd
                    .args(["redeem", &token.to_uppercase(), "--password-stdin"])
                    .write_stdin(format!("{PW}\n")),
                "spaces" => cmd
                    .args(["redeem", &format!("  {token}\t\n"), "--password-stdin"])
                    .write_stdin(format!("{PW}\n")),
                "link" => cmd
                    .args([
                        "redeem",
                        &format!("https://example.com/reset-password?token={token}&utm=x"),
                        "--password-stdin",
                    ])
                    .write_stdin(format!("{PW}\n")),
                _ => cmd
                    .args(["redeem", "-", "--password-stdin"])
                    .write_stdin(format!(" {token} \r\n{PW}\r\n")),
            };
            cmd.assert().success();
            assert_password(&env, 3, PW);
        }
    }
}

on_every_engine! {
    fn hidden_prompt_twice(backend) {
        let env = TestEnv::demo_on(backend);
        let token = env.issue("alice");
        let (code, screen) = env.on_terminal(
            &[
                ("(hidden)New password: ", PW),
                ("(hidden)Repeat new password: ", PW),
            ],
            &["redeem", &token],
        );
        assert_eq!(code, 0, "{screen}");
        assert!(screen.contains("Password changed for alice"), "{screen}");
        assert!(!screen.contains(PW), "the password is not echoed: {screen}");
        assert_password(&env, 1, PW);
    }
}

on_every_engine! {
    fn prompt_mismatch_is_65_and_changes_nothing(backend) {
        let env = TestEnv::demo_on(backend);
        let token = env.issue("alice");
        let before = env.bytes();
        let (code, screen) = env.on_terminal(
            &[
                ("(hidden)New password: ", PW),
                ("(hidden)Repeat new password: ", "correct horse battery!"),
            ],
            &["redeem", &token],
        );
        assert_eq!(code, 65, "{screen}");
        assert!(
            screen.contains("resetctl: error: Passwords do not match"),
            "{screen}"
        );
        assert_eq!(env.bytes(), before);
    }
}

#[test]
fn without_a_terminal_the_password_must_come_from_stdin() {
    let env = TestEnv::demo();
    let token = env.issue("alice");
    let before = env.bytes();
    // setsid: no controlling terminal, as under cron, even when the tests run
    // from one.
    let out = std::process::Command::new("setsid")
        .args(["-w", crate::common::bin(), "redeem", &token])
        .env("RESETCTL_DB", &env.db)
        .env("RESETCTL_NOW", crate::common::NOW)
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_one_line_error(&out.stderr, "no terminal");
    assert_eq!(env.bytes(), before);
}

on_every_engine! {
    fn prompts_on_the_terminal_even_when_the_token_comes_from_stdin(backend) {
        let env = TestEnv::demo_on(backend);
        let token = env.issue("bob");
        let file = env.path("link.txt");
        std::fs::write(
            &file,
            format!("https://example.com/reset-password?token={token}\n"),
        )
        .unwrap();
        let script = format!(
            "exec {} redeem - < '{}'",
            crate::common::bin(),
            file.display()
        );
        let (code, screen) = env.on_terminal_sh(
            &[
                ("(hidden)New password: ", PW),
                ("(hidden)Repeat new password: ", PW),
            ],
            &script,
        );
        assert_eq!(code, 0, "{screen}");
        assert_password(&env, 2, PW);
    }
}

on_every_engine! {
    fn password_policy(backend) {
        let env = TestEnv::demo_on(backend);
        let token = env.issue("alice");
        let before = env.bytes();
        for (input, want) in [
            (
                "short\n".to_string(),
                "too short: 5 characters, at least 8 needed",
            ),
            ("\n".to_string(), "the password is empty"),
            (String::new(), "no password on standard input"),
            (
                format!("{}\n", "x".repeat(1025)),
                "too long: at most 1024 bytes",
            ),
            ("x".repeat(2 << 20), "too long"),
        ] {
            let out = env
                .cmd()
                .args(["redeem", &token, "--password-stdin"])
                .write_stdin(input)
                .output()
                .unwrap();
            assert_eq!(out.status.code(), Some(65), "{want}");
            assert_one_line_error(&out.stderr, want);
            assert!(out.stdout.is_empty());
        }
        assert_eq!(env.bytes(), before);
        // The limits are inclusive.
        let max = "é".repeat(512);
        env.cmd()
            .args(["redeem", &token, "--password-stdin"])
            .write_stdin(format!("{max}\n"))
            .assert()
            .success();
        assert_password(&env, 1, &max);
    }
}

on_every_engine! {
    fn expired_token_is_77(backend) {
        let env = TestEnv::demo_on(backend);
        let token = env.issue("alice");
        let out = env
            .cmd()
            .args(["redeem", &token, "--password-stdin"])
            .env("RESETCTL_NOW", "2026-11-21T11:00:00Z")
            .write_stdin(format!("{PW}\n"))
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(77));
        assert_one_line_error(&out.stderr, "reset token expired at 2026-11-21T11:00:00Z");
        assert_eq!(env.password_hash(1), None);
        assert!(
            env.token_row(1).0.is_some(),
            "an expired token is left for purge"
        );
    }
}

on_every_engine! {
    fn a_password_changed_by_other_means_kills_the_token(backend) {
        let env = TestEnv::demo_on(backend);
        let token = env.issue("bob");
        // The application changes bob's password itself.
        env.sql(&format!(
            "UPDATE users SET password_hash = '{}' WHERE id = 2",
            crate::common::APP_HASH
        ));
        let out = env
            .cmd()
            .args(["redeem", &token, "--password-stdin"])
            .write_stdin(format!("{PW}\n"))
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(77));
        assert_one_line_error(&out.stderr, "the password was changed after it was issued");
        assert_eq!(
            env.password_hash(2).as_deref(),
            Some(crate::common::APP_HASH)
        );
        let v = env.json(&["inspect", "bob"]);
        assert_eq!(v["state"], "expired");
        assert_eq!(v["password_changed_since_issue"], true);
    }
}

on_every_engine! {
    fn a_token_the_app_issued_itself_is_judged_by_expiry(backend) {
        let env = TestEnv::demo_on(backend);
        env.issue("bob");
        env.sql(&format!(
            "UPDATE users SET password_hash = '{}' WHERE id = 2",
            crate::common::APP_HASH
        ));
        // Then the app issues its own token, with another expiry.
        let token = "f".repeat(64);
        env.sql(&format!(
            "UPDATE users SET password_reset_token = '{}', password_reset_expires = '2026-11-21 10:20:00' WHERE id = 2",
            crate::common::sha256_hex(&token)
        ));
        env.cmd()
            .args(["redeem", &token, "--password-stdin"])
            .write_stdin(format!("{PW}\n"))
            .assert()
            .success();
        assert_password(&env, 2, PW);
    }
}

on_every_engine! {
    fn json_output(backend) {
        let env = TestEnv::demo_on(backend);
        let token = env.issue("carol");
        let v = json(
            &env.cmd()
                .args(["--json", "redeem", &token, "--password-stdin"])
                .write_stdin(format!("{PW}\n"))
                .output()
                .unwrap()
                .stdout,
        );
        assert_eq!(
            v,
            serde_json::json!({"user": {"id": 3, "username": "carol", "email": "carol@example.com"}, "redeemed": true})
        );
    }
}

on_every_engine! {
    fn a_dead_token_is_expired_everywhere_and_purged(backend) {
        let env = TestEnv::demo_on(backend);
        env.issue("alice");
        env.issue("bob");
        env.sql("UPDATE users SET password_hash = 'set by the app' WHERE id = 1");
        let list = env.json(&["list"]);
        assert_eq!(list[0]["state"], "expired");
        assert_eq!(list[0]["seconds_left"], serde_json::Value::Null);
        assert_eq!(list[1]["state"], "active");
        let active = env.json(&["list", "--active"]);
        assert_eq!(active.as_array().unwrap().len(), 1);
        assert_eq!(active[0]["user"]["id"], 2);
        let table = String::from_utf8(env.cmd().arg("list").output().unwrap().stdout).unwrap();
        assert!(
            table.lines().nth(1).unwrap().contains("expired") && table.contains("password changed"),
            "{table}"
        );
        let text = String::from_utf8(
            env.cmd()
                .args(["inspect", "alice"])
                .output()
                .unwrap()
                .stdout,
        )
        .unwrap();
        assert!(
            text.contains("Token:          expired: the password was changed after it was issued"),
            "{text}"
        );
        let v = env.json(&["purge"]);
        assert_eq!(v["purged"], 1, "the dead token goes, bob's live one stays");
        assert_eq!(env.token_row(1), (None, None));
        assert!(env.token_row(2).0.is_some());
    }
}

on_every_engine! {
    fn redeems_links_made_with_a_custom_link_template(backend) {
        let env = TestEnv::demo_on(backend);
        for (template, user, id) in [
            ("https://app.test/reset/{token}", "alice", 1),
            ("https://app.test/r?mytoken=x&token={token}", "bob", 2),
        ] {
            let v = env.json(&["issue", "--link", template, user]);
            let link = v["link"].as_str().unwrap();
            env.cmd()
                .args(["redeem", link, "--password-stdin"])
                .write_stdin(format!("{PW}\n"))
                .assert()
                .success();
            assert_password(&env, id, PW);
        }
    }
}
