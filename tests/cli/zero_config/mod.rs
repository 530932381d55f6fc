//! No config file at all (no `--config`, no `RESETCTL_CONFIG`): resetctl
//! reads the database's catalogue and settles on the app that made it
//! (`framework = "auto"`). Each app's database is made by the app's own
//! migrations and models, and the app's own reset code judges the link
//! resetctl prints; databases of apps resetctl cannot serve yet, of two
//! apps at once, or of none it knows are refused (78) and left as they were.

mod apps_devise_laravel;
mod apps_django;
mod better_auth;
mod choices;
mod logins;
mod unsupported;

use std::path::PathBuf;
use std::process::Output;

use crate::common::frameworks::{Framework, OLD_PASSWORD};
use crate::common::{Backend, TestEnv, json};

/// A database on `backend` made by `framework`'s own migrations and
/// models, with these users (each with OLD_PASSWORD), and nothing of
/// resetctl's yet.
pub fn made_by(framework: &impl Framework, backend: Backend, users: &[&str]) -> TestEnv {
    let env = TestEnv::empty_on(backend);
    let db = PathBuf::from(env.db_value());
    for name in users {
        framework.create_user(&db, name, OLD_PASSWORD);
    }
    env
}

/// The database as a framework's harness takes it: the file, or the URL.
pub fn db_arg(env: &TestEnv) -> PathBuf {
    PathBuf::from(env.db_value())
}

/// `resetctl --db DB ARGS` at NOW with no config file, and the app's
/// secret in RESETCTL_APP_SECRET when given.
pub fn run(env: &TestEnv, secret: Option<&str>, args: &[&str]) -> Output {
    let mut c = env.cmd();
    c.env_remove("RESETCTL_CONFIG")
        .env_remove("RESETCTL_APP_SECRET")
        .env_remove("RESETCTL_DB")
        .arg("--db")
        .arg(env.db_value());
    if let Some(secret) = secret {
        c.env("RESETCTL_APP_SECRET", secret);
    }
    assert!(
        !env.path("resetctl.toml").exists(),
        "no config file in the test's directory"
    );
    c.args(args).output().unwrap()
}

/// Same, which must exit with `code`.
#[track_caller]
pub fn run_code(env: &TestEnv, secret: Option<&str>, args: &[&str], code: i32) -> Output {
    let out = run(env, secret, args);
    assert_eq!(
        out.status.code(),
        Some(code),
        "{args:?}: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// `doctor` and `doctor --json` name `framework` and what it was
/// recognised by (`detected`, the words in doctor's parentheses), both
/// exiting with `code`.
#[track_caller]
pub fn assert_doctor(
    env: &TestEnv,
    secret: Option<&str>,
    framework: &str,
    detected: &str,
    code: i32,
) {
    let out = run_code(env, secret, &["doctor"], code);
    let text = String::from_utf8_lossy(&out.stdout);
    let want = format!("Framework    {framework} ({detected})");
    assert!(text.lines().any(|l| l == want), "want {want:?} in:\n{text}");
    let out = run_code(env, secret, &["--json", "doctor"], code);
    let v = json(&out.stdout);
    assert_eq!(v["framework"], framework, "{v}");
    assert_eq!(v["detected"], detected, "{v}");
    assert_eq!(v["ok"], code == 0, "{v}");
}

/// doctor on a database the app made, before and after a bare `init`:
/// 78 before (no audit table yet), 0 after; `init` names what it added.
#[track_caller]
pub fn init_and_doctor(env: &TestEnv, secret: Option<&str>, framework: &str, detected: &str) {
    assert_doctor(env, secret, framework, detected, 78);
    assert!(!has_audit_table(env));
    let out = run_code(env, None, &["init"], 0);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("Created table resetctl_audit"), "{text}");
    assert!(has_audit_table(env));
    assert_doctor(env, secret, framework, detected, 0);
}

/// `issue USER --json` with no config file: its JSON (token, link).
#[track_caller]
pub fn issue(env: &TestEnv, secret: Option<&str>, user: &str) -> serde_json::Value {
    let out = run_code(env, secret, &["--json", "issue", user], 0);
    json(&out.stdout)
}

/// The audit rows as (action, outcome, user id as text, detail), oldest
/// first (Better Auth's ids are text).
pub fn audit(env: &TestEnv) -> Vec<[Option<String>; 4]> {
    // MariaDB keeps the id as bytes, to match it exactly.
    let user_id = match env.backend() {
        Backend::Mariadb => "CONVERT(user_id USING utf8mb4)",
        Backend::Sqlite | Backend::Postgres => "user_id",
    };
    env.rows(&format!(
        "SELECT action, outcome, {user_id}, detail FROM resetctl_audit ORDER BY id"
    ))
    .into_iter()
    .map(|r| [r[0].clone(), r[1].clone(), r[2].clone(), r[3].clone()])
    .collect()
}

/// The audit after a bare `init` and one `issue` to user `id` with
/// expiry `expires` and `ttl`.
#[track_caller]
pub fn assert_audit_init_then_issue(env: &TestEnv, id: &str, expires: &str, ttl: &str) {
    let rows = audit(env);
    assert_eq!(rows.len(), 2, "{rows:?}");
    assert_eq!(
        (rows[0][0].as_deref(), rows[0][1].as_deref()),
        (Some("init"), Some("ok")),
        "{rows:?}"
    );
    let detail = format!("expires {expires} (ttl {ttl})");
    assert_eq!(
        rows[1],
        [
            Some("issue".to_string()),
            Some("ok".to_string()),
            Some(id.to_string()),
            Some(detail)
        ],
        "{rows:?}"
    );
}

/// Whether resetctl's audit table exists.
pub fn has_audit_table(env: &TestEnv) -> bool {
    table_count(env, "resetctl_audit") == 1
}

/// How many tables named `name` the database has, on any engine.
pub fn table_count(env: &TestEnv, name: &str) -> usize {
    let sql = match env.backend() {
        Backend::Sqlite => {
            format!("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = '{name}'")
        }
        Backend::Postgres => format!(
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema() \
             AND table_name = '{name}'"
        ),
        Backend::Mariadb => format!(
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = DATABASE() \
             AND table_name = '{name}'"
        ),
    };
    env.value(&sql).unwrap().parse().unwrap()
}

/// The stderr of a refused run, as text.
pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}
