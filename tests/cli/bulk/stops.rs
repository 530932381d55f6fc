//! A bulk run that stops part way: killed, interrupted, or its links not
//! written; whole batches only, no live token whose link was not shown,
//! and a resume that finishes.

use std::time::{Duration, Instant};

use super::count;
use crate::common::TestEnv;

#[test]
fn a_kill_9_mid_run_leaves_whole_pairs_and_a_resume_finishes() {
    let env = TestEnv::with_users(60_000);
    let mut child = env
        .std_cmd()
        .args(["--json", "issue", "--all", "--batch", "5000"])
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // Wait for the first batches to commit, then kill without warning.
    let reader = env.conn();
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let done: i64 = reader
            .query_row(
                "SELECT count(*) FROM resetctl_audit WHERE action = 'issue'",
                [],
                |r| r.get(0),
            )
            .unwrap_or(0);
        if done >= 1_000 || Instant::now() > deadline {
            break;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    child.kill().unwrap();
    let status = child.wait().unwrap();
    drop(reader);
    let issued = count(
        &env,
        "SELECT count(*) FROM users WHERE password_reset_token IS NOT NULL",
    );
    assert!(status.code().is_none(), "killed by a signal, not finished");
    assert!(
        issued > 0 && issued < 60_000,
        "killed mid-run: {issued} issued"
    );
    let integrity: String = env
        .conn()
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(integrity, "ok");
    assert_eq!(
        count(
            &env,
            "SELECT count(*) FROM users WHERE (password_reset_token IS NULL) <> (password_reset_expires IS NULL)"
        ),
        0,
        "no token without its expiry, nor the reverse"
    );
    assert_eq!(issued % 5000, 0, "whole batches only");
    assert_eq!(
        count(
            &env,
            "SELECT count(*) FROM resetctl_audit WHERE action = 'issue'"
        ),
        issued,
        "every token has its audit row"
    );
    let out = env
        .std_cmd()
        .args(["issue", "--all", "--skip-active"])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains(&format!(
            "Issued {}, skipped {issued}, failed 0.",
            60_000 - issued
        )),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        count(
            &env,
            "SELECT count(*) FROM users WHERE password_reset_token IS NOT NULL"
        ),
        60_000
    );
}

#[test]
fn bulk_links_that_cannot_be_written_take_their_tokens_back() {
    let env = TestEnv::with_users(500);
    let out = env
        .sh(&format!(
            "{} issue --all --batch 100 > /dev/full",
            crate::common::bin()
        ))
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(74),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let holding = |env: &TestEnv| -> i64 {
        env.conn()
            .query_row(
                "SELECT count(*) FROM users WHERE password_reset_token IS NOT NULL",
                [],
                |r| r.get(0),
            )
            .unwrap()
    };
    assert_eq!(holding(&env), 0, "no token whose link was not written");
    // A reader that stops early: only links it read may stay live.
    let script = format!(
        "{} issue --all --batch 100 | head -n 250 > shown.txt; echo ${{PIPESTATUS[0]}} > code",
        crate::common::bin()
    );
    assert!(env.sh(&script).status().unwrap().success());
    assert_eq!(
        std::fs::read_to_string(env.path("code")).unwrap().trim(),
        "74"
    );
    let shown = std::fs::read_to_string(env.path("shown.txt")).unwrap();
    let conn = env.conn();
    let mut stmt = conn
        .prepare("SELECT password_reset_token FROM users WHERE password_reset_token IS NOT NULL")
        .unwrap();
    let live: Vec<String> = stmt
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    for stored in &live {
        assert!(
            shown
                .lines()
                .filter_map(|l| l.split("token=").nth(1))
                .any(|t| crate::common::sha256_hex(t) == *stored),
            "a live token whose link was never read"
        );
    }
    // A resume issues to exactly the users who hold nothing.
    let before = holding(&env);
    let out = env
        .cmd()
        .args(["--json", "issue", "--all", "--skip-active"])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_eq!(
        String::from_utf8(out.stdout).unwrap().lines().count() as i64,
        500 - before
    );
    assert_eq!(holding(&env), 500);
}

#[test]
fn sigint_stops_a_bulk_run_between_batches_with_130() {
    use std::io::BufRead;
    let env = TestEnv::with_users(3000);
    let mut child = env
        .std_cmd()
        .args(["--json", "issue", "--all", "--batch", "100"])
        .spawn()
        .unwrap();
    // Let a few batches through, then interrupt.
    let mut stdout = std::io::BufReader::new(child.stdout.take().unwrap());
    let mut lines = Vec::new();
    let mut line = String::new();
    while lines.len() < 250 && stdout.read_line(&mut line).unwrap() > 0 {
        lines.push(std::mem::take(&mut line));
    }
    std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    let rest = std::io::read_to_string(stdout).unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(130));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("; stopped before the rest."), "{stderr}");
    assert!(stderr.contains("stopped by SIGINT"), "{stderr}");
    let printed = lines.len() + rest.lines().count();
    let holding: i64 = env
        .conn()
        .query_row(
            "SELECT count(*) FROM users WHERE password_reset_token IS NOT NULL",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(
        holding as usize, printed,
        "every stored token's link was printed"
    );
    assert!(
        holding % 100 == 0 && holding < 3000,
        "whole batches: {holding}"
    );
}
