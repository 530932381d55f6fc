//! `better-auth-scrypt`: the scrypt hash Better Auth's `hashPassword`
//! writes and its `verifyPassword` reads (`@better-auth/utils`). Its
//! parameters are fixed in that code, not in the hash, so they are fixed
//! here too: a hash with any others would never verify.

use scrypt::Params;
use unicode_normalization::UnicodeNormalization;
use zeroize::Zeroizing;

use super::random::random_bytes;
use crate::error::{Error, Result};

/// log2 of N = 16384.
const LOG_N: u8 = 14;
const R: u32 = 16;
const P: u32 = 1;
const KEY_LEN: usize = 64;
/// Better Auth's sign-in refuses a longer password (`maxPasswordLength`,
/// counted in UTF-16 code units as JavaScript counts a string's length)
/// before it looks at the hash.
pub const MAX_UTF16_UNITS: usize = 128;

/// `<32 hex salt>:<128 hex key>`, both lowercase: the only form Better
/// Auth's `===` comparison of hex strings can match.
pub fn is_hash(s: &str) -> bool {
    let lower_hex = |part: &str, len: usize| {
        part.len() == len && part.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
    };
    matches!(s.split_once(':'), Some((salt, key)) if lower_hex(salt, 32) && lower_hex(key, KEY_LEN * 2))
}

/// A new hash with a fresh salt: 16 random bytes whose 32 hex characters,
/// as text, are the scrypt salt (Better Auth never decodes them).
pub fn hash(password: &str) -> Result<String> {
    let units = password.encode_utf16().count();
    if units > MAX_UTF16_UNITS {
        return Err(Error::bad_input(format!(
            "the password is too long for Better Auth's sign-in: {units} UTF-16 code units, and it refuses more than {MAX_UTF16_UNITS}"
        ))
        .with_hint("choose a password of at most 128 characters (one outside the Basic Multilingual Plane counts 2)"));
    }
    let salt = hex::encode(*random_bytes::<16>()?);
    let key = derive(password, &salt)?;
    Ok(format!("{salt}:{}", hex::encode(key.as_slice())))
}

/// The key for `password` under the salt text, as Better Auth derives it:
/// the password NFKC-normalised, then UTF-8.
pub fn derive(password: &str, salt: &str) -> Result<Zeroizing<[u8; KEY_LEN]>> {
    let params = Params::new(LOG_N, R, P, KEY_LEN)
        .map_err(|e| Error::internal(format!("bad scrypt parameters: {e}")))?;
    let normalized = Zeroizing::new(password.nfkc().collect::<String>());
    let mut key = Zeroizing::new([0u8; KEY_LEN]);
    scrypt::scrypt(normalized.as_bytes(), salt.as_bytes(), &params, &mut *key)
        .map_err(|e| Error::internal(format!("password hashing failed: {e}")))?;
    Ok(key)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Made by Better Auth's own `hashPassword` (the test harness's `hash`).
    const BY_BETTER_AUTH: &str = "c285fcae9d0636e3c0771d881ede1ed0:bad695b67022b08a9fdfaf3c00a9c9295cebab086fe2d48b65aed2d35786f851e463669ab3feeefb8bccf0e8711a44af1b8a478458090afcf4ca4a8cb3811863";
    /// The same, of "ﬁancé Ⅻ": a ligature and a Roman numeral that NFKC
    /// turns into "fiancé XII".
    const NFKC_BY_BETTER_AUTH: &str = "461c085144f3aa5a750bfc017ba24843:d45a91dbc553e60bbda8dac5a5fffd447d60cb6028357bf9cb18f2cd1ad2bf36eae4dc41b5a3691407ee4bb8865388b0e47b751c7f59838ec95fde1a93734ef6";

    fn key_of(stored: &str, password: &str) -> String {
        let (salt, _) = stored.split_once(':').unwrap();
        hex::encode(*derive(password, salt).unwrap())
    }

    #[test]
    fn derives_the_key_better_auth_wrote() {
        let (_, key) = BY_BETTER_AUTH.split_once(':').unwrap();
        assert_eq!(key_of(BY_BETTER_AUTH, "correct horse battery"), key);
        assert_ne!(key_of(BY_BETTER_AUTH, "correct horse batterY"), key);
        let (_, key) = NFKC_BY_BETTER_AUTH.split_once(':').unwrap();
        assert_eq!(key_of(NFKC_BY_BETTER_AUTH, "ﬁancé Ⅻ"), key);
        assert_eq!(key_of(NFKC_BY_BETTER_AUTH, "fiancé XII"), key);
    }

    #[test]
    fn writes_better_auths_shape_with_a_fresh_salt() {
        let a = hash("correct horse battery").unwrap();
        assert!(is_hash(&a), "{a}");
        assert_eq!(a.len(), 161);
        let (salt, key) = a.split_once(':').unwrap();
        assert_eq!(key_of(&a, "correct horse battery"), key);
        let b = hash("correct horse battery").unwrap();
        assert_ne!(salt, b.split_once(':').unwrap().0);
    }

    #[test]
    fn recognises_only_its_own_shape() {
        assert!(is_hash(BY_BETTER_AUTH));
        assert!(!is_hash(&BY_BETTER_AUTH.to_uppercase()));
        assert!(!is_hash(&BY_BETTER_AUTH[1..]));
        assert!(!is_hash(&BY_BETTER_AUTH.replacen(':', "$", 1)));
        assert!(!is_hash("sha1:1000:abcd:ef01"));
        assert!(!is_hash(""));
    }

    #[test]
    fn refuses_what_better_auths_sign_in_would_refuse() {
        assert!(hash(&"a".repeat(128)).is_ok());
        let e = hash(&"a".repeat(129)).unwrap_err();
        assert_eq!(e.exit_code(), 65);
        assert!(e.message.contains("129 UTF-16 code units"), "{}", e.message);
        // 64 characters outside the BMP are 128 units; 65 are 130.
        assert!(hash(&"😀".repeat(64)).is_ok());
        assert!(hash(&"😀".repeat(65)).is_err());
    }
}
