//! The password `redeem` writes: each scheme checked by verifiers nobody
//! here wrote, its parameters, and the limits a scheme imposes.

mod auto;
mod better_auth_scrypt;

use crate::common::TestEnv;
use crate::common::assert_one_line_error;
use crate::common::verifiers::{BCRYPT_VERIFIERS, Verifier, accepts};

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

#[test]
fn argon2_parameters_are_configurable() {
    let env = TestEnv::demo();
    let config = env.config(
        // OWASP's 9 MiB row, with two lanes.
        "[password]\nmin_length = 12\nargon2 = { m_cost = 9216, t_cost = 4, p_cost = 2 }\n",
    );
    let token = env.issue("carol");
    let out = env
        .cmd_with(&config)
        .args(["redeem", &token, "--password-stdin"])
        .write_stdin("elevenchars\n")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(65));
    assert_one_line_error(&out.stderr, "at least 12 needed");
    env.cmd_with(&config)
        .args(["redeem", &token, "--password-stdin"])
        .write_stdin("twelve chars\n")
        .assert()
        .success();
    let hash = env.password_hash(3).unwrap();
    assert!(hash.starts_with("$argon2id$v=19$m=9216,t=4,p=2$"), "{hash}");
    assert!(argon2_reference::verify_encoded(&hash, b"twelve chars").unwrap());
}
