//! The command line's edges: help that showed the environment's secrets,
//! usage and config errors that echoed them, a password scheme chosen by
//! rows without passwords, and files a read-only command left behind.

use crate::common::verifiers::{Verifier, accepts};
use crate::common::{Backend, TestEnv, assert_one_line_error};
use crate::on_both_engines;

const DB_PASSWORD: &str = "Db-Pa55word-7f3c";
const CONFIG_SECRET: &str = "Cfg-Secret-91ab";

// Proves --help (top level and subcommands) names env variables, never their values.
#[test]
fn help_names_environment_variables_without_their_values() {
    let env = TestEnv::demo();
    for args in [&["--help"][..], &["issue", "--help"], &["redeem", "--help"]] {
        let out = env
            .cmd()
            .env(
                "RESETCTL_DB",
                format!("postgres://app:{DB_PASSWORD}@db.internal/app"),
            )
            .env("RESETCTL_CONFIG", format!("/etc/{CONFIG_SECRET}.toml"))
            .args(args)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{args:?}");
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(!text.contains(DB_PASSWORD), "{args:?}:\n{text}");
        assert!(!text.contains(CONFIG_SECRET), "{args:?}:\n{text}");
        assert!(text.contains("RESETCTL_DB"), "{args:?}:\n{text}");
        assert!(text.contains("RESETCTL_CONFIG"), "{args:?}:\n{text}");
    }
}

// Proves a usage error never echoes what was typed, yet names the CLI's own flags.
#[test]
fn usage_errors_never_echo_what_was_typed() {
    let env = TestEnv::demo();
    let token = env.issue("alice");
    let before = env.bytes();
    let devise = "-Zx3abcdefghijklmnop";
    let cases: [(&[&str], &str, &str); 10] = [
        (&["redeem", &token, &token], &token, "unexpected argument"),
        (&["inspect", "alice", &token], &token, "unexpected argument"),
        (
            &["inspect", "--token", &token, "bob", &token],
            &token,
            "unexpected argument",
        ),
        (
            &["redeem", "--password=hunter2x", &token],
            "hunter2x",
            "unexpected argument",
        ),
        (
            &["issue", "--by", "nosuch", "alice"],
            "nosuch",
            "'--by <BY>'",
        ),
        (&["inspect", devise], "-Z", "unexpected argument"),
        (&["revoke", devise], "-Z", "unexpected argument"),
        (&["isue", "alice"], "isue", "unrecognized subcommand"),
        (
            &["--color", "sometimes", "list"],
            "sometimes",
            "'--color <WHEN>'",
        ),
        (&["list", "--colr=never"], "colr", "unexpected argument"),
    ];
    for (args, secret, shown) in cases {
        let out = env.cmd().args(args).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert_one_line_error(&out.stderr, shown);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!stderr.contains(secret), "{args:?}:\n{stderr}");
        assert!(!stderr.contains(&token), "{args:?}:\n{stderr}");
        assert!(stderr.contains("not shown"), "{args:?}:\n{stderr}");
        assert!(out.stdout.is_empty(), "{args:?}");
    }
    // The words that help stay: a similar flag, the choices, the usage.
    let out = env.cmd().args(["list", "--colr=never"]).output().unwrap();
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("hint: a similar argument exists: '--color'")
    );
    let out = env
        .cmd()
        .args(["--color", "sometimes", "list"])
        .output()
        .unwrap();
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("[possible values: auto, always, never]")
    );
    let out = env.cmd().args(["redeem", &token, &token]).output().unwrap();
    assert!(
        String::from_utf8_lossy(&out.stderr)
            .contains("hint: usage: resetctl redeem [OPTIONS] <TOKEN>")
    );
    // A token given as the USER of `inspect --token` is refused by resetctl
    // itself (65), without echo, as any token where a USER belongs.
    let out = env
        .cmd()
        .args(["inspect", "--token", &token, &token])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(65));
    assert_one_line_error(&out.stderr, "not a user");
    assert!(!String::from_utf8_lossy(&out.stderr).contains(&token));
    assert_eq!(env.bytes(), before);
}

// Proves a config error on a secret-bearing or unknown key names it, never its value.
#[test]
fn config_errors_never_quote_a_secret_value() {
    let env = TestEnv::demo();
    let before = env.bytes();
    let cases = [
        (
            "[django]\nsecret_key_fallbacks = \"FALLBACK-SECRET\"\n",
            "FALLBACK-SECRET",
            "(django.secret_key_fallbacks): invalid type: string, expected a sequence",
        ),
        (
            "[django]\nsecret_key_fallbacks = [918273645]\n",
            "918273645",
            "(django.secret_key_fallbacks): invalid type: integer, expected a string",
        ),
        (
            "[django]\nsecret_key_fallbacks = [\n  \"old-key\",\n  918273645,\n]\n",
            "918273645",
            "line 4 (django.secret_key_fallbacks)",
        ),
        (
            "[django]\nsecret_key = 918273645\n",
            "918273645",
            "(django.secret_key): invalid type: integer, expected a string",
        ),
        (
            "django = {\n  secret_key = 918273645,\n}\n",
            "918273645",
            "(django.secret_key)",
        ),
        (
            "django = \"DJANGO-SECRET\"\n",
            "DJANGO-SECRET",
            "(django): invalid type: string",
        ),
        (
            "[devise]\nsecret_key_base = 918273645\n",
            "918273645",
            "(devise.secret_key_base)",
        ),
        (
            "[devise]\npepper = 918.273645\n",
            "918.273645",
            "(devise.pepper)",
        ),
        (
            "database = 918273645\n",
            "918273645",
            "(database): invalid type: integer",
        ),
        (
            "[email]\ntransport = 918273645\n",
            "918273645",
            "(email.transport)",
        ),
        // Syntax errors on a secret's line: an unterminated string, a bad
        // escape, a multi-line string never closed, text after the value.
        (
            "[django]\nsecret_key = \"SECRET-abc\n",
            "SECRET-abc",
            "(django.secret_key): invalid basic string",
        ),
        (
            "[django]\nsecret_key = \"SECRET-\\qabc\"\n",
            "SECRET-",
            "(django.secret_key): missing escaped value",
        ),
        (
            "[email]\ntransport = \"\"\"smtp://u:SECRET-pw@mail\nport = 25\n",
            "SECRET-pw",
            "(email.transport)",
        ),
        (
            "[django]\nsecret_key = \"SECRET-\\\"x\" tail\n",
            "SECRET-",
            "(django.secret_key): unexpected key or value",
        ),
    ];
    for (config, secret, want) in cases {
        let cfg = env.config(config);
        let out = env.cmd_with(&cfg).arg("list").output().unwrap();
        assert_eq!(out.status.code(), Some(78), "{config}");
        assert_one_line_error(&out.stderr, want);
        for stream in [&out.stdout, &out.stderr] {
            let text = String::from_utf8_lossy(stream);
            assert!(!text.contains(secret), "{config}:\n{text}");
        }
    }
    // Other keys keep their words, value and all.
    let cfg = env.config("[password]\nmin_length = \"eight\"\n");
    let out = env.cmd_with(&cfg).arg("list").output().unwrap();
    assert_eq!(out.status.code(), Some(78));
    assert_one_line_error(
        &out.stderr,
        "line 2 (password.min_length): invalid type: string \"eight\", expected usize",
    );
    assert_eq!(env.bytes(), before);
}

/// A real hash of "the app password", as a bcrypt app stores it.
const BCRYPT_2B_10: &str = "$2b$10$qR/W.2v7dlfXGUUmGXPxC.427QHBNqSDG69YJfhTnUs4Sm2OBSJUu";
const NEW_PASSWORD: &str = "correct horse battery staple";

/// 500 bcrypt users, then 1,000 newer ones whose password column holds
/// `newer` (SQL for each row's value: NULL, '' or a `!` marker).
fn bcrypt_app_with_newer_users(backend: Backend, newer: &str) -> TestEnv {
    let env = TestEnv::with_users_on(1_500, backend);
    env.sql(&format!(
        "UPDATE users SET password_hash = '{BCRYPT_2B_10}' WHERE id <= 500;
         UPDATE users SET password_hash = {newer} WHERE id > 500;"
    ));
    env
}

on_both_engines! {
    // Proves auto samples the newest users with a hash: newer ones without keep bcrypt.
    fn auto_passes_over_newest_users_without_a_password(backend) {
        for newer in [
            "NULL",
            "CASE WHEN id % 2 = 0 THEN '' ELSE '!Kq3x9unusable' || id END",
        ] {
            let env = bcrypt_app_with_newer_users(backend, newer);
            let out = env.cmd().arg("doctor").output().unwrap();
            let text = String::from_utf8_lossy(&out.stdout);
            assert_eq!(out.status.code(), Some(0), "{newer}: {text}");
            assert!(
                text.contains(
                    "redeem writes bcrypt ($2b$, cost 10) (format = auto, from the 500 newest users with a password: 500 bcrypt"
                ),
                "{newer}:\n{text}"
            );
            let doctor = env.json(&["doctor"]);
            assert_eq!(doctor["password"]["writes"], "bcrypt", "{newer}");
            assert_eq!(doctor["password"]["sample"]["hashes"], serde_json::json!({"bcrypt": 500}));

            let token = env.issue("u1");
            let out = env
                .cmd()
                .args(["redeem", &token, "--password-stdin"])
                .write_stdin(format!("{NEW_PASSWORD}\n"))
                .output()
                .unwrap();
            assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
            let hash = env.password_hash(1).unwrap();
            assert!(hash.starts_with("$2b$10$"), "{newer}: {hash}");
            assert!(accepts(Verifier::PythonBcrypt, &hash, NEW_PASSWORD), "{hash}");
            assert!(!accepts(Verifier::PythonBcrypt, &hash, "the app password"));
            assert_eq!(env.token_row(1), (None, None), "the token is used up");
            // Nobody else's password moved.
            assert_eq!(
                env.value(&format!(
                    "SELECT count(*) FROM users WHERE id > 1 AND id <= 500 AND password_hash = '{BCRYPT_2B_10}'"
                )),
                Some("499".into())
            );
            assert_eq!(
                env.value("SELECT count(*) FROM users WHERE id > 500 AND password_hash LIKE '$2%'"),
                Some("0".into())
            );
        }
    }
}

/// The demo database, with a token for alice, switched to WAL and closed:
/// no `-wal` or `-shm` file beside it.
fn wal_database() -> (TestEnv, String) {
    let env = TestEnv::demo();
    let token = env.issue("alice");
    let conn = env.conn();
    let mode: String = conn
        .query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))
        .unwrap();
    assert_eq!(mode, "wal");
    drop(conn);
    assert_eq!(beside(&env), Vec::<String>::new());
    (env, token)
}

/// The `-wal` and `-shm` files beside the database.
fn beside(env: &TestEnv) -> Vec<String> {
    ["-wal", "-shm"]
        .iter()
        .map(|s| format!("users.db{s}"))
        .filter(|name| env.path(name).exists())
        .collect()
}

// Proves read-only commands leave no -wal/-shm beside a WAL database, bytes unchanged.
#[test]
fn read_only_commands_leave_no_wal_or_shm_files() {
    let (env, token) = wal_database();
    let before = env.bytes();
    let cases: [(&[&str], &str); 5] = [
        (&["doctor"], "journal mode wal"),
        (&["list"], "alice"),
        (&["inspect", "alice"], "active"),
        (&["inspect", "--token", &token], "alice"),
        (&["audit"], "issue"),
    ];
    for (args, shown) in cases {
        let out = env.cmd().args(args).output().unwrap();
        assert_eq!(
            out.status.code(),
            Some(0),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(
            String::from_utf8_lossy(&out.stdout).contains(shown),
            "{args:?}"
        );
        assert_eq!(beside(&env), Vec::<String>::new(), "{args:?} left them");
        assert_eq!(env.bytes(), before, "{args:?} changed the database");
    }
    // Still WAL, and the token still works.
    assert_eq!(env.value("PRAGMA journal_mode"), Some("wal".into()));
    assert!(env.token_row(1).0.is_some());
}

// Proves a WAL database whose file cannot be written is still listed, unchanged.
#[test]
fn a_read_only_wal_database_is_still_listed() {
    use std::os::unix::fs::PermissionsExt;
    let (env, _token) = wal_database();
    let before = env.bytes();
    std::fs::set_permissions(&env.db, std::fs::Permissions::from_mode(0o400)).unwrap();
    // Permissions do not bind root: run as nobody then, the file nobody's.
    // The directory stays writable, as a WAL reader needs for its `-shm`.
    let root = std::fs::OpenOptions::new()
        .write(true)
        .open(&env.db)
        .is_ok();
    if root {
        std::os::unix::fs::chown(&env.db, Some(65534), Some(65534)).unwrap();
    }
    std::fs::set_permissions(env.dir.path(), std::fs::Permissions::from_mode(0o777)).unwrap();
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
    let out = c
        .env("RESETCTL_DB", &env.db)
        .env("RESETCTL_NOW", crate::common::NOW)
        .env("USER", "tester")
        .arg("list")
        .output()
        .unwrap();
    std::fs::set_permissions(env.dir.path(), std::fs::Permissions::from_mode(0o700)).unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("alice"));
    assert_eq!(env.bytes(), before);
}
