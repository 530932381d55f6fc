//! `framework = "laravel"`, proven by Laravel 8.83's own password broker
//! and user provider (tests/support/laravel_app, `hashing.bcrypt.verify`
//! on): Laravel judges the rows and passwords resetctl wrote, and resetctl
//! redeems the tokens Laravel made.

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
fn list_and_purge_read_rows_as_laravel_does_and_purge_what_its_own_purge_misses() {
    let table = "password_reset_tokens";
    let laravel = Laravel::new(table);
    let users = ["alice@example.com", "bob@example.com", "carol@example.com"];
    let (env, cfg) = framework_app(&laravel, &users, &config(table, ""));
    issue(&env, &cfg, &["carol@example.com"]);
    let out = env
        .cmd_with(&cfg)
        .env("RESETCTL_NOW", "2026-11-21T08:00:00Z")
        .args(["issue", "alice@example.com"])
        .output()
        .unwrap();
    assert!(out.status.success());
    // A row in a form Laravel's auth:clear-resets compares as text and
    // never deletes.
    env.conn()
        .execute(
            "INSERT INTO password_reset_tokens (email, token, created_at) VALUES ('bob@example.com', '$2y$10$x', '2026-11-21T07:00:00Z')",
            [],
        )
        .unwrap();
    let out = env
        .cmd_with(&cfg)
        .args(["--json", "list"])
        .output()
        .unwrap();
    let listed: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
    let states: Vec<(&str, &str)> = listed
        .iter()
        .map(|v| {
            (
                v["user"]["email"].as_str().unwrap(),
                v["state"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        states,
        [
            ("alice@example.com", "expired"),
            ("bob@example.com", "expired"),
            ("carol@example.com", "active")
        ]
    );
    assert_eq!(env.json_at(&cfg, None, &["purge"])["purged"], 2);
    let left: Vec<String> = env
        .conn()
        .prepare("SELECT email FROM password_reset_tokens")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(left, ["carol@example.com"]);
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

#[test]
fn bulk_issue_dry_run_and_resume_on_the_token_table() {
    let table = "password_reset_tokens";
    let laravel = Laravel::new(table);
    let users = ["a@example.com", "b@example.com", "c@example.com"];
    let (env, cfg) = framework_app(&laravel, &users, &config(table, ""));
    let before = env.bytes();
    env.cmd_with(&cfg)
        .args(["issue", "--all", "--dry-run"])
        .assert()
        .success();
    assert_eq!(env.bytes(), before, "a dry run writes nothing");
    let out = env
        .cmd_with(&cfg)
        .args(["--json", "issue", "--all"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let issued: Vec<serde_json::Value> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter(|l| l.contains("\"token\""))
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(issued.len(), 3);
    for v in &issued {
        let email = v["user"]["email"].as_str().unwrap();
        assert!(
            laravel.token_exists(&env.db, NOW, email, v["token"].as_str().unwrap()),
            "{email}"
        );
    }
    let out = env
        .cmd_with(&cfg)
        .args(["--json", "issue", "--all", "--skip-active"])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(
        !String::from_utf8_lossy(&out.stdout).contains("\"token\""),
        "all three skipped"
    );
}

#[test]
fn init_makes_the_token_table_as_laravels_migration_and_leaves_users_alone() {
    for table in TABLES {
        let env = TestEnv::empty();
        let users = "CREATE TABLE users (id integer not null primary key autoincrement, name varchar not null, email varchar not null, password varchar not null, remember_token varchar, created_at datetime, updated_at datetime)";
        env.conn()
            .execute_batch(&format!(
                "{users}; CREATE UNIQUE INDEX users_email_unique on users (email)"
            ))
            .unwrap();
        let cfg = env.config(&config(table, ""));
        env.cmd_with(&cfg).arg("init").assert().success();
        let sql: String = env
            .conn()
            .query_row(
                "SELECT sql FROM sqlite_master WHERE name = 'users'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(sql, users, "the users table is unchanged");
        // Laravel works on the table init made.
        let laravel = Laravel::new(table);
        let a = laravel.call(
            &env.db,
            None,
            "create",
            &["alice@example.com", "old password 1"],
        );
        assert!(a.ok, "{}", a.line);
        let (token, _) = issue(&env, &cfg, &["alice@example.com"]);
        assert!(
            laravel.token_exists(&env.db, NOW, "alice@example.com", &token),
            "{table}"
        );
        let v = env.json_at(&cfg, None, &["doctor"]);
        assert_eq!(v["framework"], "laravel");
        assert_eq!(v["token_store"]["table"], table);
        assert_eq!(v["token_index"], serde_json::Value::Null);
        assert_eq!(v["table"]["token_index"], true);
        assert_eq!(v["password"]["parameters"]["prefix"], "2y");
    }
}
