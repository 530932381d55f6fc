//! `issue --lock` judged by each framework's own code, on every engine:
//! the old password is refused by the app's own login (a refusal, no error
//! page), a session from before the lock no longer authenticates, and the
//! link still resets the password through the framework's own reset page.
//! Django and Devise end the sessions by themselves once the hash changes
//! (Django's session auth hash, Devise's salt); Laravel's `sessions` rows
//! and `remember_token`, and Better Auth's `session` rows, resetctl ends.

use std::path::Path;

use crate::better_auth::App;
use crate::common::frameworks::{Devise, Django, Laravel, OLD_PASSWORD, framework_app_on};
use crate::common::{NOW, TestEnv};
use crate::on_every_engine;

const NEW: &str = "a new password 77";
const AT: &str = "2026-11-21T10:05:00Z";

/// `--json --reason BREACH issue --lock USER`: it must succeed; the token
/// and the link.
fn lock(env: &TestEnv, cfg: &Path, user: &str) -> (String, String) {
    let v = env.json_at(cfg, None, &["--reason", "BREACH", "issue", "--lock", user]);
    assert_eq!(v["locked"], true, "{v}");
    let field = |k: &str| v[k].as_str().unwrap().to_string();
    (field("token"), field("link"))
}

fn locked_reason(env: &TestEnv, cfg: &Path, user: &str) -> serde_json::Value {
    env.json_at(cfg, None, &["inspect", user])["locked"]["reason"].clone()
}

on_every_engine! {
    fn django_refuses_the_old_password_and_session_after_a_lock_and_takes_the_link(backend) {
        let django = Django::new(false);
        let (env, cfg) = framework_app_on(&django, backend, &["alice", "bob"], &Django::config(""));
        let url = env.db_value();
        let db = Path::new(&url);
        let alice = django.session_login(db, "alice", OLD_PASSWORD);
        let bob = django.session_login(db, "bob", OLD_PASSWORD);
        let (_, link) = lock(&env, &cfg, "alice");
        let hash = django.row(db, "alice")["password"].as_str().unwrap().to_string();
        assert!(hash.starts_with("pbkdf2_sha256$"), "stock Django reads it: {hash}");
        assert!(!django.login(db, "alice", OLD_PASSWORD), "refused, not an error");
        assert!(!django.session_valid(db, &alice), "Django ends the session itself");
        assert!(django.session_valid(db, &bob));
        assert_eq!(locked_reason(&env, &cfg, "alice"), "BREACH");
        // Still an account Django's own reset form mails a link to (its
        // get_users skips unusable passwords).
        let asked = django.call(db, None, "request-reset", &["alice"]);
        assert!(asked.ok && asked.line.contains("/reset/"), "{}", asked.line);

        let done = django.confirm(db, AT, &link, NEW);
        assert!(done.ok, "Django's own reset page takes the link: {}", done.line);
        assert!(django.login(db, "alice", NEW));
        assert!(locked_reason(&env, &cfg, "alice").is_null());
    }

    fn devise_refuses_the_old_password_and_session_after_a_lock_and_takes_the_token(backend) {
        let devise = Devise::new();
        let (env, cfg) = framework_app_on(&devise, backend, &["erin@example.com", "finn@example.com"], &Devise::config(""));
        let url = env.db_value();
        let db = Path::new(&url);
        let erin = devise.session_key(db, "erin@example.com");
        let remembered = devise.remember_key(db, "erin@example.com");
        let finn = devise.session_key(db, "finn@example.com");
        lock(&env, &cfg, "erin@example.com");
        assert!(!devise.sign_in(db, "erin@example.com", OLD_PASSWORD).ok, "refused, not an error");
        assert!(!devise.session_valid(db, &erin), "Devise's salt changed with the hash");
        assert!(!devise.remember_valid(db, &remembered));
        assert!(devise.session_valid(db, &finn));
        // Devise's own reset request still serves the account; resetctl's
        // token is replaced by it, so resetctl issues again.
        let theirs = devise.call(db, Some(AT), "issue", &["erin@example.com"]);
        assert!(theirs.ok, "{}", theirs.line);
        let (token, _) = lock(&env, &cfg, "erin@example.com");

        let done = devise.reset(db, AT, &token, NEW);
        assert!(done.ok, "Devise's own reset takes the token: {}", done.line);
        assert!(devise.sign_in(db, "erin@example.com", NEW).ok);
        assert!(locked_reason(&env, &cfg, "erin@example.com").is_null());
    }

    fn laravel_loses_the_sessions_and_remember_cookie_after_a_lock_and_takes_the_token(backend) {
        let laravel = Laravel::new("password_reset_tokens");
        let users = ["gina@example.com", "hal@example.com"];
        let (env, cfg) = framework_app_on(&laravel, backend, &users, &Laravel::config(""));
        let url = env.db_value();
        let db = Path::new(&url);
        let (gina, recaller) = laravel.session_login(db, users[0], OLD_PASSWORD);
        let (hal, hal_recaller) = laravel.session_login(db, users[1], OLD_PASSWORD);
        lock(&env, &cfg, users[0]);
        // With hashing.bcrypt.verify on, a hash that is not bcrypt would
        // throw: the locked one is bcrypt, and refused.
        assert!(!laravel.check(db, users[0], OLD_PASSWORD));
        assert!(!laravel.session_valid(db, &gina), "its sessions row is gone");
        assert!(!laravel.remember_valid(db, &recaller), "a new remember_token");
        assert!(laravel.session_valid(db, &hal));
        assert!(laravel.remember_valid(db, &hal_recaller));
        let theirs = laravel.call(db, Some(AT), "issue", &[users[0]]);
        assert!(theirs.ok, "Laravel's broker still serves the account: {}", theirs.line);
        let (token, _) = lock(&env, &cfg, users[0]);

        let done = laravel.call(db, Some(AT), "reset", &[users[0], &token, NEW]);
        assert!(done.ok, "Laravel's own broker takes the token: {}", done.line);
        assert!(laravel.check(db, users[0], NEW));
    }

    fn better_auth_loses_the_sessions_after_a_lock_and_takes_the_token(backend) {
        let app = App::new(backend, &["ivy@example.com", "jo@example.com"], "", &[]);
        let db = app.db();
        let ivy = app.ba.sign_in(&db, NOW, "ivy@example.com", OLD_PASSWORD);
        let jo = app.ba.sign_in(&db, NOW, "jo@example.com", OLD_PASSWORD);
        let cookie = |a| crate::common::better_auth::BetterAuth::field(a, "cookie");
        let (token, _) = lock(&app.env, &app.cfg, "ivy@example.com");
        assert!(!app.ba.sign_in(&db, AT, "ivy@example.com", OLD_PASSWORD).ok);
        assert!(!app.ba.session_valid(&db, AT, &cookie(&ivy)));
        assert_eq!(app.ba.sessions(&db, AT, "ivy@example.com"), 0);
        assert!(app.ba.session_valid(&db, AT, &cookie(&jo)));
        let asked = app.ba.request_reset(&db, AT, "ivy@example.com");
        assert!(asked.ok, "Better Auth's own request still serves the account: {}", asked.line);

        let done = app.ba.reset(&db, AT, &token, NEW);
        assert!(done.ok, "Better Auth's own resetPassword takes it: {}", done.line);
        assert!(app.ba.sign_in(&db, AT, "ivy@example.com", NEW).ok);
        assert!(locked_reason(&app.env, &app.cfg, "ivy@example.com").is_null());
    }
}
