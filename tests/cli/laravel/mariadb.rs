//! Laravel on MariaDB and MySQL, where its `created_at` is a `TIMESTAMP`
//! that each session sees on its own clock: written and read as Laravel's
//! own connection does, in the server's default zone or the one its
//! `config/database.php` sets.

use std::path::Path;

use crate::common::frameworks::{Laravel, framework_app_on};
use crate::common::{Backend, NOW_PLUS_1H, TestEnv};

/// A bcrypt hash as the app wrote it.
const APP_BCRYPT: &str = "$2y$04$m9C6.1DknI68wSkS6Flb6uOTPznTaBb0d0Xut1DCKrCBgK5ONnLCq";

/// On MariaDB only a `TIMESTAMP` is shown on each session's clock: there
/// resetctl stores the moment Laravel's session (at the server's +05:00)
/// would, which the tests' session (+00:00) reads five hours earlier. A
/// `created_at` an app made `DATETIME` keeps the wall-clock text as written.
#[test]
fn laravel_created_at_on_mariadb_is_shifted_only_in_a_timestamp() {
    for (ty, stored) in [
        ("timestamp NULL", "2026-11-21 05:00:00"),
        ("datetime NULL", "2026-11-21 10:00:00"),
    ] {
        let env = TestEnv::empty_on(Backend::Mariadb);
        env.sql(&format!(
            "CREATE TABLE users (id integer PRIMARY KEY, name varchar(255) NOT NULL, \
             email varchar(255) NOT NULL UNIQUE, password varchar(255) NOT NULL); \
             CREATE TABLE password_reset_tokens (email varchar(255) PRIMARY KEY, \
             token varchar(255) NOT NULL, created_at {ty}); \
             INSERT INTO users VALUES (1, 'Bob', 'bob@example.com', '{}')",
            APP_BCRYPT
        ));
        let cfg = env.config(&Laravel::config(""));
        env.cmd_with(&cfg).arg("init").assert().success();
        env.json_at(&cfg, None, &["issue", "bob@example.com"]);
        let raw = env.value("SELECT created_at FROM password_reset_tokens");
        assert_eq!(raw.as_deref(), Some(stored), "{ty}");
        let seen = env.json_at(&cfg, None, &["inspect", "bob@example.com"]);
        assert_eq!(seen["expires_at"], NOW_PLUS_1H, "{ty}: {seen}");
    }
}

/// An app whose Laravel MySQL connection sets its own `timezone` (here
/// +02:00, the server's default being +05:00): with `db_timezone` saying
/// so, resetctl's token lives exactly Laravel's hour and a token Laravel
/// made expires when Laravel says; without it, resetctl misreads it.
#[test]
fn laravel_with_its_own_connection_time_zone_on_mariadb() {
    let laravel = Laravel::new("password_reset_tokens").with("DB_TIMEZONE", "+02:00");
    let (env, cfg) = framework_app_on(
        &laravel,
        Backend::Mariadb,
        &["gus@example.com"],
        &Laravel::config("db_timezone = \"+02:00\"\n"),
    );
    let url = env.db_value();
    let db = Path::new(&url);
    let token = env.json_at(&cfg, None, &["issue", "gus@example.com"])["token"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(laravel.token_exists(db, "2026-11-21T10:59:00Z", "gus@example.com", &token));
    assert!(!laravel.token_exists(db, "2026-11-21T11:01:00Z", "gus@example.com", &token));
    let theirs = laravel.call(
        db,
        Some("2026-11-21T09:30:00Z"),
        "issue",
        &["gus@example.com"],
    );
    assert!(theirs.ok, "{}", theirs.line);
    let seen = env.json_at(&cfg, None, &["inspect", "gus@example.com"]);
    assert_eq!(seen["expires_at"], "2026-11-21T10:30:00Z", "{seen}");
    // Without the key, the server's default zone is assumed: three hours off.
    let stock = env.config(&Laravel::config(""));
    let misread = env.json_at(&stock, None, &["inspect", "gus@example.com"]);
    assert_eq!(misread["expires_at"], "2026-11-21T13:30:00Z", "{misread}");
}
