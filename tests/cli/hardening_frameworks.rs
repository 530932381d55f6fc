//! The second hostile review, on the framework stores: `--no-enumerate`
//! answers alike in every framework, Django's links as Django keeps them
//! (several alive at once, never back to life across a clock change),
//! Laravel's expiry as Carbon counts it and its tokens after a password
//! change, links escaped like any outside text, and the audit prunable
//! under every framework. Each test fails on the code before the fix
//! (`RESETCTL_TEST_BIN=old/resetctl`).

use std::path::{Path, PathBuf};

use crate::common::frameworks::{Devise, Django, Laravel};
use crate::common::{TestEnv, assert_one_line_error};

fn django_config(extra: &str, django_extra: &str) -> String {
    format!(
        "framework = \"django\"\n{extra}[django]\nsecret_key = \"{}\"\n{django_extra}[limits]\nissue = \"off\"\n",
        Django::SECRET
    )
}

fn django_site(users: &[&str], config: &str) -> (Django, TestEnv, PathBuf) {
    let django = Django::new(false);
    let env = TestEnv::empty();
    for name in users {
        let a = django.call(
            &env.db,
            None,
            "create",
            &[name, &format!("{name}@example.com"), "old password 1"],
        );
        assert!(a.ok, "{}", a.line);
    }
    let cfg = env.config(config);
    env.cmd_with(&cfg).arg("init").assert().success();
    (django, env, cfg)
}

fn laravel_app(laravel: &Laravel, users: &[&str], config: &str) -> (TestEnv, PathBuf) {
    let env = TestEnv::empty();
    for email in users {
        let a = laravel.call(&env.db, None, "create", &[email, "old password 1"]);
        assert!(a.ok, "{}", a.line);
    }
    let cfg = env.config(config);
    env.cmd_with(&cfg).arg("init").assert().success();
    (env, cfg)
}

fn laravel_config(extra: &str) -> String {
    format!("framework = \"laravel\"\n[laravel]\n{extra}[limits]\nissue = \"off\"\n")
}

/// What `issue` printed, at `at`: (exit code, stdout, stderr).
fn issue_at(env: &TestEnv, cfg: &Path, at: &str, args: &[&str]) -> (i32, String, String) {
    let out = env
        .cmd_with(cfg)
        .env("RESETCTL_NOW", at)
        .arg("issue")
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

/// Every run of letters, digits, `-` and `_` as one `x`, and every run of
/// one of them alone as itself: the shape of a line, not its contents.
fn shape(text: &str) -> String {
    let mut out = String::new();
    let mut in_word = false;
    for c in text.chars() {
        if c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '%' {
            if !in_word {
                out.push('x');
            }
            in_word = true;
        } else {
            out.push(c);
            in_word = false;
        }
    }
    out
}

/// The JSON object of an issue with every string and number replaced by
/// its kind: known and unknown users must give the same.
fn json_shape(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::Object(m) => {
            let fields: Vec<String> = m
                .iter()
                .map(|(k, v)| format!("{k}:{}", json_shape(v)))
                .collect();
            format!("{{{}}}", fields.join(","))
        }
        serde_json::Value::String(s) => format!("s{}", shape(s)),
        other => format!("{}", other.is_null()),
    }
}

// Point 1: Laravel answers an email, known or not, with a link of one shape
// carrying the email as typed, and refuses a username for everyone alike.
#[test]
fn laravel_no_enumerate_answers_known_and_unknown_alike() {
    let laravel = Laravel::new("password_reset_tokens");
    let (env, cfg) = laravel_app(&laravel, &["alice@example.com"], &laravel_config(""));
    let now = "2026-11-21T10:00:00Z";
    let known = issue_at(&env, &cfg, now, &["--no-enumerate", "alice@example.com"]);
    let unknown = issue_at(&env, &cfg, now, &["--no-enumerate", "mallory@example.com"]);
    assert_eq!((known.0, unknown.0), (0, 0), "{}{}", known.2, unknown.2);
    assert_eq!(
        shape(&known.1),
        shape(&unknown.1),
        "{}\n{}",
        known.1,
        unknown.1
    );
    assert!(
        unknown.1.contains("?email=mallory%40example.com"),
        "{}",
        unknown.1
    );
    // The known user's link works in Laravel's own broker.
    let link = known.1.lines().nth(1).unwrap();
    let token = link
        .split("reset-password/")
        .nth(1)
        .unwrap()
        .split('?')
        .next()
        .unwrap();
    assert!(laravel.token_exists(&env.db, "2026-11-21T10:10:00Z", "alice@example.com", token));
    let j = |user: &str| json_shape(&env.json_at(&cfg, None, &["issue", "--no-enumerate", user]));
    assert_eq!(j("alice@example.com"), j("mallory@example.com"));
    // A username would become the account's email: refused for both alike.
    let rows_before = env.all_text();
    let by_name = issue_at(&env, &cfg, now, &["--no-enumerate", "alice"]);
    let nobody = issue_at(&env, &cfg, now, &["--no-enumerate", "mallory"]);
    assert_eq!((by_name.0, nobody.0), (65, 65));
    assert_eq!(by_name.1, "");
    assert_eq!(by_name.2, nobody.2);
    assert_one_line_error(by_name.2.as_bytes(), "give each USER as an email");
    assert!(!by_name.2.contains("alice@example.com"), "{}", by_name.2);
    assert_eq!(env.all_text(), rows_before, "nothing changed");
}

// Point 1: Django's decoy link has a real link's shape: an id nobody has,
// and a stamped token, the same for the same name, in text and JSON.
#[test]
fn django_no_enumerate_decoys_look_like_real_links() {
    let (_django, env, cfg) = django_site(&["alice", "bob"], &django_config("", ""));
    let now = "2026-11-21T10:00:00Z";
    let known = issue_at(&env, &cfg, now, &["--no-enumerate", "alice"]);
    let unknown = issue_at(&env, &cfg, now, &["--no-enumerate", "mallory"]);
    assert_eq!((known.0, unknown.0), (0, 0), "{}{}", known.2, unknown.2);
    assert_eq!(
        shape(&known.1),
        shape(&unknown.1),
        "{}\n{}",
        known.1,
        unknown.1
    );
    let parts = |out: &str| -> (i64, String) {
        let link = out.lines().nth(1).unwrap();
        let mut it = link.trim_end_matches('/').rsplit('/');
        let token = it.next().unwrap().to_string();
        let uid = it.next().unwrap();
        let id = base64_decode(uid).parse::<i64>().unwrap();
        (id, token)
    };
    let (known_id, known_token) = parts(&known.1);
    let (decoy_id, decoy_token) = parts(&unknown.1);
    assert_eq!(known_id, 1);
    assert!(![1, 2].contains(&decoy_id), "an id no user has: {decoy_id}");
    assert!(
        (1..=64).contains(&decoy_id),
        "an id of the table's range: {decoy_id}"
    );
    let (stamp, mac) = decoy_token.split_once('-').unwrap();
    assert_eq!(stamp, known_token.split_once('-').unwrap().0);
    assert_eq!(mac.len(), 32);
    assert!(mac.bytes().all(|b| b.is_ascii_hexdigit()));
    // The same name gets the same answer, as a known user does.
    let again = issue_at(&env, &cfg, now, &["--no-enumerate", "mallory"]);
    assert_eq!(again.1, unknown.1);
    // An id typed is the id shown, known or not.
    let by_id = issue_at(&env, &cfg, now, &["--no-enumerate", "0099"]);
    assert_eq!(parts(&by_id.1).0, 99);
    let j = |user: &str| json_shape(&env.json_at(&cfg, None, &["issue", "--no-enumerate", user]));
    assert_eq!(j("alice"), j("mallory"));
}

fn base64_decode(s: &str) -> String {
    let out = std::process::Command::new(crate::common::tools::python())
        .args([
            "-c",
            "import base64,sys; s=sys.argv[1]; print(base64.urlsafe_b64decode(s + '=' * (-len(s) % 4)).decode())",
            s,
        ])
        .output()
        .unwrap();
    String::from_utf8(out.stdout).unwrap().trim().to_string()
}

// Point 5: under --no-enumerate the rate limit counts names as typed, so a
// username and an email of one account are two buckets, as for nobody.
#[test]
fn no_enumerate_rate_limit_buckets_do_not_depend_on_the_account() {
    let env = TestEnv::demo();
    let cfg = env.config("[limits]\nissue = \"3/15m\"\n");
    let run = |user: &str| -> i32 {
        env.cmd_with(&cfg)
            .args(["-q", "issue", "--no-enumerate", user])
            .output()
            .unwrap()
            .status
            .code()
            .unwrap()
    };
    let known: Vec<i32> = ["bob", "bob", "bob", "bob@example.com", "bob"]
        .iter()
        .map(|u| run(u))
        .collect();
    let unknown: Vec<i32> = ["zed", "zed", "zed", "zed@example.com", "zed"]
        .iter()
        .map(|u| run(u))
        .collect();
    assert_eq!(known, [0, 0, 0, 0, 75]);
    assert_eq!(unknown, known);
    // Every request is on the audit trail under the name typed.
    let asked = env.value(
        "SELECT count(*) FROM resetctl_audit WHERE user_id IS NULL AND subject = 'bob' AND outcome = 'asked'",
    );
    assert_eq!(asked.as_deref(), Some("3"));
    let issued = env.value(
        "SELECT count(*) FROM resetctl_audit WHERE user_id = 2 AND action = 'issue' AND outcome = 'ok'",
    );
    assert_eq!(issued.as_deref(), Some("4"));
}

/// User plus system CPU seconds of one run, the least of `runs`.
fn cpu_seconds(env: &TestEnv, cfg: &Path, args: &[&str], runs: usize) -> f64 {
    (0..runs)
        .map(|_| {
            let out = env
                .sh("TIMEFORMAT='%3U %3S'; { time \"$@\" >/dev/null 2>&1; } 2>&1")
                .arg("bash")
                .arg(crate::common::bin())
                .arg("--config")
                .arg(cfg)
                .args(args)
                .output()
                .unwrap();
            let text = String::from_utf8(out.stdout).unwrap();
            text.split_whitespace()
                .map(|n| n.parse::<f64>().unwrap())
                .sum::<f64>()
        })
        .fold(f64::INFINITY, f64::min)
}

// Point 6: an unknown name costs what a known one does under Laravel
// (bcrypt of the token) and Devise (the key): the same work, so the time
// an answer takes tells nothing.
#[test]
fn no_enumerate_does_the_same_work_for_unknown_users() {
    let laravel = Laravel::new("password_reset_tokens");
    let (env, cfg) = laravel_app(&laravel, &["alice@example.com"], &laravel_config(""));
    let args = |u: &'static str| ["-q", "issue", "--no-enumerate", u];
    let known = cpu_seconds(&env, &cfg, &args("alice@example.com"), 3);
    let unknown = cpu_seconds(&env, &cfg, &args("mallory@example.com"), 3);
    assert!(
        unknown > known * 0.6 && known > unknown * 0.6,
        "Laravel: known {known}s, unknown {unknown}s"
    );

    let env = TestEnv::empty();
    env.cmd().args(["init", "--demo"]).assert().success();
    let cfg = env.config(&format!(
        "framework = \"devise\"\n[schema]\ntable = \"users\"\nemail = \"email\"\npassword = \"password_hash\"\ntoken = \"password_reset_token\"\nexpires = \"password_reset_expires\"\n[devise]\nsecret_key_base = \"{}\"\n[limits]\nissue = \"off\"\n",
        Devise::SECRET
    ));
    let known = cpu_seconds(&env, &cfg, &args("alice@example.com"), 3);
    let unknown = cpu_seconds(&env, &cfg, &args("mallory@example.com"), 3);
    assert!(
        unknown > known * 0.6 && known > unknown * 0.6,
        "Devise: known {known}s, unknown {unknown}s"
    );
}

// Point 4: issuing again does not end a Django link, so inspect and list
// report the longest-lived link that still works, and redeem takes it.
#[test]
fn django_reports_every_link_that_still_works() {
    let (django, env, cfg) = django_site(&["bob"], &django_config("", ""));
    let (c1, first, e1) = issue_at(&env, &cfg, "2026-11-21T10:00:00Z", &["-q", "bob"]);
    assert_eq!(c1, 0, "{e1}");
    let (c2, _, e2) = issue_at(&env, &cfg, "2026-11-21T10:10:00Z", &["--ttl", "1h", "bob"]);
    assert_eq!(c2, 0, "{e2}");
    let later = "2026-11-21T12:10:00Z";
    let v = env.json_at(&cfg, Some(later), &["inspect", "bob"]);
    assert_eq!(v["state"], "active", "{v}");
    assert_eq!(v["expires_at"], "2026-11-24T10:00:00Z");
    let listed = env.json_at(&cfg, Some(later), &["list"]);
    assert_eq!(listed.as_array().unwrap().len(), 1, "{listed}");
    assert_eq!(listed[0]["expires_at"], "2026-11-24T10:00:00Z");
    // Django's own view agrees that the first link still works.
    let first = first.trim();
    let a = django.call(&env.db, Some(later), "confirm", &[first, "new password 22"]);
    assert!(a.ok, "{}", a.line);
    // Once used, no link of bob's works: inspect says so.
    assert_ne!(
        env.json_at(&cfg, Some("2026-11-21T12:20:00Z"), &["inspect", "bob"])["state"],
        "active"
    );
}
