//! Django and allauth sites whose user model is keyed by a `UUIDField`
//! (tests/support/django_site/uuidusers, under USER_ID=uuid), judged by
//! their own code on every engine. Django keeps the key as 32 hex digits
//! in `char(32)` on SQLite, as a native `uuid` on PostgreSQL and MariaDB,
//! yet hashes and links its hyphenated text: resetctl must do the same
//! whatever the column holds.

use std::path::Path;

use base64ct::{Base64UrlUnpadded, Encoding};

use super::{link, redeem};
use crate::common::frameworks::{Allauth, Django, OLD_PASSWORD, framework_app_on};
use crate::common::{Backend, NOW, TestEnv, assert_one_line_error};
use crate::ids::audit;
use crate::on_every_engine;

/// The key as the column holds it, and as Django's `str(user.pk)` writes it.
fn key_of(env: &TestEnv, user: &str) -> (String, String) {
    let stored = env
        .value(&format!(
            "SELECT id FROM auth_user WHERE username = '{user}'"
        ))
        .unwrap();
    let hex: String = stored.chars().filter(|c| *c != '-').collect();
    assert!(
        hex.len() == 32 && hex.chars().all(|c| matches!(c, '0'..='9' | 'a'..='f')),
        "{stored}"
    );
    let text = format!(
        "{}-{}-{}-{}-{}",
        &hex[..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..]
    );
    (stored, text)
}

/// What Django's migration made of the key on this engine.
#[track_caller]
fn assert_key_type(env: &TestEnv, stored: &str) {
    let (sql, want, digits) = match env.backend() {
        Backend::Sqlite => (
            "SELECT type FROM pragma_table_info('auth_user') WHERE name = 'id'",
            "char(32)",
            32,
        ),
        Backend::Postgres => (
            "SELECT data_type FROM information_schema.columns WHERE table_name = 'auth_user' AND column_name = 'id'",
            "uuid",
            36,
        ),
        Backend::Mariadb => (
            "SELECT CAST(column_type AS CHAR) FROM information_schema.columns \
             WHERE table_schema = DATABASE() AND table_name = 'auth_user' AND column_name = 'id'",
            "uuid",
            36,
        ),
    };
    assert_eq!(env.value(sql).as_deref(), Some(want));
    assert_eq!(stored.len(), digits, "{stored}");
}

/// (action, user id) of the audit rows that name a user.
fn audited_ids(env: &TestEnv) -> Vec<(String, String)> {
    audit(env)
        .into_iter()
        .filter_map(|(action, _, id)| Some((action, id?)))
        .collect()
}

on_every_engine! {
    fn django_takes_resetctl_links_for_uuid_keys_and_resetctl_takes_djangos(backend) {
        let django = Django::new(false).with("USER_ID", "uuid");
        let (env, cfg) = framework_app_on(&django, backend, &["alice", "bob"], &Django::config(""));
        let url = env.db_value();
        let db = Path::new(&url);
        let (stored, text) = key_of(&env, "alice");
        assert_key_type(&env, &stored);

        let v = env.json_at(&cfg, None, &["issue", "alice"]);
        assert_eq!(v["user"]["id"], text.as_str());
        let link = v["link"].as_str().unwrap().to_string();
        // The uid is Django's urlsafe_base64_encode(force_bytes(user.pk)).
        let uid = link.trim_start_matches("https://example.com/reset/").split('/').next().unwrap();
        let decoded = String::from_utf8(Base64UrlUnpadded::decode_vec(uid).unwrap()).unwrap();
        assert_eq!(decoded, text, "{link}");
        assert_eq!(env.json_at(&cfg, None, &["inspect", &text])["state"], "active");
        assert_eq!(audited_ids(&env), [("issue".to_string(), text.clone())]);

        let a = django.confirm(db, "2026-11-21T10:05:00Z", &link, "new password 22");
        assert!(a.ok, "{}", a.line);
        assert!(django.login(db, "alice", "new password 22"));
        assert!(!django.login(db, "alice", OLD_PASSWORD));
        let out = redeem(&env, &cfg, &link, "another password 3");
        assert_eq!(out.status.code(), Some(77));
        assert_one_line_error(&out.stderr, "invalid reset token");

        // A link Django's own generator made for bob: resetctl finds him by
        // the uid and writes a password Django's login takes.
        let made = django.call(db, Some(NOW), "make-link", &["bob"]);
        assert!(made.ok, "{}", made.line);
        let out = redeem(&env, &cfg, &made.line, "bobs new password 4");
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        assert!(django.login(db, "bob", "bobs new password 4"));
        assert!(!django.login(db, "bob", OLD_PASSWORD));
        let (_, bob) = key_of(&env, "bob");
        // The id as Django's str(pk) has it, whatever the column holds.
        assert_eq!(
            audited_ids(&env),
            [("issue".to_string(), text), ("redeem".to_string(), bob)]
        );
    }

    fn allauth_takes_resetctl_links_for_uuid_keys_and_resetctl_takes_allauths(backend) {
        let allauth = Allauth(Allauth::new().0.with("USER_ID", "uuid"));
        let (env, cfg) = framework_app_on(&allauth, backend, &["alice"], &Allauth::config(""));
        let url = env.db_value();
        let db = Path::new(&url);
        let (stored, text) = key_of(&env, "alice");
        assert_key_type(&env, &stored);

        // allauth's user_pk_to_url_str gives a UUID key's 32 hex digits.
        let link = link(&env, &cfg, &["alice"]);
        let hex = text.replace('-', "");
        let prefix = format!("https://example.com/accounts/password/reset/key/{hex}-");
        assert!(link.starts_with(&prefix), "{link}");
        let a = allauth.confirm(db, "2026-11-21T10:05:00Z", &link, "new password 22");
        assert!(a.ok && a.line.contains("allauth changed the password"), "{}", a.line);
        assert!(allauth.login(db, "alice", "new password 22"));
        assert!(!allauth.login(db, "alice", OLD_PASSWORD));
        let again = allauth.confirm(db, "2026-11-21T10:06:00Z", &link, "another password 3");
        assert!(!again.ok, "{}", again.line);

        let mailed = allauth.reset_link(db, NOW, "alice");
        assert!(mailed.contains(&format!("/key/{hex}-")), "{mailed}");
        let out = redeem(&env, &cfg, &mailed, "from resetctl 444");
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        assert!(allauth.login(db, "alice", "from resetctl 444"));
        assert!(!allauth.login(db, "alice", "new password 22"));
    }
}
