//! What only PostgreSQL has: URLs and where the password comes from, TLS,
//! a server that is down or refuses the login, the app's row locks, a
//! connection dropped mid-run, the app's schema. Everything else runs on
//! both engines through `on_both_engines!`.

use std::process::Stdio;
use std::time::{Duration, Instant};

use crate::common::postgres::{PASSWORD, cluster};
use crate::common::{Backend, TestEnv, assert_one_line_error, closed_port, json, spawn_redeem};

fn pg_env() -> TestEnv {
    TestEnv::demo_on(Backend::Postgres)
}

fn db_name(env: &TestEnv) -> String {
    env.pg.as_ref().unwrap().0.clone()
}

#[test]
fn postgresql_urls_and_the_password_from_pgpassword_or_a_password_file() {
    let env = pg_env();
    let name = db_name(&env);
    let port = cluster().port;
    // The other scheme, and no password in the URL: PGPASSWORD.
    let bare = format!("postgresql://postgres@127.0.0.1:{port}/{name}?sslmode=disable");
    let out = env
        .cmd()
        .env("RESETCTL_DB", &bare)
        .env("PGPASSWORD", PASSWORD)
        .args(["--json", "issue", "alice"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert_eq!(json(&out.stdout)["user"]["id"], 1);
    // A password file, as libpq reads it (mode 0600).
    let pgpass = env.path("pgpass");
    std::fs::write(
        &pgpass,
        format!("127.0.0.1:{port}:{name}:postgres:{PASSWORD}\n"),
    )
    .unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&pgpass, std::fs::Permissions::from_mode(0o600)).unwrap();
    let out = env
        .cmd()
        .env("RESETCTL_DB", &bare)
        .env("PGPASSFILE", &pgpass)
        .args(["--json", "inspect", "alice"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert_eq!(json(&out.stdout)["state"], "active");
    // The same, from the config file's `database` key.
    let config = env.config(&format!("database = \"{}\"\n", cluster().url(&name)));
    let out = env
        .cmd()
        .env_remove("RESETCTL_DB")
        .arg("--config")
        .arg(&config)
        .args(["--json", "list"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert_eq!(json(&out.stdout).as_array().unwrap().len(), 1);
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
fn tls_required_or_verified_against_the_servers_ca() {
    let env = pg_env();
    let name = db_name(&env);
    let port = cluster().port;
    let url = |host: &str, tail: &str| {
        format!("postgres://postgres:{PASSWORD}@{host}:{port}/{name}?{tail}")
    };
    let ca = cluster().ca.display().to_string();
    // What the server logged before these sessions.
    let logged_before = cluster().log().lines().count();
    for (db, code) in [
        (url("127.0.0.1", "sslmode=require"), 0),
        (
            url(
                "localhost",
                &format!("sslmode=verify-full&sslrootcert={ca}"),
            ),
            0,
        ),
        (
            url(
                "127.0.0.1",
                &format!("sslmode=verify-full&sslrootcert={ca}"),
            ),
            0,
        ),
        // The system roots do not know the tests' CA.
        (url("localhost", "sslmode=verify-full"), 78),
    ] {
        let out = env
            .cmd()
            .env("RESETCTL_DB", &db)
            .args(["--json", "issue", "bob"])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(code), "{db}: {out:?}");
        assert!(!String::from_utf8_lossy(&out.stderr).contains(PASSWORD));
    }
    // Each session that got in issued its token, and the server saw each
    // of resetctl's logins here encrypted, none in the clear.
    let issued = env
        .audit()
        .iter()
        .filter(|r| r.action == "issue" && r.outcome == "ok")
        .count();
    assert_eq!(issued, 3);
    let logins: Vec<String> = cluster()
        .log()
        .lines()
        .skip(logged_before)
        .filter(|l| {
            l.contains("connection authorized")
                && l.contains(&format!("database={name} "))
                && l.contains("application_name=resetctl")
        })
        .map(str::to_string)
        .collect();
    assert_eq!(logins.len(), 3, "{logins:?}");
    assert!(
        logins.iter().all(|l| l.contains("SSL enabled")),
        "{logins:?}"
    );
}

#[test]
fn an_app_holding_the_row_briefly_is_waited_for() {
    let env = pg_env();
    let token = env.issue("bob");
    let mut app = cluster().client(&db_name(&env)).unwrap();
    let mut tx = app.transaction().unwrap();
    tx.batch_execute("SELECT * FROM users WHERE id = 2 FOR UPDATE")
        .unwrap();
    let mut child = spawn_redeem(&env, &token, "a patient password");
    std::thread::sleep(Duration::from_secs(1));
    assert!(
        child.try_wait().unwrap().is_none(),
        "redeem is waiting for the row, not failing"
    );
    tx.commit().unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert!(env.password_hash(2).unwrap().starts_with("$argon2id$"));
    assert_eq!(env.token_row(2), (None, None));
}

#[test]
fn an_app_holding_the_row_past_busy_timeout_is_75_and_nothing_changes() {
    let env = pg_env();
    let token = env.issue("carol");
    let before = env.bytes();
    let config = env.config("busy_timeout = \"2s\"\n");
    let mut app = cluster().client(&db_name(&env)).unwrap();
    let mut tx = app.transaction().unwrap();
    tx.batch_execute("LOCK TABLE users IN EXCLUSIVE MODE")
        .unwrap();
    let started = Instant::now();
    let out = env
        .cmd_with(&config)
        .args(["redeem", &token, "--password-stdin"])
        .write_stdin("an impatient password\n")
        .output()
        .unwrap();
    let waited = started.elapsed();
    tx.rollback().unwrap();
    // A lower bound on a wait, not a speed check: it did wait out busy_timeout.
    assert!(
        waited >= Duration::from_millis(1800),
        "gave up after {waited:?}"
    );
    assert_eq!(out.status.code(), Some(75), "{out:?}");
    assert_one_line_error(&out.stderr, "is locked by another process (waited 2s)");
    assert_eq!(env.bytes(), before);
    env.cmd()
        .args(["redeem", &token, "--password-stdin"])
        .write_stdin("an impatient password\n")
        .assert()
        .success();
}

#[test]
fn a_connection_dropped_mid_bulk_is_75_and_a_resume_finishes() {
    const USERS: i64 = 20_000;
    let env = TestEnv::with_users_on(USERS as u32, Backend::Postgres);
    let name = db_name(&env);
    let child = env
        .std_cmd()
        .args(["-q", "issue", "--all", "--batch", "100"])
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    // Once a batch has landed, the app takes the table between two batches
    // (holding resetctl's next one), and the server ends resetctl's session.
    let mut app = cluster().client(&name).unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let landed: i64 = app
            .query_one("SELECT count(password_reset_token) FROM users", &[])
            .unwrap()
            .get(0);
        if landed > 0 {
            break;
        }
        assert!(Instant::now() < deadline, "no batch landed");
        std::thread::sleep(Duration::from_millis(2));
    }
    let mut tx = app.transaction().unwrap();
    tx.batch_execute("LOCK TABLE users IN EXCLUSIVE MODE")
        .unwrap();
    let held: i64 = tx
        .query_one("SELECT count(password_reset_token) FROM users", &[])
        .unwrap()
        .get(0);
    assert!(held < USERS, "the run ended before the app got in");
    let mut admin = cluster().client("postgres").unwrap();
    let killed = admin
        .query(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
             WHERE datname = $1 AND application_name = 'resetctl'",
            &[&name],
        )
        .unwrap();
    assert_eq!(killed.len(), 1);
    tx.rollback().unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(75), "{out:?}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("connection"), "{stderr}");
    assert!(!stderr.contains(PASSWORD), "{stderr}");
    let row = env.rows(
        "SELECT count(password_reset_token), \
         count(*) FILTER (WHERE (password_reset_token IS NULL) <> (password_reset_expires IS NULL)) FROM users",
    );
    let tokens: i64 = row[0][0].as_ref().unwrap().parse().unwrap();
    assert_eq!(row[0][1].as_deref(), Some("0"));
    assert_eq!(tokens, held, "the batch in flight was rolled back whole");
    assert_eq!(tokens % 100, 0, "{tokens}");
    // The resume issues the rest and leaves the earlier tokens alone.
    let out = env
        .cmd()
        .args(["--json", "issue", "--all", "--skip-active"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let issued = String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter(|l| l.contains("\"token\""))
        .count() as i64;
    assert_eq!(issued, USERS - tokens);
    assert_eq!(
        env.value("SELECT count(password_reset_token) FROM users")
            .as_deref(),
        Some("20000")
    );
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
    let db = format!("{}&options=-c%20search_path%3Dapp", cluster().url(&name));
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
