//! `framework = "django"`, proven by stock Django (the latest release and
//! 4.2 LTS, without argon2-cffi; tests/support/django_site): Django's own
//! `PasswordResetConfirmView` judges the links resetctl prints, Django logs
//! in with the password resetctl wrote, and resetctl redeems Django's links.
//! `allauth.rs` does the same for django-allauth.

mod allauth;
mod store;
mod uuid_keys;

use std::path::Path;

use crate::common::frameworks::{Django, OLD_PASSWORD, framework_app, race_redeem};
use crate::common::{NOW, TestEnv, assert_one_line_error};

/// `issue ARGS`: the link.
fn link(env: &TestEnv, cfg: &Path, args: &[&str]) -> String {
    let v = env.json_at(cfg, None, &[&["issue"], args].concat());
    v["link"].as_str().unwrap().to_string()
}

fn redeem(env: &TestEnv, cfg: &Path, link: &str, password: &str) -> std::process::Output {
    env.cmd_with(cfg)
        .args(["redeem", "-", "--password-stdin"])
        .write_stdin(format!("{link}\n{password}\n"))
        .output()
        .unwrap()
}

#[test]
fn djangos_confirm_view_takes_a_resetctl_link_once_on_both_django_versions() {
    for lts in [false, true] {
        let django = Django::new(lts);
        let (env, cfg) = framework_app(&django, &["alice"], &Django::config(""));
        let before = django.row(&env.db, "alice");
        let link = link(&env, &cfg, &["alice"]);
        assert!(link.starts_with("https://example.com/reset/MQ/"), "{link}");
        // Nothing is stored: the row is as it was, and only the audit knows.
        assert_eq!(django.row(&env.db, "alice"), before);
        let issues: i64 = env
            .conn()
            .query_row(
                "SELECT count(*) FROM resetctl_audit WHERE action = 'issue'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(issues, 1);

        let a = django.confirm(&env.db, "2026-11-21T10:05:00Z", &link, "new password 22");
        assert!(a.ok, "lts {lts}: {}", a.line);
        assert!(django.login(&env.db, "alice", "new password 22"));
        // Used: Django refuses it again, and so does resetctl.
        let again = django.confirm(&env.db, "2026-11-21T10:06:00Z", &link, "another password 3");
        assert!(!again.ok, "lts {lts}: {}", again.line);
        let out = redeem(&env, &cfg, &link, "another password 3");
        assert_eq!(out.status.code(), Some(77));
        assert_one_line_error(&out.stderr, "invalid reset token");
    }
}

#[test]
fn a_login_after_the_issue_kills_the_link_for_both() {
    let django = Django::new(false);
    let (env, cfg) = framework_app(&django, &["alice"], &Django::config(""));
    let link = link(&env, &cfg, &["alice"]);
    assert_eq!(
        env.json_at(&cfg, None, &["inspect", "alice"])["state"],
        "active"
    );
    assert!(django.call(&env.db, None, "touch-login", &["alice"]).ok);
    let v = env.json_at(&cfg, None, &["inspect", "alice"]);
    assert_eq!(v["state"], "expired");
    assert_eq!(v["password_changed_since_issue"], true);
    assert_eq!(env.json_at(&cfg, None, &["list"]), serde_json::json!([]));

    let before = env.bytes();
    let out = redeem(&env, &cfg, &link, "new password 22");
    assert_eq!(out.status.code(), Some(77));
    let after: String = env
        .conn()
        .query_row(
            "SELECT password FROM auth_user WHERE username = 'alice'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(
        !env.bytes().is_empty() && before != env.bytes(),
        "the refusal is audited"
    );
    assert_eq!(
        after,
        django.row(&env.db, "alice")["password"].as_str().unwrap()
    );
    let a = django.confirm(&env.db, "2026-11-21T10:05:00Z", &link, "new password 22");
    assert!(!a.ok, "{}", a.line);
    assert!(django.login(&env.db, "alice", OLD_PASSWORD));
}

#[test]
fn django_logs_in_with_the_password_resetctl_redeem_wrote() {
    for lts in [false, true] {
        let django = Django::new(lts);
        let (env, cfg) = framework_app(&django, &["alice"], &Django::config(""));
        let link = link(&env, &cfg, &["alice"]);
        let out = redeem(&env, &cfg, &link, "new password 22");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let stored = django.row(&env.db, "alice")["password"]
            .as_str()
            .unwrap()
            .to_string();
        // The scheme and iterations the site itself writes: Django does not
        // re-hash it at login.
        let iterations = if lts { "600000" } else { "1500000" };
        assert!(
            stored.starts_with(&format!("pbkdf2_sha256${iterations}$")),
            "{stored}"
        );
        let login = django.call(&env.db, None, "login", &["alice", "new password 22"]);
        assert!(
            login.ok && !login.line.contains("re-hashed"),
            "{}",
            login.line
        );
        assert!(!django.login(&env.db, "alice", OLD_PASSWORD));
    }
}

#[test]
fn resetctl_redeems_links_djangos_generator_made_and_old_keys_in_the_fallbacks() {
    for lts in [false, true] {
        let django = Django::new(lts);
        let (env, cfg) = framework_app(&django, &["alice", "bob"], &Django::config(""));
        let made = django.call(&env.db, Some(NOW), "make-link", &["alice"]);
        let out = redeem(&env, &cfg, &made.line, "new password 22");
        assert!(
            out.status.success(),
            "lts {lts}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(django.login(&env.db, "alice", "new password 22"));

        // A link made under the key the site used before it rotated.
        let old = django.clone().with("SECRET_KEY", "the-key-before-rotation");
        let made = old.call(&env.db, Some(NOW), "make-link", &["bob"]);
        let out = redeem(&env, &cfg, &made.line, "new password 33");
        assert_eq!(
            out.status.code(),
            Some(77),
            "not with the current key alone"
        );
        let rotated = env.config(&Django::config(
            "secret_key_fallbacks = [\"the-key-before-rotation\"]\n",
        ));
        let out = redeem(&env, &rotated, &made.line, "new password 33");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(django.login(&env.db, "bob", "new password 33"));
    }
}

#[test]
fn a_one_hour_link_is_refused_by_django_after_61_minutes() {
    let django = Django::new(false);
    let (env, cfg) = framework_app(&django, &["alice", "bob"], &Django::config(""));
    let before = env.bytes();
    env.cmd_with(&cfg)
        .args(["issue", "alice", "--ttl", "4d"])
        .assert()
        .code(65)
        .stderr(predicates::str::contains("at most 3d"));
    assert_eq!(env.bytes(), before);
    let link = link(&env, &cfg, &["alice", "--ttl", "1h"]);
    assert_eq!(
        env.json_at(&cfg, None, &["inspect", "alice"])["expires_at"],
        "2026-11-21T11:00:00Z"
    );
    let late = django.confirm(&env.db, "2026-11-21T11:01:00Z", &link, "new password 22");
    assert!(!late.ok, "{}", late.line);
    let in_time = django.confirm(&env.db, "2026-11-21T10:59:00Z", &link, "new password 22");
    assert!(in_time.ok, "{}", in_time.line);
}

#[test]
fn tokens_count_on_the_sites_clock_as_django_does() {
    // Django's default TIME_ZONE: its stamps are Chicago wall time.
    let django = Django::new(false).with("TIME_ZONE", "America/Chicago");
    let cfg_text = Django::config("time_zone = \"America/Chicago\"\n");
    let (env, cfg) = framework_app(&django, &["alice", "bob"], &cfg_text);
    let link_a = link(&env, &cfg, &["alice"]);
    assert!(
        !django
            .confirm(&env.db, "2026-11-24T10:01:00Z", &link_a, "new password 22")
            .ok
    );
    assert!(
        django
            .confirm(&env.db, "2026-11-24T09:59:00Z", &link_a, "new password 22")
            .ok
    );
    // The same link counted on UTC by mistake lives six hours longer in
    // this site: what time_zone is for.
    let utc = env.config(&Django::config(""));
    let link_b = link(&env, &utc, &["bob"]);
    assert!(
        django
            .confirm(&env.db, "2026-11-24T15:59:00Z", &link_b, "new password 33")
            .ok
    );
}

#[test]
fn of_sixteen_redeemers_one_wins_and_the_link_is_dead_for_django() {
    let django = Django::new(false);
    let (env, cfg) = framework_app(&django, &["alice"], &Django::config(""));
    let link = link(&env, &cfg, &["alice"]);
    let winner = race_redeem(&env, Some(&cfg), &link);
    assert!(django.login(&env.db, "alice", &winner));
    let a = django.confirm(&env.db, "2026-11-21T10:05:00Z", &link, "new password 22");
    assert!(!a.ok, "{}", a.line);
}

// Proves a Django database that also has django-allauth's tables is refused (78, naming allauth) under framework = "django" by issue, inspect, list and redeem, and reported by doctor, with nothing changed: allauth would refuse every link resetctl printed.
#[test]
fn a_django_database_with_allauth_tables_is_refused_naming_allauth() {
    let django = Django::new(false);
    let (env, cfg) = framework_app(&django, &["alice"], &Django::config(""));
    let link = link(&env, &cfg, &["alice"]);
    // The table allauth's first migration makes.
    env.sql(
        "CREATE TABLE account_emailaddress (id integer NOT NULL PRIMARY KEY AUTOINCREMENT, \
         email varchar(254) NOT NULL, verified bool NOT NULL, \"primary\" bool NOT NULL, \
         user_id integer NOT NULL REFERENCES auth_user (id))",
    );
    let before = env.bytes();
    for args in [
        &["issue", "alice"][..],
        &["inspect", "alice"],
        &["list"],
        &["redeem", &link, "--password-stdin"],
    ] {
        let out = env
            .cmd_with(&cfg)
            .args(args)
            .write_stdin("a new password 1\n")
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(78), "{args:?}: {out:?}");
        assert_one_line_error(&out.stderr, "django-allauth's table account_emailaddress");
    }
    let out = env.cmd_with(&cfg).arg("doctor").output().unwrap();
    assert_eq!(out.status.code(), Some(78), "{out:?}");
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("django-allauth"),
        "{out:?}"
    );
    assert_eq!(env.bytes(), before);
}
