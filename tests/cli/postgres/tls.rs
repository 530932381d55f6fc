//! TLS to the server: required or verified against its CA, from the URL or
//! libpq's PGSSLMODE and PGSSLROOTCERT, so no password goes in clear to a
//! server the environment said to verify.

use super::{db_name, logins, pg_env};
use crate::common::postgres::{PASSWORD, cluster};
use crate::common::recorder::Recorder;
use crate::common::{TestEnv, assert_one_line_error, json, sha256_hex};

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
    let logins = logins(name, logged_before);
    assert_eq!(logins.len(), 3, "{logins:?}");
    assert!(
        logins.iter().all(|l| l.contains("SSL enabled")),
        "{logins:?}"
    );
}

// Proves PGSSLMODE and PGSSLROOTCERT are honoured (the URL's own sslmode and sslrootcert first), so no password goes in clear to a server the environment said to verify.
#[test]
fn libpq_tls_variables_are_honoured_and_the_url_wins() {
    let env = pg_env();
    let name = db_name(&env);
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
        let seen = logins(name, from);
        assert_eq!(seen.len(), 1, "{seen:?}");
        assert_eq!(
            seen[0].contains("SSL enabled"),
            encrypted,
            "{url}: {seen:?}"
        );
    }
}

fn without_sslmode(env: &TestEnv) -> String {
    let name = db_name(env);
    format!(
        "postgres://postgres:{PASSWORD}@127.0.0.1:{}/{name}",
        cluster().port
    )
}
