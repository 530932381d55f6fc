//! `audit`: the trail of who did what, filtered, newest first, no secrets,
//! and the real time beside a clock set by RESETCTL_NOW.

use crate::common::{TestEnv, json, sha256_hex};
use crate::on_every_engine;

fn trail(env: &TestEnv, args: &[&str]) -> Vec<serde_json::Value> {
    let out = env
        .cmd()
        .arg("--json")
        .arg("audit")
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    json(&out.stdout).as_array().unwrap().clone()
}

on_every_engine! {
    fn records_who_what_when_and_why_newest_first(backend) {
        let env = TestEnv::demo_on(backend);
        let token = env.issue("alice");
        env.cmd()
            .args(["redeem", &token, "--password-stdin"])
            .env("SUDO_USER", "root-via-sudo")
            .env("RESETCTL_NOW", "2026-11-21T10:10:00Z")
            .write_stdin("new password 1\n")
            .assert()
            .success();
        env.cmd()
            .args([
                "--actor", "ops-bot", "--reason", "INC-9", "revoke", "--all", "--yes",
            ])
            .assert()
            .success();
        let rows = trail(&env, &[]);
        let summary: Vec<(&str, &str, &str)> = rows
            .iter()
            .map(|r| {
                (
                    r["action"].as_str().unwrap(),
                    r["actor"].as_str().unwrap(),
                    r["at"].as_str().unwrap(),
                )
            })
            .collect();
        assert_eq!(
            summary,
            [
                ("redeem", "root-via-sudo", "2026-11-21T10:10:00Z"),
                ("issue", "tester", "2026-11-21T10:00:00Z"),
                ("init", "tester", "2026-11-21T10:00:00Z"),
            ],
            "revoke --all with nothing to revoke is not a change"
        );
        let text = serde_json::to_string(&rows).unwrap();
        assert!(!text.contains(&token) && !text.contains(&sha256_hex(&token)));
        assert!(!text.contains("new password 1"));
        assert!(!env.all_text().contains("new password 1"));
    }
}

on_every_engine! {
    fn filters_by_user_action_since_and_limit(backend) {
        let env = TestEnv::demo_on(backend);
        env.issue("alice");
        env.issue("bob");
        env.cmd()
            .args(["revoke", "bob"])
            .env("RESETCTL_NOW", "2026-11-21T12:00:00Z")
            .assert()
            .success();
        let bob = trail(&env, &["--user", "bob@example.com"]);
        assert_eq!(bob.len(), 2);
        assert!(bob.iter().all(|r| r["user_id"] == 2));
        let issues = trail(&env, &["--action", "issue"]);
        assert_eq!(issues.len(), 2);
        let recent = trail(&env, &["--since", "2026-11-21T11:00:00Z"]);
        assert_eq!(recent.len(), 1);
        assert_eq!(recent[0]["action"], "revoke");
        let out = env
            .cmd()
            .args(["--json", "audit", "--since", "90m"])
            .env("RESETCTL_NOW", "2026-11-21T12:30:00Z")
            .output()
            .unwrap();
        let recent = json(&out.stdout);
        assert_eq!(
            recent.as_array().unwrap().len(),
            1,
            "90m before 12:30 leaves only the 12:00 revoke"
        );
        assert_eq!(trail(&env, &["--limit", "1"]).len(), 1);
        assert_eq!(trail(&env, &["--limit", "0"]).len(), 4);
        env.cmd()
            .args(["audit", "--action", "explode"])
            .assert()
            .code(2);
        env.cmd()
            .args(["audit", "--since", "yesterday-ish"])
            .assert()
            .code(65);
    }
}

on_every_engine! {
    fn human_table(backend) {
        let env = TestEnv::demo_on(backend);
        env.cmd()
            .args(["--reason", "T-7", "issue", "carol"])
            .assert()
            .success();
        let out = env.cmd().args(["audit", "--limit", "1"]).output().unwrap();
        let text = String::from_utf8(out.stdout).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 2, "{text}");
        assert!(lines[0].split_whitespace().eq([
            "AT", "ACTOR", "ACTION", "OUTCOME", "USER", "DETAIL", "REASON"
        ]));
        for cell in [
            "2026-11-21T10:00:00Z",
            "tester",
            "issue",
            "ok",
            "carol <carol@example.com>",
            "T-7",
        ] {
            assert!(lines[1].contains(cell), "{cell} in {text}");
        }
    }
}

#[test]
fn a_deleted_users_trail_is_found_by_name_email_or_id() {
    let env = TestEnv::demo();
    env.issue("bob");
    env.conn()
        .execute("DELETE FROM users WHERE id = 2", [])
        .unwrap();
    for user in ["bob", "BOB@example.com", "2"] {
        let rows = trail(&env, &["--user", user]);
        assert_eq!(rows.len(), 1, "{user}");
        assert_eq!(rows[0]["subject"], "bob <bob@example.com>");
    }
    // Not "bo" nor a LIKE pattern.
    for user in ["bo", "%", "b_b"] {
        let out = env.cmd().args(["audit", "--user", user]).output().unwrap();
        assert_eq!(out.status.code(), Some(67), "{user}");
        crate::common::assert_one_line_error(&out.stderr, "no user and no audit entries");
    }
}

on_every_engine! {
    fn since_wants_a_unit(backend) {
        let env = TestEnv::demo_on(backend);
        let out = env.cmd().args(["audit", "--since", "24"]).output().unwrap();
        assert_eq!(out.status.code(), Some(65));
        crate::common::assert_one_line_error(&out.stderr, "--since '24': not a time or a duration");
        assert_eq!(trail(&env, &["--since", "2026-11-21 09:00:00"]).len(), 1);
    }
}

#[test]
fn a_set_clock_is_recorded_beside_the_real_time_and_shown() {
    let env = TestEnv::demo();
    env.issue("alice");
    let (real_at, at): (Option<String>, String) = env
        .conn()
        .query_row(
            "SELECT real_at, at FROM resetctl_audit WHERE action = 'issue'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(at, crate::common::NOW);
    let real_at = real_at.expect("the real time is recorded");
    let real = chrono::DateTime::parse_from_rfc3339(&real_at).unwrap();
    assert!(
        (chrono::Utc::now() - real.to_utc()).num_seconds().abs() < 60,
        "{real_at} is the system clock"
    );
    let out = String::from_utf8(
        env.cmd()
            .args(["inspect", "alice"])
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap();
    assert!(
        out.contains(&format!(
            "the clock was set by RESETCTL_NOW, real time {real_at}"
        )),
        "{out}"
    );
    let out = String::from_utf8(env.cmd().arg("audit").output().unwrap().stdout).unwrap();
    assert!(out.contains("(clock set; real"), "{out}");
    let v = env.json(&["audit"]);
    assert_eq!(v[0]["real_at"], real_at.as_str());
    // Without RESETCTL_NOW, nothing is marked.
    env.cmd()
        .env_remove("RESETCTL_NOW")
        .args(["issue", "bob"])
        .assert()
        .success();
    let real_at: Option<String> = env
        .conn()
        .query_row(
            "SELECT real_at FROM resetctl_audit ORDER BY id DESC LIMIT 1",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(real_at, None);
}
