//! User ids that are not integers: text (random strings, as Better Auth
//! makes them) and UUIDs (the engine's own `uuid` type, 16 binary bytes),
//! through every command and into the audit table.

use crate::common::{APP_HASH, Backend, TestEnv, assert_one_line_error, json, sha256_hex};
use crate::on_every_engine;

const ANN: &str = "Zq3xT8kP1mN5vR7aYw2cLd9fGh6jKs4b";
const DIGITS: &str = "b7Hk2LpQ9sWx4Ye1Ua8oIi5tRr3eWq0z";
const PW: &str = "a new long password";

/// A users table keyed by text, with ann, a user whose username is all
/// digits (`1234`), and `more` users `t01`, `t02`... (ids `t01`...).
fn text_ids(backend: Backend, more: u32) -> TestEnv {
    let env = TestEnv::empty_on(backend);
    let (id, text) = match backend {
        Backend::Mariadb => ("varchar(64)", "varchar(255)"),
        _ => ("text", "text"),
    };
    env.sql(&format!(
        "CREATE TABLE users (id {id} PRIMARY KEY, username {text} UNIQUE, \
         email {text} UNIQUE, password_hash {text})"
    ));
    env.sql(&format!(
        "INSERT INTO users (id, username, email) VALUES ('{ANN}', 'ann', 'ann@example.com'), \
         ('{DIGITS}', '1234', 'digits@example.com')"
    ));
    for i in 1..=more {
        env.sql(&format!(
            "INSERT INTO users (id, username, email) VALUES ('t{i:02}', 'u{i}', 'u{i}@example.com')"
        ));
    }
    env.cmd().arg("init").assert().success();
    env
}

fn token_of(env: &TestEnv, id: &str) -> Option<String> {
    env.value(&format!(
        "SELECT password_reset_token FROM users WHERE id = '{id}'"
    ))
}

/// (action, outcome, user_id) of every audit row but `init`'s, oldest
/// first.
pub(crate) fn audit(env: &TestEnv) -> Vec<(String, String, Option<String>)> {
    // MariaDB's column is binary, which the harness shows in hex.
    let user_id = match env.backend() {
        Backend::Mariadb => "CAST(user_id AS CHAR)",
        _ => "user_id",
    };
    env.rows(&format!(
        "SELECT action, outcome, {user_id} FROM resetctl_audit WHERE action <> 'init' ORDER BY id"
    ))
    .into_iter()
    .map(|r| (r[0].clone().unwrap(), r[1].clone().unwrap(), r[2].clone()))
    .collect()
}

fn issued(audit: &[(String, String, Option<String>)]) -> Vec<&str> {
    audit
        .iter()
        .filter(|(a, o, _)| a == "issue" && o == "ok")
        .filter_map(|(_, _, u)| u.as_deref())
        .collect()
}

on_every_engine! {
    fn text_ids_are_found_by_email_id_and_digit_usernames(backend) {
        let env = text_ids(backend, 0);
        let v = env.json(&["issue", "ann@example.com"]);
        assert_eq!(v["user"]["id"], ANN, "a string in JSON");
        assert_eq!(token_of(&env, ANN), Some(sha256_hex(v["token"].as_str().unwrap())));
        // All digits is a username where ids are text.
        let v = env.json(&["issue", "1234"]);
        assert_eq!(v["user"], serde_json::json!({"id": DIGITS, "username": "1234", "email": "digits@example.com"}));
        let v = env.json(&["issue", "--by", "id", ANN]);
        assert_eq!(v["user"]["username"], "ann");
        let out = env.cmd().args(["issue", "--by", "id", "nobody"]).output().unwrap();
        assert_eq!(out.status.code(), Some(67));
        assert_one_line_error(&out.stderr, "no user with id 'nobody'");
        assert_eq!(
            issued(&audit(&env)),
            [ANN, DIGITS, ANN],
            "the audit table carries the ids as the app keeps them"
        );
    }
}

on_every_engine! {
    fn text_ids_inspect_list_and_revoke(backend) {
        let env = text_ids(backend, 0);
        env.json(&["issue", "ann"]);
        let out = env.cmd().args(["inspect", "ann"]).output().unwrap();
        assert_eq!(out.status.code(), Some(0));
        let text = String::from_utf8(out.stdout).unwrap();
        assert!(
            text.starts_with(&format!("User:           ann <ann@example.com> (id {ANN})\n")),
            "{text}"
        );
        assert!(text.contains("Last issued:    2026-11-21T10:00:00Z"), "{text}");
        let v = env.json(&["list"]);
        assert_eq!(v.as_array().unwrap().len(), 1);
        assert_eq!(v[0]["user"]["id"], ANN);
        assert_eq!(v[0]["state"], "active");
        let out = env.cmd().args(["list"]).output().unwrap();
        assert_eq!(out.status.code(), Some(0));
        assert!(String::from_utf8_lossy(&out.stdout).contains(ANN));
        env.cmd().args(["revoke", "ann"]).assert().success();
        assert_eq!(token_of(&env, ANN), None);
        assert_eq!(
            audit(&env).last().unwrap(),
            &("revoke".into(), "ok".into(), Some(ANN.into()))
        );
        env.cmd().arg("doctor").assert().success();
    }
}

on_every_engine! {
    fn text_ids_redeem_and_purge(backend) {
        let env = text_ids(backend, 0);
        let token = env.issue("ann");
        env.cmd()
            .args(["redeem", &token, "--password-stdin"])
            .write_stdin(format!("{PW}\n"))
            .assert()
            .success();
        let hash = env
            .value(&format!("SELECT password_hash FROM users WHERE id = '{ANN}'"))
            .unwrap();
        assert!(argon2_reference::verify_encoded(&hash, PW.as_bytes()).unwrap());
        assert_eq!(token_of(&env, ANN), None);
        assert_eq!(
            audit(&env).last().unwrap(),
            &("redeem".into(), "ok".into(), Some(ANN.into()))
        );
        env.issue("1234");
        let v = env.json_at(
            &env.config(""),
            Some("2026-11-21T12:00:00Z"),
            &["purge"],
        );
        assert_eq!(v, serde_json::json!({"purged": 1}));
        assert_eq!(token_of(&env, DIGITS), None);
    }
}

on_every_engine! {
    fn text_ids_bulk_all_from_and_resume(backend) {
        let env = text_ids(backend, 5);
        let out = env
            .cmd()
            .args(["--json", "issue", "--all", "--batch", "3"])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
        assert_eq!(String::from_utf8_lossy(&out.stderr), "Issued 7, skipped 0, failed 0.\n");
        let lines: Vec<serde_json::Value> = String::from_utf8(out.stdout)
            .unwrap()
            .lines()
            .map(|l| json(l.as_bytes()))
            .collect();
        let mut ids: Vec<&str> = lines.iter().map(|v| v["user"]["id"].as_str().unwrap()).collect();
        ids.sort_unstable();
        let mut want = vec![ANN, DIGITS, "t01", "t02", "t03", "t04", "t05"];
        want.sort_unstable();
        assert_eq!(ids, want, "every user once, in id order of the column");
        for v in &lines {
            let id = v["user"]["id"].as_str().unwrap();
            assert_eq!(token_of(&env, id), Some(sha256_hex(v["token"].as_str().unwrap())));
        }
        env.cmd().args(["revoke", "u3"]).assert().success();
        env.cmd()
            .args(["issue", "--all", "--skip-active", "--batch", "2"])
            .assert()
            .success()
            .stderr("Issued 1, skipped 6, failed 0.\n");
        assert!(token_of(&env, "t03").is_some());
        let list = env.path("users.txt");
        std::fs::write(&list, format!("u1@example.com\n{ANN}\n1234\nnobody@example.com\n")).unwrap();
        let out = env
            .cmd()
            .args(["--json", "issue", "--from"])
            .arg(&list)
            .arg("--skip-active")
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(67), "{}", String::from_utf8_lossy(&out.stderr));
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains("Issued 0, skipped 3, failed 1."), "{stderr}");
        assert_eq!(issued(&audit(&env)).len(), 8);
    }
}

const UUIDS: [&str; 3] = [
    "0b1c2d3e-4f50-4172-8394-a5b6c7d8e9f0",
    "5e6f7a8b-9c0d-4e1f-a2b3-c4d5e6f7a8b9",
    "f0e1d2c3-b4a5-4697-8879-6a5b4c3d2e1f",
];

/// A users table keyed by UUIDs as each engine keeps them best: its own
/// `uuid` type on PostgreSQL, 16 binary bytes on SQLite and MariaDB.
/// Users ann, bob and cat, in that order of ids.
fn uuid_ids(backend: Backend) -> TestEnv {
    let env = TestEnv::empty_on(backend);
    let (id, text) = match backend {
        Backend::Postgres => ("uuid", "text"),
        Backend::Mariadb => ("binary(16)", "varchar(255)"),
        Backend::Sqlite => ("BLOB", "TEXT"),
    };
    env.sql(&format!(
        "CREATE TABLE users (id {id} PRIMARY KEY, username {text} UNIQUE, \
         email {text} UNIQUE, password_hash {text})"
    ));
    for (uuid, name) in UUIDS.iter().zip(["ann", "bob", "cat"]) {
        env.sql(&format!(
            "INSERT INTO users (id, username, email) VALUES ({}, '{name}', '{name}@example.com')",
            uuid_literal(backend, uuid)
        ));
    }
    env.cmd().arg("init").assert().success();
    env
}

fn uuid_literal(backend: Backend, uuid: &str) -> String {
    match backend {
        Backend::Postgres => format!("'{uuid}'"),
        _ => format!("X'{}'", uuid.replace('-', "")),
    }
}

fn uuid_token(env: &TestEnv, uuid: &str) -> Option<String> {
    env.value(&format!(
        "SELECT password_reset_token FROM users WHERE id = {}",
        uuid_literal(env.backend(), uuid)
    ))
}

on_every_engine! {
    fn uuid_ids_through_every_command(backend) {
        let env = uuid_ids(backend);
        let [ann, bob, cat] = UUIDS;
        // A UUID typed in capitals is an id.
        let v = env.json(&["issue", &bob.to_uppercase()]);
        assert_eq!(v["user"], serde_json::json!({"id": bob, "username": "bob", "email": "bob@example.com"}));
        assert_eq!(uuid_token(&env, bob), Some(sha256_hex(v["token"].as_str().unwrap())));
        assert_eq!(uuid_token(&env, ann), None);
        let out = env.cmd().args(["inspect", bob]).output().unwrap();
        assert_eq!(out.status.code(), Some(0));
        assert!(String::from_utf8_lossy(&out.stdout)
            .starts_with(&format!("User:           bob <bob@example.com> (id {bob})\n")));
        let v = env.json(&["list", "--active"]);
        assert_eq!(v[0]["user"]["id"], bob);
        // The password changing kills the token: the audit row and the
        // row meet by the id's text.
        env.sql(&format!(
            "UPDATE users SET password_hash = '{APP_HASH}' WHERE id = {}",
            uuid_literal(backend, bob)
        ));
        assert_eq!(env.json(&["list", "--active"]), serde_json::json!([]));
        let token = env.issue("ann@example.com");
        env.cmd()
            .args(["redeem", &token, "--password-stdin"])
            .write_stdin(format!("{PW}\n"))
            .assert()
            .success();
        assert_eq!(uuid_token(&env, ann), None);
        env.cmd().args(["revoke", cat]).assert().success();
        assert_eq!(
            audit(&env),
            [
                ("issue".into(), "ok".into(), Some(bob.into())),
                ("issue".into(), "ok".into(), Some(ann.into())),
                ("redeem".into(), "ok".into(), Some(ann.into())),
            ],
            "canonical UUID text in the audit table; revoking nothing writes nothing"
        );
        env.cmd().arg("doctor").assert().success();
    }
}

on_every_engine! {
    fn uuid_ids_bulk_in_id_order_and_resume(backend) {
        let env = uuid_ids(backend);
        let lines = env.json_lines(&["issue", "--all", "--batch", "2"]);
        let ids: Vec<&str> = lines.iter().map(|v| v["user"]["id"].as_str().unwrap()).collect();
        assert_eq!(ids, UUIDS, "in the order of the id column");
        for v in &lines {
            let id = v["user"]["id"].as_str().unwrap();
            assert_eq!(uuid_token(&env, id), Some(sha256_hex(v["token"].as_str().unwrap())));
        }
        env.cmd().args(["revoke", "bob"]).assert().success();
        let lines = env.json_lines(&["issue", "--all", "--skip-active", "--batch", "1"]);
        assert_eq!(lines.len(), 1);
        assert_eq!(lines[0]["user"]["id"], UUIDS[1]);
        // A batch's entries are written in the order of its tokens.
        let rows = audit(&env);
        let mut all = issued(&rows);
        all.sort_unstable();
        assert_eq!(all, [UUIDS[0], UUIDS[1], UUIDS[1], UUIDS[2]]);
    }
}

on_every_engine! {
    fn an_integer_audit_column_is_widened_by_init_where_ids_are_text(backend) {
        let env = TestEnv::demo_on(backend);
        env.issue("alice");
        let (id, text) = match backend {
            Backend::Mariadb => ("varchar(64)", "varchar(255)"),
            _ => ("text", "text"),
        };
        env.sql(&format!(
            "CREATE TABLE people (pid {id} PRIMARY KEY, mail {text}, pw {text}, tok {text}, exp {text}); \
             INSERT INTO people VALUES ('{ANN}', 'ann@example.com', NULL, NULL, NULL)"
        ));
        let config = env.config(
            "[schema]\ntable = \"people\"\nid = \"pid\"\nusername = \"\"\nemail = \"mail\"\n\
             password = \"pw\"\ntoken = \"tok\"\nexpires = \"exp\"\n",
        );
        if backend.is_server() {
            let out = env.cmd_with(&config).args(["issue", "ann@example.com"]).output().unwrap();
            assert_eq!(out.status.code(), Some(78));
            assert_one_line_error(
                &out.stderr,
                "resetctl_audit.user_id holds only integers, and people.pid holds ids that are not",
            );
            assert_eq!(env.value("SELECT count(*) FROM resetctl_audit").as_deref(), Some("2"));
            env.cmd_with(&config)
                .arg("init")
                .assert()
                .success()
                .stdout(predicates::str::contains(
                    "Changed resetctl_audit.user_id to text, for user ids that are not integers",
                ));
        }
        let v = env.json_at(&config, None, &["issue", "ann@example.com"]);
        assert_eq!(v["user"]["id"], ANN);
        assert_eq!(
            audit(&env),
            [
                ("issue".into(), "ok".into(), Some("1".into())),
                ("issue".into(), "ok".into(), Some(ANN.into())),
            ],
            "alice's row kept her id"
        );
    }
}
