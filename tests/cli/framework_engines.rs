//! The Devise, Laravel and Django stores on every engine: the same tables
//! as each framework's migrations make, and resetctl's whole round trip
//! (issue, inspect, list, redeem, single use) with what it leaves in the
//! database. That each framework accepts what resetctl writes is proven on
//! SQLite by the framework's own code (devise.rs, laravel/, django/),
//! and on PostgreSQL and MariaDB by the same code on its driver for each,
//! below. The tests' MariaDB server runs at +05:00, so a time that an app's
//! session and resetctl's read in different zones shows as hours off.

use std::path::Path;

use crate::common::frameworks::{Devise, Django, Laravel, OLD_PASSWORD, framework_app_on};
use crate::common::{Backend, TestEnv, sha256_hex};
use crate::on_every_engine;

/// A bcrypt hash as the app wrote it: `auto` picks bcrypt from it, at no
/// less than the floor of cost 10.
const APP_BCRYPT: &str = "$2a$04$m9C6.1DknI68wSkS6Flb6uOTPznTaBb0d0Xut1DCKrCBgK5ONnLCq";
const APP_PBKDF2: &str =
    "pbkdf2_sha256$1000000$72hQ1q1e0xLBO1W2R7RhhF$1xGtGbl0G6sJBixxUOeMkAAMPTOlY6UHbXAuUD4+JwE=";

/// `redeem` with the token or link on stdin (a Devise token may begin
/// with `-`), then the password.
fn redeem(env: &TestEnv, cfg: &std::path::Path, args: &[&str], password: &str) -> Option<i32> {
    let (token, rest) = args.split_first().unwrap();
    env.cmd_with(cfg)
        .args(["redeem", "-"])
        .args(rest)
        .arg("--password-stdin")
        .write_stdin(format!("{token}\n{password}\n"))
        .output()
        .unwrap()
        .status
        .code()
}

/// A time type each engine's framework migrations use.
fn timestamp(backend: Backend) -> &'static str {
    match backend {
        Backend::Sqlite => "datetime(6)",
        Backend::Postgres => "timestamp(6) without time zone",
        Backend::Mariadb => "datetime(6)",
    }
}

/// A string column as Rails and Laravel make it: MariaDB wants a length.
fn varchar(backend: Backend) -> &'static str {
    match backend {
        Backend::Sqlite | Backend::Postgres => "varchar",
        Backend::Mariadb => "varchar(255)",
    }
}

on_every_engine! {
    fn devise_round_trip(backend) {
        let env = TestEnv::empty_on(backend);
        let ts = timestamp(backend);
        let vc = varchar(backend);
        env.sql(&format!(
            "CREATE TABLE users (id integer PRIMARY KEY, email {vc} NOT NULL DEFAULT '', \
             encrypted_password {vc} NOT NULL DEFAULT '', reset_password_token {vc}, \
             reset_password_sent_at {ts}, remember_created_at {ts}); \
             CREATE UNIQUE INDEX index_users_on_reset_password_token ON users (reset_password_token); \
             INSERT INTO users (id, email, encrypted_password) VALUES (1, 'alice@example.com', '{APP_BCRYPT}')"
        ));
        let cfg = env.config(
            "framework = \"devise\"\n[devise]\nsecret_key_base = \"engine-test-secret\"\n[limits]\nissue = \"off\"\n",
        );
        env.cmd_with(&cfg).arg("init").assert().success();
        let issued = env.json_at(&cfg, None, &["issue", "alice@example.com"]);
        let token = issued["token"].as_str().unwrap().to_string();
        assert_eq!(
            issued["link"],
            format!("https://example.com/users/password/edit?reset_password_token={token}")
        );
        let row = &env.rows(&format!(
            "SELECT reset_password_token, {} FROM users",
            env.time_text("reset_password_sent_at")
        ))[0];
        let digest = row[0].clone().unwrap();
        assert_eq!(digest.len(), 64);
        assert_ne!(digest, sha256_hex(&token));
        assert!(row[1].as_deref().unwrap().starts_with("2026-11-21"), "{row:?}");
        assert_eq!(env.json_at(&cfg, None, &["inspect", "alice@example.com"])["state"], "active");
        // Devise's tokens may begin with `-`: taken as a token, not a flag.
        let hyphen = "-AbCdEfGhIjKlMnOpQrS";
        for args in [&["inspect", "--token", hyphen][..], &["redeem", hyphen, "--password-stdin"]] {
            let out = env.cmd_with(&cfg).args(args).write_stdin("a password\n").output().unwrap();
            assert_eq!(out.status.code(), Some(77), "{args:?}: {out:?}");
        }
        assert_eq!(env.json_at(&cfg, None, &["list"]).as_array().unwrap().len(), 1);
        assert_eq!(redeem(&env, &cfg, &[&token], "new devise password 1"), Some(0));
        let row = &env.rows("SELECT encrypted_password, reset_password_token, reset_password_sent_at FROM users")[0];
        assert!(row[0].as_deref().unwrap().starts_with("$2a$10$"), "{row:?}");
        assert_eq!((row[1].as_deref(), row[2].as_deref()), (None, None));
        assert_eq!(redeem(&env, &cfg, &[&token], "new devise password 2"), Some(77));
    }

    fn laravel_round_trip(backend) {
        let env = TestEnv::empty_on(backend);
        let ts = match backend {
            Backend::Sqlite => "datetime",
            Backend::Postgres => "timestamp(0) without time zone",
            Backend::Mariadb => "timestamp NULL",
        };
        let vc = varchar(backend);
        env.sql(&format!(
            "CREATE TABLE users (id integer PRIMARY KEY, name {vc} NOT NULL, email {vc} NOT NULL UNIQUE, \
             password {vc} NOT NULL, remember_token varchar(100)); \
             CREATE TABLE password_reset_tokens (email {vc} PRIMARY KEY, token {vc} NOT NULL, created_at {ts}); \
             INSERT INTO users (id, name, email, password, remember_token) \
             VALUES (1, 'Bob', 'bob@example.com', '{}', 'old-remember-token')",
            APP_BCRYPT.replace("$2a$", "$2y$")
        ));
        let cfg = env.config("framework = \"laravel\"\n[limits]\nissue = \"off\"\n");
        env.cmd_with(&cfg).arg("init").assert().success();
        // A second issue replaces the first row.
        env.json_at(&cfg, None, &["issue", "bob@example.com"]);
        let issued = env.json_at(&cfg, None, &["issue", "bob@example.com"]);
        let link = issued["link"].as_str().unwrap().to_string();
        let token = issued["token"].as_str().unwrap().to_string();
        assert_eq!(
            link,
            format!("https://example.com/reset-password/{token}?email=bob%40example.com")
        );
        let rows = env.rows(&format!(
            "SELECT email, token, {} FROM password_reset_tokens",
            env.time_text("created_at")
        ));
        assert_eq!(rows.len(), 1, "{rows:?}");
        assert!(rows[0][1].as_deref().unwrap().starts_with("$2y$10$"), "{rows:?}");
        assert!(rows[0][2].as_deref().unwrap().starts_with("2026-11-21"), "{rows:?}");
        assert_eq!(env.json_at(&cfg, None, &["inspect", "bob@example.com"])["state"], "active");
        // A bare token needs the user; the link carries it.
        assert_eq!(redeem(&env, &cfg, &[&token], "new laravel password"), Some(65));
        assert_eq!(redeem(&env, &cfg, &[&link], "new laravel password"), Some(0));
        let user = &env.rows("SELECT password, remember_token FROM users")[0];
        assert!(user[0].as_deref().unwrap().starts_with("$2y$10$"), "{user:?}");
        let remember = user[1].as_deref().unwrap();
        assert_eq!(remember.len(), 60);
        assert_ne!(remember, "old-remember-token");
        assert!(env.rows("SELECT * FROM password_reset_tokens").is_empty());
        assert_eq!(redeem(&env, &cfg, &[&link], "new laravel password 2"), Some(77));
    }

    fn django_round_trip(backend) {
        let env = TestEnv::empty_on(backend);
        let tz = match backend {
            Backend::Sqlite => "datetime",
            Backend::Postgres => "timestamp with time zone",
            Backend::Mariadb => "datetime(6)",
        };
        env.sql(&format!(
            "CREATE TABLE auth_user (id integer PRIMARY KEY, password varchar(128) NOT NULL, last_login {tz}, \
             is_superuser boolean NOT NULL, username varchar(150) NOT NULL UNIQUE, first_name varchar(150) NOT NULL, \
             last_name varchar(150) NOT NULL, email varchar(254) NOT NULL, is_staff boolean NOT NULL, \
             is_active boolean NOT NULL, date_joined {tz} NOT NULL); \
             INSERT INTO auth_user VALUES (7, '{APP_PBKDF2}', NULL, false, 'carol', '', '', 'carol@example.com', \
             false, true, '2026-01-01 00:00:00')"
        ));
        let before = env.rows("SELECT * FROM auth_user");
        let cfg = env.config(
            "framework = \"django\"\n[django]\nsecret_key = \"engine-test-django-key\"\n[limits]\nissue = \"off\"\n",
        );
        env.cmd_with(&cfg).arg("init").assert().success();
        let issued = env.json_at(&cfg, None, &["issue", "carol"]);
        let link = issued["link"].as_str().unwrap().to_string();
        assert!(link.starts_with("https://example.com/reset/Nw/"), "{link}");
        // Stateless: the user's row is as it was.
        assert_eq!(env.rows("SELECT * FROM auth_user"), before);
        assert_eq!(redeem(&env, &cfg, &[&link], "new django password"), Some(0));
        let hash = env.value("SELECT password FROM auth_user WHERE id = 7").unwrap();
        assert!(hash.starts_with("pbkdf2_sha256$1000000$"), "{hash}");
        // The password changed, so the token is dead.
        assert_eq!(redeem(&env, &cfg, &[&link], "new django password 2"), Some(77));
    }
}

/// Django's own migrations, views and login on `backend` (its
/// `postgresql` or `mysql` backend), judging what resetctl did there.
/// Django's token holds `last_login` to the second, so resetctl must read
/// it as Django wrote it (UTC, with USE_TZ) for either side's link to hold.
fn django_takes_a_resetctl_link_once_and_logs_in(backend: Backend) {
    let django = Django::new(false);
    let (env, cfg) = framework_app_on(&django, backend, &["dana"], &Django::config(""));
    let url = env.db_value();
    let db = Path::new(&url);
    let before = django.row(db, "dana");
    let link = env.json_at(&cfg, None, &["issue", "dana"])["link"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(django.row(db, "dana"), before, "nothing stored");
    let a = django.confirm(db, "2026-11-21T10:05:00Z", &link, "new password 22");
    assert!(a.ok, "{}", a.line);
    assert!(django.login(db, "dana", "new password 22"));
    let again = django.confirm(db, "2026-11-21T10:06:00Z", &link, "another password 3");
    assert!(!again.ok, "{}", again.line);
    assert_eq!(redeem(&env, &cfg, &[&link], "another password 3"), Some(77));
    // A link Django made, redeemed by resetctl; Django logs in with it.
    let made = django.call(db, Some("2026-11-21T10:00:00Z"), "make-link", &["dana"]);
    assert!(made.ok, "{}", made.line);
    let theirs = format!("https://example.com{}", made.line);
    assert_eq!(redeem(&env, &cfg, &[&theirs], "from resetctl 444"), Some(0));
    assert!(django.login(db, "dana", "from resetctl 444"));
    assert!(!django.login(db, "dana", "new password 22"));
    // Now with a last_login Django wrote: resetctl's link still holds.
    assert!(django.row(db, "dana")["last_login"].is_string());
    let link = env.json_at(&cfg, None, &["issue", "dana"])["link"]
        .as_str()
        .unwrap()
        .to_string();
    let b = django.confirm(db, "2026-11-21T10:07:00Z", &link, "third password 55");
    assert!(b.ok, "{}", b.line);
}

#[test]
fn django_on_postgresql_takes_a_resetctl_link_once_and_logs_in() {
    django_takes_a_resetctl_link_once_and_logs_in(Backend::Postgres);
}

#[test]
fn django_on_mariadb_takes_a_resetctl_link_once_and_logs_in() {
    django_takes_a_resetctl_link_once_and_logs_in(Backend::Mariadb);
}

/// Devise's own migration, reset page and sign-in on `backend` (Active
/// Record's postgresql or mysql2 adapter). Rails keeps
/// `reset_password_sent_at` in UTC; the edges of Devise's six hours show
/// that resetctl wrote it so, and `inspect` that it reads Devise's so.
fn devise_takes_a_resetctl_token_once_and_signs_in(backend: Backend) {
    let devise = Devise::new();
    let (env, cfg) = framework_app_on(&devise, backend, &["erin@example.com"], &Devise::config(""));
    let url = env.db_value();
    let db = Path::new(&url);
    let token = env.json_at(&cfg, None, &["issue", "erin@example.com"])["token"]
        .as_str()
        .unwrap()
        .to_string();
    // Issued at 10:00: a minute past six hours, Devise calls it expired; a
    // minute before, it takes it.
    let late = devise.reset(db, "2026-11-21T16:01:00Z", &token, "new password 22");
    assert!(!late.ok && late.line.contains("expired"), "{}", late.line);
    let a = devise.reset(db, "2026-11-21T15:59:00Z", &token, "new password 22");
    assert!(a.ok, "{}", a.line);
    assert!(devise.sign_in(db, "erin@example.com", "new password 22").ok);
    let again = devise.reset(db, "2026-11-21T15:59:30Z", &token, "another password 3");
    assert!(!again.ok, "{}", again.line);
    // A token Devise issued (a minute before resetctl's clock: at the very
    // second of resetctl's own issue, resetctl would take it for its own
    // token, whose password has since changed), redeemed by resetctl;
    // Devise signs in with it.
    let theirs = devise.call(
        db,
        Some("2026-11-21T09:59:00Z"),
        "issue",
        &["erin@example.com"],
    );
    assert!(theirs.ok, "{}", theirs.line);
    let seen = env.json_at(&cfg, None, &["inspect", "erin@example.com"]);
    assert_eq!(seen["expires_at"], "2026-11-21T15:59:00Z", "{seen}");
    assert_eq!(
        redeem(&env, &cfg, &[&theirs.line], "from resetctl 444"),
        Some(0)
    );
    assert!(
        devise
            .sign_in(db, "erin@example.com", "from resetctl 444")
            .ok
    );
    assert!(!devise.sign_in(db, "erin@example.com", "new password 22").ok);
}

#[test]
fn devise_on_postgresql_takes_a_resetctl_token_once_and_signs_in() {
    devise_takes_a_resetctl_token_once_and_signs_in(Backend::Postgres);
}

#[test]
fn devise_on_mariadb_takes_a_resetctl_token_once_and_signs_in() {
    devise_takes_a_resetctl_token_once_and_signs_in(Backend::Mariadb);
}

/// Laravel's own schema, password broker and user provider on `backend`
/// (its pgsql or mysql driver, as the skeleton configures it: no session
/// time zone of its own). `created_at` is a wall-clock time in the app's
/// zone (UTC); on MariaDB a `TIMESTAMP` that Laravel's session reads and
/// writes in the server's zone, so the edges of Laravel's hour and
/// `inspect` show that both sides mean the same moment.
fn laravel_takes_a_resetctl_token_once_and_checks_the_password(backend: Backend) {
    let laravel = Laravel::new("password_reset_tokens");
    let (env, cfg) = framework_app_on(
        &laravel,
        backend,
        &["finn@example.com"],
        &Laravel::config(""),
    );
    let url = env.db_value();
    let db = Path::new(&url);
    let issued = env.json_at(&cfg, None, &["issue", "finn@example.com"]);
    let token = issued["token"].as_str().unwrap().to_string();
    let row = laravel.row(db, "finn@example.com");
    assert!(row.contains("created_at=2026-11-21 10:00:00 "), "{row}");
    assert!(laravel.token_exists(db, "2026-11-21T10:59:00Z", "finn@example.com", &token));
    assert!(!laravel.token_exists(db, "2026-11-21T11:01:00Z", "finn@example.com", &token));
    let link = issued["link"].as_str().unwrap().to_string();
    assert_eq!(
        redeem(&env, &cfg, &[&link], "new laravel password"),
        Some(0)
    );
    assert!(laravel.check(db, "finn@example.com", "new laravel password"));
    assert!(!laravel.check(db, "finn@example.com", OLD_PASSWORD));
    assert!(!laravel.token_exists(db, "2026-11-21T10:30:00Z", "finn@example.com", &token));
    // A token Laravel made at 09:30, redeemed by resetctl with --user.
    let theirs = laravel.call(
        db,
        Some("2026-11-21T09:30:00Z"),
        "issue",
        &["finn@example.com"],
    );
    assert!(theirs.ok, "{}", theirs.line);
    let seen = env.json_at(&cfg, None, &["inspect", "finn@example.com"]);
    assert_eq!(seen["expires_at"], "2026-11-21T10:30:00Z", "{seen}");
    let out = env
        .cmd_with(&cfg)
        .args([
            "redeem",
            "--user",
            "finn@example.com",
            &theirs.line,
            "--password-stdin",
        ])
        .write_stdin("laravel made this 5\n")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert!(laravel.check(db, "finn@example.com", "laravel made this 5"));
}

#[test]
fn laravel_on_postgresql_takes_a_resetctl_token_once_and_checks_the_password() {
    laravel_takes_a_resetctl_token_once_and_checks_the_password(Backend::Postgres);
}

#[test]
fn laravel_on_mariadb_takes_a_resetctl_token_once_and_checks_the_password() {
    laravel_takes_a_resetctl_token_once_and_checks_the_password(Backend::Mariadb);
}
