//! The reset-token table under resetctl's other commands: list and purge
//! reading rows as Laravel does, bulk runs, and init making the table as
//! Laravel's migration does.

use super::{TABLES, config, issue};
use crate::common::frameworks::{Laravel, framework_app};
use crate::common::{NOW, TestEnv};

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
    let issued: Vec<serde_json::Value> = env
        .json_lines_at(&cfg, None, &["issue", "--all"])
        .into_iter()
        .filter(|v| v.get("token").is_some())
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
