//! What the environment and the server say about a connection: libpq's TLS
//! variables, and the server's own statement_timeout.

use std::time::{Duration, Instant};

use crate::common::postgres::{PASSWORD, cluster};
use crate::common::recorder::Recorder;
use crate::common::{Backend, TestEnv, assert_one_line_error, json, sha256_hex};

/// resetctl's logins to database `name` the server logged since line
/// `from` of its log.
fn logins(name: &str, from: usize) -> Vec<String> {
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

// Proves PGSSLMODE and PGSSLROOTCERT are honoured (the URL's own sslmode and sslrootcert first), so no password goes in clear to a server the environment said to verify.
#[test]
fn libpq_tls_variables_are_honoured_and_the_url_wins() {
    let env = TestEnv::demo_on(Backend::Postgres);
    let name = env.pg.as_ref().unwrap().0.clone();
    let before = env.bytes();
    let secret = "Pw9SecretX";
    // A server that refuses TLS and asks for the password in clear.
    let fake = Recorder::start();
    for mode in ["verify-full", "verify-ca", "require"] {
        let out = env
            .cmd()
            .env(
                "RESETCTL_DB",
                format!("postgres://postgres:{secret}@127.0.0.1:{}/db", fake.port),
            )
            .env("PGSSLMODE", mode)
            .args(["issue", "alice"])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(78), "{mode}: {out:?}");
        assert!(out.stdout.is_empty(), "{out:?}");
        assert_one_line_error(&out.stderr, "TLS");
        assert!(!String::from_utf8_lossy(&out.stderr).contains(secret));
    }
    let seen = fake.seen();
    assert!(
        !seen.windows(secret.len()).any(|w| w == secret.as_bytes()),
        "the password reached a server that refused TLS"
    );
    // An invalid PGSSLMODE is a configuration error.
    let out = env
        .cmd()
        .env("PGSSLMODE", "sometimes")
        .env("RESETCTL_DB", without_sslmode(&env))
        .args(["issue", "alice"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(78), "{out:?}");
    assert_one_line_error(&out.stderr, "PGSSLMODE: sslmode 'sometimes' is not one of");
    assert_eq!(env.bytes(), before);
    let ca = cluster().ca.display().to_string();
    let port = cluster().port;
    let base = format!("postgres://postgres:{PASSWORD}@localhost:{port}/{name}");
    let cases = [
        // The cluster's CA from the environment: verified, encrypted.
        (base.clone(), "verify-full", ca.clone(), true),
        // The URL's sslmode over PGSSLMODE: no TLS at all.
        (
            format!("{base}?sslmode=disable"),
            "require",
            ca.clone(),
            false,
        ),
        // The URL's sslrootcert over PGSSLROOTCERT.
        (
            format!("{base}?sslrootcert={ca}"),
            "verify-full",
            "/nonexistent/ca.pem".into(),
            true,
        ),
    ];
    for (url, mode, root, encrypted) in cases {
        let from = cluster().log().lines().count();
        let out = env
            .cmd()
            .env("RESETCTL_DB", &url)
            .env("PGSSLMODE", mode)
            .env("PGSSLROOTCERT", &root)
            .args(["--json", "issue", "bob"])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{url} {mode}: {out:?}");
        assert!(out.stderr.is_empty(), "{out:?}");
        let token = json(&out.stdout)["token"].as_str().unwrap().to_string();
        assert_eq!(env.token_row(2).0, Some(sha256_hex(&token)));
        let seen = logins(&name, from);
        assert_eq!(seen.len(), 1, "{seen:?}");
        assert_eq!(
            seen[0].contains("SSL enabled"),
            encrypted,
            "{url}: {seen:?}"
        );
    }
}

fn without_sslmode(env: &TestEnv) -> String {
    let name = &env.pg.as_ref().unwrap().0;
    format!(
        "postgres://postgres:{PASSWORD}@127.0.0.1:{}/{name}",
        cluster().port
    )
}

// Proves a statement the server cancels for its statement_timeout is 75 (try again later), not 70, and changes nothing.
#[test]
fn a_server_statement_timeout_is_75_and_changes_nothing() {
    let env = TestEnv::demo_on(Backend::Postgres);
    let token = env.issue("bob");
    let before = env.bytes();
    let url = format!(
        "{}&options=-c%20statement_timeout%3D1s",
        env.pg.as_ref().unwrap().1
    );
    // A long busy_timeout: the lock wait is cut by statement_timeout.
    let config = env.config("busy_timeout = \"30s\"\n");
    let mut app = cluster().client(&env.pg.as_ref().unwrap().0).unwrap();
    let mut tx = app.transaction().unwrap();
    tx.batch_execute("LOCK TABLE users IN ACCESS EXCLUSIVE MODE")
        .unwrap();
    let started = Instant::now();
    let runs = [
        env.cmd_with(&config)
            .env("RESETCTL_DB", &url)
            .args(["issue", "alice"])
            .output()
            .unwrap(),
        env.cmd_with(&config)
            .env("RESETCTL_DB", &url)
            .args(["redeem", &token, "--password-stdin"])
            .write_stdin("a patient password\n")
            .output()
            .unwrap(),
    ];
    let waited = started.elapsed();
    tx.rollback().unwrap();
    assert!(waited < Duration::from_secs(25), "waited {waited:?}");
    for out in runs {
        assert_eq!(out.status.code(), Some(75), "{out:?}");
        assert!(out.stdout.is_empty(), "{out:?}");
        assert_one_line_error(&out.stderr, "cancelled a statement");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains("statement timeout"), "{stderr}");
        assert!(stderr.contains("hint: try again later"), "{stderr}");
    }
    assert_eq!(env.bytes(), before);
}
