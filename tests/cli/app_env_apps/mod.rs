//! `--app-env`: resetctl run with no config of its own, only the app's
//! env file, against each framework's own code on the app's database. The
//! app reads the same file (Laravel through phpdotenv, Rails through
//! SECRET_KEY_BASE, Better Auth through BETTER_AUTH_URL), so each test
//! shows that the app and resetctl agree on it.

mod bad_files;
mod better_auth;
mod devise;
mod django;
mod laravel;
mod precedence;
mod print_config;
mod warning;

use std::borrow::BorrowMut;
use std::path::{Path, PathBuf};
use std::process::Output;

use assert_cmd::Command;

use crate::common::{Backend, TestEnv, mariadb, postgres};

/// What the developer's shell may set that changes where resetctl looks:
/// every test here says itself what is set.
const APP_VARS: [&str; 6] = [
    "RESETCTL_APP_ENV",
    "RESETCTL_BASE_URL",
    "RESETCTL_SMTP_URL",
    "RESETCTL_APP_SECRET",
    "SECRET_KEY_BASE",
    "BETTER_AUTH_URL",
];

/// The binary at NOW with no database and no config given: only what the
/// test adds (`--app-env`, `--db`, variables).
pub fn bare(env: &TestEnv) -> Command {
    let mut c = env.cmd();
    c.env_remove("RESETCTL_DB");
    for var in APP_VARS {
        c.env_remove(var);
    }
    c
}

/// `init` on the test's database with no config: what every app here is
/// prepared with; it must succeed.
#[track_caller]
pub fn init(env: &TestEnv) {
    bare(env)
        .arg("--db")
        .arg(&env.db)
        .arg("init")
        .assert()
        .success();
}

/// `bare` with `--app-env FILE`.
pub fn with_app_env(env: &TestEnv, file: &Path) -> Command {
    let mut c = bare(env);
    c.arg("--app-env").arg(file);
    c
}

/// Runs it with `--json ARGS`; it must exit `code`; stdout as JSON.
#[track_caller]
pub fn json_run(mut c: impl BorrowMut<Command>, args: &[&str], code: i32) -> serde_json::Value {
    let out = c.borrow_mut().arg("--json").args(args).output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(code),
        "{args:?}: {}",
        text(&out.stderr)
    );
    crate::common::json(&out.stdout)
}

pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Runs it; it must exit `code`.
#[track_caller]
pub fn run(mut c: impl BorrowMut<Command>, args: &[&str], code: i32) -> Output {
    let out = c.borrow_mut().args(args).output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(code),
        "{args:?}:\n{}\n{}",
        text(&out.stdout),
        text(&out.stderr)
    );
    out
}

/// Laravel 8's stock `.env.example` (laravel/laravel 8.x, the file
/// `composer create-project` copies to `.env`).
pub fn laravel8_example() -> String {
    std::fs::read_to_string(crate::common::tools::support(
        "app_env/laravel-8.env.example",
    ))
    .unwrap()
}

/// `text` with each `KEY=...` line of `set` replaced by `KEY=VALUE`; every
/// key must have a line.
pub fn set_keys(text: &str, set: &[(&str, String)]) -> String {
    let mut out = text.to_string();
    for (key, value) in set {
        let lines: Vec<String> = out
            .lines()
            .map(|l| match l.split_once('=') {
                Some((k, _)) if k == *key => format!("{key}={value}"),
                _ => l.to_string(),
            })
            .collect();
        assert!(
            lines.iter().any(|l| l == &format!("{key}={value}")),
            "no {key} line"
        );
        out = lines.join("\n") + "\n";
    }
    out
}

/// The `DB_*` lines of a Laravel `.env` for the test's database.
pub fn laravel_db_keys(env: &TestEnv) -> Vec<(&'static str, String)> {
    let server = |connection: &str, port: u16, user: &str, password: &str| {
        vec![
            ("DB_CONNECTION", connection.to_string()),
            ("DB_HOST", "127.0.0.1".to_string()),
            ("DB_PORT", port.to_string()),
            ("DB_DATABASE", env.server_db().name.clone()),
            ("DB_USERNAME", user.to_string()),
            ("DB_PASSWORD", password.to_string()),
        ]
    };
    match env.backend() {
        Backend::Sqlite => vec![
            ("DB_CONNECTION", "sqlite".to_string()),
            ("DB_DATABASE", env.db.display().to_string()),
        ],
        Backend::Postgres => {
            let c = postgres::cluster();
            server("pgsql", c.port, "postgres", postgres::PASSWORD)
        }
        Backend::Mariadb => {
            let s = mariadb::server();
            server("mysql", s.port, mariadb::USER, mariadb::PASSWORD)
        }
    }
}

/// Writes Laravel 8's stock `.env` filled in for the test's database,
/// `https://shop.example.org`, and mail to 127.0.0.1:`mail_port` from
/// shop@example.org, with `extra` keys replaced too; returns its path.
pub fn laravel_env_file(env: &TestEnv, mail_port: u16, extra: &[(&str, String)]) -> PathBuf {
    let mut keys = laravel_db_keys(env);
    keys.extend([
        ("APP_URL", "https://shop.example.org".to_string()),
        ("MAIL_HOST", "127.0.0.1".to_string()),
        ("MAIL_PORT", mail_port.to_string()),
        ("MAIL_FROM_ADDRESS", "shop@example.org".to_string()),
    ]);
    keys.extend(extra.iter().map(|(k, v)| (*k, v.clone())));
    let path = env.path(".env");
    std::fs::write(&path, set_keys(&laravel8_example(), &keys)).unwrap();
    path
}

/// Each audit row as `ACTION OUTCOME`, oldest first.
pub fn actions(env: &TestEnv) -> Vec<String> {
    env.rows("SELECT action, outcome FROM resetctl_audit ORDER BY id")
        .into_iter()
        .map(|r| format!("{} {}", r[0].as_deref().unwrap(), r[1].as_deref().unwrap()))
        .collect()
}
