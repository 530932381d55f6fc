//! The second hostile review, on what each store can and cannot take back:
//! a Django bulk run whose links could not all be written, Laravel tokens
//! after a password change, the audit table pruned under every framework,
//! and link templates escaped like any outside text. Each test fails on the
//! code before the fix (`RESETCTL_TEST_BIN=old/resetctl`).

use crate::common::frameworks::{Django, Laravel};
use crate::common::{TestEnv, assert_one_line_error};

fn django_config() -> String {
    format!(
        "framework = \"django\"\n[django]\nsecret_key = \"{}\"\n[limits]\nissue = \"off\"\n",
        Django::SECRET
    )
}

/// A Django table with `n` users (ids 1..n), as the default layout's test
/// databases are made: Django's migrations would take minutes for this.
fn django_users(n: u32) -> (TestEnv, std::path::PathBuf) {
    let env = TestEnv::empty();
    let conn = env.conn();
    conn.execute_batch(&format!(
        "CREATE TABLE auth_user (id INTEGER PRIMARY KEY, password TEXT NOT NULL, last_login DATETIME, \
         username TEXT UNIQUE NOT NULL, email TEXT NOT NULL);
         WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {n}) \
         INSERT INTO auth_user (id, password, username, email) \
         SELECT i, 'pbkdf2_sha256$1000000$salt$hash=', 'u' || i, 'u' || i || '@example.com' FROM n;"
    ))
    .unwrap();
    let cfg = env.config(&django_config());
    env.cmd_with(&cfg).arg("init").assert().success();
    (env, cfg)
}

/// `issue` with these arguments; the summary line on stderr.
fn summary(env: &TestEnv, cfg: &std::path::Path, args: &[&str]) -> String {
    let out = env.cmd_with(cfg).arg("issue").args(args).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stderr = String::from_utf8(out.stderr).unwrap();
    stderr.lines().last().unwrap_or_default().to_string()
}

// Point 8: a Django bulk run whose reader went away cannot take its links
// back; it says so, records each, and a resume gives those users new ones.
#[test]
fn a_django_bulk_run_that_cannot_take_back_says_so_and_a_resume_reissues() {
    let (env, cfg) = django_users(300);
    let script = format!(
        "{} --config {} issue --all --batch 100 | head -n 3 > shown.txt; echo ${{PIPESTATUS[0]}} > code",
        crate::common::bin(),
        cfg.display()
    );
    let out = env.sh(&script).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        std::fs::read_to_string(env.path("code")).unwrap().trim(),
        "74"
    );
    assert!(stderr.contains("cannot be taken back"), "{stderr}");
    assert!(stderr.contains("--skip-active"), "{stderr}");
    let withdrawn = env.value(
        "SELECT count(*) FROM resetctl_audit WHERE action = 'revoke' AND outcome = 'failed' AND user_id IS NOT NULL",
    );
    assert_eq!(withdrawn.as_deref(), Some("100"));
    // The links still work in Django, so inspect says so.
    assert_eq!(
        env.json_at(&cfg, None, &["inspect", "u1"])["state"],
        "active"
    );
    // A resume gives every user a link someone saw: all 300 now.
    assert_eq!(
        summary(&env, &cfg, &["--all", "--skip-active"]),
        "Issued 300, skipped 0, failed 0."
    );
    assert_eq!(
        summary(&env, &cfg, &["--all", "--skip-active"]),
        "Issued 0, skipped 300, failed 0."
    );
}

// Point 13: a token resetctl issued dies with a password change made by
// Laravel itself: resetctl says so, refuses it, and purge deletes its row,
// after which Laravel refuses it too. A token Laravel made afterwards is
// left as Laravel judges it.
#[test]
fn laravel_tokens_die_with_a_password_change() {
    let laravel = Laravel::new("password_reset_tokens");
    let env = TestEnv::empty();
    for email in ["alice@example.com", "bob@example.com"] {
        let a = laravel.call(&env.db, None, "create", &[email, "old password 1"]);
        assert!(a.ok, "{}", a.line);
    }
    let cfg = env.config("framework = \"laravel\"\n[limits]\nissue = \"off\"\n");
    env.cmd_with(&cfg).arg("init").assert().success();
    let v = env.json_at(&cfg, None, &["issue", "alice@example.com"]);
    let (token, link) = (v["token"].as_str().unwrap(), v["link"].as_str().unwrap());
    // The password changes in the app (a profile page, another tool).
    let bob_token = laravel
        .call(
            &env.db,
            Some("2026-11-21T10:00:00Z"),
            "issue",
            &["bob@example.com"],
        )
        .line;
    env.conn()
        .execute(
            "UPDATE users SET password = (SELECT password FROM users WHERE email = 'bob@example.com') \
             WHERE email = 'alice@example.com'",
            [],
        )
        .unwrap();
    assert!(laravel.token_exists(&env.db, "2026-11-21T10:05:00Z", "alice@example.com", token));
    let v = env.json_at(&cfg, None, &["inspect", "alice@example.com"]);
    assert_eq!(v["state"], "expired", "{v}");
    assert_eq!(v["password_changed_since_issue"], true);
    let password_of = |email: &str| {
        env.value(&format!(
            "SELECT password FROM users WHERE email = '{email}'"
        ))
    };
    let before = password_of("alice@example.com");
    let out = env
        .cmd_with(&cfg)
        .args(["redeem", "-", "--password-stdin"])
        .write_stdin(format!("{link}\nnew password 22\n"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(77));
    assert_one_line_error(&out.stderr, "the password was changed after it was issued");
    assert_eq!(
        password_of("alice@example.com"),
        before,
        "redeem changed nothing"
    );
    assert_eq!(env.json_at(&cfg, None, &["purge"])["purged"], 1);
    assert!(!laravel.token_exists(&env.db, "2026-11-21T10:05:00Z", "alice@example.com", token));
    // Bob's token, made by Laravel, is untouched: Laravel judges it.
    assert!(laravel.token_exists(
        &env.db,
        "2026-11-21T10:05:00Z",
        "bob@example.com",
        &bob_token
    ));
}

// Point 20: the audit table can be pruned under Django, keeping the
// entries of links that still work; plain purge stays refused.
#[test]
fn django_audit_can_be_pruned() {
    let (env, cfg) = django_users(3);
    let issue = |at: &str, args: &[&str]| {
        let out = env
            .cmd_with(&cfg)
            .env("RESETCTL_NOW", at)
            .args(["-q", "issue"])
            .args(args)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    issue("2026-11-15T10:00:00Z", &["u1"]);
    // u2: a link for the default 3 days, then a newer one for an hour; the
    // first works until 11-18, and is no longer u2's newest issue.
    issue("2026-11-17T10:00:00Z", &["u2"]);
    issue("2026-11-17T11:00:00Z", &["--ttl", "1h", "u2"]);
    issue("2026-11-16T10:00:00Z", &["--ttl", "1h", "u3"]);
    issue("2026-11-16T11:00:00Z", &["--ttl", "1h", "u3"]);
    let out = env.cmd_with(&cfg).arg("purge").output().unwrap();
    assert_eq!(out.status.code(), Some(78));
    assert_one_line_error(&out.stderr, "nothing to revoke or purge");
    let at = "2026-11-19T10:00:00Z";
    let v = env.json_at(&cfg, Some(at), &["purge", "--audit-older-than", "1h"]);
    assert_eq!(v["purged"], 0);
    // Only u3's older issue goes: each user's newest stays, and so does
    // u2's first, whose link still works.
    assert_eq!(v["audit_deleted"], 1, "{v}");
    let v = env.json_at(&cfg, Some("2026-11-19T12:00:00Z"), &["inspect", "u2"]);
    assert_eq!(
        (v["state"].as_str(), v["expires_at"].as_str()),
        (Some("active"), Some("2026-11-20T10:00:00Z"))
    );
    let out = env
        .cmd_with(&cfg)
        .env("RESETCTL_NOW", at)
        .args(["purge", "--audit-older-than", "1h"])
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        "Deleted 0 audit entries from before 2026-11-19T09:00:00Z.\n"
    );
}

// Point 19: a link template is outside text: its control characters are
// escaped on the terminal, in issue and doctor, as names and emails are.
#[test]
fn link_templates_are_escaped_like_other_outside_text() {
    let env = TestEnv::demo();
    let out = env
        .cmd()
        .args(["issue", "--link", "https://x/\u{1b}[2J{token}", "alice"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(!stdout.contains('\u{1b}'), "{stdout:?}");
    assert!(stdout.contains("https://x/\\u{1b}[2J"), "{stdout}");
    let cfg = env.config("[token]\nlink = \"https://x/\\u001b]0;pwned\\u0007?t={token}\"\n");
    for args in [vec!["issue", "bob"], vec!["doctor"]] {
        let out = env.cmd_with(&cfg).args(&args).output().unwrap();
        let stdout = String::from_utf8(out.stdout).unwrap();
        assert!(
            !stdout.contains('\u{1b}') && !stdout.contains('\u{7}'),
            "{args:?}: {stdout:?}"
        );
        assert!(stdout.contains("\\u{1b}]0;pwned"), "{args:?}: {stdout}");
    }
    // JSON carries the template as it is, encoded as JSON encodes it.
    let v = env.json_at(&cfg, None, &["issue", "carol"]);
    assert!(
        v["link"]
            .as_str()
            .unwrap()
            .starts_with("https://x/\u{1b}]0;pwned\u{7}?t=")
    );
}
