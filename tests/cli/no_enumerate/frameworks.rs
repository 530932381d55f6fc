//! `--no-enumerate` under the framework stores: Laravel's and Django's
//! answers for unknown users shaped like real ones, and the same work done
//! for them, so neither the output nor the time taken tells.

use std::path::Path;

use crate::common::frameworks::{Devise, Django, Laravel, framework_app};
use crate::common::{TestEnv, assert_one_line_error};

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

// Laravel answers an email, known or not, with a link of one shape
// carrying the email as typed, and refuses a username for everyone alike.
#[test]
fn laravel_no_enumerate_answers_known_and_unknown_alike() {
    let laravel = Laravel::new("password_reset_tokens");
    let (env, cfg) = framework_app(&laravel, &["alice@example.com"], &Laravel::config(""));
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

// Django's decoy link has a real link's shape: an id nobody has,
// and a stamped token, the same for the same name, in text and JSON.
#[test]
fn django_no_enumerate_decoys_look_like_real_links() {
    let (env, cfg) = framework_app(&Django::new(false), &["alice", "bob"], &Django::config(""));
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

// An unknown name costs what a known one does under Laravel
// (bcrypt of the token) and Devise (the key): the same work, so the time
// an answer takes tells nothing.
#[test]
fn no_enumerate_does_the_same_work_for_unknown_users() {
    let laravel = Laravel::new("password_reset_tokens");
    let (env, cfg) = framework_app(&laravel, &["alice@example.com"], &Laravel::config(""));
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
