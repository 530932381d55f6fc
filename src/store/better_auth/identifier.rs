//! The `verification.identifier` of a reset token, as Better Auth's
//! `createVerificationValue` stores it: `reset-password:<token>`, or with
//! `storeIdentifier = "hashed"` the unpadded base64url of the SHA-256 of
//! that whole string. Its lookups under `hashed` fall back to the plain
//! form, so a row written before the switch still works.

use base64ct::{Base64UrlUnpadded, Encoding};
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use super::settings::StoreIdentifier;
use crate::token::Token;

/// What every reset row's plain identifier starts with.
pub const PREFIX: &str = "reset-password:";

/// The plain identifier: it holds the token, so it is wiped once used.
pub fn plain(token: &Token) -> Zeroizing<String> {
    let mut s = Zeroizing::new(String::with_capacity(PREFIX.len() + token.expose().len()));
    s.push_str(PREFIX);
    s.push_str(token.expose());
    s
}

/// `defaultKeyHasher`: base64url without padding of the SHA-256 of the
/// UTF-8 of the plain identifier (43 characters).
pub fn hashed(token: &Token) -> String {
    Base64UrlUnpadded::encode_string(&Sha256::digest(plain(token).as_bytes()))
}

/// The identifier a new row gets.
pub fn stored(token: &Token, how: StoreIdentifier) -> Zeroizing<String> {
    match how {
        StoreIdentifier::Plain => plain(token),
        StoreIdentifier::Hashed => Zeroizing::new(hashed(token)),
    }
}

/// The identifiers a presented token is looked up by, in Better Auth's
/// order: the configured form first, then the plain one.
pub fn lookups(token: &Token, how: StoreIdentifier) -> Vec<Zeroizing<String>> {
    match how {
        StoreIdentifier::Plain => vec![plain(token)],
        StoreIdentifier::Hashed => vec![Zeroizing::new(hashed(token)), plain(token)],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers_as_better_auth_stores_them() {
        let t = Token::from_text("FMK0MgPnLkYpUyod8afI8r0p").unwrap();
        assert_eq!(&*plain(&t), "reset-password:FMK0MgPnLkYpUyod8afI8r0p");
        // Node: crypto.createHash("sha256").update("reset-password:FMK0...").digest("base64url")
        let h = hashed(&t);
        assert_eq!(h, "m75txXG5HNYtu7am7IYxBApThakpfVr41HCRwL73VrQ");
        assert_eq!(h.len(), 43);
        assert_eq!(&*stored(&t, StoreIdentifier::Hashed), h.as_str());
        let l = lookups(&t, StoreIdentifier::Hashed);
        assert_eq!(
            (l[0].as_str(), l[1].as_str()),
            (h.as_str(), plain(&t).as_str())
        );
        assert_eq!(lookups(&t, StoreIdentifier::Plain).len(), 1);
    }
}
