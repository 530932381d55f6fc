//! Defects of input a hostile review found: numbers, ids, lines, files and
//! settings out of any sensible range, each now a documented exit code and
//! never a panic, a hang or a signal.

use crate::common::{TestEnv, assert_one_line_error, json};

#[test]
fn integer_expiries_are_read_by_magnitude_and_absurd_ones_count_as_expired() {
    let env = TestEnv::demo();
    for user in ["alice", "bob", "carol"] {
        env.issue(user);
    }
    // 2020-01-01 in microseconds (long past), 2026-11-21T11:00 in
    // microseconds and nanoseconds (in an hour), and a number no unit
    // makes a date of.
    for (id, cell) in [
        (1, 1_577_836_800_000_000i64),
        (2, 1_795_258_800_000_000),
        (3, 1_795_258_800_000_000_000),
    ] {
        env.conn()
            .execute(
                "UPDATE users SET password_reset_expires = ?1 WHERE id = ?2",
                rusqlite::params![cell, id],
            )
            .unwrap();
    }
    let state = |user: &str| env.json(&["inspect", user]);
    assert_eq!(state("alice")["state"], "expired");
    assert_eq!(state("alice")["expires_at"], "2020-01-01T00:00:00Z");
    assert_eq!(state("bob")["state"], "active");
    assert_eq!(state("carol")["expires_at"], "2026-11-21T11:00:00Z");
    env.conn()
        .execute(
            "UPDATE users SET password_reset_expires = 99999999999 WHERE id = 3",
            [],
        )
        .unwrap();
    let v = state("carol");
    assert_eq!(
        (v["state"].as_str(), v["expires_at"].as_str()),
        (Some("expired"), None)
    );
}

#[test]
fn ids_that_are_not_integers_are_left_out_and_named_never_70() {
    let env = TestEnv::empty();
    env.conn()
        .execute_batch(
            "CREATE TABLE users (id BIGINT PRIMARY KEY, username TEXT UNIQUE, email TEXT UNIQUE, \
             password_hash TEXT, password_reset_token TEXT, password_reset_expires TEXT);
             INSERT INTO users (id, username, email) VALUES (1, 'ann', 'ann@example.com'), \
             (2, 'bob', 'bob@example.com'), ('x7', 'tex', 'tex@example.com'), \
             (NULL, 'nul', 'nul@example.com'), (2.5, 'flo', 'flo@example.com');",
        )
        .unwrap();
    env.cmd().arg("init").assert().success();
    env.conn()
        .execute(
            "UPDATE users SET password_reset_token = 'x', password_reset_expires = '2026-11-21T11:00:00Z' \
             WHERE username IN ('tex', 'nul', 'ann')",
            [],
        )
        .unwrap();
    let out = env.cmd().args(["--json", "list"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(json(&out.stdout).as_array().unwrap().len(), 1, "ann only");
    assert!(
        String::from_utf8_lossy(&out.stderr)
            .contains("2 row(s) holding a reset token have an id that is not an integer")
    );
    let out = env.cmd().args(["inspect", "tex"]).output().unwrap();
    assert_eq!(out.status.code(), Some(78));
    assert_one_line_error(&out.stderr, "id = 'x7' in users, not an integer id");
    let out = env
        .cmd()
        .args(["--json", "issue", "--all"])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(78),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("3 user(s) have an id that is not an integer and are left out"),
        "{stderr}"
    );
    assert!(
        stderr.contains("Issued 2, skipped 0, failed 3."),
        "{stderr}"
    );
    assert_eq!(String::from_utf8(out.stdout).unwrap().lines().count(), 2);
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

#[test]
fn durations_and_rates_out_of_range_are_errors_not_panics() {
    let env = TestEnv::demo();
    let before = env.bytes();
    for (config, want) in [
        (
            "busy_timeout = \"25d\"\n",
            "busy_timeout: must be from 0s to 1h",
        ),
        (
            "[email]\ntimeout = \"0s\"\n",
            "email.timeout: must be from 1s to 1h",
        ),
    ] {
        let cfg = env.config(config);
        let out = env.cmd_with(&cfg).arg("list").output().unwrap();
        assert_eq!(out.status.code(), Some(78), "{config}");
        assert_one_line_error(&out.stderr, want);
    }
    for rate in ["1e-20/s", "0/s", "inf", "NaN"] {
        let out = env
            .cmd()
            .args(["issue", "--all", "--send", "--rate", rate])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(65), "{rate}");
        assert_one_line_error(&out.stderr, "not a rate from 0.01/s to 10000/s");
    }
    assert_eq!(env.bytes(), before);
}

#[test]
fn audit_retention_keeps_what_live_tokens_need() {
    let env = TestEnv::demo();
    let cfg = env.config("[token]\nmax_ttl = \"30d\"\n");
    let at = |t: &str| {
        let mut c = env.cmd_with(&cfg);
        c.env("RESETCTL_NOW", t);
        c
    };
    // A year ago: a token to bob, redeemed.
    let old = json(
        &at("2025-11-21T10:00:00Z")
            .args(["--json", "issue", "bob"])
            .output()
            .unwrap()
            .stdout,
    )["token"]
        .as_str()
        .unwrap()
        .to_string();
    at("2025-11-21T10:10:00Z")
        .args(["redeem", &old, "--password-stdin"])
        .write_stdin("correct horse battery\n")
        .assert()
        .success();
    // Ten days ago: a two-week token to alice, still alive.
    at("2026-11-11T10:00:00Z")
        .args(["issue", "alice", "--ttl", "14d"])
        .assert()
        .success();
    let before = env.audit();
    assert_eq!(
        env.json_at(&cfg, None, &["purge", "--audit-older-than", "1d"]),
        serde_json::json!({"purged": 0, "audit_deleted": 1})
    );
    let after = env.audit();
    // Gone: bob's year-old redeem. Kept: each user's newest issue (alice's
    // ten days old, bob's a year old), and the purge's own entry.
    assert!(!after.iter().any(|r| r.action == "redeem"));
    assert_eq!(after.len(), before.len() - 1 + 1);
    assert!(
        after
            .iter()
            .any(|r| r.action == "issue" && r.user_id == Some(1))
    );
    // So the check on a password changed by the app still works for alice.
    env.conn()
        .execute(
            "UPDATE users SET password_hash = ?1 WHERE id = 1",
            [crate::common::APP_HASH],
        )
        .unwrap();
    let v = env.json_at(&cfg, None, &["inspect", "alice"]);
    assert_eq!(v["password_changed_since_issue"], true);
    assert_eq!(v["state"], "expired");
    // Nothing from inside the rate-limit window goes, whatever is asked:
    // the issue just made is what the limit counts.
    env.issue("carol");
    assert_eq!(
        env.json_at(&cfg, None, &["purge", "--audit-older-than", "1s"])["audit_deleted"],
        0
    );
}

#[test]
fn a_bom_a_fifo_and_a_file_size_limit_are_handled() {
    let env = TestEnv::demo();
    // A list saved with a byte-order mark: its first line is a user.
    std::fs::write(env.path("list.txt"), "\u{feff}alice\nbob\n").unwrap();
    let out = env
        .cmd()
        .args(["issue", "--from", "list.txt", "--dry-run"])
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        "Dry run: would issue 2, skip 0; 0 failed."
    );
    // A FIFO named as the database: refused at once, never waited on.
    let fifo = env.path("pipe.db");
    assert!(
        std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    let started = std::time::Instant::now();
    let out = env
        .cmd()
        .env("RESETCTL_DB", &fifo)
        .arg("list")
        .output()
        .unwrap();
    assert!(started.elapsed() < std::time::Duration::from_secs(5));
    assert_eq!(out.status.code(), Some(74));
    assert_one_line_error(&out.stderr, "is not a regular file");
    // A file-size limit below the database's size: a write error (74), not
    // death by SIGXFSZ, and nothing half-written.
    let before = env.bytes();
    let out = env
        .command("prlimit")
        .arg("--fsize=1024")
        .arg(crate::common::bin())
        .args(["issue", "alice"])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(74),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(env.bytes(), before);
}

#[test]
fn weak_settings_are_refused_or_warned_about() {
    let env = TestEnv::demo();
    let cfg = env.config("[password]\nargon2 = { m_cost = 7168, t_cost = 1 }\n");
    let out = env.cmd_with(&cfg).arg("list").output().unwrap();
    assert_eq!(out.status.code(), Some(78));
    assert_one_line_error(
        &out.stderr,
        "password.argon2: m_cost = 7168 with t_cost = 1 is weaker than OWASP's weakest setting: 7168 KiB needs t_cost 5",
    );
    let cfg = env.config("[password]\nargon2 = { m_cost = 7168, t_cost = 5 }\n");
    assert!(
        env.cmd_with(&cfg)
            .arg("list")
            .output()
            .unwrap()
            .status
            .success()
    );
    let cfg = env.config("[password]\nmin_length = 4\n");
    let out = env.cmd_with(&cfg).arg("list").output().unwrap();
    assert!(out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr)
            .contains("warning: password.min_length = 4 is below 8")
    );
}

#[test]
fn a_config_only_group_can_write_draws_no_warning() {
    use std::os::unix::fs::PermissionsExt;
    let env = TestEnv::demo();
    let cfg = env.config("[email]\ntransport = \"smtp://u:s3cret@mail.example.com\"\n");
    std::fs::set_permissions(&cfg, std::fs::Permissions::from_mode(0o620)).unwrap();
    let out = env.cmd_with(&cfg).arg("list").output().unwrap();
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
