//! App env files resetctl cannot take: each fails with its exit code and
//! one line naming the file (and the line), never a value from it, and
//! the database is left as it was.

use std::path::Path;

use super::{bare, run, text, with_app_env};
use crate::common::{TestEnv, assert_one_line_error};

const PASSWORD: &str = "hunter2-Pa55";

/// Each command run with `file` fails with `code` and `says`; nothing in
/// the database changes.
#[track_caller]
fn refused(env: &TestEnv, file: &Path, code: i32, says: &str) {
    let before = env.bytes();
    for args in [&["issue", "u1"][..], &["doctor"], &["init"]] {
        let mut c = with_app_env(env, file);
        c.arg("--db").arg(&env.db);
        let out = run(c, args, code);
        assert_one_line_error(&out.stderr, says);
        assert!(
            !text(&out.stderr).contains(PASSWORD),
            "{}",
            text(&out.stderr)
        );
        assert_eq!(text(&out.stdout), "", "{args:?}");
    }
    assert_eq!(env.bytes(), before, "nothing changed");
    assert_eq!(env.token_row(1), (None, None));
}

#[test]
fn a_missing_file_or_a_directory_is_66() {
    let env = TestEnv::with_users(1);
    let missing = env.path("no-such.env");
    refused(
        &env,
        &missing,
        66,
        &format!("app env file {} does not exist", missing.display()),
    );
    let dir = env.path("app");
    std::fs::create_dir(&dir).unwrap();
    refused(
        &env,
        &dir,
        66,
        &format!("app env file {} is a directory", dir.display()),
    );
}

#[test]
fn a_syntax_error_is_78_naming_the_line_never_its_text() {
    let env = TestEnv::with_users(1);
    let file = env.path(".env");
    std::fs::write(
        &file,
        format!("APP_NAME=Shop\n# the database\nDB_PASSWORD={PASSWORD} and more\n"),
    )
    .unwrap();
    refused(
        &env,
        &file,
        78,
        &format!("app env file {}: line 3: ", file.display()),
    );
    // The same through RESETCTL_APP_ENV.
    let before = env.bytes();
    let mut c = bare(&env);
    c.arg("--db").arg(&env.db).env("RESETCTL_APP_ENV", &file);
    let out = run(c, &["issue", "u1"], 78);
    assert_one_line_error(&out.stderr, "line 3");
    assert!(!text(&out.stderr).contains(PASSWORD));
    assert_eq!(env.bytes(), before);
}

#[test]
fn a_connection_resetctl_does_not_read_is_78() {
    let env = TestEnv::with_users(1);
    let file = env.path(".env");
    std::fs::write(
        &file,
        format!("DB_CONNECTION=sqlsrv\nDB_HOST=db.internal\nDB_DATABASE=shop\nDB_USERNAME=sa\nDB_PASSWORD={PASSWORD}\n"),
    )
    .unwrap();
    refused(
        &env,
        &file,
        78,
        "DB_CONNECTION='sqlsrv' is not a connection resetctl reads",
    );
}
