//! The `framework` key and its sections: every mistake is one line naming
//! the key (78) before anything is touched.

use crate::common::{TestEnv, assert_one_line_error};

/// Runs `issue alice@example.com` with this config on a demo database and
/// expects 78 with `message`, and the database unchanged.
#[track_caller]
fn refused(config: &str, message: &str) {
    let env = TestEnv::demo();
    let before = env.bytes();
    let cfg = env.config(config);
    let out = env
        .cmd_with(&cfg)
        .args(["issue", "alice@example.com"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(78), "{config}");
    assert_one_line_error(&out.stderr, message);
    assert_eq!(env.bytes(), before);
}

#[test]
fn framework_mistakes_name_the_key() {
    refused(
        "framework = \"rails\"\n",
        "framework: 'rails' is not one of auto, none, devise, laravel, django",
    );
    refused(
        "[devise]\nsecret_key_base = \"x\"\n",
        "[devise] is set, but framework is not \"devise\"",
    );
    refused(
        "framework = \"laravel\"\n[schema]\ntoken = \"reset_token\"\n",
        "schema.token: has no meaning with framework = \"laravel\"",
    );
    refused(
        "framework = \"django\"\n[schema]\ntoken_storage = \"plain\"\n",
        "schema.token_storage: has no meaning with framework = \"django\"",
    );
    refused(
        "framework = \"laravel\"\n[password]\nbcrypt = { prefix = \"2b\" }\n",
        "password.bcrypt.prefix: framework = \"laravel\" verifies only $2y$ hashes",
    );
    refused(
        "framework = \"laravel\"\n[laravel]\ntimezone = \"Mars/Olympus\"\n",
        "laravel.timezone: 'Mars/Olympus' is not a time zone name",
    );
    refused(
        "framework = \"laravel\"\n[laravel]\ndb_timezone = \"UTC'; DROP TABLE users; --\"\n",
        "laravel.db_timezone: not a time zone as MySQL's time_zone takes one",
    );
    refused(
        "framework = \"django\"\n[django]\npassword_reset_timeout = \"soon\"\n",
        "django.password_reset_timeout: malformed duration",
    );
    refused(
        "framework = \"devise\"\n[devise]\nsecret_key_base = \"x\"\n[token]\nmax_ttl = \"7d\"\n",
        "token.max_ttl: must be more than 0s and at most 6h",
    );
    refused(
        "framework = \"devise\"\n[devise]\nsecret_file = \"missing.key\"\n",
        "devise.secret_key_base: secret_file",
    );
}

#[test]
fn a_token_ttl_within_the_frameworks_lifetime_is_the_default() {
    let env = TestEnv::empty();
    let cfg = env.config(
        "framework = \"devise\"\n[devise]\nsecret_key_base = \"x\"\n[token]\nttl = \"1h\"\n",
    );
    env.cmd_with(&cfg)
        .args(["init", "--demo"])
        .assert()
        .success();
    assert_eq!(
        env.json_at(&cfg, None, &["issue", "alice@example.com"])["expires_at"],
        "2026-11-21T11:00:00Z"
    );
    let sent: String = env
        .conn()
        .query_row(
            "SELECT reset_password_sent_at FROM users WHERE email = 'alice@example.com'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(sent, "2026-11-21 05:00:00.000000");
}

#[test]
fn a_secret_in_a_config_others_can_read_draws_a_warning() {
    use std::os::unix::fs::PermissionsExt;
    let env = TestEnv::demo();
    let cfg = env.config("framework = \"django\"\n[django]\nsecret_key = \"k\"\n");
    std::fs::set_permissions(&cfg, std::fs::Permissions::from_mode(0o644)).unwrap();
    let out = env.cmd_with(&cfg).arg("doctor").output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr
            .contains("holds the app's secret (django.secret_key) and can be read by other users"),
        "{stderr}"
    );
}
