//! The password `redeem` writes: each scheme checked by verifiers nobody
//! here wrote, `format = "auto"` reading the table's own hashes, and the
//! limits a scheme imposes.

use crate::common::verifiers::{BCRYPT_VERIFIERS, Verifier, accepts};
use crate::common::{TestEnv, assert_one_line_error, json};

/// Not ASCII, so every verifier has to read the bytes as resetctl did.
const PW: &str = "Grüße, Zoë! 密码 correct horse";

/// Real hashes of "the app password", as apps store them.
const BCRYPT_2B_10: &str = "$2b$10$qR/W.2v7dlfXGUUmGXPxC.427QHBNqSDG69YJfhTnUs4Sm2OBSJUu";
const BCRYPT_2A_12: &str = "$2a$12$.RCW2Yz9XIAE1k3ACRwSCOlXv8YXbvhJHMKdN7Gvdkh4jt1Z1lcjS";
const BCRYPT_2Y_12: &str = "$2y$12$bm3gOixEGNh6VoBTzwefHuC/ptfunPVinvowXh1Oquu/mOqtDi6gi";
const PBKDF2_1M: &str =
    "pbkdf2_sha256$1000000$72hQ1q1e0xLBO1W2R7RhhF$1xGtGbl0G6sJBixxUOeMkAAMPTOlY6UHbXAuUD4+JwE=";
const ARGON2ID: &str = "$argon2id$v=19$m=65536,t=3,p=4$F0qEHlue7xqw0kLMm04awg$XSBxNsruCcI2p7pbRtKoPIK/tIEt+fGv/5TWgPh/sYQ";

/// Four users holding these password values (u1 gets the first), and a
/// live token for u1.
fn table_of(hashes: [Option<&str>; 4], config: &str) -> (TestEnv, std::path::PathBuf, String) {
    let env = TestEnv::with_users(4);
    for (i, h) in hashes.iter().enumerate() {
        env.conn()
            .execute(
                "UPDATE users SET password_hash = ?1 WHERE id = ?2",
                rusqlite::params![h, i as i64 + 1],
            )
            .unwrap();
    }
    let cfg = env.config(config);
    let token = env.json_at(&cfg, None, &["issue", "u1"])["token"]
        .as_str()
        .unwrap()
        .to_string();
    (env, cfg, token)
}

fn redeem(env: &TestEnv, cfg: &std::path::Path, token: &str, pw: &str) -> std::process::Output {
    env.cmd_with(cfg)
        .args(["redeem", token, "--password-stdin"])
        .write_stdin(format!("{pw}\n"))
        .output()
        .unwrap()
}

#[track_caller]
fn redeemed(env: &TestEnv, cfg: &std::path::Path, token: &str) -> String {
    let out = redeem(env, cfg, token, PW);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(env.token_row(1), (None, None), "the token is used up");
    env.password_hash(1).unwrap()
}

#[test]
fn bcrypt_is_accepted_by_python_php_ruby_and_node_for_every_prefix() {
    for prefix in ["2a", "2b", "2y"] {
        let config = format!(
            "[password]\nformat = \"bcrypt\"\nbcrypt = {{ cost = 10, prefix = \"{prefix}\" }}\n"
        );
        let (env, cfg, token) = table_of([None; 4], &config);
        let hash = redeemed(&env, &cfg, &token);
        assert!(hash.starts_with(&format!("${prefix}$10$")), "{hash}");
        assert_eq!(hash.len(), 60);
        for v in BCRYPT_VERIFIERS {
            assert!(accepts(v, &hash, PW), "{v:?} accepts ${prefix}$");
            assert!(
                !accepts(v, &hash, "Grüße, Zoë! 密码 correct horsE"),
                "{v:?} refuses a wrong one"
            );
        }
    }
}

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

#[test]
fn bcrypt_refuses_more_than_72_bytes_never_cutting() {
    let (env, cfg, token) = table_of(
        [None; 4],
        "[password]\nformat = \"bcrypt\"\nbcrypt = { cost = 10 }\n",
    );
    let before = env.bytes();
    // 25 characters, 75 bytes: under any character limit, over bcrypt's.
    let out = redeem(&env, &cfg, &token, &"€".repeat(25));
    assert_eq!(out.status.code(), Some(65));
    assert_one_line_error(
        &out.stderr,
        "the password is too long for bcrypt: 75 bytes, and bcrypt reads only the first 72",
    );
    let out = redeem(&env, &cfg, &token, "nul\0inside the password");
    assert_eq!(out.status.code(), Some(65));
    assert_one_line_error(&out.stderr, "NUL");
    assert_eq!(env.bytes(), before, "the token is not consumed");
    // 24 of them are exactly 72 bytes: written whole, and every byte counts.
    let hash = {
        let out = redeem(&env, &cfg, &token, &"€".repeat(24));
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        env.password_hash(1).unwrap()
    };
    assert!(hash.starts_with("$2b$10$"), "{hash}");
    assert!(accepts(Verifier::PythonBcrypt, &hash, &"€".repeat(24)));
    assert!(!accepts(
        Verifier::PythonBcrypt,
        &hash,
        &format!("{}€", "€".repeat(22))
    ));
}

#[test]
fn explicit_formats_write_what_they_name() {
    for (format, written) in [
        ("argon2id", "$argon2id$v=19$m=19456,t=2,p=1$"),
        ("phc", "$argon2id$v=19$m=19456,t=2,p=1$"),
        ("django-argon2", "argon2$argon2id$v=19$m=19456,t=2,p=1$"),
        ("django", "argon2$argon2id$v=19$m=19456,t=2,p=1$"),
        ("bcrypt", "$2b$12$"),
        ("django-pbkdf2", "pbkdf2_sha256$1000000$"),
    ] {
        // The table's own hashes do not matter once a format is named.
        let (env, cfg, token) = table_of(
            [Some(BCRYPT_2Y_12); 4],
            &format!("[password]\nformat = \"{format}\"\n"),
        );
        let hash = redeemed(&env, &cfg, &token);
        assert!(hash.starts_with(written), "{format}: {hash}");
    }
    let (env, cfg, token) = table_of(
        [None; 4],
        "[password]\nformat = \"django-pbkdf2\"\npbkdf2 = { iterations = 600000 }\n",
    );
    let hash = redeemed(&env, &cfg, &token);
    assert!(hash.starts_with("pbkdf2_sha256$600000$"), "{hash}");
    assert!(accepts(Verifier::Django, &hash, PW));
    assert!(!accepts(Verifier::Django, &hash, "not it at all"));
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
