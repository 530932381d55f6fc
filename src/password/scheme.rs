//! The password hashes `redeem` can write, one per family of verifiers an
//! application may use, each in the exact encoding that family reads.

use argon2::password_hash::{PasswordHasher, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use base64ct::{Base64, Encoding};
use serde::Deserialize;
use zeroize::Zeroizing;

use super::random::random_bytes;
use crate::error::{Error, Result};

/// `[password] format`: a scheme, or `auto` to take the one the table's
/// existing hashes use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Format {
    Auto,
    #[serde(alias = "phc")]
    Argon2id,
    Bcrypt,
    DjangoPbkdf2,
    #[serde(alias = "django")]
    DjangoArgon2,
    BetterAuthScrypt,
}

impl Format {
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Auto => "auto",
            Format::Argon2id => "argon2id",
            Format::Bcrypt => "bcrypt",
            Format::DjangoPbkdf2 => "django-pbkdf2",
            Format::DjangoArgon2 => "django-argon2",
            Format::BetterAuthScrypt => "better-auth-scrypt",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Argon2Cost {
    pub m_cost: u32,
    pub t_cost: u32,
    pub p_cost: u32,
}

impl Default for Argon2Cost {
    /// OWASP's recommended Argon2id setting, and the floor `auto` keeps to.
    fn default() -> Self {
        Argon2Cost {
            m_cost: 19_456,
            t_cost: 2,
            p_cost: 1,
        }
    }
}

/// OWASP's Argon2id settings (memory in KiB, iterations), most memory
/// first: a pair is weak when a row asks for more iterations at no more
/// memory than it has.
const OWASP_ARGON2: [(u32, u32); 5] = [
    (47_104, 1),
    (19_456, 2),
    (12_288, 3),
    (9_216, 4),
    (7_168, 5),
];

impl Argon2Cost {
    /// Why this is weaker than every row of OWASP's table, if it is.
    pub fn below_owasp(&self) -> Option<String> {
        let needed = OWASP_ARGON2
            .iter()
            .find(|(m, _)| self.m_cost >= *m)
            .map(|(_, t)| *t)?;
        (self.t_cost < needed).then(|| {
            format!(
                "m_cost = {} with t_cost = {} is weaker than OWASP's weakest setting: {} KiB needs t_cost {needed} or more",
                self.m_cost, self.t_cost, self.m_cost
            )
        })
    }
}

/// The version tag of a bcrypt hash. All three mean the same algorithm
/// today; verifiers differ in which they accept (Laravel only `2y`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize)]
pub enum BcryptPrefix {
    #[serde(rename = "2a")]
    TwoA,
    #[serde(rename = "2b")]
    TwoB,
    #[serde(rename = "2y")]
    TwoY,
}

impl BcryptPrefix {
    pub fn as_str(self) -> &'static str {
        match self {
            BcryptPrefix::TwoA => "2a",
            BcryptPrefix::TwoB => "2b",
            BcryptPrefix::TwoY => "2y",
        }
    }

    fn version(self) -> bcrypt::Version {
        match self {
            BcryptPrefix::TwoA => bcrypt::Version::TwoA,
            BcryptPrefix::TwoB => bcrypt::Version::TwoB,
            BcryptPrefix::TwoY => bcrypt::Version::TwoY,
        }
    }
}

/// Floors `auto` never goes below, whatever the table holds: the cheapest
/// settings still counted safe for each scheme.
pub const BCRYPT_FLOOR: u32 = 10;
pub const PBKDF2_FLOOR: u32 = 600_000;
/// bcrypt reads this many bytes of a password and ignores the rest.
pub const BCRYPT_MAX_BYTES: usize = 72;
/// What `django-pbkdf2` writes when nothing says otherwise (Django 5.x).
pub const PBKDF2_DEFAULT: u32 = 1_000_000;

/// One concrete way of hashing, with its parameters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scheme {
    /// `$argon2id$v=19$m=..,t=..,p=..$salt$hash`, or with `django`, the same
    /// behind Django's hasher name: `argon2$argon2id$...`.
    Argon2id { cost: Argon2Cost, django: bool },
    /// `$2b$12$` + salt + hash.
    Bcrypt { prefix: BcryptPrefix, cost: u32 },
    /// Django's `pbkdf2_sha256$<iterations>$<salt>$<base64 hash>`.
    DjangoPbkdf2 { iterations: u32 },
    /// Better Auth's `<hex salt>:<hex key>`, scrypt with its fixed
    /// parameters (`scrypt.rs`).
    BetterAuthScrypt,
}

impl Scheme {
    /// The `[password] format` value that names this scheme.
    pub fn format_name(&self) -> &'static str {
        match self {
            Scheme::Argon2id { django: false, .. } => "argon2id",
            Scheme::Argon2id { django: true, .. } => "django-argon2",
            Scheme::Bcrypt { .. } => "bcrypt",
            Scheme::DjangoPbkdf2 { .. } => "django-pbkdf2",
            Scheme::BetterAuthScrypt => "better-auth-scrypt",
        }
    }

    /// The scheme and its parameters in words, for people.
    pub fn describe(&self) -> String {
        match self {
            Scheme::Argon2id { cost, django } => format!(
                "{} (m={},t={},p={})",
                if *django { "django-argon2" } else { "argon2id" },
                cost.m_cost,
                cost.t_cost,
                cost.p_cost
            ),
            Scheme::Bcrypt { prefix, cost } => {
                format!("bcrypt (${}$, cost {cost})", prefix.as_str())
            }
            Scheme::DjangoPbkdf2 { iterations } => {
                format!("django-pbkdf2 ({iterations} iterations)")
            }
            Scheme::BetterAuthScrypt => "better-auth-scrypt (N=16384, r=16, p=1)".to_string(),
        }
    }

    /// Parameters as JSON, for `doctor --json`.
    pub fn parameters(&self) -> serde_json::Value {
        match self {
            Scheme::Argon2id { cost, .. } => serde_json::json!({
                "m_cost": cost.m_cost, "t_cost": cost.t_cost, "p_cost": cost.p_cost,
            }),
            Scheme::Bcrypt { prefix, cost } => {
                serde_json::json!({ "prefix": prefix.as_str(), "cost": cost })
            }
            Scheme::DjangoPbkdf2 { iterations } => serde_json::json!({ "iterations": iterations }),
            Scheme::BetterAuthScrypt => serde_json::json!({ "n": 16384, "r": 16, "p": 1 }),
        }
    }

    /// Hashes a password that passed the policy. A password this scheme
    /// would silently shorten is refused (65), never cut.
    pub fn hash(&self, password: &str) -> Result<String> {
        match *self {
            Scheme::Argon2id { cost, django } => {
                let phc = argon2id(password, cost)?;
                Ok(if django { format!("argon2{phc}") } else { phc })
            }
            Scheme::Bcrypt { prefix, cost } => bcrypt(password, prefix, cost),
            Scheme::DjangoPbkdf2 { iterations } => django_pbkdf2(password, iterations),
            Scheme::BetterAuthScrypt => super::scrypt::hash(password),
        }
    }
}

/// Argon2id with a fresh 16-byte salt from the OS, as a PHC string.
fn argon2id(password: &str, cost: Argon2Cost) -> Result<String> {
    let params = Params::new(cost.m_cost, cost.t_cost, cost.p_cost, None)
        .map_err(|e| Error::config(format!("bad Argon2 parameters: {e}")))?;
    let salt = SaltString::encode_b64(&*random_bytes::<16>()?)
        .map_err(|e| Error::internal(format!("cannot encode the salt: {e}")))?;
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| Error::internal(format!("password hashing failed: {e}")))
}

fn bcrypt(password: &str, prefix: BcryptPrefix, cost: u32) -> Result<String> {
    let bytes = password.len();
    if bytes > BCRYPT_MAX_BYTES {
        return Err(Error::bad_input(format!(
            "the password is too long for bcrypt: {bytes} bytes, and bcrypt reads only the first {BCRYPT_MAX_BYTES} (the rest would be ignored)"
        ))
        .with_hint("choose a password of at most 72 bytes (a character outside ASCII takes 2 to 4)"));
    }
    // C implementations (PHP's, Ruby's) stop reading at a NUL byte, so the
    // app would check a different password than the one hashed here.
    if password.contains('\0') {
        return Err(Error::bad_input(
            "the password holds a NUL character, which bcrypt verifiers stop reading at",
        ));
    }
    let salt = random_bytes::<16>()?;
    // Not the crate's non-truncating variant: it refuses exactly 72 bytes,
    // of which bcrypt cuts only the terminating NUL, not the password.
    bcrypt::hash_with_salt(password, cost, *salt)
        .map(|parts| parts.format_for_version(prefix.version()))
        .map_err(|e| Error::internal(format!("password hashing failed: {e}")))
}

/// Django's `PBKDF2PasswordHasher`: PBKDF2-HMAC-SHA256, a 22-character
/// alphanumeric salt as Django makes them, the 32-byte key in padded base64.
fn django_pbkdf2(password: &str, iterations: u32) -> Result<String> {
    let salt = random_alphanumeric(22)?;
    let mut key = Zeroizing::new([0u8; 32]);
    // ring's PBKDF2 is compiled (and optimised) in ring itself, with its
    // assembly SHA-256: a million iterations cost the same in a debug build.
    let rounds = std::num::NonZeroU32::new(iterations)
        .ok_or_else(|| Error::internal("PBKDF2 with no iterations"))?;
    ring::pbkdf2::derive(
        ring::pbkdf2::PBKDF2_HMAC_SHA256,
        rounds,
        salt.as_bytes(),
        password.as_bytes(),
        &mut *key,
    );
    Ok(format!(
        "pbkdf2_sha256${iterations}${salt}${}",
        Base64::encode_string(&*key)
    ))
}

/// `n` characters drawn uniformly from `[A-Za-z0-9]` with OS randomness:
/// Django's salts, Laravel's `Str::random`.
pub fn random_alphanumeric(n: usize) -> Result<String> {
    const ALPHABET: &[u8; 62] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    let mut salt = String::with_capacity(n);
    while salt.len() < n {
        for &b in random_bytes::<32>()?.iter() {
            // 248 = 4 × 62: bytes above it are dropped, so no character is likelier.
            if b < 248 && salt.len() < n {
                salt.push(char::from(ALPHABET[usize::from(b % 62)]));
            }
        }
    }
    Ok(salt)
}

#[cfg(test)]
mod tests {
    use super::*;

    const FAST: Argon2Cost = Argon2Cost {
        m_cost: 64,
        t_cost: 1,
        p_cost: 1,
    };

    #[test]
    fn argon2id_in_both_encodings() {
        let phc = Scheme::Argon2id {
            cost: FAST,
            django: false,
        }
        .hash("correct horse")
        .unwrap();
        assert!(phc.starts_with("$argon2id$v=19$m=64,t=1,p=1$"), "{phc}");
        let django = Scheme::Argon2id {
            cost: FAST,
            django: true,
        }
        .hash("correct horse")
        .unwrap();
        assert!(django.starts_with("argon2$argon2id$v=19$m=64,t=1,p=1$"));
        let parts: Vec<&str> = django.split('$').collect();
        // Unpadded standard base64: 16 bytes of salt, 32 of hash.
        assert_eq!((parts[4].len(), parts[5].len()), (22, 43));
    }

    #[test]
    fn bcrypt_writes_the_prefix_asked_for_and_verifies() {
        for prefix in [BcryptPrefix::TwoA, BcryptPrefix::TwoB, BcryptPrefix::TwoY] {
            let h = Scheme::Bcrypt { prefix, cost: 4 }
                .hash("correct horse")
                .unwrap();
            assert!(h.starts_with(&format!("${}$04$", prefix.as_str())), "{h}");
            assert_eq!(h.len(), 60);
            assert!(bcrypt::verify("correct horse", &h).unwrap());
            assert!(!bcrypt::verify("correct horsE", &h).unwrap());
        }
    }

    #[test]
    fn bcrypt_refuses_what_it_would_cut_counting_bytes() {
        let s = Scheme::Bcrypt {
            prefix: BcryptPrefix::TwoB,
            cost: 4,
        };
        assert!(s.hash(&"a".repeat(72)).is_ok());
        let e = s.hash(&"a".repeat(73)).unwrap_err();
        assert_eq!(e.exit_code(), 65);
        assert!(e.message.contains("73 bytes"), "{}", e.message);
        // 24 characters, 72 bytes: fine; one more character is 75 bytes.
        assert!(s.hash(&"€".repeat(24)).is_ok());
        assert!(
            s.hash(&"€".repeat(25))
                .unwrap_err()
                .message
                .contains("75 bytes")
        );
        assert_eq!(s.hash("nul\0inside").unwrap_err().exit_code(), 65);
    }

    #[test]
    fn django_pbkdf2_has_djangos_shape_and_key() {
        let h = Scheme::DjangoPbkdf2 { iterations: 1000 }
            .hash("correct horse")
            .unwrap();
        let parts: Vec<&str> = h.split('$').collect();
        assert_eq!(parts[0], "pbkdf2_sha256");
        assert_eq!(parts[1], "1000");
        assert_eq!(parts[2].len(), 22);
        assert!(parts[2].bytes().all(|b| b.is_ascii_alphanumeric()));
        assert_eq!(parts[3].len(), 44, "padded base64 of 32 bytes");
        let mut key = [0u8; 32];
        pbkdf2::pbkdf2_hmac::<sha2::Sha256>(b"correct horse", parts[2].as_bytes(), 1000, &mut key);
        assert_eq!(parts[3], Base64::encode_string(&key));
    }

    #[test]
    fn salts_differ() {
        let a = random_alphanumeric(22).unwrap();
        let b = random_alphanumeric(22).unwrap();
        assert_ne!(a, b);
    }
}
