//! `framework = "devise"`, proven by a real Rails 6.1 app with Devise 4.8
//! (tests/support/devise_app): Devise's own reset page and sign-in judge
//! what resetctl wrote, and resetctl redeems what Devise wrote.

use std::path::Path;

use crate::common::frameworks::{Devise, OLD_PASSWORD, framework_app, race_redeem};
use crate::common::{NOW, TestEnv, assert_one_line_error, json, sha256_hex};

/// `issue ARGS`: the token.
fn issue(env: &TestEnv, cfg: &Path, args: &[&str]) -> String {
    let v = env.json_at(cfg, None, &[&["issue"], args].concat());
    v["token"].as_str().unwrap().to_string()
}

#[test]
fn devise_accepts_a_token_within_reset_password_within_and_refuses_it_after() {
    let devise = Devise::new();
    let (env, cfg) = framework_app(&devise, &["alice@example.com"], &Devise::config(""));
    let token = issue(&env, &cfg, &["alice@example.com"]);

    // Devise's keyed digest and the time of issue, as Active Record writes it.
    let row = devise.row(&env.db, "alice@example.com");
    let stored = row["reset_password_token"].as_str().unwrap();
    assert_eq!(stored.len(), 64);
    assert_ne!(stored, token);
    assert_ne!(stored, sha256_hex(&token));
    assert_eq!(row["reset_password_sent_at"], "2026-11-21 10:00:00.000000");

    // Six hours and a second later Devise calls it expired and changes nothing.
    let late = devise.reset(&env.db, "2026-11-21T16:00:01Z", &token, "new password 22");
    assert!(!late.ok && late.line.contains("expired"), "{}", late.line);
    assert_eq!(
        devise.row(&env.db, "alice@example.com")["reset_password_token"],
        stored
    );

    let in_time = devise.reset(&env.db, "2026-11-21T15:59:00Z", &token, "new password 22");
    assert!(in_time.ok, "{}", in_time.line);
    assert!(
        devise
            .sign_in(&env.db, "alice@example.com", "new password 22")
            .ok
    );
    assert!(
        !devise
            .sign_in(&env.db, "alice@example.com", OLD_PASSWORD)
            .ok
    );
    // Devise cleared both columns; resetctl sees no token.
    assert_eq!(
        env.json_at(&cfg, None, &["inspect", "alice@example.com"])["state"],
        "none"
    );
}

#[test]
fn a_shorter_ttl_backdates_sent_at_and_a_longer_one_is_refused() {
    let devise = Devise::new();
    let (env, cfg) = framework_app(&devise, &["alice@example.com"], &Devise::config(""));
    let before = env.bytes();
    env.cmd_with(&cfg)
        .args(["issue", "alice@example.com", "--ttl", "7h"])
        .assert()
        .code(65)
        .stderr(predicates::str::contains("at most 6h"));
    assert_eq!(env.bytes(), before, "a refused ttl changes nothing");

    let token = issue(&env, &cfg, &["alice@example.com", "--ttl", "1h"]);
    // 1h of Devise's 6h left: sent five hours before now.
    assert_eq!(
        devise.row(&env.db, "alice@example.com")["reset_password_sent_at"],
        "2026-11-21 05:00:00.000000"
    );
    assert_eq!(
        env.json_at(&cfg, None, &["inspect", "alice@example.com"])["expires_at"],
        "2026-11-21T11:00:00Z"
    );

    let late = devise.reset(&env.db, "2026-11-21T11:01:00Z", &token, "new password 22");
    assert!(
        !late.ok,
        "Devise refuses it after 61 minutes: {}",
        late.line
    );
    let in_time = devise.reset(&env.db, "2026-11-21T10:59:00Z", &token, "new password 22");
    assert!(in_time.ok, "{}", in_time.line);
}

#[test]
fn devise_refuses_a_revoked_token() {
    let devise = Devise::new();
    let (env, cfg) = framework_app(&devise, &["alice@example.com"], &Devise::config(""));
    let token = issue(&env, &cfg, &["alice@example.com"]);
    env.cmd_with(&cfg)
        .args(["revoke", "alice@example.com"])
        .assert()
        .success();
    let row = devise.row(&env.db, "alice@example.com");
    assert!(row["reset_password_token"].is_null() && row["reset_password_sent_at"].is_null());
    let a = devise.reset(&env.db, "2026-11-21T10:01:00Z", &token, "new password 22");
    assert!(!a.ok && a.line.contains("invalid"), "{}", a.line);
    assert!(
        devise
            .sign_in(&env.db, "alice@example.com", OLD_PASSWORD)
            .ok
    );
}

#[test]
fn devise_signs_in_with_the_peppered_password_resetctl_wrote() {
    let devise = Devise::new().with("DEVISE_PEPPER", "app-pepper-7");
    let config = Devise::config("pepper = \"app-pepper-7\"\n");
    let (env, cfg) = framework_app(&devise, &["alice@example.com"], &config);
    let token = issue(&env, &cfg, &["alice@example.com"]);
    let link = format!("https://example.com/users/password/edit?reset_password_token={token}");
    let out = env
        .cmd_with(&cfg)
        .args(["--json", "redeem", "-", "--password-stdin"])
        .write_stdin(format!("{link}\nnew password 22\n"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(json(&out.stdout)["redeemed"], true);
    let row = devise.row(&env.db, "alice@example.com");
    // Devise's own prefix, at least cost 10 (the table's cost 4 is raised).
    assert!(
        row["encrypted_password"]
            .as_str()
            .unwrap()
            .starts_with("$2a$10$"),
        "{row}"
    );
    assert!(row["reset_password_token"].is_null() && row["reset_password_sent_at"].is_null());
    assert!(
        devise
            .sign_in(&env.db, "alice@example.com", "new password 22")
            .ok
    );
    assert!(
        !devise
            .sign_in(&env.db, "alice@example.com", OLD_PASSWORD)
            .ok
    );
    // Without the pepper Devise's check fails: the pepper went into the hash.
    let unpeppered = Devise::new();
    assert!(
        !unpeppered
            .sign_in(&env.db, "alice@example.com", "new password 22")
            .ok
    );
    // The same link again is used up.
    env.cmd_with(&cfg)
        .args(["redeem", &link, "--password-stdin"])
        .write_stdin("another password 3\n")
        .assert()
        .code(77);
}

#[test]
fn resetctl_redeems_a_token_devise_issued() {
    let devise = Devise::new();
    let (env, cfg) = framework_app(&devise, &["alice@example.com"], &Devise::config(""));
    let issued = devise.call(&env.db, Some(NOW), "issue", &["alice@example.com"]);
    assert!(issued.ok);
    let raw = issued.line;
    assert_eq!(raw.len(), 20, "Devise's own token: {raw}");
    let v = env.json_at(&cfg, None, &["inspect", "--token", &raw]);
    assert_eq!(v["user"]["email"], "alice@example.com");
    assert_eq!(v["state"], "active");
    assert_eq!(v["expires_at"], "2026-11-21T16:00:00Z");
    env.cmd_with(&cfg)
        .args(["redeem", &raw, "--password-stdin"])
        .write_stdin("new password 22\n")
        .assert()
        .success();
    assert!(
        devise
            .sign_in(&env.db, "alice@example.com", "new password 22")
            .ok
    );
}

#[test]
fn of_sixteen_redeemers_one_wins_and_devise_signs_in_with_that_password() {
    let devise = Devise::new();
    let (env, cfg) = framework_app(&devise, &["alice@example.com"], &Devise::config(""));
    let token = issue(&env, &cfg, &["alice@example.com"]);
    let winner = race_redeem(&env, Some(&cfg), &token);
    assert!(devise.sign_in(&env.db, "alice@example.com", &winner).ok);
    let row = devise.row(&env.db, "alice@example.com");
    assert!(row["reset_password_token"].is_null() && row["reset_password_sent_at"].is_null());
}

#[test]
fn list_purge_and_bulk_issue_read_sent_at_as_devise_does() {
    let devise = Devise::new();
    let users = ["alice@example.com", "bob@example.com", "carol@example.com"];
    let (env, cfg) = framework_app(&devise, &users, &Devise::config(""));
    issue(&env, &cfg, &["alice@example.com"]);
    // Bob's was issued seven hours ago: past Devise's six.
    let out = env
        .cmd_with(&cfg)
        .env("RESETCTL_NOW", "2026-11-21T03:00:00Z")
        .args(["issue", "bob@example.com"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let listed = env.json_at(&cfg, None, &["list"]);
    assert_eq!(listed.as_array().unwrap().len(), 2);
    assert_eq!(listed[0]["state"], "active");
    assert_eq!(listed[0]["expires_at"], "2026-11-21T16:00:00Z");
    assert_eq!(listed[1]["state"], "expired");
    assert_eq!(listed[1]["expires_at"], "2026-11-21T09:00:00Z");

    assert_eq!(env.json_at(&cfg, None, &["purge"])["purged"], 1);
    assert!(devise.row(&env.db, "bob@example.com")["reset_password_token"].is_null());
    assert!(!devise.row(&env.db, "alice@example.com")["reset_password_token"].is_null());

    // A bulk run: every token it prints is one Devise takes.
    let lines: Vec<serde_json::Value> = env
        .json_lines_at(&cfg, None, &["issue", "--all"])
        .into_iter()
        .filter(|v| v.get("token").is_some())
        .collect();
    assert_eq!(lines.len(), 3);
    let carol = lines
        .iter()
        .find(|l| l["user"]["email"] == "carol@example.com")
        .unwrap();
    let a = devise.reset(
        &env.db,
        "2026-11-21T10:05:00Z",
        carol["token"].as_str().unwrap(),
        "new password 33",
    );
    assert!(a.ok, "{}", a.line);
}

#[test]
fn the_secret_comes_from_env_config_or_file_and_is_never_shown() {
    let devise = Devise::new();
    let no_secret = "framework = \"devise\"\n[limits]\nissue = \"off\"\n";
    let (env, cfg) = framework_app(&devise, &["alice@example.com"], no_secret);
    let before = env.bytes();
    let out = env
        .cmd_with(&cfg)
        .args(["issue", "alice@example.com"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(78));
    assert_one_line_error(&out.stderr, "needs the app's secret");
    assert_eq!(env.bytes(), before);
    let v = env.json_failing_at(&cfg, None, &["doctor"], 78);
    assert_eq!(v["framework"], "devise");
    assert_eq!(v["token_store"]["secret"], false);

    let mut outputs = Vec::new();
    // From the environment.
    let out = env
        .cmd_with(&cfg)
        .env("RESETCTL_APP_SECRET", Devise::SECRET)
        .args(["--json", "issue", "alice@example.com"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let token = json(&out.stdout)["token"].as_str().unwrap().to_string();
    let a = devise.reset(&env.db, "2026-11-21T10:01:00Z", &token, "new password 22");
    assert!(a.ok, "{}", a.line);
    outputs.push(out);
    // From a file named in the config, relative to it.
    std::fs::write(env.path("rails.key"), format!("{}\n", Devise::SECRET)).unwrap();
    let cfg = env.config(
        "framework = \"devise\"\n[devise]\nsecret_file = \"rails.key\"\n[limits]\nissue = \"off\"\n",
    );
    for args in [
        &["--json", "doctor"][..],
        &["doctor"],
        &["--json", "issue", "alice@example.com"],
        &["inspect", "alice@example.com"],
        &["--json", "list"],
        &["audit"],
        &["--json", "audit"],
    ] {
        let out = env.cmd_with(&cfg).args(args).output().unwrap();
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        outputs.push(out);
    }
    let token = json(&outputs[3].stdout)["token"]
        .as_str()
        .unwrap()
        .to_string();
    let doctor = json(&outputs[1].stdout);
    assert_eq!(doctor["token_store"]["secret"], true);
    // The cost Devise's test setting wrote, found; redeem keeps to the floor.
    assert_eq!(doctor["password"]["sample"]["most_common"]["cost"], 4);
    assert_eq!(doctor["password"]["sample"]["most_common"]["prefix"], "2a");
    assert_eq!(doctor["password"]["parameters"]["cost"], 10);
    let a = devise.reset(&env.db, "2026-11-21T10:01:00Z", &token, "new password 33");
    assert!(a.ok, "{}", a.line);
    for out in &outputs {
        for stream in [&out.stdout, &out.stderr] {
            assert!(!String::from_utf8_lossy(stream).contains(Devise::SECRET));
        }
    }
    assert!(
        !env.all_text().contains(Devise::SECRET),
        "the secret is not in the database"
    );
}

#[test]
fn on_a_table_without_hashes_redeem_writes_devises_bcrypt() {
    // No Ruby needed: init makes Devise's columns in an empty database.
    let env = TestEnv::empty();
    let cfg = env.config(&Devise::config(""));
    env.cmd_with(&cfg).arg("init").assert().success();
    let cols: Vec<String> = env
        .conn()
        .prepare("SELECT name FROM pragma_table_info('users') ORDER BY cid")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(
        cols,
        [
            "id",
            "email",
            "encrypted_password",
            "reset_password_token",
            "reset_password_sent_at"
        ]
    );
    let v = env.json_at(&cfg, None, &["doctor"]);
    assert_eq!(v["framework"], "devise");
    assert_eq!(v["token_store"]["storage"], "devise-hmac");
    assert_eq!(v["token_store"]["lifetime"], "6h");
    assert_eq!(v["password"]["writes"], "bcrypt");
    assert_eq!(v["password"]["parameters"]["prefix"], "2a");
    assert_eq!(v["password"]["parameters"]["cost"], 12);
    assert_eq!(
        v["link"],
        "https://example.com/users/password/edit?reset_password_token={token}"
    );
}
