//! The user list of `issue --from`: a file or stdin, comments and blank
//! lines, unknown users, and lines too long for a USER.

use std::io::Write;

use super::count;
use crate::common::{TestEnv, assert_one_line_error, json};
use crate::on_every_engine;

on_every_engine! {
    fn from_a_file_or_stdin_skips_comments_reports_unknown_users_and_keeps_the_rest(backend) {
        let env = TestEnv::with_users_on(20, backend);
        let list = env.path("users.txt");
        std::fs::write(
            &list,
            "# breach 2026-11\nu1\n\n  U2@EXAMPLE.COM  \nnobody@example.com\n3\nu1\n",
        )
        .unwrap();
        let out = env
            .cmd()
            .args(["--json", "issue", "--from"])
            .arg(&list)
            .output()
            .unwrap();
        assert_eq!(
            out.status.code(),
            Some(67),
            "an unknown user fails the run, not the others"
        );
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            stderr.contains("resetctl: warning: line 5: no user with email 'nobody@example.com'"),
            "{stderr}"
        );
        assert!(
            stderr.contains("Issued 3, skipped 1, failed 1."),
            "u1 listed twice keeps its first token: {stderr}"
        );
        assert!(
            stderr
                .trim_end()
                .ends_with("resetctl: error: 1 of 5 users failed; the others were kept"),
            "{stderr}"
        );
        let ids: Vec<i64> = String::from_utf8(out.stdout)
            .unwrap()
            .lines()
            .map(|l| json(l.as_bytes())["user"]["id"].as_i64().unwrap())
            .collect();
        assert_eq!(ids, [1, 2, 3]);
        assert_eq!(
            count(
                &env,
                "SELECT count(*) FROM users WHERE password_reset_token IS NOT NULL"
            ),
            3
        );

        let mut child = env
            .std_cmd()
            .args(["-q", "issue", "--from", "-"])
            .spawn()
            .unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(b"u10\nu11@example.com\n")
            .unwrap();
        let out = child.wait_with_output().unwrap();
        assert!(out.status.success());
        assert_eq!(
            String::from_utf8(out.stdout).unwrap().lines().count(),
            2,
            "-q: the links only"
        );
        assert!(out.stderr.is_empty());
        let out = env
            .cmd()
            .args(["issue", "--from", "missing.txt"])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(66));
        assert_one_line_error(&out.stderr, "the user list 'missing.txt' does not exist");
    }
}

on_every_engine! {
    fn an_overlong_line_in_the_list_is_one_failure_not_the_end(backend) {
        let env = TestEnv::with_users_on(3, backend);
        let list = format!("u1\n{}\nu2\n", "x".repeat(10_000));
        let out = env
            .cmd()
            .args(["issue", "--from", "-"])
            .write_stdin(list)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(65));
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            stderr.contains("resetctl: warning: line 2: too long for a USER"),
            "{stderr}"
        );
        assert!(
            stderr.contains("Issued 2, skipped 0, failed 1."),
            "{stderr}"
        );
        assert!(env.token_row(1).0.is_some() && env.token_row(2).0.is_some());
    }
}

#[test]
fn an_endless_user_list_line_costs_no_memory() {
    let env = TestEnv::demo();
    // 200 MB without a newline, then a real user, read from a pipe.
    let script = format!(
        "(head -c 200000000 /dev/zero | tr '\\0' x; printf '\\nbob\\n') | /usr/bin/time -f %M {} issue --from - --dry-run",
        crate::common::bin()
    );
    let out = env.sh(&script).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(65), "{stderr}");
    assert!(stderr.contains("line 1: too long for a USER"), "{stderr}");
    assert!(String::from_utf8_lossy(&out.stdout).contains("would issue 1, skip 0; 1 failed"));
    let peak_kib: u64 = stderr.lines().last().unwrap().trim().parse().unwrap();
    assert!(
        peak_kib < 30 * 1024,
        "peak RSS {peak_kib} KiB for a 200 MB line"
    );
}
