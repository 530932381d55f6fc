//! A short digest of a user's stored password hash, kept with each issue
//! so that a redeem can tell whether the password changed since (by the
//! app, or another tool): the token is then dead. It is salted with the
//! user id, so equal hashes of different users do not look alike, and it
//! cannot be turned back into the hash, let alone the password.

use sha2::{Digest, Sha256};

/// The fingerprint of `stored_hash` (`None`: no password set) for a user.
pub fn fingerprint(user_id: i64, stored_hash: Option<&[u8]>) -> String {
    let mut h = Sha256::new();
    h.update(b"resetctl password fingerprint\0");
    h.update(user_id.to_string().as_bytes());
    match stored_hash {
        Some(bytes) => {
            h.update([1u8]);
            h.update(bytes);
        }
        None => h.update([0u8]),
    }
    crate::token::lower_hex(&h.finalize()[..16])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn differs_by_user_hash_and_absence() {
        let a = fingerprint(1, Some(b"$argon2id$x"));
        assert_eq!(a.len(), 32);
        assert_ne!(a, fingerprint(2, Some(b"$argon2id$x")));
        assert_ne!(a, fingerprint(1, Some(b"$argon2id$y")));
        assert_ne!(fingerprint(1, None), fingerprint(1, Some(b"")));
        assert_eq!(a, fingerprint(1, Some(b"$argon2id$x")));
    }
}
