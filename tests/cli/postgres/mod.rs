//! What only PostgreSQL has: a server that is down or refuses the login,
//! the app's schema, the grants a role needs, and in the modules below its
//! URLs, TLS, locks and a lost COMMIT. Everything else runs on every engine
//! through `on_every_engine!`.

mod commits;
mod locks;
mod tls;
mod urls;

use crate::common::postgres::{PASSWORD, cluster};
use crate::common::{Backend, TestEnv, assert_one_line_error, closed_port, json};

fn pg_env() -> TestEnv {
    TestEnv::demo_on(Backend::Postgres)
}

fn db_name(env: &TestEnv) -> &str {
    &env.server_db().name
}

/// resetctl's logins to database `name` the server logged since line
/// `from` of its log.
pub(crate) fn logins(name: &str, from: usize) -> Vec<String> {
    cluster()
        .log()
        .lines()
        .skip(from)
        .filter(|l| {
            l.contains("connection authorized")
                && l.contains(&format!("database={name} "))
                && l.contains("application_name=resetctl")
        })
        .map(str::to_string)
        .collect()
}

#[test]
fn a_refused_login_is_78_and_the_password_is_never_shown() {
    let env = pg_env();
    let before = env.bytes();
    let name = db_name(&env);
    let port = cluster().port;
    let wrong = "Wr0ng-Secret-Pw";
    for db in [
        format!("postgres://postgres:{wrong}@127.0.0.1:{port}/{name}?sslmode=disable"),
        format!("postgres://nobody:{wrong}@127.0.0.1:{port}/{name}?sslmode=disable"),
    ] {
        for args in [&["issue", "alice"][..], &["doctor"], &["list"]] {
            let out = env
                .cmd()
                .env("RESETCTL_DB", &db)
                .args(args)
                .output()
                .unwrap();
            assert_eq!(out.status.code(), Some(78), "{args:?} {out:?}");
            let text = format!(
                "{}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            );
            assert!(!text.contains(wrong), "{text}");
            assert!(!text.contains(PASSWORD), "{text}");
            if args[0] != "doctor" {
                assert_one_line_error(&out.stderr, "refused the login");
            }
        }
    }
    // Nor does the right password appear in any error.
    let out = env.cmd().args(["issue", "nobody-here"]).output().unwrap();
    assert_eq!(out.status.code(), Some(67));
    assert!(!String::from_utf8_lossy(&out.stderr).contains(PASSWORD));
    assert_eq!(env.bytes(), before);
}

#[test]
fn a_server_that_is_down_is_75_and_a_missing_database_66() {
    let env = pg_env();
    let before = env.bytes();
    let down = format!(
        "postgres://postgres:{PASSWORD}@127.0.0.1:{}/x?sslmode=disable",
        closed_port()
    );
    let out = env
        .cmd()
        .env("RESETCTL_DB", &down)
        .args(["issue", "alice"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(75), "{out:?}");
    assert_one_line_error(&out.stderr, "cannot reach");
    assert!(!String::from_utf8_lossy(&out.stderr).contains(PASSWORD));
    let out = env
        .cmd()
        .env("RESETCTL_DB", cluster().url("no_such_db"))
        .args(["list"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(66), "{out:?}");
    assert_one_line_error(&out.stderr, "database no_such_db does not exist");
    assert_eq!(env.bytes(), before);
}

#[test]
fn init_works_in_the_apps_schema_and_doctor_names_the_server() {
    let env = TestEnv::empty_on(Backend::Postgres);
    env.sql(
        "CREATE SCHEMA app; \
         CREATE TABLE app.users (id bigserial PRIMARY KEY, username text, email text NOT NULL, password_hash text); \
         INSERT INTO app.users (username, email, password_hash) VALUES ('dana', 'Dana@Example.com', 'app hash');",
    );
    let name = db_name(&env);
    let db = format!("{}&options=-c%20search_path%3Dapp", cluster().url(name));
    let out = env
        .cmd()
        .env("RESETCTL_DB", &db)
        .args(["--json", "init"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    // resetctl's columns, indexes and audit table in the app's schema; the
    // app's rows as they were.
    assert_eq!(
        env.value("SELECT count(*) FROM information_schema.columns WHERE table_schema = 'app' AND table_name = 'users' AND column_name LIKE 'password_reset_%'")
            .as_deref(),
        Some("2")
    );
    assert_eq!(
        env.value("SELECT to_regclass('app.resetctl_audit') IS NOT NULL")
            .as_deref(),
        Some("t")
    );
    assert_eq!(
        env.value("SELECT to_regclass('public.resetctl_audit') IS NULL")
            .as_deref(),
        Some("t")
    );
    let indexes = env.rows("SELECT indexdef FROM pg_indexes WHERE schemaname = 'app' ORDER BY 1");
    assert!(
        indexes
            .iter()
            .any(|r| r[0].as_deref().unwrap().contains("(lower(email))")),
        "{indexes:?}"
    );
    assert_eq!(
        env.value("SELECT email || '|' || password_hash FROM app.users")
            .as_deref(),
        Some("Dana@Example.com|app hash")
    );
    // The lower(email) index finds the user however the email is typed.
    let out = env
        .cmd()
        .env("RESETCTL_DB", &db)
        .args(["--json", "issue", "dana@example.COM"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let doctor = json(
        &env.cmd()
            .env("RESETCTL_DB", &db)
            .args(["--json", "doctor"])
            .output()
            .unwrap()
            .stdout,
    );
    assert_eq!(doctor["database"]["kind"], "postgresql", "{doctor}");
    let version = doctor["database"]["version"].as_str().unwrap();
    assert!(version.starts_with("1"), "{doctor}");
    let text = String::from_utf8_lossy(
        &env.cmd()
            .env("RESETCTL_DB", &db)
            .arg("doctor")
            .output()
            .unwrap()
            .stdout,
    )
    .into_owned();
    assert!(text.contains(&format!("PostgreSQL {version}")), "{text}");
    assert!(!doctor.to_string().contains(PASSWORD));
}

#[test]
fn a_role_with_the_readmes_grants_works_and_one_without_them_gets_78() {
    let env = pg_env();
    let name = db_name(&env);
    let port = cluster().port;
    env.sql(
        "CREATE ROLE support LOGIN PASSWORD 'support-pw-1'; \
         CREATE ROLE viewer LOGIN PASSWORD 'viewer-pw-1'; \
         GRANT SELECT, UPDATE ON users TO support; \
         GRANT SELECT, INSERT, DELETE ON resetctl_audit TO support; \
         GRANT USAGE ON SEQUENCE resetctl_audit_id_seq TO support; \
         GRANT SELECT ON users, resetctl_audit TO viewer;",
    );
    let as_role = |role: &str, pw: &str| {
        format!("postgres://{role}:{pw}@127.0.0.1:{port}/{name}?sslmode=disable")
    };
    let support = as_role("support", "support-pw-1");
    let token = {
        let out = env
            .cmd()
            .env("RESETCTL_DB", &support)
            .args(["--json", "issue", "alice"])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{out:?}");
        json(&out.stdout)["token"].as_str().unwrap().to_string()
    };
    let out = env
        .cmd()
        .env("RESETCTL_DB", &support)
        .args(["redeem", &token, "--password-stdin"])
        .write_stdin("a password for alice\n")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    for args in [
        &["revoke", "--all", "--yes"][..],
        &["purge", "--audit-older-than", "365d"],
    ] {
        let out = env
            .cmd()
            .env("RESETCTL_DB", &support)
            .args(args)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{args:?}: {out:?}");
    }
    // Reading is all a viewer may do; a write is 78 naming the table, and
    // nothing changes.
    let viewer = as_role("viewer", "viewer-pw-1");
    let out = env
        .cmd()
        .env("RESETCTL_DB", &viewer)
        .args(["list"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let before = env.bytes();
    let out = env
        .cmd()
        .env("RESETCTL_DB", &viewer)
        .args(["issue", "bob"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(78), "{out:?}");
    assert_one_line_error(&out.stderr, "permission denied for table users");
    assert!(!String::from_utf8_lossy(&out.stderr).contains("viewer-pw-1"));
    assert_eq!(env.bytes(), before);
}
