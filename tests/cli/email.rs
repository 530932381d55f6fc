//! Email delivery against a real SMTP server on 127.0.0.1: the message,
//! following its link into redeem, TLS, AUTH, and every way delivery fails.

use std::path::PathBuf;

use crate::common::smtp::SmtpServer;
use crate::common::{TestEnv, assert_one_line_error, json, sha256_hex};

const FROM: &str = "Example Support <support@example.com>";

fn config(env: &TestEnv, transport: &str, extra: &str) -> PathBuf {
    env.config(&format!(
        "[email]\nfrom = \"{FROM}\"\ntransport = \"{transport}\"\n{extra}"
    ))
}

fn send(env: &TestEnv, config: &PathBuf, args: &[&str]) -> std::process::Output {
    env.cmd_with(config)
        .arg("issue")
        .arg("--send")
        .args(args)
        .output()
        .unwrap()
}

#[test]
fn sends_the_link_and_the_link_works() {
    let env = TestEnv::demo();
    let server = SmtpServer::start(env.dir.path(), &[]);
    let cfg = config(&env, &format!("smtp://127.0.0.1:{}", server.port), "");
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
    let cfg = config(&env, &format!("smtp://127.0.0.1:{}", server.port), "");
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
    let cfg = config(
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
fn starttls_and_implicit_tls_with_a_private_ca() {
    let env = TestEnv::demo();
    let server = SmtpServer::start(env.dir.path(), &["--starttls"]);
    let ca = server.tls_dir.join("ca.pem");
    let cfg = config(
        &env,
        &format!("smtp://127.0.0.1:{}?tls=required", server.port),
        &format!("ca_cert = \"{}\"\n", ca.display()),
    );
    assert!(send(&env, &cfg, &["alice"]).status.success());
    assert_eq!(server.messages().len(), 1);
    // The same server without trusting its CA: a permanent failure, nothing stored.
    let untrusting = config(
        &env,
        &format!("smtp://127.0.0.1:{}?tls=required", server.port),
        "",
    );
    let out = send(&env, &untrusting, &["bob"]);
    assert_eq!(out.status.code(), Some(69));
    assert_one_line_error(
        &out.stderr,
        "could not send the reset link to b***@example.com: permanent failure",
    );
    assert_eq!(env.token_row(2), (None, None));
    // Plain SMTP to a server that demands STARTTLS is refused (5xx): 69.
    let plain = config(&env, &format!("smtp://127.0.0.1:{}", server.port), "");
    assert_eq!(send(&env, &plain, &["carol"]).status.code(), Some(69));

    let implicit = SmtpServer::start(&env.path("implicit"), &["--implicit-tls"]);
    let ca = implicit.tls_dir.join("ca.pem");
    let cfg = config(
        &env,
        &format!("smtps://localhost:{}", implicit.port),
        &format!("ca_cert = \"{}\"\n", ca.display()),
    );
    let out = send(&env, &cfg, &["carol"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(implicit.messages().len(), 1);
}

#[test]
fn auth_and_credentials_never_shown() {
    let env = TestEnv::demo();
    let server = SmtpServer::start(env.dir.path(), &["--auth", "mailer:s3cret-pw"]);
    let good = config(
        &env,
        &format!("smtp://mailer:s3cret-pw@127.0.0.1:{}", server.port),
        "",
    );
    let out = send(&env, &good, &["alice"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(server.messages().len(), 1);
    let bad = config(
        &env,
        &format!("smtp://mailer:wrong-pw@127.0.0.1:{}", server.port),
        "",
    );
    let out = send(&env, &bad, &["bob"]);
    assert_eq!(
        out.status.code(),
        Some(69),
        "a refused login (535) is permanent"
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        !stderr.contains("wrong-pw") && !stderr.contains("s3cret"),
        "{stderr}"
    );
    assert_eq!(env.token_row(2), (None, None));
    // RESETCTL_SMTP_URL beats the config file.
    let out = env
        .cmd_with(&bad)
        .env(
            "RESETCTL_SMTP_URL",
            format!("smtp://mailer:s3cret-pw@127.0.0.1:{}", server.port),
        )
        .args(["issue", "--send", "carol"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let audit = env.all_text();
    assert!(!audit.contains("s3cret") && !audit.contains("wrong-pw"));
}

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
        let extra = format!("{extra}[limits]\nissue = \"off\"\n");
        let cfg = config(&env, &format!("smtp://127.0.0.1:{port}"), &extra);
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
fn no_enumerate_sends_nothing_to_an_unknown_user_and_answers_alike() {
    let env = TestEnv::demo();
    let server = SmtpServer::start(env.dir.path(), &[]);
    // Every answer under --no-enumerate waits for one delivery's timeout.
    let cfg = config(
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
fn redeem_notify_sends_a_notice_and_a_failure_only_warns() {
    let env = TestEnv::demo();
    let server = SmtpServer::start(env.dir.path(), &[]);
    let cfg = config(&env, &format!("smtp://127.0.0.1:{}", server.port), "");
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
    let cfg = config(&env, &format!("smtp://127.0.0.1:{down}"), "");
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

#[test]
fn file_outbox_and_config_errors() {
    let env = TestEnv::demo();
    let outbox = env.path("outbox");
    std::fs::create_dir(&outbox).unwrap();
    let cfg = config(&env, &format!("file:{}", outbox.display()), "");
    assert!(send(&env, &cfg, &["alice"]).status.success());
    let files: Vec<_> = std::fs::read_dir(&outbox)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(files.len(), 1);
    assert_eq!(files[0].extension().unwrap(), "eml");
    let m = crate::common::smtp::Received::parse(&std::fs::read(&files[0]).unwrap());
    assert_eq!(env.token_row(1).0.unwrap(), sha256_hex(&m.token()));

    let before = env.bytes();
    for (text, want) in [
        (
            "[email]\ntransport = \"smtp://localhost\"\n",
            "email.from is not set",
        ),
        (
            "[email]\nfrom = \"not an address\"\n",
            "email.from = 'not an address': not an email address",
        ),
        (
            "[email]\nfrom = \"a@b.c\"\ntransport = \"gopher://x\"\n",
            "email.transport: unknown scheme 'gopher'",
        ),
        (
            "[email]\nfrom = \"a@b.c\"\ntransport = \"smtp://u:pw-in-url@h?tls=sometimes\"\n",
            "email.transport: unknown URL parameter",
        ),
        (
            "[email]\nfrom = \"a@b.c\"\ntemplate = \"missing.txt\"\n",
            "email.template: cannot read",
        ),
    ] {
        let c = env.config(text);
        let out = send(&env, &c, &["bob"]);
        assert_eq!(out.status.code(), Some(78), "{text}");
        assert_one_line_error(&out.stderr, want);
        assert!(!String::from_utf8_lossy(&out.stderr).contains("pw-in-url"));
    }
    assert_eq!(env.bytes(), before);
}

#[test]
fn sendmail_transport_through_a_real_sendmail() {
    // msmtp is a real sendmail: it takes the message on stdin, as any local
    // MTA would, and relays it to the SMTP server named in its ~/.msmtprc.
    let env = TestEnv::demo();
    let server = SmtpServer::start(env.dir.path(), &[]);
    let home = env.path("home");
    std::fs::create_dir(&home).unwrap();
    let rc = home.join(".msmtprc");
    std::fs::write(&rc, format!("account default\nhost 127.0.0.1\nport {}\nauth off\ntls off\nfrom support@example.com\n", server.port)).unwrap();
    std::fs::set_permissions(&rc, std::os::unix::fs::PermissionsExt::from_mode(0o600)).unwrap();
    let msmtp = crate::common::tools::program("msmtp");
    let cfg = config(&env, &format!("sendmail:{}", msmtp.display()), "");
    let out = env
        .cmd()
        .env("HOME", &home)
        .arg("--config")
        .arg(&cfg)
        .args(["issue", "--send", "carol"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let messages = server.messages();
    assert_eq!(messages.len(), 1);
    assert_eq!(messages[0].header("To"), Some("carol <carol@example.com>"));
    assert_eq!(
        env.token_row(3).0.unwrap(),
        sha256_hex(&messages[0].token())
    );
    // A sendmail that fails: nothing is stored, and a retry may help (75).
    drop(server);
    let out = env
        .cmd()
        .env("HOME", &home)
        .arg("--config")
        .arg(&cfg)
        .args(["issue", "--send", "bob"])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(75),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(env.token_row(2), (None, None));
}

#[test]
fn a_server_that_drips_is_cut_off_by_the_timeout_as_a_whole() {
    let env = TestEnv::demo();
    let drip = SmtpServer::start(env.dir.path(), &["--drip"]);
    let cfg = config(
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
        let cfg = config(&env, &url, "[limits]\nissue = \"off\"\n");
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
    let cfg = config(&env, "sendmail:/nonexistent/sendmail", "");
    let out = send(&env, &cfg, &["alice"]);
    assert_eq!(out.status.code(), Some(78));
    assert_one_line_error(
        &out.stderr,
        "email.transport: sendmail:/nonexistent/sendmail: no such executable",
    );
    assert_eq!(env.bytes(), before);
}

#[test]
fn no_enumerate_never_tells_through_delivery_failures() {
    let env = TestEnv::demo();
    // Server down: found before anything is issued, the same for everyone.
    let down = crate::common::closed_port();
    let cfg = config(&env, &format!("smtp://127.0.0.1:{down}"), "");
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
    let cfg = config(
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
fn control_characters_in_a_username_cannot_reach_the_headers() {
    let env = TestEnv::demo();
    env.conn()
        .execute("UPDATE users SET username = 'evil' || char(13, 10) || 'Bcc: victim@attacker.example' WHERE id = 2", [])
        .unwrap();
    let server = SmtpServer::start(env.dir.path(), &[]);
    let cfg = config(&env, &format!("smtp://127.0.0.1:{}", server.port), "");
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
fn outbox_files_are_private_and_no_secret_leaks_anywhere() {
    use std::os::unix::fs::PermissionsExt;
    let env = TestEnv::demo();
    let outbox = env.path("outbox");
    std::fs::create_dir(&outbox).unwrap();
    let cfg = config(&env, &format!("file:{}", outbox.display()), "");
    let out = env
        .cmd_with(&cfg)
        .args(["--json", "issue", "--send", "alice"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let file = std::fs::read_dir(&outbox)
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    assert_eq!(
        std::fs::metadata(&file).unwrap().permissions().mode() & 0o777,
        0o600,
        "it holds a live link"
    );
    let token = crate::common::smtp::Received::parse(&std::fs::read(&file).unwrap()).token();
    for (what, text) in [("stdout", &out.stdout), ("stderr", &out.stderr)] {
        let text = String::from_utf8_lossy(text);
        assert!(
            !text.contains(&token) && !text.contains(&sha256_hex(&token)),
            "{what}: {text}"
        );
    }
    assert!(!env.all_text().contains(&token));
    // With SMTP credentials: nowhere on screen, in JSON, in the audit trail or the mail.
    let server = SmtpServer::start(env.dir.path(), &["--auth", "mailer:hunter2-smtp"]);
    let cfg = config(
        &env,
        &format!("smtp://mailer:hunter2-smtp@127.0.0.1:{}", server.port),
        "",
    );
    for args in [
        &["issue", "--send", "bob"][..],
        &["--json", "issue", "--send", "--print", "carol"],
    ] {
        let out = env.cmd_with(&cfg).args(args).output().unwrap();
        assert!(out.status.success());
        assert!(!String::from_utf8_lossy(&out.stdout).contains("hunter2"));
        assert!(!String::from_utf8_lossy(&out.stderr).contains("hunter2"));
    }
    assert!(server.messages().iter().all(|m| !m.raw.contains("hunter2")));
    assert!(!env.all_text().contains("hunter2"));
}
