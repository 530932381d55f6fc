//! `framework = "laravel"`, proven by Laravel 8.83's own password broker
//! and user provider (tests/support/laravel_app, `hashing.bcrypt.verify`
//! on): Laravel judges the rows and passwords resetctl wrote, and resetctl
//! redeems the tokens Laravel made.

mod mariadb;
mod store;

use std::path::Path;

use crate::common::frameworks::{Laravel, OLD_PASSWORD, framework_app, race_redeem};
use crate::common::{NOW, TestEnv, assert_one_line_error, json};

const TABLES: [&str; 2] = ["password_reset_tokens", "password_resets"];

/// resetctl's config for the app, with the reset table named.
fn config(table: &str, extra: &str) -> String {
    Laravel::config(&format!("table = \"{table}\"\n{extra}"))
}

/// `issue ARGS`: the token and the link.
fn issue(env: &TestEnv, cfg: &Path, args: &[&str]) -> (String, String) {
    let v = env.json_at(cfg, None, &[&["issue"], args].concat());
    (
        v["token"].as_str().unwrap().to_string(),
        v["link"].as_str().unwrap().to_string(),
    )
}

#[test]
fn laravel_accepts_a_token_within_expire_and_refuses_it_after_with_either_table() {
    for table in TABLES {
        let laravel = Laravel::new(table);
        let (env, cfg) = framework_app(&laravel, &["alice@example.com"], &config(table, ""));
        let (token, link) = issue(&env, &cfg, &["alice@example.com"]);
        assert_eq!(
            link,
            format!("https://example.com/reset-password/{token}?email=alice%40example.com")
        );
        let row = laravel.row(&env.db, "alice@example.com");
        assert!(
            row.contains("reset: token=$2y$10$") && row.contains("created_at=2026-11-21 10:00:00"),
            "{table}: {row}"
        );
        assert_ne!(row.matches("reset: ").count(), 0);
        assert!(laravel.token_exists(&env.db, "2026-11-21T10:59:00Z", "alice@example.com", &token));
        assert!(
            !laravel.token_exists(&env.db, "2026-11-21T11:01:00Z", "alice@example.com", &token),
            "{table}: Laravel refuses it after expire"
        );
        // Laravel's own reset, with Breeze's callback.
        let a = laravel.call(
            &env.db,
            Some("2026-11-21T10:30:00Z"),
            "reset",
            &["alice@example.com", &token, "new password 22"],
        );
        assert!(a.ok, "{table}: {}", a.line);
        assert!(laravel.check(&env.db, "alice@example.com", "new password 22"));
        // resetctl sees the row gone.
        assert_eq!(
            env.json_at(&cfg, None, &["inspect", "alice@example.com"])["state"],
            "none"
        );
    }
}

#[test]
fn a_replaced_or_revoked_token_is_refused_by_laravel() {
    let table = "password_resets";
    let laravel = Laravel::new(table);
    let (env, cfg) = framework_app(&laravel, &["alice@example.com"], &config(table, ""));
    let (first, _) = issue(&env, &cfg, &["alice@example.com"]);
    let (second, _) = issue(&env, &cfg, &["alice@example.com"]);
    // One row: the first was deleted, so the newer one is what Laravel reads.
    assert_eq!(
        laravel
            .row(&env.db, "alice@example.com")
            .matches("reset: token=")
            .count(),
        1
    );
    assert!(!laravel.token_exists(&env.db, NOW, "alice@example.com", &first));
    assert!(laravel.token_exists(&env.db, NOW, "alice@example.com", &second));
    env.cmd_with(&cfg)
        .args(["revoke", "alice@example.com"])
        .assert()
        .success();
    assert!(
        laravel
            .row(&env.db, "alice@example.com")
            .contains("reset: none")
    );
    assert!(!laravel.token_exists(&env.db, NOW, "alice@example.com", &second));
}

#[test]
fn laravel_logs_in_with_the_password_resetctl_redeem_wrote() {
    let table = "password_reset_tokens";
    let laravel = Laravel::new(table);
    let (env, cfg) = framework_app(&laravel, &["alice@example.com"], &config(table, ""));
    let (_, link) = issue(&env, &cfg, &["alice@example.com"]);
    let before = laravel.row(&env.db, "alice@example.com");
    let out = env
        .cmd_with(&cfg)
        .args(["--json", "redeem", "-", "--password-stdin"])
        .write_stdin(format!("{link}\nnew password 22\n"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(json(&out.stdout)["user"]["email"], "alice@example.com");
    let after = laravel.row(&env.db, "alice@example.com");
    assert!(after.contains("user: password=$2y$10$"), "{after}");
    assert!(after.contains("reset: none"), "the row is deleted: {after}");
    // A new 60-character remember_token, as Laravel's reset gives.
    let remember = after
        .split("remember_token=")
        .nth(1)
        .unwrap()
        .split_whitespace()
        .next()
        .unwrap();
    assert_eq!(remember.len(), 60);
    assert!(!before.contains(remember));
    assert!(laravel.check(&env.db, "alice@example.com", "new password 22"));
    assert!(!laravel.check(&env.db, "alice@example.com", OLD_PASSWORD));
    env.cmd_with(&cfg)
        .args(["redeem", &link, "--password-stdin"])
        .write_stdin("another password 3\n")
        .assert()
        .code(77);
}

#[test]
fn resetctl_redeems_a_token_laravel_made_given_whose_it_is() {
    let table = "password_reset_tokens";
    let laravel = Laravel::new(table);
    let (env, cfg) = framework_app(&laravel, &["alice@example.com"], &config(table, ""));
    let made = laravel.call(&env.db, Some(NOW), "issue", &["alice@example.com"]);
    assert!(made.ok);
    let token = made.line;
    let before = env.bytes();
    let out = env
        .cmd_with(&cfg)
        .args(["redeem", &token, "--password-stdin"])
        .write_stdin("new password 22\n")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(65));
    assert_one_line_error(&out.stderr, "does not say whose it is");
    assert!(String::from_utf8_lossy(&out.stderr).contains("--user"));
    assert_eq!(env.bytes(), before);
    assert_eq!(
        env.json_at(
            &cfg,
            None,
            &["inspect", "--token", &token, "alice@example.com"]
        )["state"],
        "active"
    );
    env.cmd_with(&cfg)
        .args([
            "redeem",
            &token,
            "--user",
            "alice@example.com",
            "--password-stdin",
        ])
        .write_stdin("new password 22\n")
        .assert()
        .success();
    assert!(laravel.check(&env.db, "alice@example.com", "new password 22"));
}

#[test]
fn created_at_is_written_in_the_apps_time_zone_and_a_shorter_ttl_backdates_it() {
    let table = "password_reset_tokens";
    let laravel = Laravel::new(table).with("APP_TIMEZONE", "Europe/Berlin");
    let cfg_text = config(table, "timezone = \"Europe/Berlin\"\n");
    let (env, cfg) = framework_app(
        &laravel,
        &["alice@example.com", "bob@example.com"],
        &cfg_text,
    );
    let (alice, _) = issue(&env, &cfg, &["alice@example.com"]);
    // 10:00 UTC is 11:00 in Berlin in November.
    assert!(
        laravel
            .row(&env.db, "alice@example.com")
            .contains("created_at=2026-11-21 11:00:00")
    );
    assert!(laravel.token_exists(&env.db, "2026-11-21T10:59:00Z", "alice@example.com", &alice));
    assert!(!laravel.token_exists(&env.db, "2026-11-21T11:01:00Z", "alice@example.com", &alice));

    let before = env.bytes();
    env.cmd_with(&cfg)
        .args(["issue", "bob@example.com", "--ttl", "2h"])
        .assert()
        .code(65)
        .stderr(predicates::str::contains("at most 1h"));
    assert_eq!(env.bytes(), before);
    let (bob, _) = issue(&env, &cfg, &["bob@example.com", "--ttl", "15m"]);
    assert!(
        laravel
            .row(&env.db, "bob@example.com")
            .contains("created_at=2026-11-21 10:15:00")
    );
    assert!(laravel.token_exists(&env.db, "2026-11-21T10:14:00Z", "bob@example.com", &bob));
    assert!(!laravel.token_exists(&env.db, "2026-11-21T10:16:00Z", "bob@example.com", &bob));
}

#[test]
fn of_sixteen_redeemers_one_wins_and_laravel_takes_that_password() {
    let table = "password_reset_tokens";
    let laravel = Laravel::new(table);
    let (env, cfg) = framework_app(&laravel, &["alice@example.com"], &config(table, ""));
    let (_, link) = issue(&env, &cfg, &["alice@example.com"]);
    let winner = race_redeem(&env, Some(&cfg), &link);
    assert!(laravel.check(&env.db, "alice@example.com", &winner));
    assert!(
        laravel
            .row(&env.db, "alice@example.com")
            .contains("reset: none")
    );
}

// A token resetctl issued dies with a password change made by
// Laravel itself: resetctl says so, refuses it, and purge deletes its row,
// after which Laravel refuses it too. A token Laravel made afterwards is
// left as Laravel judges it.
#[test]
fn laravel_tokens_die_with_a_password_change() {
    let laravel = Laravel::new("password_reset_tokens");
    let users = ["alice@example.com", "bob@example.com"];
    let (env, cfg) = framework_app(&laravel, &users, &Laravel::config(""));
    let v = env.json_at(&cfg, None, &["issue", "alice@example.com"]);
    let (token, link) = (v["token"].as_str().unwrap(), v["link"].as_str().unwrap());
    // The password changes in the app (a profile page, another tool).
    let bob_token = laravel
        .call(
            &env.db,
            Some("2026-11-21T10:00:00Z"),
            "issue",
            &["bob@example.com"],
        )
        .line;
    env.conn()
        .execute(
            "UPDATE users SET password = (SELECT password FROM users WHERE email = 'bob@example.com') \
             WHERE email = 'alice@example.com'",
            [],
        )
        .unwrap();
    assert!(laravel.token_exists(&env.db, "2026-11-21T10:05:00Z", "alice@example.com", token));
    let v = env.json_at(&cfg, None, &["inspect", "alice@example.com"]);
    assert_eq!(v["state"], "expired", "{v}");
    assert_eq!(v["password_changed_since_issue"], true);
    let password_of = |email: &str| {
        env.value(&format!(
            "SELECT password FROM users WHERE email = '{email}'"
        ))
    };
    let before = password_of("alice@example.com");
    let out = env
        .cmd_with(&cfg)
        .args(["redeem", "-", "--password-stdin"])
        .write_stdin(format!("{link}\nnew password 22\n"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(77));
    assert_one_line_error(&out.stderr, "the password was changed after it was issued");
    assert_eq!(
        password_of("alice@example.com"),
        before,
        "redeem changed nothing"
    );
    assert_eq!(env.json_at(&cfg, None, &["purge"])["purged"], 1);
    assert!(!laravel.token_exists(&env.db, "2026-11-21T10:05:00Z", "alice@example.com", token));
    // Bob's token, made by Laravel, is untouched: Laravel judges it.
    assert!(laravel.token_exists(
        &env.db,
        "2026-11-21T10:05:00Z",
        "bob@example.com",
        &bob_token
    ));
}
