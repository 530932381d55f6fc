//! A Better Auth app, made by Better Auth's own migrations and sign-up on
//! every engine, with no config file: resetctl names it and what showed
//! it, and Better Auth's own `resetPassword` takes the token it issues.

use super::{assert_audit_init_then_issue, audit, init_and_doctor, issue};
use crate::better_auth::iso;
use crate::common::better_auth::BetterAuth;
use crate::common::frameworks::OLD_PASSWORD;
use crate::common::{NOW, TestEnv};
use crate::on_every_engine;

const ALICE: &str = "alice@example.com";

/// The verification rows: identifier, value, expiresAt.
fn verifications(env: &TestEnv) -> Vec<Vec<Option<String>>> {
    env.rows(&format!(
        "SELECT \"identifier\", \"value\", {} FROM \"verification\" ORDER BY \"identifier\"",
        iso(env.backend(), "expiresAt")
    ))
}

on_every_engine! {
    fn a_better_auth_app_is_recognised_and_its_reset_takes_the_token(backend) {
        let env = TestEnv::empty_on(backend);
        let ba = BetterAuth::new();
        let db = env.db_value();
        ba.migrate(&db);
        let id = ba.sign_up(&db, NOW, ALICE, OLD_PASSWORD);
        init_and_doctor(
            &env,
            None,
            "better-auth",
            "recognised by tables user, account (with password) and verification",
        );

        let v = issue(&env, None, ALICE);
        let token = v["token"].as_str().unwrap().to_string();
        assert_eq!(
            v["link"],
            format!("https://example.com/api/auth/reset-password/{token}?callbackURL=%2Freset-password")
        );
        assert_eq!(
            verifications(&env),
            [[
                Some(format!("reset-password:{token}")),
                Some(id.clone()),
                Some("2026-11-21T11:00:00.000Z".to_string())
            ]]
        );
        assert_audit_init_then_issue(&env, &id, "2026-11-21T11:00:00Z", "1h");

        let a = ba.reset(&db, "2026-11-21T10:05:00.000Z", &token, "alice new password");
        assert!(a.ok, "{}", a.line);
        assert!(ba.sign_in(&db, "2026-11-21T10:06:00Z", ALICE, "alice new password").ok);
        assert!(!ba.sign_in(&db, "2026-11-21T10:06:00Z", ALICE, OLD_PASSWORD).ok);
        assert!(verifications(&env).is_empty(), "used and cleaned up");
        let again = ba.reset(&db, "2026-11-21T10:07:00.000Z", &token, "another password 3");
        assert!(!again.ok, "{}", again.line);
        assert_eq!(audit(&env).len(), 2);
    }
}
