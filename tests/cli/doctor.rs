//! `doctor`: the whole picture at once, the first problem's exit code, one
//! error line per problem, and the database never changed.

use crate::common::smtp::SmtpServer;
use crate::common::{TestEnv, closed_port, json};

const BCRYPT_2Y_12: &str = "$2y$12$bm3gOixEGNh6VoBTzwefHuC/ptfunPVinvowXh1Oquu/mOqtDi6gi";

/// Runs doctor with a config file, returning (code, stdout, stderr), and
/// checks the database is byte for byte what it was.
fn doctor(env: &TestEnv, config: &str, args: &[&str]) -> (i32, String, String) {
    let before = std::fs::read(&env.db).ok();
    let cfg = env.config(config);
    let out = env.cmd_with(&cfg).args(args).output().unwrap();
    assert_eq!(
        std::fs::read(&env.db).ok(),
        before,
        "doctor changed nothing"
    );
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

#[test]
fn a_good_setup_is_0_and_says_what_each_command_would_do() {
    let env = TestEnv::demo();
    env.conn()
        .execute(
            "UPDATE users SET password_hash = ?1 WHERE id < 3",
            [BCRYPT_2Y_12],
        )
        .unwrap();
    let (code, out, err) = doctor(&env, "", &["doctor"]);
    assert_eq!(code, 0, "{err}");
    assert!(err.is_empty(), "{err}");
    for want in [
        "journal mode delete",
        "Users table  users: found",
        "  token      password_reset_token: found",
        "Audit table  resetctl_audit: found",
        "Token store  sha256 of the token in users.password_reset_token",
        "redeem writes bcrypt ($2y$, cost 12) (format = auto, from the 2 newest users with a password: 2 bcrypt; most use bcrypt ($2y$, cost 12))",
        "Link         https://example.com/reset-password?token={token}",
        "Mail         not configured",
        "Ready: every command can run",
    ] {
        assert!(out.contains(want), "want {want:?} in:\n{out}");
    }
    let (code, out, _) = doctor(&env, "", &["--json", "doctor"]);
    assert_eq!(code, 0);
    let v = json(out.as_bytes());
    assert_eq!(v["ok"], true);
    assert_eq!(v["database"]["kind"], "sqlite");
    assert_eq!(v["table"]["columns"].as_array().unwrap().len(), 6);
    assert_eq!(v["password"]["format"], "auto");
    assert_eq!(v["password"]["writes"], "bcrypt");
    assert_eq!(
        v["password"]["parameters"],
        serde_json::json!({"prefix": "2y", "cost": 12})
    );
    assert_eq!(
        v["password"]["sample"]["hashes"],
        serde_json::json!({"bcrypt": 2})
    );
    assert_eq!(v["problems"], serde_json::json!([]));
    // Quiet: nothing at all when all is well, for a health check in cron.
    let (code, out, err) = doctor(&env, "", &["-q", "doctor"]);
    assert_eq!((code, out.as_str(), err.as_str()), (0, "", ""));
}

#[test]
fn a_missing_column_is_78_and_every_problem_gets_its_line() {
    let env = TestEnv::demo();
    env.conn()
        .execute_batch(
            "ALTER TABLE users DROP COLUMN password_reset_expires;
             UPDATE users SET password_hash = 'md5$s$h';",
        )
        .unwrap();
    let (code, out, err) = doctor(&env, "", &["doctor"]);
    assert_eq!(code, 78);
    assert!(
        out.contains("  expires    password_reset_expires: MISSING"),
        "{out}"
    );
    assert!(!out.contains("Ready"), "{out}");
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(
        lines,
        [
            "resetctl: error: table users has no column password_reset_expires",
            "resetctl: error: password.format = auto: most password hashes are of a kind resetctl does not write (3 md5)",
        ]
    );
    let (_, out, _) = doctor(&env, "", &["--json", "doctor"]);
    let v = json(out.as_bytes());
    assert_eq!(v["ok"], false);
    assert_eq!(v["problems"][0]["code"], 78);
    assert_eq!(
        v["problems"][0]["hint"],
        format!("run: resetctl --db {} init", env.db.display())
    );
    assert_eq!(v["problems"].as_array().unwrap().len(), 2);
}

#[test]
fn a_missing_database_is_66_and_not_created() {
    let env = TestEnv::empty();
    let (code, out, err) = doctor(&env, "", &["doctor"]);
    assert_eq!(code, 66);
    assert!(!env.db.exists());
    assert!(out.contains("does not exist"), "{out}");
    assert_eq!(
        err.trim_end(),
        format!(
            "resetctl: error: database {} does not exist",
            env.db.display()
        )
    );
    // The rest of the configuration is still checked and shown.
    assert!(out.contains("Link         https://example.com/"), "{out}");
}

#[test]
fn smtp_is_tested_only_when_asked_and_nothing_is_sent() {
    let env = TestEnv::demo();
    let server = SmtpServer::start(&env.path("smtp"), &["--auth", "mailer:s3cret"]);
    let config = format!(
        "[email]\ntransport = \"smtp://mailer:s3cret@127.0.0.1:{}\"\nfrom = \"Support <support@example.com>\"\n",
        server.port
    );
    let connections = || std::fs::read_to_string(env.path("smtp/connections")).unwrap_or_default();
    let (code, out, _) = doctor(&env, &config, &["doctor"]);
    assert_eq!(code, 0);
    assert!(
        out.contains(&format!(
            "Mail         smtp://127.0.0.1:{}, from Support <support@example.com>: not tested",
            server.port
        )),
        "{out}"
    );
    assert_eq!(connections(), "", "no connection without --smtp");
    let (code, out, err) = doctor(&env, &config, &["doctor", "--smtp"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("the server answered; nothing was sent"),
        "{out}"
    );
    assert!(!out.contains("s3cret") && !err.contains("s3cret"));
    assert_eq!(connections(), "1", "connected and greeted once");
    assert!(server.messages().is_empty(), "nothing sent");
    // A refused login is permanent (69).
    let wrong = config.replace("s3cret", "wrong");
    let (code, _, err) = doctor(&env, &wrong, &["doctor", "--smtp"]);
    assert_eq!(code, 69, "{err}");
    assert!(
        err.starts_with("resetctl: error: the mail server cannot be used: permanent failure"),
        "{err}"
    );
}

#[test]
fn an_unreachable_smtp_server_is_75_with_smtp() {
    let env = TestEnv::demo();
    let config = format!(
        "[email]\ntransport = \"smtp://127.0.0.1:{}\"\nfrom = \"support@example.com\"\ntimeout = \"5s\"\n",
        closed_port()
    );
    let (code, _, err) = doctor(&env, &config, &["doctor"]);
    assert_eq!(code, 0, "without --smtp the server is not asked: {err}");
    let (code, out, err) = doctor(&env, &config, &["doctor", "--smtp"]);
    assert_eq!(code, 75, "{err}");
    assert!(out.contains("cannot be reached"), "{out}");
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.starts_with("resetctl: error: the mail server cannot be used: temporary failure"),
        "{err}"
    );
    let v = json(
        doctor(&env, &config, &["--json", "doctor", "--smtp"])
            .1
            .as_bytes(),
    );
    assert_eq!(v["email"]["reachable"], false);
    assert_eq!(v["problems"][0]["code"], 75);
}
