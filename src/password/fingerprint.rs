//! A short digest of a user's stored password hash, kept with each issue
//! so that a redeem can tell whether the password changed since (by the
//! app, or another tool): the token is then dead. It is salted with the
//! user id (its canonical text: an integer id salts as it always did), so
//! equal hashes of different users do not look alike, and it cannot be
//! turned back into the hash, let alone the password.

use sha2::{Digest, Sha256};

use crate::user::UserId;

/// The fingerprint of `stored_hash` (`None`: no password set) for a user.
pub fn fingerprint(user_id: &UserId, stored_hash: Option<&[u8]>) -> String {
    let mut h = Sha256::new();
    h.update(b"resetctl password fingerprint\0");
    h.update(user_id.text().as_bytes());
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
        let (one, two) = (&UserId::Int(1), &UserId::Int(2));
        let a = fingerprint(one, Some(b"$argon2id$x"));
        assert_eq!(a.len(), 32);
        assert_ne!(a, fingerprint(two, Some(b"$argon2id$x")));
        assert_ne!(a, fingerprint(one, Some(b"$argon2id$y")));
        assert_ne!(fingerprint(one, None), fingerprint(one, Some(b"")));
        assert_eq!(a, fingerprint(one, Some(b"$argon2id$x")));
        // The text "1" salts as the integer 1 does: what SQL computes
        // from a text column is the same fingerprint.
        assert_eq!(
            a,
            fingerprint(&UserId::Text("1".into()), Some(b"$argon2id$x"))
        );
    }
}
