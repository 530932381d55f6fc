//! `framework = "allauth"`, proven by django-allauth on the latest Django
//! (tests/support/django_site with ALLAUTH=1) on every engine: allauth's own
//! `PasswordResetFromKeyView` judges resetctl's links, its login takes the
//! password resetctl wrote, and resetctl redeems the links allauth mails.

use std::path::Path;

use super::{link, redeem};
use crate::common::frameworks::{Allauth, OLD_PASSWORD, framework_app, framework_app_on};
use crate::common::{NOW, TestEnv, assert_one_line_error};
use crate::on_every_engine;

const KEY_PATH: &str = "https://example.com/accounts/password/reset/key/";

fn password(env: &TestEnv, user: &str) -> String {
    env.value(&format!(
        "SELECT password FROM auth_user WHERE username = '{user}'"
    ))
    .unwrap()
}

fn addresses(env: &TestEnv) -> Vec<String> {
    env.rows("SELECT email FROM account_emailaddress ORDER BY email")
        .into_iter()
        .map(|r| r[0].clone().unwrap())
        .collect()
}

fn issues(env: &TestEnv) -> String {
    env.value("SELECT count(*) FROM resetctl_audit WHERE action = 'issue'")
        .unwrap()
}

/// `redeem` with `args` before the token, which goes on stdin.
fn redeem_with(env: &TestEnv, cfg: &Path, args: &[&str], token: &str, pw: &str) -> Option<i32> {
    env.cmd_with(cfg)
        .arg("redeem")
        .args(args)
        .args(["-", "--password-stdin"])
        .write_stdin(format!("{token}\n{pw}\n"))
        .output()
        .unwrap()
        .status
        .code()
}

on_every_engine! {
    fn allauths_reset_view_takes_a_resetctl_link_once_and_its_login_the_new_password(backend) {
        let allauth = Allauth::new();
        let (env, cfg) = framework_app_on(&allauth, backend, &["alice"], &Allauth::config(""));
        let url = env.db_value();
        let db = Path::new(&url);
        let before = allauth.row(db, "alice");
        let link = link(&env, &cfg, &["alice"]);
        assert!(link.starts_with(&format!("{KEY_PATH}1-")), "{link}");
        // Nothing is stored: the row is as it was, and only the audit knows.
        assert_eq!(allauth.row(db, "alice"), before);
        assert_eq!(issues(&env), "1");
        assert_eq!(env.json_at(&cfg, None, &["inspect", "alice"])["state"], "active");

        let a = allauth.confirm(db, "2026-11-21T10:05:00Z", &link, "new password 22");
        assert!(a.ok && a.line.contains("allauth changed the password"), "{}", a.line);
        assert!(allauth.login(db, "alice", "new password 22"));
        assert!(!allauth.login(db, "alice", OLD_PASSWORD));
        let changed = password(&env, "alice");
        assert_ne!(changed, before["password"].as_str().unwrap());
        // Used: allauth refuses it again, and so does resetctl.
        let again = allauth.confirm(db, "2026-11-21T10:06:00Z", &link, "another password 3");
        assert!(!again.ok && again.line.contains("invalid"), "{}", again.line);
        let out = redeem(&env, &cfg, &link, "another password 3");
        assert_eq!(out.status.code(), Some(77));
        assert_one_line_error(&out.stderr, "invalid reset token");
        assert_eq!(password(&env, "alice"), changed);

        // resetctl redeems what allauth mailed: the link, UIDB36-KEY, and
        // the bare key with --user; allauth's login takes each password.
        let mailed = allauth.reset_link(db, NOW, "alice");
        assert!(mailed.starts_with("http://testserver/accounts/password/reset/key/1-"), "{mailed}");
        assert_eq!(redeem_with(&env, &cfg, &[], &mailed, "from resetctl 444"), Some(0));
        assert!(allauth.login(db, "alice", "from resetctl 444"));
        assert!(!allauth.login(db, "alice", "new password 22"));
        let hash = password(&env, "alice");
        assert!(hash.starts_with("pbkdf2_sha256$1500000$"), "{hash}");
        let mailed = allauth.reset_link(db, NOW, "alice");
        let uid_key = mailed.trim_end_matches('/').rsplit('/').next().unwrap().to_string();
        assert_eq!(redeem_with(&env, &cfg, &[], &uid_key, "from resetctl 555"), Some(0));
        assert!(allauth.login(db, "alice", "from resetctl 555"));
        let mailed = allauth.reset_link(db, NOW, "alice");
        let key = mailed.trim_end_matches('/').rsplit_once("/1-").unwrap().1.to_string();
        assert_eq!(redeem_with(&env, &cfg, &[], &key, "from resetctl 666"), Some(65));
        assert!(!allauth.login(db, "alice", "from resetctl 666"));
        assert_eq!(
            redeem_with(&env, &cfg, &["--user", "alice"], &key, "from resetctl 666"),
            Some(0)
        );
        assert!(allauth.login(db, "alice", "from resetctl 666"));
        assert_eq!(addresses(&env), ["alice@example.com"]);
    }

    fn an_address_added_or_changed_or_the_timeout_kills_the_link_for_allauth_and_resetctl(backend) {
        let allauth = Allauth::new();
        let (env, cfg) = framework_app_on(&allauth, backend, &["alice"], &Allauth::config(""));
        let url = env.db_value();
        let db = Path::new(&url);
        let original = password(&env, "alice");
        let added = link(&env, &cfg, &["alice"]);
        assert!(allauth.call(db, None, "add-email", &["alice", "zed@example.com"]).ok);
        let v = env.json_at(&cfg, None, &["inspect", "alice"]);
        assert_eq!(v["state"], "expired", "{v}");
        assert_eq!(v["password_changed_since_issue"], true);
        assert_eq!(env.json_at(&cfg, None, &["list"]), serde_json::json!([]));
        let a = allauth.confirm(db, "2026-11-21T10:05:00Z", &added, "new password 22");
        assert!(!a.ok && a.line.contains("invalid"), "{}", a.line);
        assert_eq!(redeem(&env, &cfg, &added, "new password 22").status.code(), Some(77));
        assert_eq!(password(&env, "alice"), original);

        // Changed, to an address that sorts before the row's.
        let changed = link(&env, &cfg, &["alice"]);
        assert_eq!(env.json_at(&cfg, None, &["inspect", "alice"])["state"], "active");
        let c = allauth.call(db, None, "change-email", &["alice", "zed@example.com", "aaron@example.com"]);
        assert!(c.ok, "{}", c.line);
        assert_eq!(addresses(&env), ["aaron@example.com", "alice@example.com"]);
        assert_eq!(env.json_at(&cfg, None, &["inspect", "alice"])["state"], "expired");
        let a = allauth.confirm(db, "2026-11-21T10:05:00Z", &changed, "new password 22");
        assert!(!a.ok, "{}", a.line);
        assert_eq!(redeem(&env, &cfg, &changed, "new password 22").status.code(), Some(77));
        assert_eq!(password(&env, "alice"), original);

        // A link made for the addresses as they are now is taken, until its
        // hour is up on allauth's own clock.
        let hour = link(&env, &cfg, &["alice", "--ttl", "1h"]);
        assert_eq!(
            env.json_at(&cfg, None, &["inspect", "alice"])["expires_at"],
            "2026-11-21T11:00:00Z"
        );
        let late = allauth.confirm(db, "2026-11-21T11:01:00Z", &hour, "new password 33");
        assert!(!late.ok, "{}", late.line);
        assert_eq!(password(&env, "alice"), original);
        let late = env
            .cmd_with(&cfg)
            .env("RESETCTL_NOW", "2026-11-21T11:01:00Z")
            .args(["redeem", &hour, "--password-stdin"])
            .write_stdin("new password 33\n")
            .output()
            .unwrap();
        assert_eq!(late.status.code(), Some(77), "{late:?}");
        let in_time = allauth.confirm(db, "2026-11-21T10:59:00Z", &hour, "new password 33");
        assert!(in_time.ok, "{}", in_time.line);
        assert!(allauth.login(db, "alice", "new password 33"));
        assert_ne!(password(&env, "alice"), original);
    }
}

#[test]
fn doctor_describes_allauths_store_and_nothing_is_kept_to_revoke() {
    let allauth = Allauth::new();
    let (env, cfg) = framework_app(&allauth, &["alice"], &Allauth::config(""));
    let v = env.json_at(&cfg, None, &["doctor"]);
    assert_eq!(v["framework"], "allauth");
    assert_eq!(v["token_store"]["framework"], "allauth");
    assert_eq!(v["token_store"]["storage"], "none");
    assert_eq!(v["token_store"]["secret"], true);
    assert_eq!(v["token_store"]["lifetime"], "3d");
    let out = env.cmd_with(&cfg).arg("doctor").output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("Framework    allauth"), "{text}");
    assert!(
        text.contains("derived from the user's row and their addresses in account_emailaddress"),
        "{text}"
    );
    assert!(
        text.contains(&format!("{KEY_PATH}{{uid}}-{{token}}/")),
        "{text}"
    );
    link(&env, &cfg, &["alice"]);
    let before = env.bytes();
    for args in [&["revoke", "alice"][..], &["purge"]] {
        let out = env.cmd_with(&cfg).args(args).output().unwrap();
        assert_eq!(out.status.code(), Some(78), "{args:?}");
        assert_one_line_error(&out.stderr, "framework = \"allauth\" stores no tokens");
    }
    assert_eq!(env.bytes(), before);
    // The set-password page is not a link.
    let out = redeem(
        &env,
        &cfg,
        "https://example.com/accounts/password/reset/key/1-set-password/",
        "new password 22",
    );
    assert_eq!(out.status.code(), Some(65));
    assert_one_line_error(&out.stderr, "the page allauth shows");
}

#[test]
fn every_link_of_a_bulk_issue_is_taken_by_allauth() {
    let allauth = Allauth::new();
    let users = ["alice", "bob", "carol"];
    let (env, cfg) = framework_app(&allauth, &users, &Allauth::config(""));
    let rows = env.rows("SELECT * FROM auth_user ORDER BY id");
    let out = env
        .cmd_with(&cfg)
        .args(["--json", "issue", "--all"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "Issued 3, skipped 0, failed 0.\n"
    );
    let lines: Vec<serde_json::Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 3);
    assert_eq!(env.rows("SELECT * FROM auth_user ORDER BY id"), rows);
    assert_eq!(issues(&env), "3");
    for (i, (v, user)) in lines.iter().zip(users).enumerate() {
        assert_eq!(v["user"]["username"], user);
        let link = v["link"].as_str().unwrap();
        assert!(link.starts_with(&format!("{KEY_PATH}{}-", i + 1)), "{link}");
        let a = allauth.confirm(&env.db, "2026-11-21T10:05:00Z", link, "bulk password 77");
        assert!(a.ok, "{user}: {}", a.line);
        assert!(allauth.login(&env.db, user, "bulk password 77"));
    }
}

#[test]
fn no_enumerate_decoys_read_as_allauth_links() {
    let allauth = Allauth::new();
    let (env, cfg) = framework_app(&allauth, &["alice", "bob"], &Allauth::config(""));
    let issue = |user: &str| {
        let out = env
            .cmd_with(&cfg)
            .args(["issue", "--no-enumerate", user])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{out:?}");
        String::from_utf8(out.stdout).unwrap()
    };
    let uid_key = |out: &str| -> (i64, String) {
        let link = out.lines().find(|l| l.starts_with(KEY_PATH)).unwrap();
        let (uid, key) = link[KEY_PATH.len()..]
            .trim_end_matches('/')
            .split_once('-')
            .unwrap();
        (i64::from_str_radix(uid, 36).unwrap(), key.to_string())
    };
    let before = env.rows("SELECT * FROM auth_user ORDER BY id");
    let (known_id, known_key) = uid_key(&issue("alice"));
    let unknown = issue("mallory");
    let (decoy_id, decoy_key) = uid_key(&unknown);
    assert_eq!(known_id, 1);
    assert!(![1, 2].contains(&decoy_id), "an id no user has: {decoy_id}");
    let (stamp, mac) = decoy_key.split_once('-').unwrap();
    assert_eq!(stamp, known_key.split_once('-').unwrap().0);
    assert_eq!(mac.len(), 32);
    assert_eq!(issue("mallory"), unknown, "the same name, the same answer");
    assert_eq!(env.rows("SELECT * FROM auth_user ORDER BY id"), before);
}

// A database allauth's migrations made is refused under framework =
// "django" (78, naming allauth and the framework that serves it), and one
// without allauth's table under framework = "allauth", with nothing changed.
#[test]
fn each_framework_refuses_the_others_database() {
    let allauth = Allauth::new();
    let (env, _) = framework_app(&allauth, &["alice"], &Allauth::config(""));
    let django = env.config(&crate::common::frameworks::Django::config(""));
    let before = env.bytes();
    let out = env
        .cmd_with(&django)
        .args(["issue", "alice"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(78), "{out:?}");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("django-allauth's table account_emailaddress"),
        "{err}"
    );
    assert!(err.contains("framework = \"allauth\""), "{err}");
    assert_eq!(env.bytes(), before);

    let plain = crate::common::frameworks::Django::new(false);
    let (env, _) = framework_app(
        &plain,
        &["bob"],
        &crate::common::frameworks::Django::config(""),
    );
    let cfg = env.config(&Allauth::config(""));
    let before = env.bytes();
    let out = env.cmd_with(&cfg).args(["issue", "bob"]).output().unwrap();
    assert_eq!(out.status.code(), Some(78), "{out:?}");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("does not have"), "{err}");
    assert!(err.contains("framework = \"django\""), "{err}");
    assert_eq!(env.bytes(), before);
}

/// A link template written with allauth's own names for its parts
/// (`{uidb36}-{key}`, as its URL pattern has them) makes the same link.
#[test]
fn a_link_template_in_allauths_own_words_is_taken() {
    let allauth = Allauth::new();
    let (env, cfg) = framework_app(&allauth, &["alice"], &Allauth::config(""));
    let before = password(&env, "alice");
    let out = env
        .cmd_with(&cfg)
        .args([
            "issue",
            "alice",
            "--link",
            "https://app.test/accounts/password/reset/key/{uidb36}-{key}/",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let stdout = String::from_utf8(out.stdout).unwrap();
    let link = stdout.lines().last().unwrap().to_string();
    assert!(
        stdout
            .starts_with("alice <alice@example.com>: reset link valid until 2026-11-24T10:00:00Z"),
        "{stdout}"
    );
    assert!(
        link.starts_with("https://app.test/accounts/password/reset/key/1-"),
        "{link}"
    );
    assert!(!link.contains('{'), "{link}");
    assert_eq!(password(&env, "alice"), before);
    assert_eq!(issues(&env), "1");
    let a = allauth.confirm(&env.db, "2026-11-21T10:05:00Z", &link, "allauth words 9");
    assert!(a.ok, "{}", a.line);
    assert_ne!(password(&env, "alice"), before);
    assert!(allauth.login(&env.db, "alice", "allauth words 9"));
}
