//! The file outbox: one private .eml per message, written whole, relative to
//! the config file, and a full disk taken as a temporary failure.

use crate::common::smtp::{FROM, SmtpServer, mail_config, send};
use crate::common::{TestEnv, assert_one_line_error, sha256_hex};

#[test]
fn file_outbox_and_config_errors() {
    let env = TestEnv::demo();
    let outbox = env.path("outbox");
    std::fs::create_dir(&outbox).unwrap();
    let cfg = mail_config(&env, &format!("file:{}", outbox.display()), "");
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
fn outbox_files_are_private_and_no_secret_leaks_anywhere() {
    use std::os::unix::fs::PermissionsExt;
    let env = TestEnv::demo();
    let outbox = env.path("outbox");
    std::fs::create_dir(&outbox).unwrap();
    let cfg = mail_config(&env, &format!("file:{}", outbox.display()), "");
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
    let cfg = mail_config(
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

#[test]
fn a_file_outbox_is_relative_to_the_config_file_and_written_whole() {
    let env = TestEnv::demo();
    let conf_dir = env.path("conf");
    std::fs::create_dir_all(conf_dir.join("outbox")).unwrap();
    std::fs::create_dir_all(env.path("elsewhere")).unwrap();
    let cfg = conf_dir.join("app.toml");
    std::fs::write(
        &cfg,
        format!("[email]\nfrom = \"{FROM}\"\ntransport = \"file:outbox\"\n"),
    )
    .unwrap();
    let out = env
        .cmd()
        .current_dir(env.path("elsewhere"))
        .arg("--config")
        .arg(&cfg)
        .args(["issue", "--send", "alice"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let names: Vec<String> = std::fs::read_dir(conf_dir.join("outbox"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    assert_eq!(names.len(), 1, "{names:?}");
    assert!(
        names[0].ends_with(".eml") && !names[0].starts_with('.'),
        "{names:?}"
    );
    assert!(
        std::fs::read_dir(env.path("elsewhere"))
            .unwrap()
            .next()
            .is_none()
    );
}

/// Runs resetctl with its outbox on a full 4 KiB tmpfs of a private mount
/// namespace (root only, as CI runs).
fn with_full_outbox(env: &TestEnv, args: &str) -> std::process::Output {
    std::fs::create_dir_all(env.path("outbox")).unwrap();
    let cfg = mail_config(env, "file:outbox", "");
    let script = format!(
        "mount -t tmpfs -o size=4k tmpfs outbox && head -c 4096 /dev/zero > outbox/.filler 2>/dev/null; exec {} --config {} {args}",
        crate::common::bin(),
        cfg.display()
    );
    env.command("unshare")
        .args(["--mount", "sh", "-c", &script])
        .output()
        .expect("unshare (util-linux) must be installed: run scripts/test-env")
}

#[test]
fn a_full_outbox_is_temporary_and_stops_a_bulk_run() {
    let env = TestEnv::with_users(20);
    let out = with_full_outbox(&env, "issue --send u1");
    assert_eq!(
        out.status.code(),
        Some(75),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_one_line_error(&out.stderr, "temporary failure: file:");
    let out = with_full_outbox(&env, "issue --all --send");
    assert_eq!(
        out.status.code(),
        Some(75),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("Issued 0, skipped 0, failed 1; stopped before the rest."),
        "{stderr}"
    );
    assert!(
        stderr.contains("stopped after a temporary email failure"),
        "{stderr}"
    );
    let holding: i64 = env
        .conn()
        .query_row(
            "SELECT count(*) FROM users WHERE password_reset_token IS NOT NULL",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(holding, 0, "nobody holds a token whose email failed");
    let failures = env.audit().iter().filter(|r| r.outcome == "failed").count();
    assert_eq!(
        failures, 2,
        "one per run: the bulk run stopped at its first"
    );
}
