//! `issue --send --no-enumerate`: nothing sent to an unknown user, and no
//! answer, failure or delay that tells the two apart.

use std::time::{Duration, Instant};

use crate::common::smtp::{SmtpServer, mail_config, send};
use crate::common::{NO_LIMIT, TestEnv, assert_one_line_error};

#[test]
fn no_enumerate_sends_nothing_to_an_unknown_user_and_answers_alike() {
    let env = TestEnv::demo();
    let server = SmtpServer::start(env.dir.path(), &[]);
    // Every answer under --no-enumerate waits for one delivery's timeout.
    let cfg = mail_config(
        &env,
        &format!("smtp://127.0.0.1:{}", server.port),
        "timeout = \"1s\"\n",
    );
    let known = send(&env, &cfg, &["--no-enumerate", "alice@example.com"]);
    let unknown = send(&env, &cfg, &["--no-enumerate", "mallory@example.com"]);
    assert_eq!(
        (known.status.code(), unknown.status.code()),
        (Some(0), Some(0))
    );
    let k = String::from_utf8(known.stdout).unwrap();
    let u = String::from_utf8(unknown.stdout).unwrap();
    assert_eq!(k.replace("alice", "X"), u.replace("mallory", "X"));
    assert_eq!(server.messages().len(), 1, "only alice got mail");
    let v = |who: &str| env.json_at(&cfg, None, &["issue", "--send", "--no-enumerate", who]);
    let (jk, ju) = (v("alice@example.com"), v("nobody@example.com"));
    assert_eq!(jk["sent"], ju["sent"]);
    assert_eq!(jk["to"], ju["to"]);
    assert_eq!(jk["user"]["id"], ju["user"]["id"]);
}

#[test]
fn no_enumerate_never_tells_through_delivery_failures() {
    let env = TestEnv::demo();
    // Server down: found before anything is issued, the same for everyone.
    let down = crate::common::closed_port();
    let cfg = mail_config(&env, &format!("smtp://127.0.0.1:{down}"), "");
    let before = env.bytes();
    for who in ["alice@example.com", "nobody@example.com"] {
        let out = send(&env, &cfg, &["--no-enumerate", who]);
        assert_eq!(out.status.code(), Some(75), "{who}");
        assert_one_line_error(
            &out.stderr,
            "the mail server cannot be used: temporary failure",
        );
    }
    assert_eq!(env.bytes(), before);
    // A recipient refused: answered like the unknown user, recorded in the audit trail.
    let refusing = SmtpServer::start(
        env.dir.path(),
        &["--reply-rcpt", "550 5.1.1 No such mailbox"],
    );
    let cfg = mail_config(
        &env,
        &format!("smtp://127.0.0.1:{}", refusing.port),
        "timeout = \"1s\"\n",
    );
    let known = send(&env, &cfg, &["--no-enumerate", "alice@example.com"]);
    let unknown = send(&env, &cfg, &["--no-enumerate", "nobody@example.com"]);
    assert_eq!(
        (known.status.code(), unknown.status.code()),
        (Some(0), Some(0))
    );
    assert!(known.stderr.is_empty() && unknown.stderr.is_empty());
    let k = String::from_utf8(known.stdout).unwrap();
    assert_eq!(
        k.replace("alice", "X"),
        String::from_utf8(unknown.stdout)
            .unwrap()
            .replace("nobody", "X")
    );
    assert_eq!(
        env.token_row(1),
        (None, None),
        "no token was stored for alice's undelivered link"
    );
    let failed = env
        .audit()
        .into_iter()
        .find(|r| r.action == "email")
        .unwrap();
    assert_eq!(
        (failed.outcome.as_str(), failed.user_id),
        ("failed", Some(1))
    );
}

#[test]
fn no_enumerate_send_answers_known_and_unknown_at_one_deadline() {
    let env = TestEnv::demo();
    // A slow server: a real delivery takes most of a second.
    let server = SmtpServer::start(&env.path("smtp"), &["--delay-data", "0.8"]);
    let cfg = mail_config(
        &env,
        &format!("smtp://127.0.0.1:{}", server.port),
        &format!("timeout = \"2s\"\n{NO_LIMIT}"),
    );
    let timed = |user: &str| {
        let started = Instant::now();
        let out = env
            .cmd_with(&cfg)
            .args(["issue", "--send", "--no-enumerate", user])
            .output()
            .unwrap();
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        (started.elapsed(), String::from_utf8(out.stdout).unwrap())
    };
    let (known, k) = timed("alice@example.com");
    let (unknown, u) = timed("nobody@example.com");
    assert_eq!(server.messages().len(), 1, "only alice was sent a link");
    assert_eq!(k.replace("alice", "X"), u.replace("nobody", "X"));
    // Both wait out the same deadline, email.timeout after they began.
    for took in [known, unknown] {
        assert!(took >= Duration::from_secs(2), "{took:?}");
    }
    let gap = known.abs_diff(unknown);
    assert!(
        gap < Duration::from_millis(500),
        "known {known:?}, unknown {unknown:?}"
    );
}
