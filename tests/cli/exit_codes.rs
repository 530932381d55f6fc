//! The README's table of exit codes, row by row: each code, reached the way
//! a user would reach it, with a one-line error and the database unchanged.
//! 69 (email) is reached in email/, 130 in bulk/stops.rs, and 70 is
//! a bug by definition; all are pinned by the unit test of the mapping in
//! src/error.rs.

use crate::common::{TestEnv, assert_one_line_error};

struct Case {
    code: i32,
    args: &'static [&'static str],
    stdin: &'static str,
    message: &'static str,
}

const EXPIRED_AT: &str = "2026-11-22T00:00:00Z";

#[test]
fn every_reachable_row_of_the_table() {
    let cases = [
        Case {
            code: 2,
            args: &["issue", "--frobnicate", "alice"],
            stdin: "",
            message: "unexpected argument",
        },
        Case {
            code: 65,
            args: &["issue", "--ttl", "forever", "alice"],
            stdin: "",
            message: "malformed duration",
        },
        Case {
            code: 65,
            args: &["redeem", "-", "--password-stdin"],
            stdin: "abc\n",
            message: "malformed reset token",
        },
        Case {
            code: 67,
            args: &["issue", "nobody@example.com"],
            stdin: "",
            message: "no user with email",
        },
        Case {
            code: 77,
            args: &["redeem", "-", "--password-stdin"],
            stdin: "TOKEN\npassword123\n",
            message: "reset token expired",
        },
    ];
    for case in cases {
        let env = TestEnv::demo();
        let token = env.issue("alice");
        let before_users = env.conn().query_row("SELECT group_concat(coalesce(password_hash,'') || coalesce(password_reset_token,''), '|') FROM users", [], |r| r.get::<_, String>(0)).unwrap();
        let before = env.bytes();
        let out = env
            .cmd()
            .args(case.args)
            .env("RESETCTL_NOW", EXPIRED_AT)
            .write_stdin(case.stdin.replace("TOKEN", &token))
            .output()
            .unwrap();
        assert_eq!(
            out.status.code(),
            Some(case.code),
            "{:?}: {}",
            case.args,
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(out.stdout.is_empty(), "{:?}", case.args);
        assert_one_line_error(&out.stderr, case.message);
        if case.code == 77 {
            // The refused redeem is audited, and that is all that changed.
            let after_users = env.conn().query_row("SELECT group_concat(coalesce(password_hash,'') || coalesce(password_reset_token,''), '|') FROM users", [], |r| r.get::<_, String>(0)).unwrap();
            assert_eq!(after_users, before_users);
            assert_eq!(env.audit().last().unwrap().outcome, "rejected");
        } else {
            assert_eq!(env.bytes(), before, "{:?}", case.args);
        }
    }
}

#[test]
fn database_rows() {
    // 66: no file.
    let env = TestEnv::empty();
    let out = env.cmd().arg("list").output().unwrap();
    assert_eq!(out.status.code(), Some(66));
    assert_one_line_error(&out.stderr, "does not exist");
    // 74: not a database.
    std::fs::write(&env.db, b"not sqlite").unwrap();
    let out = env.cmd().arg("list").output().unwrap();
    assert_eq!(out.status.code(), Some(74));
    assert_one_line_error(&out.stderr, "is not a SQLite database");
    // 78: no table.
    std::fs::remove_file(&env.db).unwrap();
    env.conn()
        .execute_batch("CREATE TABLE accounts (id INTEGER PRIMARY KEY)")
        .unwrap();
    let out = env.cmd().arg("list").output().unwrap();
    assert_eq!(out.status.code(), Some(78));
    assert_one_line_error(&out.stderr, "has no table users");
}

#[test]
fn locked_past_busy_timeout_is_75() {
    let env = TestEnv::demo();
    let before = env.bytes();
    let app = env.conn();
    app.execute_batch("BEGIN EXCLUSIVE").unwrap();
    let out = env.cmd().args(["issue", "alice"]).output().unwrap();
    app.execute_batch("ROLLBACK").unwrap();
    assert_eq!(out.status.code(), Some(75));
    assert_one_line_error(&out.stderr, "locked");
    assert_eq!(env.bytes(), before);
}
