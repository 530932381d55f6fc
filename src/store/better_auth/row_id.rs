//! Ids of the rows resetctl writes into Better Auth's tables, and how a
//! `verification` row is known for a reset row.
//!
//! Better Auth gives every row `generateId()`: 32 random characters of
//! `[a-zA-Z0-9]`. A plain reset row says what it is (`reset-password:` in
//! its identifier), but a hashed one is 43 characters of base64url like
//! any other hashed identifier (an email change, an account deletion). So
//! the hashed rows resetctl writes get an id made from their identifier:
//! anyone can tell them from Better Auth's own rows again, with no secret,
//! and the id still has `generateId()`'s shape.

use sha2::{Digest, Sha256};

use super::identifier::PREFIX;
use crate::error::Result;
use crate::token::TokenSource;

/// `generateId()`'s length.
pub const ID_LEN: usize = 32;
const ALPHABET: &[u8; 62] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

/// Hashed with the identifier, so that the id is resetctl's own function
/// of it and no other code's.
const SALT: &str = "resetctl:";

/// A random id, as `generateId()` draws one.
pub fn random(source: &mut TokenSource) -> Result<String> {
    Ok(source.next_text(ALPHABET, ID_LEN)?.expose().to_string())
}

/// The id resetctl gives the row of `identifier`: the SHA-256 of
/// `resetctl:` and the identifier, read as a big-endian number, in base
/// 62, its 32 lowest digits.
pub fn derived(identifier: &str) -> String {
    let mut n: [u8; 32] = Sha256::digest(format!("{SALT}{identifier}").as_bytes()).into();
    let mut out = String::with_capacity(ID_LEN);
    for _ in 0..ID_LEN {
        // Long division of the whole number by 62, keeping the remainder.
        let mut rem: u32 = 0;
        for b in n.iter_mut() {
            let cur = (rem << 8) | u32::from(*b);
            *b = (cur / 62) as u8;
            rem = cur % 62;
        }
        out.push(char::from(ALPHABET[rem as usize]));
    }
    out
}

/// The id of a row for `identifier`: made from it when it is hashed,
/// random as Better Auth's own when it says what it is.
pub fn for_row(identifier: &str, source: &mut TokenSource) -> Result<String> {
    if identifier.starts_with(PREFIX) {
        random(source)
    } else {
        Ok(derived(identifier))
    }
}

/// Whether a `verification` row is a reset row resetctl can tell: a plain
/// one (Better Auth's or resetctl's), or a hashed one resetctl wrote.
pub fn is_reset_row(id: &str, identifier: &str) -> bool {
    identifier.starts_with(PREFIX) || (id.len() == ID_LEN && id == derived(identifier))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn derived_ids_have_better_auths_shape_and_are_stable() {
        let a = derived("m75txXG5HNYtu7am7IYxBApThakpfVr41HCRwL73VrQ");
        assert_eq!(a.len(), ID_LEN);
        assert!(a.bytes().all(|b| b.is_ascii_alphanumeric()));
        assert_eq!(a, derived("m75txXG5HNYtu7am7IYxBApThakpfVr41HCRwL73VrQ"));
        assert_ne!(a, derived("m75txXG5HNYtu7am7IYxBApThakpfVr41HCRwL73VrR"));
    }

    #[test]
    fn reset_rows_are_the_plain_ones_and_resetctls_hashed_ones() {
        let hashed = "m75txXG5HNYtu7am7IYxBApThakpfVr41HCRwL73VrQ";
        assert!(is_reset_row(&derived(hashed), hashed));
        // Better Auth's own hashed rows (a random id) are not told apart.
        let mut source = TokenSource::new();
        assert!(!is_reset_row(&random(&mut source).unwrap(), hashed));
        assert!(is_reset_row("anything", "reset-password:abc"));
        assert!(!is_reset_row("x", "delete-account-abc"));
        let plain = for_row("reset-password:abc", &mut source).unwrap();
        assert_eq!(plain.len(), ID_LEN);
        assert_eq!(for_row(hashed, &mut source).unwrap(), derived(hashed));
    }
}
