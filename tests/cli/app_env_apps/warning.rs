//! `issue` on the built-in example.com link: a real address gets a
//! warning (once a run, on stderr) that the link goes nowhere; a demo
//! address does not, nor a link moved to the app's APP_URL.

use super::{bare, run, text, with_app_env};
use crate::common::{TestEnv, sha256_hex};

const WARNING: &str = "the link points at example.com";

/// The default layout with two users of real-looking addresses and
/// alice of the demo.
fn app() -> TestEnv {
    let env = TestEnv::demo();
    env.sql(
        "INSERT INTO users (id, username, email) VALUES (4, 'dave', 'dave@corp.co'); \
         INSERT INTO users (id, username, email) VALUES (5, 'erin', 'erin@corp.co')",
    );
    env
}

fn on_db(env: &TestEnv) -> assert_cmd::Command {
    let mut c = bare(env);
    c.arg("--db").arg(&env.db);
    c
}

#[test]
fn a_real_address_on_the_example_link_is_warned_once_a_demo_address_is_not() {
    let env = app();
    let out = run(on_db(&env), &["issue", "dave", "erin"], 0);
    let stderr = text(&out.stderr);
    assert_eq!(stderr.matches(WARNING).count(), 1, "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.starts_with("resetctl: warning: "), "{stderr}");
    let stdout = text(&out.stdout);
    assert_eq!(
        stdout
            .matches("https://example.com/reset-password?token=")
            .count(),
        2,
        "{stdout}"
    );
    assert!(env.token_row(4).0.is_some() && env.token_row(5).0.is_some());

    let demo = run(on_db(&env), &["issue", "alice"], 0);
    assert_eq!(
        text(&demo.stderr),
        "",
        "alice@example.com is a demo address"
    );
    let token = text(&demo.stdout)
        .split("token=")
        .nth(1)
        .unwrap()
        .trim()
        .to_string();
    assert_eq!(env.token_row(1).0, Some(sha256_hex(&token)));
}

#[test]
fn no_warning_once_app_url_moves_the_link() {
    let env = app();
    let file = env.path(".env");
    std::fs::write(&file, "APP_URL=https://shop.example.org\n").unwrap();
    let mut c = with_app_env(&env, &file);
    c.arg("--db").arg(&env.db);
    let out = run(c, &["issue", "dave"], 0);
    assert_eq!(text(&out.stderr), "");
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("\nhttps://shop.example.org/reset-password?token="),
        "{stdout}"
    );
    let token = stdout.split("token=").nth(1).unwrap().trim().to_string();
    assert_eq!(env.token_row(4).0, Some(sha256_hex(&token)));
    assert_eq!(env.token_row(5).0, None);
}
