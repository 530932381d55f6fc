//! Django's auth_user, made by Django itself, mapped by [schema]: only what
//! resetctl owns is added, and Django takes the password redeem wrote.

use std::path::Path;
use std::process::Command;

use super::{columns, schema_entries};
use crate::common::{TestEnv, assert_one_line_error};

fn django(db: &Path, args: &[&str]) -> bool {
    let helper = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/support/django_app.py");
    let out = Command::new(crate::common::tools::python())
        .arg(helper)
        .arg(db)
        .args(args)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        !stderr.contains("ModuleNotFoundError"),
        "Django and argon2-cffi must be installed (scripts/test-env): {stderr}"
    );
    out.status.success()
}

const DJANGO_CONFIG: &str = r#"
[schema]
table = "auth_user"
password = "password"

[password]
format = "django"
"#;

#[test]
fn django_auth_user_end_to_end() {
    let env = TestEnv::empty();
    assert!(django(
        &env.db,
        &["create", "dave", "Dave@Example.org", "old password 1"]
    ));
    let config = env.config(DJANGO_CONFIG);
    let before_schema = schema_entries(&env);
    let before_cols = columns(&env, "auth_user");

    let out = env.cmd_with(&config).arg("init").output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // Only what resetctl owns was added: two columns, two indexes, the audit table.
    let mut cols = before_cols.clone();
    cols.extend([
        "password_reset_token".to_string(),
        "password_reset_expires".to_string(),
    ]);
    assert_eq!(columns(&env, "auth_user"), cols);
    let added: Vec<String> = schema_entries(&env)
        .into_iter()
        .filter(|e| !before_schema.iter().any(|b| b.0 == e.0))
        .map(|e| e.0)
        .collect();
    assert_eq!(
        added,
        [
            "resetctl_audit",
            "resetctl_audit_subject_idx",
            "resetctl_audit_user_idx",
            "resetctl_auth_user_email_nocase_idx",
            "resetctl_auth_user_password_reset_token_idx",
        ]
    );
    for (name, sql) in &before_schema {
        if name != "auth_user" {
            assert!(
                schema_entries(&env).contains(&(name.clone(), sql.clone())),
                "{name} untouched"
            );
        }
    }

    // Issue by email in another case, redeem, and Django accepts the new password.
    let v = env.json_at(&config, None, &["issue", "dave@example.ORG"]);
    assert_eq!(v["user"]["username"], "dave");
    let token = v["token"].as_str().unwrap().to_string();
    env.cmd_with(&config)
        .args(["redeem", &token, "--password-stdin"])
        .write_stdin("brand new password 2\n")
        .assert()
        .success();
    let stored: String = env
        .conn()
        .query_row("SELECT password FROM auth_user", [], |r| r.get(0))
        .unwrap();
    assert!(
        stored.starts_with("argon2$argon2id$v=19$m=19456,t=2,p=1$"),
        "{stored}"
    );
    assert!(
        django(&env.db, &["check", "dave", "brand new password 2"]),
        "Django's check_password accepts it"
    );
    assert!(!django(&env.db, &["check", "dave", "old password 1"]));
}

#[test]
fn init_never_creates_a_mistyped_table_next_to_the_apps() {
    let env = TestEnv::empty();
    assert!(django(
        &env.db,
        &["create", "dave", "dave@example.org", "old password 1"]
    ));
    let config = env.config("[schema]\ntable = \"auth_users\"\npassword = \"password\"\n");
    let before = env.bytes();
    let out = env.cmd_with(&config).arg("init").output().unwrap();
    assert_eq!(out.status.code(), Some(78));
    assert_one_line_error(&out.stderr, "the database has no table auth_users");
    assert!(String::from_utf8_lossy(&out.stderr).contains("hint: check schema.table"));
    assert_eq!(env.bytes(), before);
}
