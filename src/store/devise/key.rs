//! Devise's keyed digest of a token, and its tokens as handed out: the key
//! is derived from the app's secret as Devise's own key generator does
//! (ActiveSupport's KeyGenerator: PBKDF2-HMAC, 65,536 rounds, 64 bytes,
//! salt "Devise reset_password_token"), once per run.

use std::cell::OnceCell;

use hmac::{Hmac, Mac};
use serde::Deserialize;
use sha2::Sha256;
use zeroize::Zeroizing;

use crate::error::{Error, Result};
use crate::secret::Secret;
use crate::token::{Token, link_param};

/// What Devise's key generator hashes with (`[devise] key_digest`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum KeyDigest {
    /// Devise builds its own generator, on SHA-1, on every Rails.
    Sha1,
    Sha256,
}

/// The key Devise digests tokens with, derived from the secret at first
/// use: 65,536 rounds of PBKDF2 are a tenth of a second, paid once per run
/// however many tokens a bulk run issues.
pub struct Key {
    secret: Option<Secret>,
    digest: KeyDigest,
    derived: OnceCell<Zeroizing<[u8; 64]>>,
}

impl Key {
    pub fn new(secret: Option<Secret>, digest: KeyDigest) -> Key {
        Key {
            secret,
            digest,
            derived: OnceCell::new(),
        }
    }

    pub fn is_set(&self) -> bool {
        self.secret.is_some()
    }

    /// `HMAC-SHA256(key, token)` as lowercase hex: what Devise stores.
    pub fn digest(&self, token: &Token) -> Result<String> {
        let key = match self.derived.get() {
            Some(k) => k,
            None => {
                let derived = self.derive()?;
                self.derived.get_or_init(|| derived)
            }
        };
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&key[..])
            .map_err(|e| Error::internal(format!("HMAC key: {e}")))?;
        mac.update(token.expose().as_bytes());
        Ok(crate::token::lower_hex(&mac.finalize().into_bytes()))
    }

    fn derive(&self) -> Result<Zeroizing<[u8; 64]>> {
        let secret = self.secret.as_ref().ok_or_else(no_secret)?;
        let mut key = Zeroizing::new([0u8; 64]);
        let (password, salt) = (secret.expose().as_bytes(), b"Devise reset_password_token");
        let algorithm = match self.digest {
            KeyDigest::Sha1 => ring::hmac::HMAC_SHA1_FOR_LEGACY_USE_ONLY,
            KeyDigest::Sha256 => ring::hmac::HMAC_SHA256,
        };
        pbkdf2_on_every_core(algorithm, password, salt, &mut key[..]);
        Ok(key)
    }
}

/// PBKDF2-HMAC with `algorithm`, 65,536 rounds: each block of the output
/// is its own chain of rounds, so each gets a thread. Four SHA-1 blocks on
/// two cores take half the time one core does, and every single `issue`
/// pays this. Each round is one call into ring's HMAC (its assembly
/// SHA-1 and SHA-256, optimised even in a debug build).
fn pbkdf2_on_every_core(
    algorithm: ring::hmac::Algorithm,
    password: &[u8],
    salt: &[u8],
    out: &mut [u8],
) {
    const ROUNDS: u32 = 65_536;
    let prf = ring::hmac::Key::new(algorithm, password);
    let size = algorithm.digest_algorithm().output_len();
    std::thread::scope(|s| {
        for (i, block) in out.chunks_mut(size).enumerate() {
            let prf = &prf;
            s.spawn(move || {
                let mut mac = ring::hmac::Context::with_key(prf);
                mac.update(salt);
                mac.update(&(i as u32 + 1).to_be_bytes());
                let mut u = Zeroizing::new([0u8; 64]);
                let mut t = Zeroizing::new([0u8; 64]);
                u[..size].copy_from_slice(mac.sign().as_ref());
                t[..size].copy_from_slice(&u[..size]);
                for _ in 1..ROUNDS {
                    let tag = ring::hmac::sign(prf, &u[..size]);
                    u[..size].copy_from_slice(tag.as_ref());
                    t.iter_mut().zip(u.iter()).for_each(|(a, b)| *a ^= b);
                }
                block.copy_from_slice(&t[..block.len()]);
            });
        }
    });
}

/// 78: Devise's digest cannot be made without the app's secret.
pub fn no_secret() -> Error {
    Error::config("framework = \"devise\" needs the app's secret to digest tokens as Devise does")
        .with_hint("set RESETCTL_APP_SECRET, or [devise] secret_key_base or secret_file in the config file")
}

/// A token as Devise hands it out: in a link's `reset_password_token`
/// parameter, or alone; URL-safe base64 (Devise's own 20 characters) or
/// resetctl's 64 hex characters.
pub fn parse(input: &str) -> Result<Token> {
    let s = input.trim();
    let raw = link_param(s, "reset_password_token").unwrap_or(s);
    let ok = raw
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    match Token::from_text(raw).filter(|_| ok) {
        Some(t) => Ok(t),
        None => Err(Error::bad_input(
            "malformed reset token: expected a Devise token (letters, digits, '-' and '_') or its link",
        )
        .with_hint("paste the whole token or the whole reset link")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Computed by Devise 4.8.1 itself (`Devise.token_generator.digest`)
    /// and by Ruby's OpenSSL, for this secret and raw token.
    #[test]
    fn digests_as_devise_does() {
        let key = |secret: &str| Key {
            secret: Some(Secret::new(secret)),
            digest: KeyDigest::Sha1,
            derived: OnceCell::new(),
        };
        let raw = Token::from_text("aB3dE5fG7hJ9kM2nP4qR").unwrap();
        assert_eq!(
            key("resetctl-test-secret-key-base").digest(&raw).unwrap(),
            "0cede4dd40b851f8b5811c763a01b47df3f65ad67cf7cf578f374469710bb62b"
        );
        assert_eq!(
            key("another-devise-secret-key").digest(&raw).unwrap(),
            "94301627a516017b7111ccac7a87393c44425da14b7f91e1593d159c211fe53f"
        );
    }

    #[test]
    fn the_threaded_pbkdf2_is_pbkdf2() {
        for len in [64, 20, 33] {
            let mut ours = vec![0u8; len];
            let mut theirs = vec![0u8; len];
            pbkdf2_on_every_core(ring::hmac::HMAC_SHA256, b"secret", b"salt", &mut ours);
            pbkdf2::pbkdf2_hmac::<Sha256>(b"secret", b"salt", 65_536, &mut theirs);
            assert_eq!(ours, theirs);
            pbkdf2_on_every_core(
                ring::hmac::HMAC_SHA1_FOR_LEGACY_USE_ONLY,
                b"secret",
                b"salt",
                &mut ours,
            );
            pbkdf2::pbkdf2_hmac::<sha1::Sha1>(b"secret", b"salt", 65_536, &mut theirs);
            assert_eq!(ours, theirs);
        }
    }

    #[test]
    fn takes_the_token_from_devises_link() {
        let t = parse(
            "https://app.test/users/password/edit?reset_password_token=aB3dE5fG7hJ9kM2nP4qR&x=1",
        )
        .unwrap();
        assert_eq!(t.expose(), "aB3dE5fG7hJ9kM2nP4qR");
        assert_eq!(parse(" aB3d_-x ").unwrap().expose(), "aB3d_-x");
        assert_eq!(parse("a b").unwrap_err().exit_code(), 65);
        assert_eq!(parse("").unwrap_err().exit_code(), 65);
    }
}
