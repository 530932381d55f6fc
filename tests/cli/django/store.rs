//! What Django's stateless links mean for resetctl's other commands: nothing
//! to revoke or purge, every link that still works reported, a bulk run
//! that cannot take its links back, rate limits, mail and the audit table.

use super::link;
use crate::common::frameworks::{Django, framework_app};
use crate::common::smtp::SmtpServer;
use crate::common::{TestEnv, assert_one_line_error};

#[test]
fn revoke_and_purge_are_refused_since_nothing_is_stored() {
    let django = Django::new(false);
    let (env, cfg) = framework_app(&django, &["alice"], &Django::config(""));
    link(&env, &cfg, &["alice"]);
    let before = env.bytes();
    for args in [
        &["revoke", "alice"][..],
        &["revoke", "--all", "--yes"],
        &["purge"],
    ] {
        let out = env.cmd_with(&cfg).args(args).output().unwrap();
        assert_eq!(out.status.code(), Some(78), "{args:?}");
        assert_one_line_error(&out.stderr, "stores no tokens");
        assert_eq!(env.bytes(), before, "{args:?}");
    }
    let listed = env.json_at(&cfg, None, &["list"]);
    assert_eq!(listed[0]["user"]["username"], "alice");
    assert_eq!(listed[0]["expires_at"], "2026-11-24T10:00:00Z");

    let v = env.json_at(&cfg, None, &["doctor"]);
    assert_eq!(v["framework"], "django");
    assert_eq!(v["token_store"]["storage"], "none");
    assert_eq!(v["token_store"]["secret"], true);
    assert_eq!(v["token_store"]["time_zone"], "UTC");
    assert_eq!(v["token_store"]["lifetime"], "3d");
    // The key is never shown, nor kept.
    for args in [
        &["doctor"][..],
        &["inspect", "alice"],
        &["list"],
        &["audit"],
        &["--json", "audit"],
    ] {
        let out = env.cmd_with(&cfg).args(args).output().unwrap();
        assert!(out.status.success(), "{args:?}");
        for stream in [&out.stdout, &out.stderr] {
            assert!(
                !String::from_utf8_lossy(stream).contains(Django::SECRET),
                "{args:?}"
            );
        }
    }
    assert!(!String::from_utf8_lossy(&env.bytes()).contains(Django::SECRET));
    let missing = env.config("framework = \"django\"\n");
    let out = env
        .cmd_with(&missing)
        .args(["issue", "alice"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(78));
    assert_one_line_error(&out.stderr, "needs the app's SECRET_KEY");
}

#[test]
fn send_rate_limit_no_enumerate_and_bulk_work_with_stateless_tokens() {
    let django = Django::new(false);
    let (env, _) = framework_app(&django, &["alice", "bob", "carol"], &Django::config(""));
    let server = SmtpServer::start(env.dir.path(), &[]);
    let cfg = env.config(&format!(
        "framework = \"django\"\n[django]\nsecret_key = \"{}\"\n[email]\nfrom = \"support@example.com\"\ntransport = \"smtp://127.0.0.1:{}\"\n",
        Django::SECRET,
        server.port
    ));
    env.cmd_with(&cfg)
        .args(["issue", "--send", "alice"])
        .assert()
        .success();
    let mail = &server.messages()[0];
    let at = mail.text.find("https://example.com/reset/").unwrap();
    let mailed = mail.text[at..]
        .split_whitespace()
        .next()
        .unwrap()
        .to_string();
    assert!(
        django
            .confirm(&env.db, "2026-11-21T10:05:00Z", &mailed, "new password 22")
            .ok
    );

    // The issue rate limit (3 in 15 minutes) counts audit rows, as ever.
    for _ in 0..3 {
        env.cmd_with(&cfg)
            .args(["-q", "issue", "bob"])
            .assert()
            .success();
    }
    env.cmd_with(&cfg).args(["issue", "bob"]).assert().code(75);
    env.cmd_with(&cfg)
        .args(["issue", "--no-enumerate", "nobody@example.com"])
        .assert()
        .success();

    let carol = env
        .json_lines_at(
            &cfg,
            None,
            &["issue", "--all", "--force", "--reason", "breach"],
        )
        .into_iter()
        .find(|v| v["user"]["username"] == "carol")
        .unwrap();
    let link = carol["link"].as_str().unwrap();
    assert!(
        django
            .confirm(&env.db, "2026-11-21T10:05:00Z", link, "new password 33")
            .ok
    );
}

// Issuing again does not end a Django link, so inspect and list
// report the longest-lived link that still works, and redeem takes it.
#[test]
fn django_reports_every_link_that_still_works() {
    let django = Django::new(false);
    let (env, cfg) = framework_app(&django, &["bob"], &Django::config(""));
    let first = env.json_at(&cfg, Some("2026-11-21T10:00:00Z"), &["issue", "bob"]);
    let first = first["link"].as_str().unwrap();
    env.json_at(
        &cfg,
        Some("2026-11-21T10:10:00Z"),
        &["issue", "--ttl", "1h", "bob"],
    );
    let later = "2026-11-21T12:10:00Z";
    let v = env.json_at(&cfg, Some(later), &["inspect", "bob"]);
    assert_eq!(v["state"], "active", "{v}");
    assert_eq!(v["expires_at"], "2026-11-24T10:00:00Z");
    let listed = env.json_at(&cfg, Some(later), &["list"]);
    assert_eq!(listed.as_array().unwrap().len(), 1, "{listed}");
    assert_eq!(listed[0]["expires_at"], "2026-11-24T10:00:00Z");
    // Django's own view agrees that the first link still works.
    let a = django.call(&env.db, Some(later), "confirm", &[first, "new password 22"]);
    assert!(a.ok, "{}", a.line);
    // Once used, no link of bob's works: inspect says so.
    assert_ne!(
        env.json_at(&cfg, Some("2026-11-21T12:20:00Z"), &["inspect", "bob"])["state"],
        "active"
    );
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
    let cfg = env.config(&Django::config(""));
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

// A Django bulk run whose reader went away cannot take its links
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

// The audit table can be pruned under Django, keeping the
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

/// Text keys that are not a UUID's digits are Django's own text.
#[test]
fn a_text_key_django_hashes_as_it_is_gets_a_link() {
    let env = TestEnv::empty();
    env.conn()
        .execute_batch(
            "CREATE TABLE auth_user (id varchar(40) NOT NULL PRIMARY KEY, password TEXT NOT NULL, \
             last_login DATETIME, username TEXT UNIQUE NOT NULL, email TEXT NOT NULL);
             INSERT INTO auth_user VALUES ('user_7', 'pbkdf2_sha256$1000000$salt$hash=', NULL, \
             'alice', 'alice@example.com');",
        )
        .unwrap();
    let cfg = env.config(&Django::config(""));
    env.cmd_with(&cfg).arg("init").assert().success();
    let out = env
        .cmd_with(&cfg)
        .args(["--json", "issue", "alice@example.com"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["user"]["id"], "user_7");
    // urlsafe_base64_encode(b"user_7")
    assert!(
        v["link"].as_str().unwrap().contains("/reset/dXNlcl83/"),
        "{v}"
    );
    assert_eq!(
        env.value("SELECT user_id FROM resetctl_audit WHERE action = 'issue'"),
        Some("user_7".to_string())
    );
}
