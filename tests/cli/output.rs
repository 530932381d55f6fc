//! What reaches a terminal: outside text (names from the database, a mail
//! server's replies, link templates) escaped, help that ends with examples,
//! tables that fit, and the QR code of a link.

use crate::common::smtp::{SmtpServer, mail_config};
use crate::common::{NO_LIMIT, TestEnv};
use crate::on_every_engine;

#[test]
fn control_characters_from_the_database_never_reach_the_terminal() {
    let env = TestEnv::demo();
    env.conn()
        .execute(
            "UPDATE users SET username = 'ev' || char(27) || '[2Jil' || char(8238) WHERE id = 3",
            [],
        )
        .unwrap();
    env.issue("3");
    for args in [
        &["issue", "3"][..],
        &["inspect", "3"],
        &["list"],
        &["audit"],
    ] {
        let out = env.cmd().args(args).output().unwrap();
        assert!(out.status.success(), "{args:?}");
        let text = String::from_utf8(out.stdout).unwrap();
        assert!(
            !text.contains('\x1b') && !text.contains('\u{202e}'),
            "{args:?}: {text:?}"
        );
        assert!(text.contains("ev\\u{1b}[2Jil\\u{202e}"), "{args:?}: {text}");
    }
}

#[test]
fn escape_sequences_from_a_server_never_reach_the_terminal() {
    let env = TestEnv::demo();
    let server = SmtpServer::start(
        &env.path("smtp"),
        &["--reply-rcpt", "550 \u{1b}]0;owned\u{7}\u{1b}[2J no"],
    );
    let cfg = mail_config(&env, &format!("smtp://127.0.0.1:{}", server.port), NO_LIMIT);
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

// A link template is outside text: its control characters are
// escaped on the terminal, in issue and doctor, as names and emails are.
#[test]
fn link_templates_are_escaped_like_other_outside_text() {
    let env = TestEnv::demo();
    let out = env
        .cmd()
        .args(["issue", "--link", "https://x/\u{1b}[2J{token}", "alice"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(!stdout.contains('\u{1b}'), "{stdout:?}");
    assert!(stdout.contains("https://x/\\u{1b}[2J"), "{stdout}");
    let cfg = env.config("[token]\nlink = \"https://x/\\u001b]0;pwned\\u0007?t={token}\"\n");
    for args in [vec!["issue", "bob"], vec!["doctor"]] {
        let out = env.cmd_with(&cfg).args(&args).output().unwrap();
        let stdout = String::from_utf8(out.stdout).unwrap();
        assert!(
            !stdout.contains('\u{1b}') && !stdout.contains('\u{7}'),
            "{args:?}: {stdout:?}"
        );
        assert!(stdout.contains("\\u{1b}]0;pwned"), "{args:?}: {stdout}");
    }
    // JSON carries the template as it is, encoded as JSON encodes it.
    let v = env.json_at(&cfg, None, &["issue", "carol"]);
    assert!(
        v["link"]
            .as_str()
            .unwrap()
            .starts_with("https://x/\u{1b}]0;pwned\u{7}?t=")
    );
}

#[test]
fn every_command_help_ends_with_two_or_three_examples() {
    let env = TestEnv::empty();
    for cmd in [
        "init",
        "issue",
        "inspect",
        "list",
        "revoke",
        "purge",
        "redeem",
        "audit",
        "completions",
    ] {
        let out = env.cmd().args([cmd, "--help"]).output().unwrap();
        assert!(out.status.success(), "{cmd}");
        let text = String::from_utf8(out.stdout).unwrap();
        let tail = text
            .split("Examples:")
            .nth(1)
            .unwrap_or_else(|| panic!("{cmd} --help has no examples"));
        let examples: Vec<&str> = tail.lines().filter(|l| !l.trim().is_empty()).collect();
        assert!((2..=3).contains(&examples.len()), "{cmd}: {examples:?}");
        assert!(
            examples.iter().all(|e| e.contains("resetctl ")),
            "{cmd}: {examples:?}"
        );
    }
    env.cmd()
        .arg("--version")
        .assert()
        .success()
        .stdout(concat!("resetctl ", env!("CARGO_PKG_VERSION"), "\n"));
}

#[test]
fn tables_fit_a_narrow_terminal() {
    let env = TestEnv::demo();
    env.conn()
        .execute("UPDATE users SET email = 'a.very.long.mailbox.name.for.testing@subdomain.example.com' WHERE id = 1", [])
        .unwrap();
    env.issue("1");
    env.issue("2");
    let out = std::process::Command::new(crate::common::tools::python())
        .arg(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/support/pty_run.py"
        ))
        .args(["--", crate::common::bin(), "--color", "never", "list"])
        .env("PTY_COLS", "60")
        .env("RESETCTL_DB", &env.db)
        .env("RESETCTL_NOW", crate::common::NOW)
        .output()
        .unwrap();
    let screen = String::from_utf8(out.stdout).unwrap();
    assert!(screen.contains("active"), "{screen}");
    for line in screen.lines() {
        assert!(
            line.chars().count() <= 60,
            "{} columns: {line:?}",
            line.chars().count()
        );
    }
    // A terminal that reports no width at all is not squeezed to zero columns.
    let out = std::process::Command::new(crate::common::tools::python())
        .arg(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/support/pty_run.py"
        ))
        .args(["--", crate::common::bin(), "--color", "never", "list"])
        .env("PTY_COLS", "0")
        .env("RESETCTL_DB", &env.db)
        .env("RESETCTL_NOW", crate::common::NOW)
        .output()
        .unwrap();
    let screen = String::from_utf8(out.stdout).unwrap();
    assert!(screen.contains("bob@example.com"), "{screen}");
    // Without a terminal nothing is wrapped: one line per user for scripts.
    let piped = String::from_utf8(env.cmd().arg("list").output().unwrap().stdout).unwrap();
    assert_eq!(piped.lines().count(), 3);
}

/// Reads a QR code drawn with Unicode half blocks (light modules filled)
/// back into its text, with an independent decoder.
fn decode_qr(drawing: &str) -> String {
    let rows: Vec<Vec<char>> = drawing.lines().map(|l| l.chars().collect()).collect();
    let (w, h) = (rows[0].len(), rows.len() * 2);
    const SCALE: usize = 4;
    let light = |x: usize, y: usize| {
        let c = rows[y / 2].get(x).copied().unwrap_or(' ');
        match (c, y % 2) {
            ('█', _) | ('▀', 0) | ('▄', 1) => 255u8,
            _ => 0,
        }
    };
    let mut img = rqrr::PreparedImage::prepare_from_greyscale(w * SCALE, h * SCALE, |x, y| {
        light(x / SCALE, y / SCALE)
    });
    let grids = img.detect_grids();
    assert_eq!(grids.len(), 1, "one QR code in:\n{drawing}");
    grids[0].decode().unwrap().1
}

on_every_engine! {
    fn qr_code_of_the_link_on_a_terminal_or_when_asked(backend) {
        let env = TestEnv::demo_on(backend);
        let out = env
            .cmd()
            .args(["issue", "--qr=always", "alice"])
            .output()
            .unwrap();
        let text = String::from_utf8(out.stdout).unwrap();
        let mut lines = text.lines();
        lines.next();
        let link = lines.next().unwrap().to_string();
        let drawing: String = lines.map(|l| format!("{l}\n")).collect();
        assert_eq!(decode_qr(&drawing), link, "the QR code holds the link");
        // --qr alone draws only on a terminal.
        let piped = String::from_utf8(
            env.cmd()
                .args(["issue", "--qr", "bob"])
                .output()
                .unwrap()
                .stdout,
        )
        .unwrap();
        assert_eq!(piped.lines().count(), 2, "{piped}");
        let (code, screen) = env.on_terminal(&[], &["issue", "--qr", "carol"]);
        assert_eq!(code, 0);
        assert!(screen.contains('█') && screen.contains('▀'), "{screen}");
        // Never inside JSON.
        let v = env
            .cmd()
            .args(["--json", "issue", "--qr=always", "carol"])
            .output()
            .unwrap();
        assert!(serde_json::from_slice::<serde_json::Value>(&v.stdout).is_ok());
    }
}
