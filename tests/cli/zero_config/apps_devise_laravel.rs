//! Devise and Laravel apps, made by their own migrations and models on
//! every engine, with no config file: resetctl names the app and what
//! showed it, and the app's own reset code takes the token it issues.
//! Laravel's reset table is `password_resets` (Laravel 8 and 9) or
//! `password_reset_tokens` (10 and later), each made by the harness as
//! that version's migration does; both at once is a choice only the
//! app's config/auth.php makes.

use super::{
    assert_audit_init_then_issue, audit, db_arg, has_audit_table, init_and_doctor, issue, made_by,
    run_code, table_count,
};
use crate::common::frameworks::{Devise, Laravel, OLD_PASSWORD};
use crate::common::{Backend, TestEnv, assert_one_line_error};
use crate::on_every_engine;

const ALICE: &str = "alice@example.com";

on_every_engine! {
    fn a_devise_app_is_recognised_and_its_reset_takes_the_token(backend) {
        let devise = Devise::new();
        let env = made_by(&devise, backend, &[ALICE]);
        let db = db_arg(&env);
        let secret = Some(Devise::SECRET);
        init_and_doctor(
            &env,
            secret,
            "devise",
            "recognised by table users with encrypted_password and reset_password_token",
        );

        let out = run_code(&env, None, &["issue", ALICE], 78);
        assert_one_line_error(&out.stderr, "needs the app's secret");
        assert_eq!(devise.row(&db, ALICE)["reset_password_token"], serde_json::Value::Null);

        let v = issue(&env, secret, ALICE);
        let token = v["token"].as_str().unwrap().to_string();
        assert_eq!(
            v["link"],
            format!("https://example.com/users/password/edit?reset_password_token={token}")
        );
        let row = devise.row(&db, ALICE);
        let digest = row["reset_password_token"].as_str().unwrap();
        assert_eq!(digest.len(), 64, "Devise's keyed digest: {row}");
        assert!(row["reset_password_sent_at"].as_str().unwrap().starts_with("2026-11-21 10:00:00"), "{row}");
        assert_audit_init_then_issue(&env, "1", "2026-11-21T16:00:00Z", "6h");

        let a = devise.reset(&db, "2026-11-21T10:05:00Z", &token, "new password 22");
        assert!(a.ok, "{}", a.line);
        assert!(devise.sign_in(&db, ALICE, "new password 22").ok);
        assert!(!devise.sign_in(&db, ALICE, OLD_PASSWORD).ok);
        assert_eq!(devise.row(&db, ALICE)["reset_password_token"], serde_json::Value::Null);
        assert_eq!(audit(&env).len(), 2);
    }

    fn a_laravel_8_app_with_password_resets_is_recognised_and_its_broker_takes_the_token(backend) {
        laravel_takes_the_token(backend, "password_resets");
    }

    fn a_laravel_10_app_with_password_reset_tokens_is_recognised_and_its_broker_takes_the_token(backend) {
        laravel_takes_the_token(backend, "password_reset_tokens");
    }

    fn a_laravel_app_with_both_reset_tables_is_refused_naming_both(backend) {
        let env = made_by(&Laravel::new("password_resets"), backend, &[ALICE]);
        let db = db_arg(&env);
        let newer = Laravel::new("password_reset_tokens");
        let made = newer.call(&db, None, "create", &["bob@example.com", OLD_PASSWORD]);
        assert!(made.ok, "{}", made.line);
        assert_eq!(table_count(&env, "password_reset_tokens"), 1);
        for args in [&["doctor"][..], &["init"], &["issue", ALICE]] {
            let out = run_code(&env, None, args, 78);
            assert_one_line_error(
                &out.stderr,
                "this database looks like laravel's, but it has both reset tables, password_reset_tokens and password_resets",
            );
            let text = String::from_utf8_lossy(&out.stderr);
            assert!(
                text.contains("hint: set framework = \"laravel\" and [laravel] table"),
                "{text}"
            );
            assert!(out.stdout.is_empty(), "{args:?}");
        }
        assert!(!has_audit_table(&env));
        assert!(resets(&env, "password_resets").is_empty());
        assert!(resets(&env, "password_reset_tokens").is_empty());
    }
}

/// The reset rows of `table`: email and token.
fn resets(env: &TestEnv, table: &str) -> Vec<Vec<Option<String>>> {
    env.rows(&format!("SELECT email, token FROM {table} ORDER BY email"))
}

/// Laravel with reset table `table`: the broker takes the token resetctl
/// issued and resets the password with it.
fn laravel_takes_the_token(backend: Backend, table: &str) {
    let laravel = Laravel::new(table);
    let env = made_by(&laravel, backend, &[ALICE]);
    let db = db_arg(&env);
    let other = match table {
        "password_resets" => "password_reset_tokens",
        _ => "password_resets",
    };
    assert_eq!(table_count(&env, other), 0, "the harness made one table");
    init_and_doctor(
        &env,
        None,
        "laravel",
        &format!("recognised by table {table} beside users with password and remember_token"),
    );

    let v = issue(&env, None, ALICE);
    let token = v["token"].as_str().unwrap().to_string();
    assert_eq!(
        v["link"],
        format!("https://example.com/reset-password/{token}?email=alice%40example.com")
    );
    let rows = resets(&env, table);
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert_eq!(rows[0][0].as_deref(), Some(ALICE));
    assert!(
        rows[0][1].as_deref().unwrap().starts_with("$2y$10$"),
        "{rows:?}"
    );
    assert_audit_init_then_issue(&env, "1", "2026-11-21T11:00:00Z", "1h");

    assert!(laravel.token_exists(&db, "2026-11-21T10:59:00Z", ALICE, &token));
    let a = laravel.call(
        &db,
        Some("2026-11-21T10:05:00Z"),
        "reset",
        &[ALICE, &token, "new password 22"],
    );
    assert!(a.ok && a.line.contains("passwords.reset"), "{}", a.line);
    assert!(laravel.check(&db, ALICE, "new password 22"));
    assert!(!laravel.check(&db, ALICE, OLD_PASSWORD));
    assert!(resets(&env, table).is_empty(), "the broker deleted the row");
    assert_eq!(audit(&env).len(), 2);
}
