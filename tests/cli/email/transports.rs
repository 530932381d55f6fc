//! The ways to a mailbox: STARTTLS and implicit TLS with a private CA, SMTP
//! AUTH whose credentials are never shown, and a real sendmail.

use crate::common::smtp::{SmtpServer, mail_config, send};
use crate::common::{TestEnv, assert_one_line_error, sha256_hex};

#[test]
fn starttls_and_implicit_tls_with_a_private_ca() {
    let env = TestEnv::demo();
    let server = SmtpServer::start(env.dir.path(), &["--starttls"]);
    let ca = server.tls_dir.join("ca.pem");
    let cfg = mail_config(
        &env,
        &format!("smtp://127.0.0.1:{}?tls=required", server.port),
        &format!("ca_cert = \"{}\"\n", ca.display()),
    );
    assert!(send(&env, &cfg, &["alice"]).status.success());
    assert_eq!(server.messages().len(), 1);
    // The same server without trusting its CA: a permanent failure, nothing stored.
    let untrusting = mail_config(
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
    let plain = mail_config(&env, &format!("smtp://127.0.0.1:{}", server.port), "");
    assert_eq!(send(&env, &plain, &["carol"]).status.code(), Some(69));

    let implicit = SmtpServer::start(&env.path("implicit"), &["--implicit-tls"]);
    let ca = implicit.tls_dir.join("ca.pem");
    let cfg = mail_config(
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
    let good = mail_config(
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
    let bad = mail_config(
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
    let cfg = mail_config(&env, &format!("sendmail:{}", msmtp.display()), "");
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
