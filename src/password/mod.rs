//! New passwords: where they come from (hidden prompt or one stdin line), the
//! length policy, and the Argon2id hash written for the application.

use std::io::BufRead;

use argon2::password_hash::{PasswordHasher, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use rand::TryRngCore;
use rand::rngs::OsRng;
use zeroize::Zeroizing;

use crate::config::PasswordFormat;
use crate::error::{Error, Result};
use crate::input::{self, Line};

/// Length rules: the minimum counts characters, the maximum bytes (it bounds
/// the work the hash does and the memory a read takes).
#[derive(Debug, Clone, Copy)]
pub struct Policy {
    pub min_length: usize,
    pub max_length: usize,
}

impl Default for Policy {
    fn default() -> Self {
        Policy {
            min_length: 8,
            max_length: 1024,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Argon2Cost {
    pub m_cost: u32,
    pub t_cost: u32,
    pub p_cost: u32,
}

impl Default for Argon2Cost {
    /// OWASP's recommended Argon2id setting.
    fn default() -> Self {
        Argon2Cost {
            m_cost: 19_456,
            t_cost: 2,
            p_cost: 1,
        }
    }
}

/// Checks a candidate against the policy and returns it as text.
pub fn check(policy: Policy, candidate: Zeroizing<Vec<u8>>) -> Result<Zeroizing<String>> {
    if candidate.len() > policy.max_length {
        return Err(too_long(policy));
    }
    let text = match std::str::from_utf8(&candidate) {
        Ok(t) => Zeroizing::new(t.to_owned()),
        Err(_) => return Err(Error::bad_input("the password is not valid UTF-8")),
    };
    if text.is_empty() {
        return Err(Error::bad_input("the password is empty"));
    }
    let chars = text.chars().count();
    if chars < policy.min_length {
        return Err(Error::bad_input(format!(
            "the password is too short: {chars} characters, at least {} needed",
            policy.min_length
        )));
    }
    Ok(text)
}

fn too_long(policy: Policy) -> Error {
    Error::bad_input(format!(
        "the password is too long: at most {} bytes",
        policy.max_length
    ))
}

/// `--password-stdin`: the next line of standard input.
pub fn from_stdin(stdin: &mut impl BufRead, policy: Policy) -> Result<Zeroizing<String>> {
    match input::read_line(stdin, policy.max_length) {
        Ok(Line::Text(line)) => check(policy, line),
        Ok(Line::TooLong) => Err(too_long(policy)),
        Ok(Line::Eof) => Err(Error::bad_input("no password on standard input").with_hint(
            "send the new password as one line, e.g. printf '%s\\n' \"$PW\" | resetctl redeem ...",
        )),
        Err(e) => Err(Error::io(format!("cannot read standard input: {e}"))),
    }
}

/// The hidden prompt on the terminal, asked twice.
pub fn prompt_twice(policy: Policy) -> Result<Zeroizing<String>> {
    let ask = |prompt: &str| -> Result<Zeroizing<Vec<u8>>> {
        rpassword::prompt_password(prompt)
            .map(|s| Zeroizing::new(s.into_bytes()))
            .map_err(|e| Error::io(format!("cannot read the password from the terminal: {e}")))
    };
    let first = check(policy, ask("New password: ")?)?;
    let second = ask("Repeat new password: ")?;
    if first.as_bytes() != second.as_slice() {
        return Err(Error::bad_input("Passwords do not match"));
    }
    Ok(first)
}

/// Hashes with Argon2id in the configured encoding: a PHC string, or
/// Django's, which is the same string behind the name of its hasher.
pub fn hash(password: &str, cost: Argon2Cost, format: PasswordFormat) -> Result<String> {
    let phc = hash_phc(password, cost)?;
    Ok(match format {
        PasswordFormat::Phc => phc,
        PasswordFormat::Django => format!("argon2{phc}"),
    })
}

/// Hashes with Argon2id and a fresh 16-byte salt from the OS, as a PHC string
/// (`$argon2id$v=19$m=...,t=...,p=...$salt$hash`).
fn hash_phc(password: &str, cost: Argon2Cost) -> Result<String> {
    let params = Params::new(cost.m_cost, cost.t_cost, cost.p_cost, None)
        .map_err(|e| Error::config(format!("bad Argon2 parameters: {e}")))?;
    let mut salt = [0u8; 16];
    OsRng
        .try_fill_bytes(&mut salt)
        .map_err(|e| Error::internal(format!("the system random generator failed: {e}")))?;
    let salt = SaltString::encode_b64(&salt)
        .map_err(|e| Error::internal(format!("cannot encode the salt: {e}")))?;
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| Error::internal(format!("password hashing failed: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bytes(s: &str) -> Zeroizing<Vec<u8>> {
        Zeroizing::new(s.as_bytes().to_vec())
    }

    #[test]
    fn policy() {
        let p = Policy::default();
        assert_eq!(&*check(p, bytes("correct horse")).unwrap(), "correct horse");
        assert_eq!(
            &*check(p, bytes("ünïcödé")).unwrap_err().message,
            "the password is too short: 7 characters, at least 8 needed"
        );
        assert!(check(p, bytes("ünïcödé!")).is_ok());
        assert_eq!(
            check(p, bytes("")).unwrap_err().message,
            "the password is empty"
        );
        assert!(check(p, bytes(&"x".repeat(1024))).is_ok());
        assert_eq!(
            check(p, bytes(&"x".repeat(1025))).unwrap_err().exit_code(),
            65
        );
        assert_eq!(
            check(p, Zeroizing::new(vec![0xff; 10]))
                .unwrap_err()
                .exit_code(),
            65
        );
    }

    #[test]
    fn stdin_line() {
        let p = Policy::default();
        let mut r = std::io::Cursor::new(b"hunter2hunter2\nrest".to_vec());
        assert_eq!(&*from_stdin(&mut r, p).unwrap(), "hunter2hunter2");
        let mut r = std::io::Cursor::new(Vec::new());
        assert_eq!(
            from_stdin(&mut r, p).unwrap_err().message,
            "no password on standard input"
        );
        let mut r = std::io::Cursor::new(vec![b'a'; 2 << 20]);
        assert_eq!(from_stdin(&mut r, p).unwrap_err().exit_code(), 65);
    }

    #[test]
    fn django_encoding_is_the_phc_string_behind_its_name() {
        let cost = Argon2Cost {
            m_cost: 64,
            t_cost: 1,
            p_cost: 1,
        };
        let h = hash("correct horse", cost, PasswordFormat::Django).unwrap();
        assert!(h.starts_with("argon2$argon2id$v=19$m=64,t=1,p=1$"), "{h}");
        let parts: Vec<&str> = h.split('$').collect();
        assert_eq!(parts.len(), 6);
        // Unpadded standard base64: 16 bytes of salt, 32 of hash.
        assert_eq!((parts[4].len(), parts[5].len()), (22, 43));
        assert!(!parts[4].contains('=') && !parts[5].contains('='));
    }

    #[test]
    fn phc_string_has_the_promised_shape() {
        let h = hash_phc(
            "correct horse",
            Argon2Cost {
                m_cost: 64,
                t_cost: 1,
                p_cost: 1,
            },
        )
        .unwrap();
        assert!(h.starts_with("$argon2id$v=19$m=64,t=1,p=1$"), "{h}");
        assert!(!h.contains("correct horse"));
    }
}
