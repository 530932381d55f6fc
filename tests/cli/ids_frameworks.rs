//! Devise and Laravel apps keyed by UUIDs, judged by the frameworks' own
//! code: the Rails app's `create_table :users, id: :uuid` (`id: :string`
//! where the engine has no uuid type) with SecureRandom.uuid from the
//! model, and Laravel's `$table->uuid('id')->primary()` with a model that
//! gives each user Str::uuid(). Each side accepts the other's tokens, and
//! resetctl shows and audits the ids as the app keeps them.

use std::path::Path;

use crate::common::frameworks::{Devise, Laravel, OLD_PASSWORD, framework_app_on};
use crate::common::{Backend, TestEnv, json};
use crate::ids::audit;

/// A UUID as both frameworks write it: lowercase, hyphenated.
#[track_caller]
fn assert_uuid(id: &str) {
    let hyphens: Vec<usize> = id.match_indices('-').map(|(i, _)| i).collect();
    assert!(
        id.len() == 36
            && hyphens == [8, 13, 18, 23]
            && id
                .chars()
                .all(|c| c == '-' || matches!(c, '0'..='9' | 'a'..='f')),
        "not a UUID: {id}"
    );
}

/// The type the framework's migration gave `users.id` on each engine:
/// `want` is (SQLite, PostgreSQL, MariaDB).
#[track_caller]
fn assert_id_type(env: &TestEnv, want: [&str; 3]) {
    let (sql, want) = match env.backend() {
        Backend::Sqlite => (
            "SELECT type FROM pragma_table_info('users') WHERE name = 'id'",
            want[0],
        ),
        Backend::Postgres => (
            "SELECT data_type FROM information_schema.columns WHERE table_name = 'users' AND column_name = 'id'",
            want[1],
        ),
        Backend::Mariadb => (
            "SELECT CAST(column_type AS CHAR) FROM information_schema.columns \
             WHERE table_schema = DATABASE() AND table_name = 'users' AND column_name = 'id'",
            want[2],
        ),
    };
    assert_eq!(env.value(sql).as_deref(), Some(want));
}

/// The id the app gave the user with this email.
fn id_of(env: &TestEnv, email: &str) -> String {
    let id = env
        .value(&format!("SELECT id FROM users WHERE email = '{email}'"))
        .unwrap();
    assert_uuid(&id);
    id
}

/// `--json redeem` with the token or link on stdin (a Devise token may
/// begin with `-`) and `extra` arguments: it must succeed; its JSON.
#[track_caller]
fn redeem(
    env: &TestEnv,
    cfg: &Path,
    token: &str,
    extra: &[&str],
    password: &str,
) -> serde_json::Value {
    let out = env
        .cmd_with(cfg)
        .args(["--json", "redeem", "-"])
        .args(extra)
        .arg("--password-stdin")
        .write_stdin(format!("{token}\n{password}\n"))
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    json(&out.stdout)
}

/// `issue`, `inspect` and `list` on the user with this email: the id a
/// string in each JSON, as the app keeps it. The issued JSON.
fn issued_and_shown(env: &TestEnv, cfg: &Path, email: &str, id: &str) -> serde_json::Value {
    let issued = env.json_at(cfg, None, &["issue", email]);
    assert_eq!(issued["user"]["id"], id, "{issued}");
    let seen = env.json_at(cfg, None, &["inspect", email]);
    assert_eq!(
        (&seen["user"]["id"], &seen["state"]),
        (&id.into(), &"active".into()),
        "{seen}"
    );
    // The id typed as USER finds the same user.
    let by_id = env.json_at(cfg, None, &["inspect", id]);
    assert_eq!(by_id["user"]["email"], email, "{by_id}");
    let list = env.json_at(cfg, None, &["list"]);
    assert_eq!(list.as_array().unwrap().len(), 1, "{list}");
    assert_eq!(list[0]["user"]["id"], id, "{list}");
    issued
}

/// Devise's own reset page takes a token resetctl issued to a UUID-keyed
/// user, and its sign-in the new password; resetctl redeems a token
/// Devise made; the audit rows carry the UUIDs.
fn devise_with_uuid_ids(backend: Backend) {
    let devise = Devise::new().with("USER_ID", "uuid");
    let users = ["gwen@example.com", "hal@example.com"];
    let (env, cfg) = framework_app_on(&devise, backend, &users, &Devise::config(""));
    let url = env.db_value();
    let db = Path::new(&url);
    assert_id_type(&env, ["varchar", "uuid", "varchar(255)"]);
    let (gwen, hal) = (id_of(&env, users[0]), id_of(&env, users[1]));

    let token = issued_and_shown(&env, &cfg, users[0], &gwen)["token"]
        .as_str()
        .unwrap()
        .to_string();
    let stored = |id: &str| {
        env.value(&format!(
            "SELECT reset_password_token FROM users WHERE id = '{id}'"
        ))
    };
    assert_eq!(
        stored(&gwen).map(|d| d.len()),
        Some(64),
        "Devise's digest on her row"
    );
    assert_eq!(stored(&hal), None);

    let a = devise.reset(db, "2026-11-21T10:05:00Z", &token, "new password 22");
    assert!(a.ok && a.line.contains("gwen@example.com"), "{}", a.line);
    assert!(devise.sign_in(db, users[0], "new password 22").ok);
    assert!(!devise.sign_in(db, users[0], OLD_PASSWORD).ok);
    assert_eq!(stored(&gwen), None, "Devise cleared the token");

    // A token Devise made (a minute before resetctl's clock), redeemed by
    // resetctl; Devise signs in with the password resetctl wrote.
    let theirs = devise.call(db, Some("2026-11-21T09:59:00Z"), "issue", &[users[1]]);
    assert!(theirs.ok, "{}", theirs.line);
    assert_eq!(
        env.json_at(&cfg, None, &["inspect", &hal])["state"],
        "active"
    );
    let v = redeem(&env, &cfg, &theirs.line, &[], "from resetctl 444");
    assert_eq!(v["user"]["id"], hal.as_str(), "{v}");
    assert_eq!(v["redeemed"], true, "{v}");
    assert_eq!(stored(&hal), None);
    assert!(devise.sign_in(db, users[1], "from resetctl 444").ok);
    assert!(!devise.sign_in(db, users[1], OLD_PASSWORD).ok);

    assert_eq!(
        audit(&env),
        [
            ("issue".into(), "ok".into(), Some(gwen)),
            ("redeem".into(), "ok".into(), Some(hal)),
        ],
        "the audit rows carry the UUIDs' text"
    );
}

#[test]
fn devise_on_sqlite_with_uuid_ids_takes_resetctl_tokens_and_resetctl_takes_devise_ones() {
    devise_with_uuid_ids(Backend::Sqlite);
}

#[test]
fn devise_on_postgresql_with_uuid_ids_takes_resetctl_tokens_and_resetctl_takes_devise_ones() {
    devise_with_uuid_ids(Backend::Postgres);
}

#[test]
fn devise_on_mariadb_with_uuid_ids_takes_resetctl_tokens_and_resetctl_takes_devise_ones() {
    devise_with_uuid_ids(Backend::Mariadb);
}

/// The rows in Laravel's reset table.
fn resets(env: &TestEnv) -> Vec<String> {
    env.rows("SELECT email FROM password_reset_tokens ORDER BY email")
        .into_iter()
        .map(|r| r[0].clone().unwrap())
        .collect()
}

/// A token Laravel made at 09:30 for the user with this email and id,
/// redeemed by resetctl with --user; Laravel's login takes the password
/// resetctl wrote.
fn resetctl_redeems_a_token_laravel_made(
    laravel: &Laravel,
    env: &TestEnv,
    cfg: &Path,
    email: &str,
    id: &str,
) {
    let url = env.db_value();
    let db = Path::new(&url);
    let theirs = laravel.call(db, Some("2026-11-21T09:30:00Z"), "issue", &[email]);
    assert!(theirs.ok, "{}", theirs.line);
    let seen = env.json_at(cfg, None, &["inspect", id]);
    assert_eq!(seen["expires_at"], "2026-11-21T10:30:00Z", "{seen}");
    let v = redeem(
        env,
        cfg,
        &theirs.line,
        &["--user", email],
        "laravel made this 5",
    );
    assert_eq!(v["user"]["id"], id, "{v}");
    assert_eq!(v["redeemed"], true, "{v}");
    assert!(resets(env).is_empty());
    assert!(laravel.check(db, email, "laravel made this 5"));
    assert!(!laravel.check(db, email, OLD_PASSWORD));
    let remember = env
        .value(&format!(
            "SELECT remember_token FROM users WHERE id = '{id}'"
        ))
        .unwrap();
    assert_eq!(
        remember.len(),
        60,
        "a new remember_token, as Laravel's reset sets"
    );
}

/// Laravel's password broker takes a token resetctl issued to a
/// UUID-keyed user, and its login the new password; resetctl redeems a
/// token Laravel made; the audit rows carry the UUIDs.
fn laravel_with_uuid_ids(backend: Backend) {
    let laravel = Laravel::new("password_reset_tokens").with("USER_ID", "uuid");
    let users = ["ivy@example.com", "jon@example.com"];
    let (env, cfg) = framework_app_on(&laravel, backend, &users, &Laravel::config(""));
    let url = env.db_value();
    let db = Path::new(&url);
    assert_id_type(&env, ["varchar", "uuid", "char(36)"]);
    let (ivy, jon) = (id_of(&env, users[0]), id_of(&env, users[1]));
    let token = issued_and_shown(&env, &cfg, users[0], &ivy)["token"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(resets(&env), [users[0]]);

    let a = laravel.call(
        db,
        Some("2026-11-21T10:05:00Z"),
        "reset",
        &[users[0], &token, "new password 22"],
    );
    assert!(a.ok && a.line == "passwords.reset", "{}", a.line);
    assert!(laravel.check(db, users[0], "new password 22"));
    assert!(!laravel.check(db, users[0], OLD_PASSWORD));
    assert!(resets(&env).is_empty(), "the broker deleted the row");

    resetctl_redeems_a_token_laravel_made(&laravel, &env, &cfg, users[1], &jon);

    assert_eq!(
        audit(&env),
        [
            ("issue".into(), "ok".into(), Some(ivy)),
            ("redeem".into(), "ok".into(), Some(jon)),
        ],
        "the audit rows carry the UUIDs' text"
    );
}

#[test]
fn laravel_on_sqlite_with_uuid_ids_takes_resetctl_tokens_and_resetctl_takes_laravel_ones() {
    laravel_with_uuid_ids(Backend::Sqlite);
}

#[test]
fn laravel_on_postgresql_with_uuid_ids_takes_resetctl_tokens_and_resetctl_takes_laravel_ones() {
    laravel_with_uuid_ids(Backend::Postgres);
}

#[test]
fn laravel_on_mariadb_with_uuid_ids_takes_resetctl_tokens_and_resetctl_takes_laravel_ones() {
    laravel_with_uuid_ids(Backend::Mariadb);
}
