//! Names and indexes in an app's table: table and column names that must
//! not be confused with the audit table's, and the indexes that count.

use crate::common::{APP_HASH, TestEnv, assert_one_line_error, json};

const PW: &str = "correct horse battery";

#[test]
fn no_query_confuses_an_app_table_or_column_with_the_audit_table() {
    // Table names a query might alias its own tables with, and columns named
    // as the audit table's are.
    let layouts = [
        (
            "a",
            "id",
            "username",
            "email",
            "password_hash",
            "password_reset_token",
            "password_reset_expires",
        ),
        (
            "u",
            "id",
            "username",
            "email",
            "password_hash",
            "password_reset_token",
            "password_reset_expires",
        ),
        (
            "t",
            "id",
            "username",
            "email",
            "password_hash",
            "password_reset_token",
            "password_reset_expires",
        ),
        (
            "A",
            "user_id",
            "actor",
            "subject",
            "password_check",
            "outcome",
            "expires",
        ),
        (
            "users",
            "id",
            "action",
            "detail",
            "password_check",
            "reason",
            "expires",
        ),
    ];
    for (table, id, username, email, password, token, expires) in layouts {
        let env = TestEnv::empty();
        env.conn()
            .execute_batch(&format!(
                "CREATE TABLE \"{table}\" ({id} INTEGER PRIMARY KEY, {username} TEXT UNIQUE, {email} TEXT UNIQUE, \
                 {password} TEXT, {token} TEXT, {expires} TEXT);
                 INSERT INTO \"{table}\" ({id}, {username}, {email}) VALUES (1, 'ann', 'ann@example.com'), (2, 'bob', 'bob@example.com');"
            ))
            .unwrap();
        let cfg = env.config(&format!(
            "[schema]\ntable = \"{table}\"\nid = \"{id}\"\nusername = \"{username}\"\nemail = \"{email}\"\n\
             password = \"{password}\"\ntoken = \"{token}\"\nexpires = \"{expires}\"\n"
        ));
        env.cmd_with(&cfg).arg("init").assert().success();
        // Audit row ids and user ids must differ, or a query comparing the
        // wrong columns could pass by chance.
        env.cmd_with(&cfg).args(["issue", "ann"]).assert().success();
        let out = env
            .cmd_with(&cfg)
            .args(["--json", "issue", "bob"])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{table}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let token_value = json(&out.stdout)["token"].as_str().unwrap().to_string();
        // The app changes bob's password: the token is dead everywhere.
        env.conn()
            .execute(
                &format!("UPDATE \"{table}\" SET {password} = ?1 WHERE {id} = 2"),
                [APP_HASH],
            )
            .unwrap();
        let v = env.json_at(&cfg, None, &["inspect", "bob"]);
        assert_eq!(v["password_changed_since_issue"], true, "{table}");
        assert_eq!(v["state"], "expired", "{table}");
        let out = env
            .cmd_with(&cfg)
            .args(["redeem", &token_value, "--password-stdin"])
            .write_stdin(format!("{PW}\n"))
            .output()
            .unwrap();
        assert_eq!(
            out.status.code(),
            Some(77),
            "{table}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let v = env.json_at(&cfg, None, &["purge"]);
        assert_eq!(v["purged"], 1, "{table}");
    }
    // The users table may not take resetctl's own prefix.
    let env = TestEnv::demo();
    let cfg = env.config("[schema]\ntable = \"resetctl_audit\"\n");
    let out = env.cmd_with(&cfg).arg("list").output().unwrap();
    assert_eq!(out.status.code(), Some(78));
    assert_one_line_error(
        &out.stderr,
        "schema.table: resetctl_audit is a name resetctl keeps",
    );
}

#[test]
fn only_full_indexes_of_the_right_collation_count() {
    let env = TestEnv::empty();
    env.conn()
        .execute_batch(
            "CREATE TABLE users (id INTEGER PRIMARY KEY, username TEXT, email TEXT, password_hash TEXT, active INT, password_reset_token TEXT);
             CREATE INDEX app_email ON users (email COLLATE NOCASE) WHERE active = 1;
             CREATE INDEX app_token ON users (password_reset_token COLLATE NOCASE);",
        )
        .unwrap();
    let out = env.cmd().arg("init").output().unwrap();
    assert!(out.status.success());
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("Created index resetctl_users_email_nocase_idx"),
        "a partial index does not serve every lookup: {stdout}"
    );
    assert!(
        stdout.contains("Created index resetctl_users_password_reset_token_idx"),
        "a NOCASE index does not serve '=': {stdout}"
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("resetctl: warning: users.username has no index"),
        "{stderr}"
    );
}
