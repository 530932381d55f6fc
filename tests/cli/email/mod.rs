//! Email delivery against a real SMTP server on 127.0.0.1: the message,
//! following its link into redeem, and the notice after a redeem.

mod failures;
mod outbox;
mod transports;

use crate::common::smtp::{SmtpServer, mail_config, send};
use crate::common::{TestEnv, assert_one_line_error, json, sha256_hex};

#[test]
fn sends_the_link_and_the_link_works() {
    let env = TestEnv::demo();
    let server = SmtpServer::start(env.dir.path(), &[]);
    let cfg = mail_config(&env, &format!("smtp://127.0.0.1:{}", server.port), "");
    let out = send(&env, &cfg, &["alice"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert_eq!(
        stdout,
        "Sent a reset link to a***@example.com for alice <alice@example.com>, valid until 2026-11-21T11:00:00Z (in 1h).\n"
    );
    assert!(out.stderr.is_empty());

    let messages = server.messages();
    assert_eq!(messages.len(), 1);
    let m = &messages[0];
    assert_eq!(
        m.header("From"),
        Some("\"Example Support\" <support@example.com>")
    );
    assert_eq!(m.header("To"), Some("alice <alice@example.com>"));
    assert_eq!(m.header("Subject"), Some("Reset your password"));
    assert_eq!(m.header("Date"), Some("Sat, 21 Nov 2026 10:00:00 +0000"));
    assert!(
        m.header("Message-ID")
            .is_some_and(|id| id.starts_with('<') && id.contains('@'))
    );
    assert!(m.text.starts_with("Hello alice,"), "{}", m.text);
    assert!(m.text.contains("expires at 2026-11-21T11:00:00Z (in 1h)"));
    // The token is in the mail, and only there: not on screen, not stored.
    let token = m.token();
    assert!(!stdout.contains(&token));
    assert_eq!(env.token_row(1).0.unwrap(), sha256_hex(&token));
    let last = env.audit().pop().unwrap();
    assert_eq!(
        (last.action.as_str(), last.outcome.as_str()),
        ("email", "ok")
    );
    assert_eq!(
        last.detail.as_deref(),
        Some("reset link sent to a***@example.com")
    );
    assert!(!env.all_text().contains(&token));
    // Following the link from the received mail resets the password.
    let link = m.text.lines().find(|l| l.starts_with("https://")).unwrap();
    env.cmd()
        .args(["redeem", link, "--password-stdin"])
        .write_stdin("from the mailbox\n")
        .assert()
        .success();
    assert!(
        argon2_reference::verify_encoded(&env.password_hash(1).unwrap(), b"from the mailbox")
            .unwrap()
    );
}

#[test]
fn print_json_and_quiet() {
    let env = TestEnv::demo();
    let server = SmtpServer::start(env.dir.path(), &[]);
    let cfg = mail_config(&env, &format!("smtp://127.0.0.1:{}", server.port), "");
    let out = send(&env, &cfg, &["--print", "bob"]);
    let stdout = String::from_utf8(out.stdout).unwrap();
    let token = server.messages()[0].token();
    assert!(
        stdout.ends_with(&format!(
            "https://example.com/reset-password?token={token}\n"
        )),
        "{stdout}"
    );
    let v = env.json_at(&cfg, None, &["issue", "--send", "carol"]);
    assert_eq!(v["sent"], true);
    assert_eq!(v["to"], "c***@example.com");
    assert!(
        v.get("token").is_none() && v.get("link").is_none(),
        "no token without --print: {v}"
    );
    env.cmd_with(&cfg)
        .args(["-q", "issue", "--send", "alice"])
        .assert()
        .success()
        .stdout("")
        .stderr("");
    assert_eq!(server.messages().len(), 3);
}

#[test]
fn template_placeholders_and_html_alternative() {
    let env = TestEnv::demo();
    let server = SmtpServer::start(env.dir.path(), &[]);
    std::fs::write(env.path("reset.txt"), "Hi {username} ({email})! {{not a placeholder}}\nGo to {link}\nby {expires_at}, {ttl} from now.\n").unwrap();
    std::fs::write(
        env.path("reset.html"),
        "<p>Hi {username}, <a href=\"{link}\">reset</a></p>",
    )
    .unwrap();
    let cfg = mail_config(
        &env,
        &format!("smtp://127.0.0.1:{}", server.port),
        "subject = \"Your reset link\"\ntemplate = \"reset.txt\"\nhtml_template = \"reset.html\"\n",
    );
    let out = send(&env, &cfg, &["--ttl", "30m", "bob"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let m = &server.messages()[0];
    assert_eq!(m.header("Subject"), Some("Your reset link"));
    assert!(
        m.header("Content-Type")
            .unwrap()
            .starts_with("multipart/alternative")
    );
    let token = m.token();
    assert_eq!(
        m.text,
        format!(
            "Hi bob (bob@example.com)! {{not a placeholder}}\nGo to https://example.com/reset-password?token={token}\nby 2026-11-21T10:30:00Z, 30m from now.\n"
        )
    );
    assert_eq!(
        m.html.as_deref(),
        Some(format!("<p>Hi bob, <a href=\"https://example.com/reset-password?token={token}\">reset</a></p>").as_str())
    );
    // An unknown placeholder is a config error, found before anything is issued.
    std::fs::write(env.path("reset.txt"), "Hi {first_name}, {link}\n").unwrap();
    let before = env.bytes();
    let out = send(&env, &cfg, &["alice"]);
    assert_eq!(out.status.code(), Some(78));
    assert_one_line_error(
        &out.stderr,
        "email.template: unknown placeholder {first_name}",
    );
    assert_eq!(env.bytes(), before);
}

#[test]
fn control_characters_in_a_username_cannot_reach_the_headers() {
    let env = TestEnv::demo();
    env.conn()
        .execute("UPDATE users SET username = 'evil' || char(13, 10) || 'Bcc: victim@attacker.example' WHERE id = 2", [])
        .unwrap();
    let server = SmtpServer::start(env.dir.path(), &[]);
    let cfg = mail_config(&env, &format!("smtp://127.0.0.1:{}", server.port), "");
    let out = send(&env, &cfg, &["2"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let m = &server.messages()[0];
    assert_eq!(
        m.header("To"),
        Some("bob@example.com"),
        "the name is dropped, not spliced"
    );
    let head = m.raw.split("\r\n\r\n").next().unwrap();
    assert!(
        m.header("Bcc").is_none() && !head.contains("victim@"),
        "{head}"
    );
    assert!(
        m.text.starts_with("Hello evil\\u{d}\\u{a}Bcc: victim"),
        "escaped in the body: {}",
        m.text
    );
    let token = m.token();
    let out = env
        .cmd_with(&cfg)
        .args(["redeem", &token, "--password-stdin", "--notify"])
        .write_stdin("a fresh password\n")
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(server.messages().len(), 2);
}

#[test]
fn redeem_notify_sends_a_notice_and_a_failure_only_warns() {
    let env = TestEnv::demo();
    let server = SmtpServer::start(env.dir.path(), &[]);
    let cfg = mail_config(&env, &format!("smtp://127.0.0.1:{}", server.port), "");
    let token = env.issue("bob");
    let out = env
        .cmd_with(&cfg)
        .args(["--json", "redeem", &token, "--password-stdin", "--notify"])
        .write_stdin("notified password\n")
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_eq!(json(&out.stdout)["sent"], true);
    let m = &server.messages()[0];
    assert_eq!(m.header("Subject"), Some("Your password was changed"));
    assert_eq!(m.header("To"), Some("bob <bob@example.com>"));
    assert!(!m.raw.contains("notified password") && !m.raw.contains(&token));

    // Server down: the password still changes; a warning; audited; exit 0.
    let down = crate::common::closed_port();
    let cfg = mail_config(&env, &format!("smtp://127.0.0.1:{down}"), "");
    let token = env.issue("carol");
    let out = env
        .cmd_with(&cfg)
        .args(["redeem", &token, "--password-stdin", "--notify"])
        .write_stdin("changed anyway\n")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.starts_with(
            "resetctl: warning: the password was changed, but the notice could not be sent"
        ),
        "{stderr}"
    );
    assert!(
        argon2_reference::verify_encoded(&env.password_hash(3).unwrap(), b"changed anyway")
            .unwrap()
    );
    let last = env.audit().pop().unwrap();
    assert_eq!(
        (last.action.as_str(), last.outcome.as_str()),
        ("email", "failed")
    );
}
