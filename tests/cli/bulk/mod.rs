//! Bulk issue: --all and --from, streaming in batches, resuming, dry runs,
//! the flags only a bulk run takes, and sending with one reused connection.

mod lists;
mod stops;

use std::time::{Duration, Instant};

use crate::common::smtp::SmtpServer;
use crate::common::{TestEnv, assert_one_line_error, json, sha256_hex};
use crate::on_every_engine;

const PW: &str = "correct horse battery";

fn count(env: &TestEnv, sql: &str) -> i64 {
    env.value(sql).unwrap().parse().unwrap()
}

#[test]
fn all_on_ten_thousand_users_streams_json_lines() {
    let env = TestEnv::with_users(10_000);
    let out = env
        .cmd()
        .args(["--json", "--reason", "INC-1", "issue", "--all"])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "Issued 10000, skipped 0, failed 0.\n",
        "no progress bar off a terminal"
    );
    let stdout = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<serde_json::Value> = stdout.lines().map(|l| json(l.as_bytes())).collect();
    assert_eq!(lines.len(), 10_000);
    assert_eq!(lines[0]["user"]["id"], 1);
    assert_eq!(lines[9_999]["user"]["id"], 10_000);
    // Every line's token is what that user's row holds.
    let conn = env.conn();
    for v in lines.iter().step_by(997) {
        let stored: String = conn
            .query_row(
                "SELECT password_reset_token FROM users WHERE id = ?1",
                [v["user"]["id"].as_i64().unwrap()],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(stored, sha256_hex(v["token"].as_str().unwrap()));
    }
    let distinct: std::collections::HashSet<&str> =
        lines.iter().map(|v| v["token"].as_str().unwrap()).collect();
    assert_eq!(distinct.len(), 10_000);
    assert_eq!(
        count(
            &env,
            "SELECT count(*) FROM users WHERE password_reset_token IS NOT NULL AND password_reset_expires = '2026-11-21T11:00:00Z'"
        ),
        10_000
    );
    assert_eq!(
        count(
            &env,
            "SELECT count(*) FROM resetctl_audit WHERE action = 'issue' AND reason = 'INC-1'"
        ),
        10_000
    );
}

on_every_engine! {
    fn dry_run_only_counts_and_skip_active_resumes(backend) {
        let env = TestEnv::with_users_on(1_200, backend);
        env.cmd()
            .args(["issue", "--from", "-"])
            .write_stdin("u1\nu2\nu3\n")
            .assert()
            .success();
        let before = env.bytes();
        let out = env
            .cmd()
            .args(["issue", "--all", "--skip-active", "--dry-run"])
            .output()
            .unwrap();
        assert!(out.status.success());
        assert_eq!(
            String::from_utf8(out.stdout).unwrap(),
            "Dry run: would issue 1197, skip 3; 0 failed.\n"
        );
        assert_eq!(env.bytes(), before, "a dry run writes nothing");
        let v = env.json(&["issue", "--all", "--dry-run"]);
        assert_eq!(
            v,
            serde_json::json!({"dry_run": true, "issued": 1200, "skipped": 0, "failed": 0})
        );
        let first_tokens: Vec<String> = (1..=3).map(|id| env.token_row(id).0.unwrap()).collect();
        let out = env
            .cmd()
            .args(["issue", "--all", "--skip-active"])
            .output()
            .unwrap();
        assert!(out.status.success());
        assert!(String::from_utf8_lossy(&out.stderr).contains("Issued 1197, skipped 3, failed 0."));
        let kept: Vec<String> = (1..=3).map(|id| env.token_row(id).0.unwrap()).collect();
        assert_eq!(kept, first_tokens, "live tokens were left alone");
        assert_eq!(
            count(
                &env,
                "SELECT count(*) FROM users WHERE password_reset_token IS NOT NULL"
            ),
            1_200
        );
    }
}

on_every_engine! {
    fn send_reuses_one_connection_paces_and_lists_failures(backend) {
        let env = TestEnv::with_users_on(12, backend);
        let server = SmtpServer::start(env.dir.path(), &["--reject", "u7@example.com"]);
        let cfg = env.config(&format!(
            "[email]\nfrom = \"Support <support@example.com>\"\ntransport = \"smtp://127.0.0.1:{}\"\n",
            server.port
        ));
        let started = Instant::now();
        let out = env
            .cmd_with(&cfg)
            .args(["--json", "issue", "--all", "--send", "--rate", "40/s"])
            .output()
            .unwrap();
        let took = started.elapsed();
        assert_eq!(
            out.status.code(),
            Some(69),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains("resetctl: warning: could not send the reset link to u***@example.com: permanent failure"), "{stderr}");
        assert!(
            stderr.contains("Issued 11, skipped 0, failed 1."),
            "{stderr}"
        );
        assert_eq!(server.messages().len(), 11);
        let connections = std::fs::read_to_string(env.dir.path().join("connections")).unwrap();
        // One connection carries every message; lettre drops a connection after
        // a refused recipient, so the refusal costs exactly one reconnect.
        assert_eq!(
            connections, "2",
            "one SMTP connection, replaced once after the refusal"
        );
        assert!(
            took >= Duration::from_millis(11 * 1000 / 40),
            "paced at 40/s: {took:?}"
        );
        assert_eq!(
            env.token_row(7),
            (None, None),
            "no token was stored for the failed user"
        );
        assert!(env.token_row(8).0.is_some(), "the others were kept");
        let lines: Vec<serde_json::Value> = String::from_utf8(out.stdout)
            .unwrap()
            .lines()
            .map(|l| json(l.as_bytes()))
            .collect();
        assert_eq!(lines.len(), 12);
        assert_eq!(lines[6]["sent"], false);
        assert!(
            lines.iter().all(|v| v.get("token").is_none()),
            "no token without --print"
        );
        // Resuming sends to the failed user only (the others hold delivered tokens).
        let second = SmtpServer::start(&env.path("second"), &[]);
        let ok = env.config(&format!(
            "[email]\nfrom = \"Support <support@example.com>\"\ntransport = \"smtp://127.0.0.1:{}\"\n",
            second.port
        ));
        let out = env
            .cmd_with(&ok)
            .args(["issue", "--all", "--send", "--skip-active"])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(String::from_utf8_lossy(&out.stderr).contains("Issued 1, skipped 11, failed 0."));
        assert_eq!(
            second.messages()[0].header("To"),
            Some("u7 <u7@example.com>")
        );
    }
}

on_every_engine! {
    fn bulk_flags_are_checked(backend) {
        let env = TestEnv::with_users_on(3, backend);
        for (args, code) in [
            (&["issue", "--all", "u1"][..], 2),
            (&["issue", "--all", "--from", "x"], 2),
            (&["issue", "--all", "--rate", "5/s"], 2),
            (&["issue", "--all", "--send", "--rate", "fast"], 65),
            (&["issue", "u1", "--batch", "5"], 2),
            (&["issue", "--all", "--batch", "0"], 2),
            (&["issue", "--all", "--batch", "2000000"], 2),
        ] {
            let out = env.cmd().args(args).output().unwrap();
            assert_eq!(
                out.status.code(),
                Some(code),
                "{args:?}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        assert_eq!(
            count(
                &env,
                "SELECT count(*) FROM users WHERE password_reset_token IS NOT NULL"
            ),
            0,
            "nothing issued"
        );
    }
}

#[test]
fn bulk_only_flags_with_users_are_2_and_change_nothing() {
    let env = TestEnv::demo();
    let token = env.issue("alice");
    let before = env.bytes();
    for extra in [
        &["--dry-run"][..],
        &["--skip-active"],
        &["--batch", "5"],
        &["--send", "--rate", "5/s"],
    ] {
        let out = env
            .cmd()
            .args(["issue", "alice"])
            .args(extra)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{extra:?}");
        assert_one_line_error(&out.stderr, "--all");
        assert_eq!(env.bytes(), before, "{extra:?} changed nothing");
    }
    // alice's token still works.
    env.cmd()
        .args(["redeem", &token, "--password-stdin"])
        .write_stdin(format!("{PW}\n"))
        .assert()
        .success();
}

on_every_engine! {
    fn any_batch_size_gives_the_same_tokens_output_and_audit(backend) {
        let env = TestEnv::with_users_on(20, backend);
        // With batches of 2, u1 comes back within its own batch and in later ones.
        let out = env
            .cmd()
            .args(["--json", "issue", "--batch", "2", "--from", "-"])
            .write_stdin("u1\nu1\nu2\nu3\nu4\nu1\n")
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0));
        assert_eq!(
            String::from_utf8_lossy(&out.stderr),
            "Issued 4, skipped 2, failed 0.\n"
        );
        let lines: Vec<serde_json::Value> = String::from_utf8(out.stdout)
            .unwrap()
            .lines()
            .map(|l| json(l.as_bytes()))
            .collect();
        let ids: Vec<i64> = lines
            .iter()
            .map(|v| v["user"]["id"].as_i64().unwrap())
            .collect();
        assert_eq!(ids, [1, 2, 3, 4], "in list order, u1 once");
        for v in &lines {
            let (stored, _) = env.token_row(v["user"]["id"].as_i64().unwrap());
            assert_eq!(stored.unwrap(), sha256_hex(v["token"].as_str().unwrap()));
        }
        assert_eq!(
            count(
                &env,
                "SELECT count(*) FROM resetctl_audit WHERE action = 'issue'"
            ),
            4
        );

        // --all in batches of 7 (7 + 7 + 6): every user once, in id order,
        // each holding the token printed for them.
        let out = env
            .cmd()
            .args(["--json", "issue", "--all", "--batch", "7"])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0));
        let lines: Vec<serde_json::Value> = String::from_utf8(out.stdout)
            .unwrap()
            .lines()
            .map(|l| json(l.as_bytes()))
            .collect();
        let ids: Vec<i64> = lines
            .iter()
            .map(|v| v["user"]["id"].as_i64().unwrap())
            .collect();
        assert_eq!(ids, (1..=20).collect::<Vec<i64>>());
        for v in &lines {
            let (stored, _) = env.token_row(v["user"]["id"].as_i64().unwrap());
            assert_eq!(stored.unwrap(), sha256_hex(v["token"].as_str().unwrap()));
        }
        assert_eq!(
            count(
                &env,
                "SELECT count(*) FROM resetctl_audit WHERE action = 'issue' AND user_id > 4"
            ),
            16,
            "one audit row per user of the run"
        );
        assert_eq!(
            count(
                &env,
                "SELECT count(*) FROM resetctl_audit WHERE action = 'issue' AND user_id <= 4"
            ),
            8,
            "the list's four, then the run's"
        );
    }
}

/// A bulk run hands its tokens out in the order of the token index, so
/// each batch writes one stretch of that index: the digests of one
/// batch's users all sort before the next batch's. Random tokens would
/// spread every batch over the whole index.
#[test]
fn each_batch_writes_its_own_stretch_of_the_token_index() {
    let env = TestEnv::with_users(3_000);
    let out = env
        .cmd()
        .args(["--json", "issue", "--all", "--batch", "1000"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let printed: std::collections::HashMap<i64, String> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| {
            let v = json(l.as_bytes());
            let token = v["token"].as_str().unwrap().to_string();
            (v["user"]["id"].as_i64().unwrap(), token)
        })
        .collect();
    assert_eq!(printed.len(), 3_000);
    let conn = env.conn();
    let mut stmt = conn
        .prepare("SELECT id, password_reset_token FROM users ORDER BY id")
        .unwrap();
    let rows: Vec<(i64, String)> = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    for (id, stored) in &rows {
        assert_eq!(stored, &sha256_hex(&printed[id]), "user {id}");
    }
    let stretches: Vec<(&str, &str)> = rows
        .chunks(1000)
        .map(|batch| {
            let leads = batch.iter().map(|(_, s)| &s[..4]);
            (leads.clone().min().unwrap(), leads.max().unwrap())
        })
        .collect();
    assert!(
        stretches[0].0 < "1000" && stretches[2].1 > "f000",
        "{stretches:?}"
    );
    for pair in stretches.windows(2) {
        assert!(pair[0].1 <= pair[1].0, "batches overlap: {stretches:?}");
    }
    let distinct: std::collections::HashSet<&String> = printed.values().collect();
    assert_eq!(distinct.len(), 3_000);
}
