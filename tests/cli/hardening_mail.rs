//! Defects of delivery a hostile review found: answers that took longer for
//! known users, tokens lost to a failed command, mail that arrived after
//! it "timed out", outboxes, and escape sequences from a server.

use std::time::{Duration, Instant};

use crate::common::smtp::SmtpServer;
use crate::common::{TestEnv, assert_one_line_error, closed_port};

const FROM: &str = "Example Support <support@example.com>";

fn mail_config(env: &TestEnv, transport: &str, extra: &str) -> std::path::PathBuf {
    env.config(&format!(
        "[limits]\nissue = \"off\"\n[email]\nfrom = \"{FROM}\"\ntransport = \"{transport}\"\n{extra}"
    ))
}

#[test]
fn no_enumerate_send_answers_known_and_unknown_at_one_deadline() {
    let env = TestEnv::demo();
    // A slow server: a real delivery takes most of a second.
    let server = SmtpServer::start(&env.path("smtp"), &["--delay-data", "0.8"]);
    let cfg = mail_config(
        &env,
        &format!("smtp://127.0.0.1:{}", server.port),
        "timeout = \"2s\"\n",
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

#[test]
fn a_failed_issue_leaves_the_earlier_token_working() {
    let env = TestEnv::demo();
    let earlier = env.issue("alice");
    let row = env.token_row(1);
    let audit = env.audit().len();
    // Standard output full: nothing is issued.
    let out = env
        .sh(&format!("{} issue alice > /dev/full", crate::common::bin()))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(74));
    assert_one_line_error(&out.stderr, "cannot write to standard output");
    // The mail server down.
    let cfg = mail_config(&env, &format!("smtp://127.0.0.1:{}", closed_port()), "");
    let out = env
        .cmd_with(&cfg)
        .args(["issue", "--send", "alice"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(75));
    // A link too long for a QR code: refused before anything.
    let long = format!("https://example.com/{}?t={{token}}", "x".repeat(3000));
    let out = env
        .cmd()
        .args(["issue", "alice", "--qr=always", "--link", &long])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(65));
    assert_one_line_error(&out.stderr, "the link cannot be drawn as a QR code");
    assert_eq!(
        env.token_row(1),
        row,
        "alice's token is the one she was given"
    );
    let new_rows: Vec<String> = env.audit()[audit..]
        .iter()
        .map(|r| r.action.clone())
        .collect();
    assert_eq!(new_rows, ["email"], "only the failed delivery is recorded");
    env.cmd()
        .args(["redeem", &earlier, "--password-stdin"])
        .write_stdin("correct horse battery\n")
        .assert()
        .success();
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
        "timeout = \"1s\"\n",
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
    let cfg = env.config(&format!(
        "[email]\nfrom = \"{FROM}\"\ntransport = \"file:outbox\"\n"
    ));
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

#[test]
fn escape_sequences_from_a_server_never_reach_the_terminal() {
    let env = TestEnv::demo();
    let server = SmtpServer::start(
        &env.path("smtp"),
        &["--reply-rcpt", "550 \u{1b}]0;owned\u{7}\u{1b}[2J no"],
    );
    let cfg = mail_config(&env, &format!("smtp://127.0.0.1:{}", server.port), "");
    let out = env
        .cmd_with(&cfg)
        .args(["issue", "--send", "alice"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(69));
    let raw = |b: &[u8]| b.contains(&0x1b) || b.contains(&0x07);
    assert!(
        !raw(&out.stderr),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("\\u{1b}]0;owned"));
    let detail = env.audit().pop().unwrap().detail.unwrap();
    assert!(!raw(detail.as_bytes()), "{detail:?}");
    let out = env.cmd().arg("audit").output().unwrap();
    assert!(!raw(&out.stdout));
    // What an operator typed is shown escaped too.
    let out = env
        .cmd()
        .args(["issue", "--no-enumerate", "evil\u{1b}[2J@example.com"])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(
        !raw(&out.stdout),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    std::fs::write(env.path("list.txt"), "ghost\u{1b}[31m@example.com\n").unwrap();
    let out = env
        .cmd()
        .args(["issue", "--from", "list.txt"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(67));
    assert!(
        !raw(&out.stderr),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
