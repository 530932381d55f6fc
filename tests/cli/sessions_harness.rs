//! The session harness commands against each framework's own code: a login
//! leaves a session the framework takes, nothing but the framework's own
//! rules ends it, and what a password change does to it. Django and Devise
//! refuse the sessions from before a password change by themselves
//! (Django's session auth hash, Devise's salt, the first 29 characters of
//! the bcrypt hash); Laravel 8 keeps a session until its `sessions` row is
//! gone, and takes a remember-me cookie only while the user's
//! remember_token is the one it carries.

use std::path::Path;

use crate::common::frameworks::{
    Allauth, Devise, Django, Laravel, OLD_PASSWORD, framework_app, framework_app_on,
};
use crate::common::{Backend, TestEnv};
use crate::on_every_engine;

const NEW_PASSWORD: &str = "a new password 77";
const ALICE: &str = "alice@example.com";
const BOB: &str = "bob@example.com";

/// How many rows of `table` match `filter`, as text.
fn count(env: &TestEnv, table: &str, filter: &str) -> String {
    env.value(&format!("SELECT count(*) FROM {table} WHERE {filter}"))
        .unwrap()
}

/// The user's password changed by the site's own reset: Django's confirm
/// view with a link default_token_generator made, or, under allauth,
/// allauth's view with the link its mail carries.
fn reset_through_the_site(django: &Django, db: &Path, username: &str) {
    let allauth = django.env.iter().any(|(k, v)| *k == "ALLAUTH" && v == "1");
    let link = django.call(
        db,
        None,
        if allauth { "reset-link" } else { "make-link" },
        &[username],
    );
    assert!(link.ok, "{}", link.line);
    let done = django.call(db, None, "confirm", &[&link.line, NEW_PASSWORD]);
    assert!(done.ok, "{}", done.line);
}

/// Alice's and Bob's sessions, then Alice's password reset through the
/// site: Django refuses her session and deletes it; Bob's stays.
fn django_sessions_end_with_the_password(django: &Django, config: &str, backend: Backend) {
    let (env, _) = framework_app_on(django, backend, &["alice", "bob"], config);
    let url = env.db_value();
    let db = Path::new(&url);
    let alice = django.session_login(db, "alice", OLD_PASSWORD);
    let bob = django.session_login(db, "bob", OLD_PASSWORD);
    assert_eq!(
        count(&env, "django_session", &format!("session_key = '{alice}'")),
        "1"
    );
    let check = django.call(db, None, "session-check", &[&alice]);
    assert!(check.ok && check.line == "alice", "{}", check.line);
    assert!(!django.session_valid(db, "no-such-session-key"));

    let before = django.row(db, "alice")["password"].clone();
    reset_through_the_site(django, db, "alice");
    assert_ne!(django.row(db, "alice")["password"], before);
    let check = django.call(db, None, "session-check", &[&alice]);
    assert!(!check.ok, "{}", check.line);
    assert!(
        check
            .line
            .contains("refuses its auth hash; Django deleted it"),
        "{}",
        check.line
    );
    assert_eq!(
        count(&env, "django_session", &format!("session_key = '{alice}'")),
        "0"
    );
    assert!(!django.session_valid(db, &alice));

    let check = django.call(db, None, "session-check", &[&bob]);
    assert!(check.ok && check.line == "bob", "{}", check.line);
    assert_eq!(
        count(&env, "django_session", &format!("session_key = '{bob}'")),
        "1"
    );
    // The new password makes a session Django takes.
    let again = django.session_login(db, "alice", NEW_PASSWORD);
    assert!(django.session_valid(db, &again));
}

on_every_engine! {
    fn django_ends_a_session_when_its_users_password_changes(backend) {
        django_sessions_end_with_the_password(&Django::new(false), &Django::config(""), backend);
    }

    fn devise_refuses_a_session_and_remember_cookie_after_a_password_change(backend) {
        devise_sessions_end_with_the_password(&Devise::new(), backend);
    }

    fn devise_with_uuid_ids_refuses_a_session_after_a_password_change(backend) {
        devise_sessions_end_with_the_password(&Devise::new().with("USER_ID", "uuid"), backend);
    }

    fn laravel_ends_a_session_with_its_row_and_a_remember_cookie_with_its_token(backend) {
        laravel_sessions(&Laravel::new("password_reset_tokens"), backend);
    }

    fn laravel_with_uuid_ids_ends_a_session_with_its_row(backend) {
        laravel_sessions(&Laravel::new("password_reset_tokens").with("USER_ID", "uuid"), backend);
    }
}

#[test]
fn django_42_ends_a_session_when_its_users_password_changes() {
    django_sessions_end_with_the_password(&Django::new(true), &Django::config(""), Backend::Sqlite);
}

#[test]
fn allauth_ends_a_session_when_its_users_password_changes() {
    django_sessions_end_with_the_password(&Allauth::new().0, &Allauth::config(""), Backend::Sqlite);
}

/// Alice's session and remember-me cookie and Bob's session, then Alice's
/// password reset through Devise's own page: her salt changed, so Devise
/// refuses both; Bob's session stays.
fn devise_sessions_end_with_the_password(devise: &Devise, backend: Backend) {
    let (env, _) = framework_app_on(devise, backend, &[ALICE, BOB], &Devise::config(""));
    let url = env.db_value();
    let db = Path::new(&url);
    let session = devise.session_key(db, ALICE);
    let remember = devise.remember_key(db, ALICE);
    let bob = devise.session_key(db, BOB);
    let salt = devise.row(db, ALICE)["encrypted_password"]
        .as_str()
        .unwrap()[..29]
        .to_string();
    assert!(session.ends_with(&format!(",\"{salt}\"]")), "{session}");
    assert_eq!(count(&env, "users", "remember_created_at IS NOT NULL"), "1");
    assert!(devise.session_valid(db, &session));
    assert!(devise.remember_valid(db, &remember));

    let token = devise.call(db, None, "issue", &[ALICE]);
    assert!(token.ok, "{}", token.line);
    let reset = devise.call(db, None, "reset", &[&token.line, NEW_PASSWORD]);
    assert!(reset.ok, "{}", reset.line);
    assert!(
        !devise.row(db, ALICE)["encrypted_password"]
            .as_str()
            .unwrap()
            .starts_with(&salt)
    );
    let check = devise.call(db, None, "session-check", &[&session]);
    assert!(
        !check.ok && check.line.contains("Devise returns no user"),
        "{}",
        check.line
    );
    assert!(!devise.remember_valid(db, &remember));
    assert!(devise.session_valid(db, &bob));
    assert!(devise.session_valid(db, &devise.session_key(db, ALICE)));
}

/// Sessions and remember-me cookies of Alice and Bob. Laravel's own reset
/// (the broker, with Breeze's callback) gives Alice a new remember_token,
/// which ends her cookie but not her session; deleting her `sessions` rows
/// ends that. Replacing Bob's remember_token ends his cookie only.
fn laravel_sessions(laravel: &Laravel, backend: Backend) {
    let (env, _) = framework_app_on(laravel, backend, &[ALICE, BOB], &Laravel::config(""));
    let url = env.db_value();
    let db = Path::new(&url);
    let (alice, alice_recaller) = laravel.session_login(db, ALICE, OLD_PASSWORD);
    let (bob, bob_recaller) = laravel.session_login(db, BOB, OLD_PASSWORD);
    let user = |email: &str, column: &str| {
        env.value(&format!(
            "SELECT {column} FROM users WHERE email = '{email}'"
        ))
        .unwrap()
    };
    let alice_id = user(ALICE, "id");
    let of_alice = format!("user_id = '{alice_id}'");
    assert_eq!(
        env.value(&format!(
            "SELECT user_id FROM sessions WHERE id = '{alice}'"
        )),
        Some(alice_id.clone())
    );
    let hash = user(ALICE, "password");
    assert_eq!(
        alice_recaller,
        format!("{alice_id}|{}|{hash}", user(ALICE, "remember_token"))
    );
    for (session, recaller) in [(&alice, &alice_recaller), (&bob, &bob_recaller)] {
        assert!(laravel.session_valid(db, session));
        assert!(laravel.remember_valid(db, recaller));
    }

    let token = laravel.call(db, None, "issue", &[ALICE]);
    assert!(token.ok, "{}", token.line);
    let reset = laravel.call(db, None, "reset", &[ALICE, &token.line, NEW_PASSWORD]);
    assert!(reset.ok, "{}", reset.line);
    assert_ne!(user(ALICE, "password"), hash);
    assert!(
        laravel.session_valid(db, &alice),
        "Laravel 8 ends no session on a reset"
    );
    assert!(!laravel.remember_valid(db, &alice_recaller));

    env.sql(&format!("DELETE FROM sessions WHERE {of_alice}"));
    assert_eq!(count(&env, "sessions", &of_alice), "0");
    let check = laravel.call(db, None, "session-check", &[&alice]);
    assert!(
        !check.ok && check.line.contains("reads no session"),
        "{}",
        check.line
    );
    assert!(laravel.session_valid(db, &bob));

    env.sql(&format!(
        "UPDATE users SET remember_token = 'replaced' WHERE email = '{BOB}'"
    ));
    assert!(!laravel.remember_valid(db, &bob_recaller));
    assert!(laravel.session_valid(db, &bob));
}

#[test]
fn django_sessions_stay_valid_while_nothing_changes() {
    let django = Django::new(false);
    let (env, _) = framework_app(&django, &["alice"], &Django::config(""));
    let before = django.row(&env.db, "alice");
    let key = django.session_login(&env.db, "alice", OLD_PASSWORD);
    for _ in 0..2 {
        assert!(django.session_valid(&env.db, &key));
    }
    assert_eq!(
        count(&env, "django_session", &format!("session_key = '{key}'")),
        "1"
    );
    assert_eq!(django.row(&env.db, "alice")["password"], before["password"]);
}

#[test]
fn devise_sessions_stay_valid_while_nothing_changes() {
    let devise = Devise::new();
    let (env, _) = framework_app(&devise, &[ALICE], &Devise::config(""));
    let before = devise.row(&env.db, ALICE);
    let session = devise.session_key(&env.db, ALICE);
    let remember = devise.remember_key(&env.db, ALICE);
    for _ in 0..2 {
        assert!(devise.session_valid(&env.db, &session));
        assert!(devise.remember_valid(&env.db, &remember));
    }
    assert_eq!(devise.session_key(&env.db, ALICE), session);
    assert_eq!(devise.row(&env.db, ALICE), before);
}

#[test]
fn laravel_sessions_stay_valid_while_nothing_changes() {
    let laravel = Laravel::new("password_reset_tokens");
    let (env, _) = framework_app(&laravel, &[ALICE], &Laravel::config(""));
    let (session, recaller) = laravel.session_login(&env.db, ALICE, OLD_PASSWORD);
    let row = laravel.row(&env.db, ALICE);
    for _ in 0..2 {
        assert!(laravel.session_valid(&env.db, &session));
        assert!(laravel.remember_valid(&env.db, &recaller));
    }
    assert_eq!(
        count(
            &env,
            "sessions",
            &format!("id = '{session}' AND user_id = 1")
        ),
        "1"
    );
    assert_eq!(laravel.row(&env.db, ALICE), row);
}
