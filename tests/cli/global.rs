//! Global options: where the database comes from, JSON, quiet, colour,
//! actor and reason, the settable clock, the error form.

use crate::common::{TestEnv, assert_one_line_error, bin};

#[test]
fn db_flag_wins_over_environment() {
    let env = TestEnv::demo();
    let other = env.path("elsewhere.db");
    env.cmd()
        .arg("--db")
        .arg(&other)
        .args(["init"])
        .assert()
        .success();
    // --db names the other file even though RESETCTL_DB names the demo.
    env.cmd()
        .arg("--db")
        .arg(&other)
        .args(["issue", "alice"])
        .assert()
        .code(67);
    env.cmd().args(["issue", "alice"]).assert().success();
}

#[test]
fn no_database_named_is_a_usage_error() {
    let env = TestEnv::demo();
    let out = env
        .cmd()
        .env_remove("RESETCTL_DB")
        .arg("list")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_one_line_error(&out.stderr, "no database given");
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("hint: pass --db PATH or set RESETCTL_DB")
    );
}

#[test]
fn resetctl_now_sets_the_clock_and_must_be_rfc3339() {
    let env = TestEnv::demo();
    env.cmd()
        .args(["issue", "alice"])
        .env("RESETCTL_NOW", "2030-01-01T00:00:00+01:00")
        .assert()
        .success();
    // 23:00Z plus the default hour.
    assert_eq!(env.token_row(1).1.as_deref(), Some("2030-01-01T00:00:00Z"));
    let before = env.bytes();
    let out = env
        .cmd()
        .args(["issue", "bob"])
        .env("RESETCTL_NOW", "tomorrow")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(78));
    assert_one_line_error(&out.stderr, "RESETCTL_NOW is not an RFC 3339 time");
    assert_eq!(env.bytes(), before);
}

#[test]
fn colour_only_when_asked_or_on_a_terminal_and_never_under_no_color() {
    let env = TestEnv::demo();
    env.issue("alice");
    let plain = env.cmd().arg("list").output().unwrap();
    assert!(!plain.stdout.contains(&0x1b));
    let forced = env
        .cmd()
        .args(["--color", "always", "list"])
        .output()
        .unwrap();
    assert!(
        forced.stdout.contains(&0x1b),
        "{}",
        String::from_utf8_lossy(&forced.stdout)
    );
    let (_, screen) = env.on_terminal(&[], &["list"]);
    assert!(
        screen.contains('\x1b'),
        "auto colours a terminal: {screen:?}"
    );
    let (_, screen) = env.on_terminal(&[], &["--color", "never", "list"]);
    assert!(!screen.contains('\x1b'), "{screen:?}");
    // NO_COLOR on a terminal.
    let out = std::process::Command::new("env")
        .arg("NO_COLOR=1")
        .arg(crate::common::tools::python())
        .arg(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/support/pty_run.py"
        ))
        .args(["--", bin(), "list"])
        .env("RESETCTL_DB", &env.db)
        .env("RESETCTL_NOW", crate::common::NOW)
        .output()
        .unwrap();
    let screen = String::from_utf8_lossy(&out.stdout);
    assert!(
        screen.contains("alice") && !screen.contains('\x1b'),
        "{screen:?}"
    );
}

#[test]
fn actor_defaults_to_sudo_user_then_user() {
    let env = TestEnv::demo();
    env.cmd().args(["issue", "alice"]).assert().success();
    env.cmd()
        .args(["issue", "bob"])
        .env("SUDO_USER", "admin")
        .assert()
        .success();
    env.cmd()
        .args(["--actor", "jane", "issue", "carol"])
        .env("SUDO_USER", "admin")
        .assert()
        .success();
    let actors: Vec<String> = env
        .audit()
        .into_iter()
        .filter(|r| r.action == "issue")
        .map(|r| r.actor)
        .collect();
    assert_eq!(actors, ["tester", "admin", "jane"]);
    env.cmd()
        .args(["--actor", "a\nb", "issue", "alice"])
        .assert()
        .code(2);
    env.cmd()
        .args(["--reason", &"r".repeat(5000), "issue", "alice"])
        .assert()
        .code(2);
}

#[test]
fn usage_errors_are_2() {
    let env = TestEnv::demo();
    env.cmd().args(["issue"]).assert().code(2);
    env.cmd().args(["frobnicate"]).assert().code(2);
    env.cmd().args(["list", "--bogus"]).assert().code(2);
    env.cmd().args(["revoke"]).assert().code(2);
    env.cmd()
        .args(["--version"])
        .assert()
        .success()
        .stdout(concat!("resetctl ", env!("CARGO_PKG_VERSION"), "\n"));
}

#[test]
fn usage_errors_take_the_same_one_line_form() {
    let env = TestEnv::demo();
    for (args, want) in [
        (&["frobnicate"][..], "unrecognized subcommand '…'"),
        (
            &["issue"],
            "the following required arguments were not provided: <USER|--all|--from <FILE>>",
        ),
        (
            &["list", "--color", "sometimes"],
            "invalid value '…' for '--color <WHEN>'",
        ),
    ] {
        let out = env.cmd().args(args).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert_one_line_error(&out.stderr, want);
    }
}
