//! What the environment says about a connection: libpq's TLS variables.

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
