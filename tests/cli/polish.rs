//! What people see: help that ends with examples, tables that fit the
//! terminal, bulk counts on big tables.

use crate::common::TestEnv;

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

#[test]
fn revoke_all_and_purge_count_on_a_big_table() {
    let env = TestEnv::empty();
    env.cmd().arg("init").assert().success();
    // 200,000 users; every other one holds a token, half of those expired.
    env.conn()
        .execute_batch(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 200000)
             INSERT INTO users (id, username, email, password_reset_token, password_reset_expires)
             SELECT i, 'u' || i, 'u' || i || '@example.com',
                    CASE WHEN i % 2 = 0 THEN lower(hex(randomblob(32))) END,
                    CASE WHEN i % 4 = 0 THEN '2026-11-21T09:00:00Z' WHEN i % 2 = 0 THEN '2026-11-21 12:00:00' END
             FROM n;",
        )
        .unwrap();
    let v = env.json(&["purge"]);
    assert_eq!(v, serde_json::json!({"purged": 50_000}));
    env.cmd()
        .args(["revoke", "--all", "--yes"])
        .assert()
        .success()
        .stdout("Revoked 50000 reset tokens.\n");
    let left: i64 = env
        .conn()
        .query_row(
            "SELECT count(*) FROM users WHERE password_reset_token IS NOT NULL",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(left, 0);
    let audit: Vec<String> = env.audit().into_iter().filter_map(|r| r.detail).collect();
    assert!(
        audit.contains(&"50000 expired tokens (older than 0s)".to_string()),
        "{audit:?}"
    );
    assert!(audit.contains(&"all: 50000 tokens".to_string()));
}
