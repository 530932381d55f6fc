//! What `issue --lock` writes as a password: a well-formed hash, in the
//! scheme the app verifies, of a secret nobody knows. It is random bytes in
//! the scheme's shape, not a hash of anything: nothing is hashed per user,
//! so locking a million users costs about what issuing to them does, and
//! no password, however guessed, matches it. The app's own login runs its
//! usual check on it and refuses, with no error; and the account stays one
//! whose owner may ask the app for a reset link (unlike Django's `!`
//! marker, which its reset form skips).

use base64ct::{Base64, Base64Bcrypt, Base64Unpadded, Encoding};
use rand::RngCore;

use super::Scheme;

/// A hash in `scheme`'s format that no password verifies against.
pub fn locked_hash(scheme: &Scheme) -> String {
    let mut rng = rand::rng();
    let mut bytes = [0u8; 80];
    rng.fill_bytes(&mut bytes);
    match scheme {
        Scheme::Argon2id { cost, django } => format!(
            "{}$argon2id$v=19$m={},t={},p={}${}${}",
            if *django { "argon2" } else { "" },
            cost.m_cost,
            cost.t_cost,
            cost.p_cost,
            Base64Unpadded::encode_string(&bytes[..16]),
            Base64Unpadded::encode_string(&bytes[16..48]),
        ),
        // 16 salt bytes in 22 characters, 23 hash bytes in 31: the shape
        // every bcrypt verifier (and PHP's password_get_info) expects.
        Scheme::Bcrypt { prefix, cost } => format!(
            "${}${cost:02}${}{}",
            prefix.as_str(),
            Base64Bcrypt::encode_string(&bytes[..16]),
            Base64Bcrypt::encode_string(&bytes[16..39]),
        ),
        Scheme::DjangoPbkdf2 { iterations } => format!(
            "pbkdf2_sha256${iterations}${}${}",
            alphanumeric(&bytes[32..54]),
            Base64::encode_string(&bytes[..32]),
        ),
        Scheme::BetterAuthScrypt => format!(
            "{}:{}",
            crate::token::lower_hex(&bytes[..16]),
            crate::token::lower_hex(&bytes[16..80]),
        ),
    }
}

/// Letters and digits, as Django's salts are, one per byte (the bias of
/// `% 62` is of no matter: the salt is never used to hash anything).
fn alphanumeric(bytes: &[u8]) -> String {
    const CHARS: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    bytes
        .iter()
        .map(|b| CHARS[usize::from(*b) % CHARS.len()] as char)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::password::{Argon2Cost, BcryptPrefix};
    use argon2::{PasswordHash, PasswordVerifier};

    #[test]
    fn each_scheme_gets_a_hash_its_verifier_reads_and_refuses() {
        let cost = Argon2Cost::default();
        let phc = locked_hash(&Scheme::Argon2id {
            cost,
            django: false,
        });
        let parsed = PasswordHash::new(&phc).unwrap();
        assert_eq!(parsed.salt.unwrap().as_str().len(), 22);
        assert!(
            argon2::Argon2::default()
                .verify_password(b"", &parsed)
                .is_err()
        );
        let django = locked_hash(&Scheme::Argon2id { cost, django: true });
        assert!(django.starts_with("argon2$argon2id$v=19$m=19456,t=2,p=1$"));

        for prefix in [BcryptPrefix::TwoA, BcryptPrefix::TwoB, BcryptPrefix::TwoY] {
            let h = locked_hash(&Scheme::Bcrypt { prefix, cost: 10 });
            assert_eq!(h.len(), 60, "{h}");
            assert!(h.starts_with(&format!("${}$10$", prefix.as_str())));
            assert!(matches!(bcrypt::verify("", &h), Ok(false)));
            assert!(matches!(bcrypt::verify("password", &h), Ok(false)));
        }

        let pbkdf2 = locked_hash(&Scheme::DjangoPbkdf2 { iterations: 1000 });
        let parts: Vec<&str> = pbkdf2.split('$').collect();
        assert_eq!(parts[..2], ["pbkdf2_sha256", "1000"]);
        assert!(parts[2].len() == 22 && parts[2].bytes().all(|b| b.is_ascii_alphanumeric()));
        assert_eq!(Base64::decode_vec(parts[3]).unwrap().len(), 32);

        let scrypt = locked_hash(&Scheme::BetterAuthScrypt);
        let (salt, key) = scrypt.split_once(':').unwrap();
        assert_eq!((salt.len(), key.len()), (32, 128));
    }

    #[test]
    fn no_two_are_alike() {
        let scheme = Scheme::Bcrypt {
            prefix: BcryptPrefix::TwoY,
            cost: 12,
        };
        assert_ne!(locked_hash(&scheme), locked_hash(&scheme));
    }
}
