//! Every way delivery fails: nothing stored, the earlier token kept, and an
//! exit code that says whether to retry.

use std::time::{Duration, Instant};

use crate::common::smtp::{SmtpServer, mail_config, send};
use crate::common::{NO_LIMIT, TestEnv, assert_one_line_error};

#[test]
fn failures_store_nothing_keep_the_earlier_token_and_say_whether_to_retry() {
    let env = TestEnv::demo();
    // alice holds a token from before, given to her by hand.
    let earlier = env.issue("alice");
    let earlier_row = env.token_row(1);
    let rcpt_5xx = SmtpServer::start(
        &env.path("a"),
        &["--reply-rcpt", "550 5.1.1 No such mailbox here"],
    );
    let data_4xx = SmtpServer::start(
        &env.path("b"),
        &["--reply-data", "451 4.3.0 Try again later"],
    );
    let hung = SmtpServer::start(&env.path("c"), &["--silent"]);
    let down = crate::common::closed_port();
    for (port, extra, code, why) in [
        (
            rcpt_5xx.port,
            "",
            69,
            "could not send the reset link to a***@example.com: permanent failure",
        ),
        (
            data_4xx.port,
            "",
            75,
            "could not send the reset link to a***@example.com: temporary failure",
        ),
        (
            down,
            "",
            75,
            "could not send the reset link to a***@example.com: temporary failure",
        ),
        (
            hung.port,
            "timeout = \"2s\"\n",
            75,
            "could not confirm the reset link reached a***@example.com: delivery uncertain",
        ),
    ] {
        // Four issues to alice in a row: the rate limit is not what is tested here.
        let extra = format!("{extra}{NO_LIMIT}");
        let cfg = mail_config(&env, &format!("smtp://127.0.0.1:{port}"), &extra);
        let before_audit = env.audit().len();
        let started = std::time::Instant::now();
        let out = send(&env, &cfg, &["alice"]);
        assert_eq!(
            out.status.code(),
            Some(code),
            "port {port}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert_one_line_error(&out.stderr, why);
        assert!(String::from_utf8_lossy(&out.stderr).contains("no token was stored"));
        assert!(out.stdout.is_empty());
        assert_eq!(
            env.token_row(1),
            earlier_row,
            "the earlier token is untouched"
        );
        let audit = env.audit();
        assert_eq!(audit.len(), before_audit + 1, "only the failed delivery");
        let last = audit.last().unwrap();
        assert_eq!(
            (last.action.as_str(), last.outcome.as_str()),
            ("email", "failed")
        );
        let detail = last.detail.as_deref().unwrap();
        assert!(detail.contains(why.split(": ").last().unwrap()), "{detail}");
        assert!(detail.contains("no token was stored"), "{detail}");
        if extra.contains("timeout") {
            assert!(
                started.elapsed() < std::time::Duration::from_secs(20),
                "cut off by email.timeout"
            );
        }
    }
    assert!(rcpt_5xx.messages().is_empty() && data_4xx.messages().is_empty());
    // Four failed deliveries later, the link she was given still works.
    env.cmd()
        .args(["redeem", &earlier, "--password-stdin"])
        .write_stdin("correct horse battery\n")
        .assert()
        .success();
}

#[test]
fn a_server_that_drips_is_cut_off_by_the_timeout_as_a_whole() {
    let env = TestEnv::demo();
    let drip = SmtpServer::start(env.dir.path(), &["--drip"]);
    let cfg = mail_config(
        &env,
        &format!("smtp://127.0.0.1:{}", drip.port),
        "timeout = \"2s\"\n",
    );
    let started = std::time::Instant::now();
    let out = send(&env, &cfg, &["alice"]);
    let took = started.elapsed();
    assert_eq!(
        out.status.code(),
        Some(75),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_one_line_error(&out.stderr, "no answer within 2s");
    assert!(
        took < std::time::Duration::from_secs(15),
        "took {took:?}: each byte resets a per-read timeout, the whole send must not"
    );
    assert_eq!(env.token_row(1), (None, None));
}

#[test]
fn failures_that_will_not_fix_themselves_are_permanent() {
    let env = TestEnv::demo();
    let plain = SmtpServer::start(env.dir.path(), &[]);
    for (url, want) in [
        // Credentials for a server that offers no AUTH at all.
        (
            format!("smtp://user:pw-not-shown@127.0.0.1:{}", plain.port),
            "No compatible authentication mechanism",
        ),
        // TLS spoken to a server that speaks plain SMTP.
        (
            format!("smtps://127.0.0.1:{}", plain.port),
            "permanent failure",
        ),
    ] {
        let cfg = mail_config(&env, &url, NO_LIMIT);
        let out = send(&env, &cfg, &["alice"]);
        assert_eq!(
            out.status.code(),
            Some(69),
            "{url}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert_one_line_error(&out.stderr, want);
        assert!(!String::from_utf8_lossy(&out.stderr).contains("pw-not-shown"));
        assert_eq!(env.token_row(1), (None, None));
    }
    // A sendmail that does not exist is a configuration error, found first.
    let before = env.bytes();
    let cfg = mail_config(&env, "sendmail:/nonexistent/sendmail", "");
    let out = send(&env, &cfg, &["alice"]);
    assert_eq!(out.status.code(), Some(78));
    assert_one_line_error(
        &out.stderr,
        "email.transport: sendmail:/nonexistent/sendmail: no such executable",
    );
    assert_eq!(env.bytes(), before);
}

#[test]
fn a_delivery_past_the_timeout_is_uncertain_and_stores_nothing() {
    let env = TestEnv::demo();
    let earlier = env.issue("alice");
    let row = env.token_row(1);
    // The server keeps the whole message at once, and answers after 3 s.
    let server = SmtpServer::start(&env.path("smtp"), &["--reply-late", "3"]);
    let cfg = mail_config(
        &env,
        &format!("smtp://127.0.0.1:{}", server.port),
        &format!("timeout = \"1s\"\n{NO_LIMIT}"),
    );
    let started = Instant::now();
    let out = env
        .cmd_with(&cfg)
        .args(["issue", "--send", "alice"])
        .output()
        .unwrap();
    assert!(
        started.elapsed() < Duration::from_millis(2500),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(out.status.code(), Some(75));
    assert_one_line_error(
        &out.stderr,
        "could not confirm the reset link reached a***@example.com: delivery uncertain",
    );
    assert_eq!(env.token_row(1), row, "no new token was stored");
    let detail = env.audit().pop().unwrap().detail.unwrap();
    assert!(detail.contains("delivery uncertain"), "{detail}");
    assert!(
        detail.contains("if the message does arrive its link will not work"),
        "{detail}"
    );
    // The server did keep the message: its link is dead, the earlier one not.
    let late = server.messages();
    assert_eq!(late.len(), 1);
    let out = env
        .cmd()
        .args(["redeem", &late[0].token(), "--password-stdin"])
        .write_stdin("correct horse battery\n")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(77));
    env.cmd()
        .args(["redeem", &earlier, "--password-stdin"])
        .write_stdin("correct horse battery\n")
        .assert()
        .success();
}
