//! `format = "auto"`: the scheme and parameters read from the table's own
//! hashes, from the newest users that hold one, and refused when unclear.

use super::{
    ARGON2ID, BCRYPT_2A_12, BCRYPT_2B_10, BCRYPT_2Y_12, PBKDF2_1M, PW, redeem, redeemed, table_of,
};
use crate::common::verifiers::{Verifier, accepts};
use crate::common::{Backend, TestEnv, assert_one_line_error, json};
use crate::on_every_engine;

#[test]
fn auto_writes_the_scheme_and_parameters_the_table_uses() {
    // (the table, what is written, who checks it; None: rust-argon2)
    type Case<'a> = ([Option<&'a str>; 4], &'a str, Option<Verifier>);
    let cases: [Case; 5] = [
        (
            [Some(BCRYPT_2B_10); 4],
            "$2b$10$",
            Some(Verifier::PythonBcrypt),
        ),
        (
            [
                Some(BCRYPT_2Y_12),
                Some(BCRYPT_2Y_12),
                None,
                Some(BCRYPT_2B_10),
            ],
            "$2y$12$",
            Some(Verifier::Php),
        ),
        ([Some(BCRYPT_2A_12); 4], "$2a$12$", Some(Verifier::Ruby)),
        (
            [Some(PBKDF2_1M), Some(PBKDF2_1M), Some("!unusable"), None],
            "pbkdf2_sha256$1000000$",
            Some(Verifier::Django),
        ),
        ([Some(ARGON2ID); 4], "$argon2id$v=19$m=65536,t=3,p=4$", None),
    ];
    for (hashes, written, verifier) in cases {
        let (env, cfg, token) = table_of(hashes, "");
        let hash = redeemed(&env, &cfg, &token);
        assert!(hash.starts_with(written), "want {written}: {hash}");
        match verifier {
            Some(v) => assert!(accepts(v, &hash, PW), "{v:?}: {hash}"),
            None => assert!(argon2_reference::verify_encoded(&hash, PW.as_bytes()).unwrap()),
        }
    }
}

#[test]
fn auto_on_a_table_without_hashes_writes_argon2id() {
    let (env, cfg, token) = table_of([None, Some(""), Some("!unusable"), None], "");
    let hash = redeemed(&env, &cfg, &token);
    assert!(
        hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
        "{hash}"
    );
    assert!(argon2_reference::verify_encoded(&hash, PW.as_bytes()).unwrap());
}

#[test]
fn auto_refuses_unknown_or_split_tables_with_78_and_the_token_alive() {
    let cases: [([Option<&str>; 4], &str); 3] = [
        (
            [
                Some("md5$salt$5f4dcc3b5aa765d61d8327deb882cf99"),
                Some("md5$x$y"),
                Some("sha1:64000:18:abc:def"),
                None,
            ],
            "most password hashes are of a kind resetctl does not write (2 md5, 1 sha1)",
        ),
        (
            [
                Some(BCRYPT_2B_10),
                Some(BCRYPT_2B_10),
                Some(PBKDF2_1M),
                Some(PBKDF2_1M),
            ],
            "no clear majority among 4 password hashes: 2 bcrypt, 2 django-pbkdf2",
        ),
        (
            [
                Some("$argon2i$v=19$m=4096,t=3,p=1$c2FsdA$aGFzaA"),
                Some("$argon2i$v=19$m=4096,t=3,p=1$c2FsdA$aGFzaA"),
                None,
                None,
            ],
            "(2 $argon2i$)",
        ),
    ];
    for (hashes, want) in cases {
        let (env, cfg, token) = table_of(hashes, "");
        let before = env.bytes();
        let out = redeem(&env, &cfg, &token, PW);
        assert_eq!(out.status.code(), Some(78), "{want}");
        assert_one_line_error(&out.stderr, want);
        assert!(String::from_utf8_lossy(&out.stderr).contains("hint: set [password] format"));
        assert_eq!(env.bytes(), before, "nothing changed, the token is alive");
        let v = env.json(&["inspect", "u1"]);
        assert_eq!(v["state"], "active");
    }
}

const NEW_PASSWORD: &str = "correct horse battery staple";

/// 500 bcrypt users, then 1,000 newer ones whose password column holds
/// `newer` (SQL for each row's value: NULL, '' or a `!` marker).
fn bcrypt_app_with_newer_users(backend: Backend, newer: &str) -> TestEnv {
    let env = TestEnv::with_users_on(1_500, backend);
    env.sql(&format!(
        "UPDATE users SET password_hash = '{BCRYPT_2B_10}' WHERE id <= 500;
         UPDATE users SET password_hash = {newer} WHERE id > 500;"
    ));
    env
}

on_every_engine! {
    // Proves auto samples the newest users with a hash: newer ones without keep bcrypt.
    fn auto_passes_over_newest_users_without_a_password(backend) {
        for newer in [
            "NULL",
            "CASE WHEN id % 2 = 0 THEN '' ELSE '!Kq3x9unusable' || id END",
        ] {
            let env = bcrypt_app_with_newer_users(backend, newer);
            let out = env.cmd().arg("doctor").output().unwrap();
            let text = String::from_utf8_lossy(&out.stdout);
            assert_eq!(out.status.code(), Some(0), "{newer}: {text}");
            assert!(
                text.contains(
                    "redeem writes bcrypt ($2b$, cost 10) (format = auto, from the 500 newest users with a password: 500 bcrypt"
                ),
                "{newer}:\n{text}"
            );
            let doctor = env.json(&["doctor"]);
            assert_eq!(doctor["password"]["writes"], "bcrypt", "{newer}");
            assert_eq!(doctor["password"]["sample"]["hashes"], serde_json::json!({"bcrypt": 500}));

            let token = env.issue("u1");
            let out = env
                .cmd()
                .args(["redeem", &token, "--password-stdin"])
                .write_stdin(format!("{NEW_PASSWORD}\n"))
                .output()
                .unwrap();
            assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
            let hash = env.password_hash(1).unwrap();
            assert!(hash.starts_with("$2b$10$"), "{newer}: {hash}");
            assert!(accepts(Verifier::PythonBcrypt, &hash, NEW_PASSWORD), "{hash}");
            assert!(!accepts(Verifier::PythonBcrypt, &hash, "the app password"));
            assert_eq!(env.token_row(1), (None, None), "the token is used up");
            // Nobody else's password moved.
            assert_eq!(
                env.value(&format!(
                    "SELECT count(*) FROM users WHERE id > 1 AND id <= 500 AND password_hash = '{BCRYPT_2B_10}'"
                )),
                Some("499".into())
            );
            assert_eq!(
                env.value("SELECT count(*) FROM users WHERE id > 500 AND password_hash LIKE '$2%'"),
                Some("0".into())
            );
        }
    }
}

/// Runs the stock Django site (tests/support/django_site) on `db`.
fn django_site(db: &std::path::Path, args: &[&str]) -> (i32, String) {
    let out = std::process::Command::new(crate::common::tools::stock_django())
        .arg(crate::common::tools::support("django_site/site.py"))
        .arg(args[0])
        .args(std::iter::once(db.as_os_str()).filter(|_| args[0] != "has-argon2"))
        .args(&args[1..])
        .env(
            "SECRET_KEY",
            "a stock site's secret key, long enough for Django",
        )
        .output()
        .unwrap();
    let code = out.status.code().unwrap_or(-1);
    assert!(
        code == 0 || code == 1,
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    (code, String::from_utf8_lossy(&out.stdout).into_owned())
}

#[test]
fn stock_django_logs_in_with_what_auto_wrote() {
    let env = TestEnv::empty();
    assert_eq!(
        django_site(&env.db, &["has-argon2"]).0,
        1,
        "argon2-cffi is not installed"
    );
    let (code, _) = django_site(
        &env.db,
        &["create", "dave", "dave@example.org", "old password 1"],
    );
    assert_eq!(code, 0);
    let iterations_of = |hash: &str| hash.split('$').nth(1).unwrap().to_string();
    let django_wrote: String = env
        .conn()
        .query_row("SELECT password FROM auth_user", [], |r| r.get(0))
        .unwrap();
    assert!(django_wrote.starts_with("pbkdf2_sha256$"), "{django_wrote}");
    let cfg = env.config("[schema]\ntable = \"auth_user\"\npassword = \"password\"\n");
    let run = |args: &[&str]| env.cmd_with(&cfg).args(args).output().unwrap();
    assert!(run(&["init"]).status.success());
    let token = json(&run(&["--json", "issue", "dave"]).stdout)["token"]
        .as_str()
        .unwrap()
        .to_string();
    let out = env
        .cmd_with(&cfg)
        .args(["redeem", &token, "--password-stdin"])
        .write_stdin(format!("{PW}\n"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stored: String = env
        .conn()
        .query_row("SELECT password FROM auth_user", [], |r| r.get(0))
        .unwrap();
    // Django's own iteration count (1,500,000 in 6.1), read from the hash
    // create_user wrote: Django re-hashes at login when the count differs.
    assert!(stored.starts_with("pbkdf2_sha256$"), "{stored}");
    assert_eq!(iterations_of(&stored), iterations_of(&django_wrote));
    assert_eq!(django_site(&env.db, &["check", "dave", PW]).0, 0);
    assert_eq!(
        django_site(&env.db, &["check", "dave", "old password 1"]).0,
        1
    );
    assert_eq!(
        django_site(&env.db, &["login", "dave", "old password 1"]).0,
        1
    );
    let (code, said) = django_site(&env.db, &["login", "dave", PW]);
    assert_eq!(code, 0, "authenticate() accepts it: {said}");
}
