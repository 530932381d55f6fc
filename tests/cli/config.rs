//! The config file: precedence, and every way it can be wrong (78, naming the
//! key), out of range or too weak, and who may read it.

use std::os::unix::fs::PermissionsExt;

use crate::common::{TestEnv, assert_one_line_error, json};

#[test]
fn flag_over_env_over_file_over_default() {
    let env = TestEnv::empty();
    for name in ["file.db", "env.db", "flag.db"] {
        env.cmd()
            .arg("--db")
            .arg(env.path(name))
            .args(["init", "--demo"])
            .assert()
            .success();
    }
    let config = env.config("database = \"file.db\"\n[token]\nttl = \"30m\"\nlink = \"https://app.test/r?token={token}\"\n");
    let issue_to =
        |cmd: &mut assert_cmd::Command, extra: &[&str], user: &str| -> serde_json::Value {
            let out = cmd
                .args(["--json", "issue"])
                .args(extra)
                .arg(user)
                .output()
                .unwrap();
            assert!(
                out.status.success(),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
            json(&out.stdout)
        };
    let issued_in = |name: &str| -> bool {
        rusqlite::Connection::open(env.path(name))
            .unwrap()
            .query_row(
                "SELECT password_reset_token IS NOT NULL FROM users WHERE id = 1",
                [],
                |r| r.get(0),
            )
            .unwrap()
    };
    // The file names the database (relative to the file) and sets ttl and link.
    let v = issue_to(
        env.cmd()
            .env_remove("RESETCTL_DB")
            .arg("--config")
            .arg(&config),
        &[],
        "alice",
    );
    assert!(issued_in("file.db") && !issued_in("env.db"));
    assert_eq!(v["expires_at"], "2026-11-21T10:30:00Z");
    assert!(
        v["link"]
            .as_str()
            .unwrap()
            .starts_with("https://app.test/r?token=")
    );
    // The environment beats the file; RESETCTL_CONFIG works like --config.
    issue_to(
        env.cmd()
            .env("RESETCTL_DB", env.path("env.db"))
            .env("RESETCTL_CONFIG", &config),
        &[],
        "alice",
    );
    assert!(issued_in("env.db") && !issued_in("flag.db"));
    // The flag beats both, and flags beat the file's settings.
    let v = issue_to(
        env.cmd()
            .env("RESETCTL_DB", env.path("env.db"))
            .arg("--config")
            .arg(&config)
            .arg("--db")
            .arg(env.path("flag.db")),
        &["--ttl", "2h", "--link", "https://flag.test/{token}"],
        "alice",
    );
    assert!(issued_in("flag.db"));
    assert_eq!(v["expires_at"], "2026-11-21T12:00:00Z");
    assert!(
        v["link"]
            .as_str()
            .unwrap()
            .starts_with("https://flag.test/")
    );
    // No file: defaults.
    let v = issue_to(env.cmd().env("RESETCTL_DB", env.path("env.db")), &[], "bob");
    assert_eq!(v["expires_at"], "2026-11-21T11:00:00Z");
    assert!(
        v["link"]
            .as_str()
            .unwrap()
            .starts_with("https://example.com/reset-password?token=")
    );
}

#[test]
fn every_mistake_is_78_naming_the_key_and_changes_nothing() {
    let env = TestEnv::demo();
    let before = env.bytes();
    let cases = [
        ("[schema]\ntabel = \"users\"\n", "schema.tabel"),
        ("[schema]\ntabel = \"users\"\n", "unknown field `tabel`"),
        ("colour = true\n", "unknown field `colour`"),
        ("[smtp]\nhost = \"x\"\n", "unknown field `smtp`"),
        (
            "[schema]\ntable = \"users; DROP TABLE users\"\n",
            "schema.table = 'users; DROP TABLE users' is not a valid SQL identifier",
        ),
        ("[schema]\nemail = \"e-mail\"\n", "schema.email"),
        (
            "[schema]\ntoken = \"password_hash\"\n",
            "schema.password and schema.token both name the column password_hash",
        ),
        (
            "[schema]\nexpires_format = \"iso\"\n",
            "schema.expires_format: 'iso' is not one of rfc3339, sqlite, unix, unix_ms",
        ),
        (
            "[schema]\ntoken_storage = \"md5\"\n",
            "schema.token_storage",
        ),
        (
            "busy_timeout = \"soon\"\n",
            "busy_timeout: malformed duration",
        ),
        (
            "[token]\nttl = \"8d\"\n",
            "token.ttl: must be more than 0s and at most 7d",
        ),
        ("[token]\nmax_ttl = 7\n", "(token.max_ttl)"),
        (
            "[token]\nlink = \"https://x.test/\"\n",
            "token.link: the link 'https://x.test/' has no {token} placeholder",
        ),
        ("[limits]\nissue = \"three per hour\"\n", "limits.issue"),
        (
            "[password]\nmin_length = \"eight\"\n",
            "(password.min_length)",
        ),
        (
            "[password]\nmin_length = 0\n",
            "password.min_length: must be at least 1",
        ),
        ("[password]\nmax_length = 4\n", "password.max_length"),
        ("[password]\nformat = \"md5\"\n", "password.format"),
        (
            "[password]\nbcrypt = { cost = 3 }\n",
            "password.bcrypt.cost: 3 is out of bounds (4..=31)",
        ),
        (
            "[password]\nbcrypt = { prefix = \"2x\" }\n",
            "password.bcrypt.prefix: '2x' is not one of 2a, 2b, 2y",
        ),
        (
            "[password]\npbkdf2 = { iterations = 1000 }\n",
            "password.pbkdf2.iterations: 1000 is out of bounds",
        ),
        (
            "[password]\nargon2 = { m_cost = 1024 }\n",
            "password.argon2.m_cost: 1024 is out of bounds",
        ),
        (
            "[password]\nargon2 = { t_cost = 0 }\n",
            "password.argon2.t_cost",
        ),
        (
            "[password]\nargon2 = { q_cost = 1 }\n",
            "unknown field `q_cost`",
        ),
        ("[email]\ntimeout = \"a while\"\n", "email.timeout"),
        ("this is not toml\n", "line 1"),
    ];
    for (text, want) in cases {
        let config = env.config(text);
        let out = env
            .cmd_with(&config)
            .args(["issue", "alice"])
            .output()
            .unwrap();
        assert_eq!(
            out.status.code(),
            Some(78),
            "{text}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert_one_line_error(&out.stderr, want);
        assert!(out.stdout.is_empty());
    }
    assert_eq!(env.bytes(), before);
}

#[test]
fn missing_config_file_is_66() {
    let env = TestEnv::demo();
    let out = env
        .cmd()
        .args(["--config", "nope.toml", "list"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(66));
    assert_one_line_error(&out.stderr, "config file nope.toml does not exist");
}

#[test]
fn smtp_credentials_readable_by_others_draw_a_warning() {
    let env = TestEnv::demo();
    let config = env.config("[email]\ntransport = \"smtp://mailer:s3cret@mail.example.com:587\"\n");
    let quiet = env.cmd_with(&config).arg("list").output().unwrap();
    assert!(quiet.status.success());
    assert!(
        quiet.stderr.is_empty(),
        "0600 is fine: {}",
        String::from_utf8_lossy(&quiet.stderr)
    );
    for mode in [0o644, 0o640, 0o604] {
        std::fs::set_permissions(&config, std::fs::Permissions::from_mode(mode)).unwrap();
        let out = env.cmd_with(&config).arg("list").output().unwrap();
        assert!(out.status.success());
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            stderr.starts_with("resetctl: warning: ") && stderr.contains("holds SMTP credentials"),
            "{mode:o}: {stderr}"
        );
        assert!(
            !stderr.contains("s3cret"),
            "the warning never shows the password"
        );
    }
    // Without credentials in it, a readable file is fine.
    let plain = env.config("[email]\ntransport = \"smtp://localhost:25\"\n");
    std::fs::set_permissions(&plain, std::fs::Permissions::from_mode(0o644)).unwrap();
    let out = env.cmd_with(&plain).arg("list").output().unwrap();
    assert!(out.stderr.is_empty());
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
