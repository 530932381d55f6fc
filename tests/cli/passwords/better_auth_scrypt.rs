//! `better-auth-scrypt`: Better Auth's own `verifyPassword` accepts what
//! `redeem` writes, and `auto` recognises the hashes Better Auth wrote.

use super::{PW, redeem, redeemed, table_of};
use crate::common::assert_one_line_error;
use crate::common::better_auth::BetterAuth;

#[test]
fn better_auths_verify_accepts_what_redeem_wrote() {
    let (env, cfg, token) = table_of([None; 4], "[password]\nformat = \"better-auth-scrypt\"\n");
    let hash = redeemed(&env, &cfg, &token);
    let (salt, key) = hash.split_once(':').unwrap();
    assert_eq!((salt.len(), key.len()), (32, 128), "{hash}");
    let ba = BetterAuth::new();
    assert!(ba.verify(&hash, PW));
    assert!(!ba.verify(&hash, "Grüße, Zoë! 密码 correct horsE"));
    // NFKC, as Better Auth hashes: the ligature "ﬁ" is "fi".
    let (env, cfg, token) = table_of([None; 4], "[password]\nformat = \"better-auth-scrypt\"\n");
    let out = redeem(&env, &cfg, &token, "ﬁne password Ⅻ");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let hash = env.password_hash(1).unwrap();
    assert!(ba.verify(&hash, "ﬁne password Ⅻ"));
    assert!(ba.verify(&hash, "fine password XII"));
}

#[test]
fn auto_recognises_better_auths_hashes() {
    let ba = BetterAuth::new();
    let theirs = ba.hash("the app password");
    let (env, cfg, token) = table_of([Some(theirs.as_str()); 4], "");
    let doctor = env.json_at(&cfg, None, &["doctor"]);
    assert_eq!(
        doctor["password"]["writes"], "better-auth-scrypt",
        "{doctor}"
    );
    let hash = redeemed(&env, &cfg, &token);
    assert_ne!(hash, theirs);
    assert!(ba.verify(&hash, PW));
    assert!(!ba.verify(&hash, "the app password"));
}

#[test]
fn a_password_better_auths_sign_in_would_refuse_is_refused() {
    let (env, cfg, token) = table_of([None; 4], "[password]\nformat = \"better-auth-scrypt\"\n");
    let before = env.bytes();
    let out = redeem(&env, &cfg, &token, &"a".repeat(129));
    assert_eq!(out.status.code(), Some(65));
    assert_one_line_error(
        &out.stderr,
        "the password is too long for Better Auth's sign-in: 129 UTF-16 code units",
    );
    assert_eq!(env.bytes(), before, "the token is not consumed");
}
