//! What no config file settles on when the database is not one app's: two
//! apps at once and none known are 78, naming what was found and the key
//! to set; an empty or missing database is the default layout. And a
//! config file's explicit `framework` wins over what the database shows,
//! while `framework = "auto"` there is the same as no file.

use super::unsupported::dump;
use super::{assert_doctor, has_audit_table, made_by, run, run_code};
use crate::common::frameworks::Laravel;
use crate::common::{NOW_PLUS_1H, TestEnv, assert_one_line_error, sha256_hex};
use crate::on_every_engine;

const ALICE: &str = "alice@example.com";

on_every_engine! {
    fn a_users_table_of_devise_and_the_default_layout_at_once_is_78_naming_both(backend) {
        let env = TestEnv::empty_on(backend);
        env.sql(
            "CREATE TABLE users (id integer PRIMARY KEY, email varchar(255), password_hash varchar(255), \
             encrypted_password varchar(255), reset_password_token varchar(255)); \
             INSERT INTO users (id, email, password_hash) VALUES (1, 'alice@example.com', 'x')",
        );
        let before = dump(&env);
        for args in [&["issue", ALICE][..], &["init"], &["doctor"]] {
            let out = run_code(&env, None, args, 78);
            assert_one_line_error(
                &out.stderr,
                "this database fits more than one app: none (table users with column password_hash); \
                 devise (table users with encrypted_password and reset_password_token)",
            );
            let text = String::from_utf8_lossy(&out.stderr);
            assert_eq!(
                text.lines().nth(1),
                Some("hint: set framework = \"none\" or \"devise\" in a config file (--config)"),
                "{text}"
            );
        }
        assert_eq!(dump(&env), before);
    }

    fn tables_of_no_known_app_are_78_listing_them(backend) {
        let env = TestEnv::empty_on(backend);
        env.sql(
            "CREATE TABLE posts (id integer PRIMARY KEY, title varchar(100)); \
             CREATE TABLE comments (id integer PRIMARY KEY, body varchar(100)); \
             INSERT INTO posts VALUES (1, 'hello')",
        );
        let before = dump(&env);
        for args in [&["issue", ALICE][..], &["init"], &["doctor"]] {
            let out = run_code(&env, None, args, 78);
            assert_one_line_error(
                &out.stderr,
                "no app resetctl knows made this database (tables: comments, posts), and it has no table users",
            );
            let text = String::from_utf8_lossy(&out.stderr);
            assert!(
                text.lines().nth(1).unwrap().starts_with("hint: set framework = one of none, devise, laravel"),
                "{text}"
            );
        }
        assert_eq!(dump(&env), before);
    }

    fn an_empty_database_is_the_default_layout_which_init_lays_out(backend) {
        let env = TestEnv::empty_on(backend);
        if backend == crate::common::Backend::Sqlite {
            std::fs::write(&env.db, b"").unwrap();
        }
        assert_doctor(
            &env,
            None,
            "none",
            "recognised by an empty database, which resetctl lays out itself",
            78,
        );
        assert!(!has_audit_table(&env));
        let out = run_code(&env, None, &["init", "--demo"], 0);
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(text.contains("Created table users") && text.contains("Added demo users"), "{text}");
        assert_doctor(&env, None, "none", "recognised by table users with column password_hash", 0);
        let out = run_code(&env, None, &["--json", "issue", "alice"], 0);
        let token = crate::common::json(&out.stdout)["token"].as_str().unwrap().to_string();
        let want = (Some(sha256_hex(&token)), Some(NOW_PLUS_1H.to_string()));
        assert_eq!(env.token_row(1), want);
        let actions: Vec<String> = env.audit().into_iter().map(|r| r.action).collect();
        assert_eq!(actions, ["init", "issue"]);
    }
}

#[test]
fn a_missing_sqlite_file_is_made_by_init_demo_in_the_default_layout() {
    let env = TestEnv::empty();
    assert!(!env.db.exists());
    let out = run_code(&env, None, &["issue", "alice"], 66);
    assert_one_line_error(&out.stderr, "");
    assert!(!env.db.exists(), "issue makes no file");
    let out = run_code(&env, None, &["init", "--demo"], 0);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("Created database file"), "{text}");
    assert_doctor(
        &env,
        None,
        "none",
        "recognised by table users with column password_hash",
        0,
    );
    let names = env.rows("SELECT username FROM users ORDER BY id");
    assert_eq!(names.len(), 3, "{names:?}");
    assert_eq!(env.audit().len(), 1);
}

/// A Laravel app's database, made by its own migration, and a config file
/// holding `text`.
fn laravel_with_config(text: &str) -> (TestEnv, std::path::PathBuf) {
    let env = made_by(
        &Laravel::new("password_resets"),
        crate::common::Backend::Sqlite,
        &[ALICE],
    );
    let cfg = env.config(text);
    (env, cfg)
}

#[test]
fn an_explicit_framework_none_wins_over_a_laravel_database() {
    let (env, cfg) = laravel_with_config("framework = \"none\"\n");
    let before = dump(&env);
    let out = env.cmd_with(&cfg).arg("doctor").output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.lines()
            .any(|l| l == "Framework    none (set by framework in the config file)"),
        "{text}"
    );
    assert!(
        text.lines()
            .any(|l| l == "  password   password_hash: MISSING"),
        "{text}"
    );
    assert_eq!(out.status.code(), Some(78));
    let out = env.cmd_with(&cfg).args(["issue", ALICE]).output().unwrap();
    assert_eq!(out.status.code(), Some(78), "{out:?}");
    assert_one_line_error(&out.stderr, "table users has no column");
    assert_eq!(dump(&env), before, "nothing written");
}

#[test]
fn framework_auto_in_a_config_file_is_the_same_as_no_file() {
    let (env, cfg) = laravel_with_config("framework = \"auto\"\n[limits]\nissue = \"off\"\n");
    let detected =
        "recognised by table password_resets beside users with password and remember_token";
    let out = env
        .cmd_with(&cfg)
        .args(["--json", "doctor"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(78), "no audit table yet");
    let v = crate::common::json(&out.stdout);
    assert_eq!(
        (&v["framework"], &v["detected"]),
        (&"laravel".into(), &detected.into())
    );
    env.cmd_with(&cfg).arg("init").assert().success();
    let issued = env.json_at(&cfg, None, &["issue", ALICE]);
    assert!(
        issued["link"]
            .as_str()
            .unwrap()
            .starts_with("https://example.com/reset-password/"),
        "{issued}"
    );
    assert_eq!(env.rows("SELECT email FROM password_resets").len(), 1);
    // The same database with no file at all says the same.
    std::fs::remove_file(&cfg).unwrap();
    assert_doctor(&env, None, "laravel", detected, 0);
    let out = run(&env, None, &["--json", "issue", ALICE]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert_eq!(
        env.rows("SELECT email FROM password_resets").len(),
        1,
        "replaced"
    );
}
