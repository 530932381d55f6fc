//! Defects a hostile review found, one test each: flags that must not mix,
//! names that must not confuse a query, clocks, numbers and lines out of
//! range, and settings too weak to accept.

use crate::common::{APP_HASH, TestEnv, assert_one_line_error, json};

const PW: &str = "correct horse battery";

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

#[test]
fn no_query_confuses_an_app_table_or_column_with_the_audit_table() {
    // Table names a query might alias its own tables with, and columns named
    // as the audit table's are.
    let layouts = [
        (
            "a",
            "id",
            "username",
            "email",
            "password_hash",
            "password_reset_token",
            "password_reset_expires",
        ),
        (
            "u",
            "id",
            "username",
            "email",
            "password_hash",
            "password_reset_token",
            "password_reset_expires",
        ),
        (
            "t",
            "id",
            "username",
            "email",
            "password_hash",
            "password_reset_token",
            "password_reset_expires",
        ),
        (
            "A",
            "user_id",
            "actor",
            "subject",
            "password_check",
            "outcome",
            "expires",
        ),
        (
            "users",
            "id",
            "action",
            "detail",
            "password_check",
            "reason",
            "expires",
        ),
    ];
    for (table, id, username, email, password, token, expires) in layouts {
        let env = TestEnv::empty();
        env.conn()
            .execute_batch(&format!(
                "CREATE TABLE \"{table}\" ({id} INTEGER PRIMARY KEY, {username} TEXT UNIQUE, {email} TEXT UNIQUE, \
                 {password} TEXT, {token} TEXT, {expires} TEXT);
                 INSERT INTO \"{table}\" ({id}, {username}, {email}) VALUES (1, 'ann', 'ann@example.com'), (2, 'bob', 'bob@example.com');"
            ))
            .unwrap();
        let cfg = env.config(&format!(
            "[schema]\ntable = \"{table}\"\nid = \"{id}\"\nusername = \"{username}\"\nemail = \"{email}\"\n\
             password = \"{password}\"\ntoken = \"{token}\"\nexpires = \"{expires}\"\n"
        ));
        env.cmd_with(&cfg).arg("init").assert().success();
        // Audit row ids and user ids must differ, or a query comparing the
        // wrong columns could pass by chance.
        env.cmd_with(&cfg).args(["issue", "ann"]).assert().success();
        let out = env
            .cmd_with(&cfg)
            .args(["--json", "issue", "bob"])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{table}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let token_value = json(&out.stdout)["token"].as_str().unwrap().to_string();
        // The app changes bob's password: the token is dead everywhere.
        env.conn()
            .execute(
                &format!("UPDATE \"{table}\" SET {password} = ?1 WHERE {id} = 2"),
                [APP_HASH],
            )
            .unwrap();
        let v = env.json_at(&cfg, None, &["inspect", "bob"]);
        assert_eq!(v["password_changed_since_issue"], true, "{table}");
        assert_eq!(v["state"], "expired", "{table}");
        let out = env
            .cmd_with(&cfg)
            .args(["redeem", &token_value, "--password-stdin"])
            .write_stdin(format!("{PW}\n"))
            .output()
            .unwrap();
        assert_eq!(
            out.status.code(),
            Some(77),
            "{table}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let v = env.json_at(&cfg, None, &["purge"]);
        assert_eq!(v["purged"], 1, "{table}");
    }
    // The users table may not take resetctl's own prefix.
    let env = TestEnv::demo();
    let cfg = env.config("[schema]\ntable = \"resetctl_audit\"\n");
    let out = env.cmd_with(&cfg).arg("list").output().unwrap();
    assert_eq!(out.status.code(), Some(78));
    assert_one_line_error(
        &out.stderr,
        "schema.table: resetctl_audit is a name resetctl keeps",
    );
}

#[test]
fn no_enumerate_limits_every_spelling_of_a_name_alike() {
    let env = TestEnv::demo();
    let codes = |spellings: &[&str]| -> Vec<i32> {
        spellings
            .iter()
            .map(|u| {
                env.cmd()
                    .args(["issue", "--no-enumerate", u])
                    .output()
                    .unwrap()
                    .status
                    .code()
                    .unwrap()
            })
            .collect()
    };
    // bob is id 2; nobody is id 99: both reach the limit on the 4th.
    assert_eq!(codes(&["2", "02", "002", "0002"]), [0, 0, 0, 75]);
    assert_eq!(codes(&["99", "099", "0099", "00099"]), [0, 0, 0, 75]);
}

#[test]
fn no_enumerate_is_refused_for_bulk_runs() {
    let env = TestEnv::demo();
    std::fs::write(env.path("list.txt"), "alice\nnobody@example.com\n").unwrap();
    let before = env.bytes();
    for bulk in [&["--all"][..], &["--from", "list.txt"]] {
        let out = env
            .cmd()
            .args(["issue", "--no-enumerate"])
            .args(bulk)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{bulk:?}");
        assert_one_line_error(&out.stderr, "'--no-enumerate' cannot be used with");
        assert!(out.stdout.is_empty());
    }
    assert_eq!(env.bytes(), before);
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

#[test]
fn an_older_audit_table_is_refused_until_init_adds_the_new_columns() {
    let env = TestEnv::demo();
    env.issue("alice");
    // As a resetctl before these columns left it.
    env.conn()
        .execute_batch(
            "ALTER TABLE resetctl_audit DROP COLUMN real_at; ALTER TABLE resetctl_audit DROP COLUMN run;",
        )
        .unwrap();
    let out = env.cmd().arg("list").output().unwrap();
    assert_eq!(out.status.code(), Some(78));
    assert_one_line_error(
        &out.stderr,
        "resetctl_audit was made by an older resetctl and lacks the column real_at",
    );
    let out = env.cmd().arg("init").output().unwrap();
    assert!(out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stdout)
            .contains("Added columns real_at, run to resetctl_audit")
    );
    env.cmd().arg("list").assert().success();
    assert_eq!(
        env.audit().len(),
        3,
        "init, the issue, and the upgrade: nothing lost"
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
