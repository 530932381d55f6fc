//! `issue --lock` on the default layout: the old password stops working
//! for every bcrypt verifier nobody here wrote (refused, never an error),
//! the sessions of `[sessions]` end, `inspect` and `revoke` say so, and
//! redeeming the link is the way back in. The frameworks' own code judges
//! their locks in `frameworks.rs`.

mod frameworks;

use std::path::{Path, PathBuf};

use crate::common::verifiers::{BCRYPT_VERIFIERS, accepts};
use crate::common::{Backend, NOW, TestEnv, assert_one_line_error, json};
use crate::on_every_engine;

/// "the app password", as an app's bcrypt stored it.
const OLD_HASH: &str = "$2y$12$bm3gOixEGNh6VoBTzwefHuC/ptfunPVinvowXh1Oquu/mOqtDi6gi";
const OLD: &str = "the app password";
const NEW: &str = "a new password 77";

const CONFIG: &str = "[password]\nformat = \"bcrypt\"\nbcrypt = { cost = 10, prefix = \"2y\" }\n\
                      [sessions]\ntable = \"user_sessions\"\nuser_column = \"uid\"\n";

/// `n` users holding OLD_HASH, and sessions: two of u1's, one of u2's.
fn app(n: u32, backend: Backend) -> (TestEnv, PathBuf) {
    let env = TestEnv::with_users_on(n, backend);
    env.sql(&format!("UPDATE users SET password_hash = '{OLD_HASH}'"));
    env.sql("CREATE TABLE user_sessions (sid varchar(40) PRIMARY KEY, uid bigint NOT NULL)");
    env.sql("INSERT INTO user_sessions (sid, uid) VALUES ('s1', 1), ('s2', 1), ('s3', 2)");
    let cfg = env.config(CONFIG);
    (env, cfg)
}

fn sessions(env: &TestEnv) -> Vec<String> {
    env.rows("SELECT sid FROM user_sessions ORDER BY sid")
        .into_iter()
        .map(|r| r[0].clone().unwrap())
        .collect()
}

/// `ARGS` with this config, which must succeed: what it wrote to stdout,
/// then to stderr.
#[track_caller]
fn succeeds(env: &TestEnv, cfg: &Path, args: &[&str]) -> String {
    let out = env.cmd_with(cfg).args(args).output().unwrap();
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(out.status.success(), "{args:?}: {err}");
    String::from_utf8(out.stdout).unwrap() + &err
}

fn redeem(env: &TestEnv, cfg: &Path, token: &str, pw: &str) -> std::process::Output {
    env.cmd_with(cfg)
        .args(["redeem", "-", "--password-stdin"])
        .write_stdin(format!("{token}\n{pw}\n"))
        .output()
        .unwrap()
}

on_every_engine! {
    fn a_lock_ends_the_old_password_and_sessions_until_the_link_is_redeemed(backend) {
        let (env, cfg) = app(3, backend);
        let out = env
            .cmd_with(&cfg)
            .args(["--json", "--reason", "BREACH-7", "issue", "--lock", "u1"])
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let v = json(&out.stdout);
        assert_eq!(v["locked"], true);
        let token = v["token"].as_str().unwrap().to_string();

        let locked = env.password_hash(1).unwrap();
        assert!(locked.starts_with("$2y$10$") && locked.len() == 60, "{locked}");
        assert_eq!(env.password_hash(2).as_deref(), Some(OLD_HASH), "only u1 is locked");
        for v in BCRYPT_VERIFIERS {
            // A refusal, not an error: `accepts` fails the test on anything else.
            assert!(!accepts(v, &locked, OLD), "{v:?}");
            assert!(!accepts(v, &locked, ""), "{v:?}");
        }
        assert_eq!(sessions(&env), ["s3"], "u1's sessions ended, u2's did not");
        let issue = env.audit().into_iter().rfind(|r| r.action == "issue").unwrap();
        assert_eq!(issue.reason.as_deref(), Some("BREACH-7"));
        assert!(issue.detail.unwrap().ends_with("; account locked"));

        let seen = env.json_at(&cfg, None, &["inspect", "u1"]);
        assert_eq!(seen["state"], "active");
        assert_eq!(seen["locked"]["at"], NOW);
        assert_eq!(seen["locked"]["reason"], "BREACH-7");
        let words = env.cmd_with(&cfg).args(["inspect", "u1"]).output().unwrap();
        let words = String::from_utf8(words.stdout).unwrap();
        assert!(words.contains(&format!("Locked:         locked at {NOW} by ")), "{words}");
        assert!(words.contains(": BREACH-7;"), "{words}");
        assert!(env.json_at(&cfg, None, &["inspect", "u2"])["locked"].is_null());

        let out = redeem(&env, &cfg, &token, NEW);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let new = env.password_hash(1).unwrap();
        for v in BCRYPT_VERIFIERS {
            assert!(accepts(v, &new, NEW), "{v:?}");
            assert!(!accepts(v, &new, OLD), "{v:?}");
        }
        assert!(env.json_at(&cfg, None, &["inspect", "u1"])["locked"].is_null(), "redeemed: unlocked");
    }
}

#[test]
fn lock_needs_a_reason_and_a_refused_run_changes_nothing() {
    let (env, cfg) = app(2, Backend::Sqlite);
    let before = env.all_text();
    for args in [
        &["issue", "--lock", "u1"][..],
        &["--reason", "X", "issue", "--lock", "--no-enumerate", "u1"],
    ] {
        let out = env.cmd_with(&cfg).args(args).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(out.stdout.is_empty());
        assert_eq!(env.all_text(), before, "{args:?}");
    }
    let out = env
        .cmd_with(&cfg)
        .args(["issue", "--lock", "u1"])
        .output()
        .unwrap();
    assert_one_line_error(&out.stderr, "--lock needs --reason");
}

#[test]
fn revoking_a_locked_users_link_leaves_the_account_locked_and_says_so() {
    let (env, cfg) = app(2, Backend::Sqlite);
    let locked = env.json_at(&cfg, None, &["--reason", "R", "issue", "--lock", "u1"]);
    assert_eq!(locked["locked"], true);
    let hash = env.password_hash(1);
    let said = succeeds(&env, &cfg, &["revoke", "u1"]);
    assert!(said.contains("Revoked the reset token of u1"), "{said}");
    assert!(said.contains("stays locked"), "{said}");
    assert_eq!(env.token_row(1), (None, None));
    assert_eq!(env.password_hash(1), hash, "still the locked hash");
    let v = env.json_at(&cfg, None, &["revoke", "u2"]);
    assert_eq!(
        (v["revoked"].as_bool(), v["locked"].as_bool()),
        (Some(false), Some(false))
    );
    assert_eq!(
        env.json_at(&cfg, None, &["inspect", "u1"])["locked"]["reason"],
        "R"
    );
}

#[test]
fn a_bulk_lock_locks_everyone_with_a_token_and_a_resume_skips_only_the_locked() {
    let (env, cfg) = app(5, Backend::Sqlite);
    // u1 holds a live link from an ordinary issue: not locked, so the
    // breach campaign's --skip-active does not pass it by.
    env.json_at(&cfg, None, &["issue", "u1"]);
    let before = env.all_text();
    let dry = env
        .cmd_with(&cfg)
        .args(["--reason", "B", "issue", "--all", "--lock", "--dry-run"])
        .output()
        .unwrap();
    assert!(dry.status.success());
    assert_eq!(env.all_text(), before, "a dry run locks nobody");

    let run = |expect: &str| {
        let text = succeeds(
            &env,
            &cfg,
            &["--reason", "B", "issue", "--all", "--lock", "--skip-active"],
        );
        assert!(text.contains(expect), "{text}");
    };
    run("Issued 5, skipped 0, failed 0");
    for id in 1..=5 {
        let hash = env.password_hash(id).unwrap();
        assert!(
            hash != OLD_HASH && hash.starts_with("$2y$10$"),
            "u{id}: {hash}"
        );
        assert!(env.token_row(id).0.is_some(), "u{id} holds a token");
        assert_eq!(
            env.json_at(&cfg, None, &["inspect", &format!("u{id}")])["locked"]["reason"],
            "B"
        );
    }
    assert!(sessions(&env).is_empty());
    let listed = env.json_at(&cfg, None, &["list"]);
    let listed = listed.as_array().unwrap();
    assert_eq!(listed.len(), 5);
    assert!(
        listed.iter().all(|r| r["locked"]["reason"] == "B"),
        "{listed:?}"
    );
    let table = env.cmd_with(&cfg).arg("list").output().unwrap();
    let table = String::from_utf8(table.stdout).unwrap();
    assert!(
        table.contains("LOCKED") && table.contains(&format!("at {NOW} by ")),
        "{table}"
    );
    let hashes: Vec<_> = (1..=5).map(|id| env.password_hash(id)).collect();
    run("Issued 0, skipped 5, failed 0");
    assert_eq!(
        (1..=5).map(|id| env.password_hash(id)).collect::<Vec<_>>(),
        hashes
    );
}

#[test]
fn a_sessions_table_without_its_user_column_is_78_and_nothing_changes() {
    let (env, _) = app(2, Backend::Sqlite);
    let cfg = env.config(&CONFIG.replace("user_column = \"uid\"", "user_column = \"user_id\""));
    let before = env.all_text();
    let out = env
        .cmd_with(&cfg)
        .args(["--reason", "R", "issue", "--lock", "u1"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(78));
    assert_one_line_error(
        &out.stderr,
        "the sessions table user_sessions has no column user_id",
    );
    assert_eq!(env.all_text(), before);
}

#[test]
fn doctor_says_what_a_lock_would_touch() {
    let (env, cfg) = app(1, Backend::Sqlite);
    let out = env.cmd_with(&cfg).arg("doctor").output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    let line = text.lines().find(|l| l.starts_with("--lock")).unwrap();
    assert!(line.contains("users.password_hash"), "{line}");
    assert!(
        line.contains("the user's rows of user_sessions (by uid)"),
        "{line}"
    );
    let v = env.json_at(&cfg, None, &["doctor"]);
    assert_eq!(v["lock"].as_array().unwrap().len(), 2);
}

/// A batch whose links cannot be written takes its locks back with its
/// tokens: after the run, every user is either untouched (the old password
/// works) or locked with a link that was shown.
#[test]
fn bulk_lock_links_that_cannot_be_written_take_the_locks_back_too() {
    let (env, cfg) = app(6, Backend::Sqlite);
    let run = format!(
        "{} --config {} --reason B issue --all --lock --batch 2",
        crate::common::bin(),
        cfg.display()
    );
    let out = env.sh(&format!("{run} > /dev/full")).output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(74),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for id in 1..=6 {
        assert_eq!(env.token_row(id).0, None, "u{id}");
        assert_eq!(
            env.password_hash(id).as_deref(),
            Some(OLD_HASH),
            "u{id} is not left locked"
        );
    }
    let undone = env
        .audit()
        .into_iter()
        .rfind(|r| r.action == "revoke")
        .unwrap();
    assert!(
        undone
            .detail
            .unwrap()
            .contains("2 locks (their old passwords put back)")
    );

    // A reader that stops after three links: whoever holds a token is
    // locked, and nobody else is (which links a reader took in whole, the
    // bulk tests of tests/cli/bulk check).
    let script = format!("{run} | head -n 6 > shown.txt; echo ${{PIPESTATUS[0]}} > code");
    assert!(env.sh(&script).status().unwrap().success());
    assert_eq!(
        std::fs::read_to_string(env.path("code")).unwrap().trim(),
        "74"
    );
    let mut holders = 0;
    for id in 1..=6 {
        let hash = env.password_hash(id).unwrap();
        match env.token_row(id).0 {
            Some(_) => {
                holders += 1;
                assert_ne!(hash, OLD_HASH, "u{id} holds a token, so is locked");
            }
            None => assert_eq!(hash, OLD_HASH, "u{id}: no token, so not locked"),
        }
    }
    assert!(
        (2..6).contains(&holders),
        "{holders}: the shown batch kept, the rest taken back"
    );
}

/// Django derives its links from the password hash: a lock made once the
/// email is out would kill the link it carried, so --send with --lock is
/// refused there, before anything is sent or changed.
#[test]
fn django_refuses_lock_with_send_and_changes_nothing() {
    use crate::common::frameworks::{Django, framework_app};
    let (env, _) = framework_app(&Django::new(false), &["alice"], &Django::config(""));
    let cfg = crate::common::smtp::mail_config(
        &env,
        "smtp://127.0.0.1:9",
        &Django::config("").replace("framework = \"django\"\n", ""),
    );
    std::fs::write(
        &cfg,
        format!(
            "framework = \"django\"\n{}",
            std::fs::read_to_string(&cfg).unwrap()
        ),
    )
    .unwrap();
    let state = |env: &TestEnv| {
        (
            env.rows("SELECT * FROM auth_user ORDER BY id"),
            env.rows("SELECT * FROM resetctl_audit ORDER BY id"),
        )
    };
    let before = state(&env);
    let out = env
        .cmd_with(&cfg)
        .args(["--reason", "X", "issue", "--lock", "--send", "alice"])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_one_line_error(
        &out.stderr,
        "--lock with --send is not possible with framework = \"django\"",
    );
    assert_eq!(state(&env), before);
}

/// With --send, a user is locked only once the email with their link is
/// out, in the transaction that stores its token: a failed delivery
/// leaves the account as it was.
#[test]
fn with_send_a_user_is_locked_once_the_email_is_out_and_not_when_it_fails() {
    use crate::common::smtp::{SmtpServer, mail_config};
    let (env, _) = app(3, Backend::Sqlite);
    let server = SmtpServer::start(env.dir.path(), &[]);
    let smtp = format!("smtp://127.0.0.1:{}", server.port);
    let cfg = mail_config(&env, &smtp, CONFIG);
    let said = succeeds(
        &env,
        &cfg,
        &["--reason", "B", "issue", "--send", "--lock", "u1"],
    );
    assert!(
        said.contains("for u1 <u1@example.com> and locked the account"),
        "{said}"
    );
    let mailed = server.messages()[0].token();
    assert_eq!(env.token_row(1).0, Some(crate::common::sha256_hex(&mailed)));
    assert_ne!(env.password_hash(1).as_deref(), Some(OLD_HASH));
    assert_eq!(sessions(&env), ["s3"]);

    let down = mail_config(
        &env,
        &format!("smtp://127.0.0.1:{}", crate::common::closed_port()),
        CONFIG,
    );
    let out = env
        .cmd_with(&down)
        .args(["--json", "--reason", "B", "issue", "--send", "--lock", "u2"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let v = json(&out.stdout);
    assert!(v["locked"].is_null() && v["sent"] == false, "{v}");
    assert_eq!(
        env.password_hash(2).as_deref(),
        Some(OLD_HASH),
        "not locked without a link"
    );
    assert_eq!(env.token_row(2).0, None);
    assert_eq!(sessions(&env), ["s3"]);

    // A bulk campaign by email: each user locked with the email that went.
    let cfg = mail_config(&env, &smtp, CONFIG);
    succeeds(
        &env,
        &cfg,
        &[
            "--reason",
            "B",
            "issue",
            "--all",
            "--send",
            "--lock",
            "--skip-active",
        ],
    );
    for id in 2..=3 {
        assert_ne!(env.password_hash(id).as_deref(), Some(OLD_HASH), "u{id}");
        assert!(env.token_row(id).0.is_some());
    }
    assert_eq!(
        server.messages().len(),
        3,
        "u1 was skipped: locked with a live link"
    );
}

/// Killed mid-run, a bulk lock leaves every user either untouched (old
/// password, no token) or locked with a token, never one without the
/// other; a resume with --skip-active locks the rest.
#[test]
fn a_kill_9_mid_lock_leaves_each_user_untouched_or_locked_with_a_token() {
    use std::time::{Duration, Instant};
    let (env, cfg) = app(20_000, Backend::Sqlite);
    let mut child = env
        .std_cmd()
        .env("RESETCTL_CONFIG", &cfg)
        .args([
            "--json", "--reason", "B", "issue", "--all", "--lock", "--batch", "2000",
        ])
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    while env
        .value("SELECT count(*) FROM resetctl_audit WHERE action = 'issue'")
        .as_deref()
        == Some("0")
        && Instant::now() < deadline
    {
        std::thread::sleep(Duration::from_millis(5));
    }
    child.kill().unwrap();
    assert!(
        child.wait().unwrap().code().is_none(),
        "killed, not finished"
    );
    let count = |sql: &str| env.value(sql).unwrap().parse::<i64>().unwrap();
    let locked = count("SELECT count(*) FROM users WHERE password_reset_token IS NOT NULL");
    assert!(
        locked > 0 && locked < 20_000 && locked % 2000 == 0,
        "{locked}"
    );
    assert_eq!(
        count(&format!(
            "SELECT count(*) FROM users WHERE (password_reset_token IS NULL) <> (password_hash = '{OLD_HASH}')"
        )),
        0,
        "a token without the lock, or a lock without a token"
    );
    let out = env
        .std_cmd()
        .env("RESETCTL_CONFIG", &cfg)
        .args(["--reason", "B", "issue", "--all", "--lock", "--skip-active"])
        .stdout(std::process::Stdio::null())
        .output()
        .unwrap();
    assert!(out.status.success());
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(
        said.contains(&format!(
            "Issued {}, skipped {locked}, failed 0.",
            20_000 - locked
        )),
        "{said}"
    );
    assert_eq!(
        count(&format!(
            "SELECT count(*) FROM users WHERE password_hash = '{OLD_HASH}'"
        )),
        0
    );
}
