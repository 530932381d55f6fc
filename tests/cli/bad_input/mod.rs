//! What a tired operator or a broken cron job may throw at it: a one-line
//! error, the documented exit code, and a database left byte for byte as it was.

mod corpus;

use std::os::unix::fs::PermissionsExt;

use crate::common::{TestEnv, assert_one_line_error};

#[test]
fn missing_database_is_66_and_not_created() {
    let env = TestEnv::empty();
    for args in [
        &["list"][..],
        &["issue", "alice"],
        &["redeem", "-", "--password-stdin"],
    ] {
        let out = env
            .cmd()
            .args(args)
            .write_stdin(format!("{}\npassword123\n", "a".repeat(64)))
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(66), "{args:?}");
        assert_one_line_error(&out.stderr, "does not exist");
        assert!(!env.db.exists(), "{args:?} must not create the file");
    }
}

#[test]
fn directory_as_database_is_74() {
    let env = TestEnv::empty();
    std::fs::create_dir(&env.db).unwrap();
    for args in [&["list"][..], &["init"], &["issue", "alice"]] {
        let out = env.cmd().args(args).output().unwrap();
        assert_eq!(out.status.code(), Some(74), "{args:?}");
        assert_one_line_error(&out.stderr, "is a directory");
    }
}

#[test]
fn junk_or_truncated_file_is_74_and_untouched() {
    let env = TestEnv::demo();
    let real = env.bytes();
    for (name, bytes) in [
        (
            "junk",
            b"this is not a database, it is a shopping list\n".repeat(200),
        ),
        ("truncated", real[..real.len() / 2].to_vec()),
        ("zeros", vec![0u8; 8192]),
    ] {
        std::fs::write(&env.db, &bytes).unwrap();
        for args in [&["list"][..], &["issue", "alice"], &["init"], &["purge"]] {
            let out = env.cmd().args(args).output().unwrap();
            let code = out.status.code();
            // A zeroed file is an empty database to SQLite: then the schema is missing (78).
            let want = if name == "zeros" { [74, 78] } else { [74, 74] };
            assert!(
                want.contains(&code.unwrap()),
                "{name} {args:?}: {code:?} {}",
                String::from_utf8_lossy(&out.stderr)
            );
            assert_one_line_error(&out.stderr, "");
            assert_eq!(
                std::fs::read(&env.db).unwrap(),
                bytes,
                "{name} {args:?} changed the file"
            );
        }
    }
}

#[test]
fn missing_column_is_78_with_a_hint_to_run_init() {
    let env = TestEnv::empty();
    env.conn()
        .execute_batch(
            "CREATE TABLE users (id INTEGER PRIMARY KEY, username TEXT, email TEXT, password_hash TEXT);
             INSERT INTO users (username, email) VALUES ('alice', 'alice@example.com');",
        )
        .unwrap();
    let before = env.bytes();
    for args in [&["issue", "alice"][..], &["list"], &["inspect", "alice"]] {
        let out = env.cmd().args(args).output().unwrap();
        assert_eq!(out.status.code(), Some(78), "{args:?}");
        assert_one_line_error(
            &out.stderr,
            "table users has no column password_reset_token",
        );
        assert!(
            String::from_utf8_lossy(&out.stderr).contains("hint: run: resetctl --db"),
            "{args:?}"
        );
    }
    assert_eq!(env.bytes(), before);
    let empty = TestEnv::empty();
    std::fs::write(&empty.db, b"").unwrap();
    let out = empty.cmd().arg("list").output().unwrap();
    assert_eq!(out.status.code(), Some(78));
    assert_one_line_error(&out.stderr, "has no table users");
}

#[test]
fn malformed_tokens_are_65() {
    let env = TestEnv::demo();
    env.issue("alice");
    let before = env.bytes();
    let full = "0123456789abcdef".repeat(4);
    for bad in [
        &full[..40],
        &format!("{full}0"),
        &format!("{}g", &full[..63]),
        "",
        "https://example.com/reset-password?token=",
        "'; DROP TABLE users; --",
    ] {
        let out = env
            .cmd()
            .args(["redeem", bad, "--password-stdin"])
            .write_stdin("password123\n")
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(65), "{bad:?}");
        assert_one_line_error(&out.stderr, "malformed reset token");
        if bad.len() > 3 {
            assert!(
                !String::from_utf8_lossy(&out.stderr).contains(bad),
                "the token is not echoed"
            );
        }
    }
    assert_eq!(env.bytes(), before);
}

#[test]
fn sql_ish_and_overlong_user_strings_are_just_unknown_users() {
    let env = TestEnv::demo();
    env.issue("alice");
    let before = env.bytes();
    let long = "x".repeat(100_000);
    for user in [
        "alice' OR '1'='1",
        "' OR 1=1 --",
        "alice\"; DROP TABLE users; --",
        "%",
        "_lice",
        "1 OR 1=1",
        "Ａｌｉｃｅ",
        "alice\u{202e}",
        &long,
        "99999999999999999999999",
    ] {
        for cmd in ["issue", "revoke", "inspect"] {
            let out = env.cmd().args([cmd, user]).output().unwrap();
            assert_eq!(out.status.code(), Some(67), "{cmd} {user:.40}");
            assert_one_line_error(&out.stderr, "no user with");
            assert!(
                out.stderr.len() < 400,
                "the error stays short: {}",
                out.stderr.len()
            );
        }
    }
    assert_eq!(env.bytes(), before);
    let users: i64 = env
        .conn()
        .query_row("SELECT count(*) FROM users", [], |r| r.get(0))
        .unwrap();
    assert_eq!(users, 3);
}

#[test]
fn huge_and_empty_stdin_for_password_or_token() {
    let env = TestEnv::demo();
    let token = env.issue("alice");
    let before = env.bytes();
    let huge = vec![b'p'; 2 << 20];
    let out = env
        .cmd()
        .args(["redeem", &token, "--password-stdin"])
        .write_stdin(huge.clone())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(65));
    assert_one_line_error(&out.stderr, "the password is too long");
    let out = env
        .cmd()
        .args(["redeem", "-", "--password-stdin"])
        .write_stdin(huge)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(65));
    assert_one_line_error(&out.stderr, "malformed reset token");
    for args in [
        &["redeem", &token, "--password-stdin"][..],
        &["redeem", "-", "--password-stdin"],
    ] {
        let out = env.cmd().args(args).write_stdin("").output().unwrap();
        assert_eq!(out.status.code(), Some(65), "{args:?}");
        assert_one_line_error(&out.stderr, "standard input");
    }
    let binary: Vec<u8> = (0..=255u8)
        .cycle()
        .take(5000)
        .filter(|b| *b != b'\n')
        .collect();
    let out = env
        .cmd()
        .args(["redeem", &token, "--password-stdin"])
        .write_stdin(binary)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(65));
    assert_one_line_error(&out.stderr, "");
    assert_eq!(env.bytes(), before);
}

#[test]
fn read_only_database_is_74() {
    let env = TestEnv::demo();
    env.issue("alice");
    std::fs::set_permissions(&env.db, std::fs::Permissions::from_mode(0o444)).unwrap();
    std::fs::set_permissions(env.dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    let before = env.bytes();
    // Permissions do not bind root: run as nobody then.
    let as_nobody = |args: &[&str]| {
        let root = std::fs::OpenOptions::new()
            .write(true)
            .open(&env.db)
            .is_ok();
        let mut c = if root {
            let mut c = assert_cmd::Command::new("setpriv");
            c.args([
                "--reuid=65534",
                "--regid=65534",
                "--clear-groups",
                crate::common::bin(),
            ]);
            c
        } else {
            assert_cmd::Command::new(crate::common::bin())
        };
        c.env("RESETCTL_DB", &env.db)
            .env("RESETCTL_NOW", crate::common::NOW)
            .env("USER", "tester")
            .args(args);
        c.output().unwrap()
    };
    let out = as_nobody(&["issue", "bob"]);
    assert_eq!(
        out.status.code(),
        Some(74),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_one_line_error(&out.stderr, "is read-only");
    let out = as_nobody(&["list"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "reading still works: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("alice"));
    assert_eq!(env.bytes(), before);
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
