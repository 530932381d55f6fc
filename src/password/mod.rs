//! New passwords: where they come from (hidden prompt or one stdin line),
//! the length policy, and the scheme they are hashed with for the
//! application (`scheme`), chosen by configuration or from the table's own
//! hashes (`census`).

mod census;
mod fingerprint;
mod locked;
mod random;
mod scheme;
mod scrypt;

use std::io::BufRead;

use zeroize::Zeroizing;

use crate::error::{Error, Result};
use crate::input::{self, Line};

pub use census::{Census, SAMPLE, SampleSize};
pub use fingerprint::fingerprint;
pub use locked::locked_hash;
pub use scheme::{
    Argon2Cost, BCRYPT_FLOOR, BcryptPrefix, Format, PBKDF2_DEFAULT, Scheme, random_alphanumeric,
};

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

/// `[password]` as far as hashing goes: the format asked for, and the
/// parameters each explicit scheme uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hashing {
    pub format: Format,
    /// For `argon2id` and `django-argon2`, and for `auto` on a table
    /// without hashes yet.
    pub argon2: Argon2Cost,
    pub bcrypt_prefix: BcryptPrefix,
    pub bcrypt_cost: u32,
    pub pbkdf2_iterations: u32,
    /// What `auto` writes on a table without hashes yet (a framework's
    /// own scheme); Argon2id when `None`.
    pub empty_table: Option<Scheme>,
    /// The one bcrypt prefix the app's verifier takes (Laravel's `2y`).
    pub only_prefix: Option<BcryptPrefix>,
}

impl Default for Hashing {
    fn default() -> Self {
        Hashing {
            format: Format::Auto,
            argon2: Argon2Cost::default(),
            bcrypt_prefix: BcryptPrefix::TwoB,
            bcrypt_cost: 12,
            pbkdf2_iterations: PBKDF2_DEFAULT,
            empty_table: None,
            only_prefix: None,
        }
    }
}

/// The scheme `redeem` writes and, under `auto`, the sample it came from.
#[derive(Debug, Clone)]
pub struct Choice {
    pub scheme: Scheme,
    pub census: Option<Census>,
}

impl Hashing {
    /// Settles the scheme. `sample` feeds the stored values of the newest
    /// users' password column to the census; it runs only for `auto`.
    pub fn choose(
        &self,
        sample: impl FnOnce(&mut dyn FnMut(Option<&str>)) -> Result<()>,
    ) -> Result<Choice> {
        let fixed = |scheme| {
            Ok(Choice {
                scheme,
                census: None,
            })
        };
        match self.format {
            Format::Argon2id => fixed(Scheme::Argon2id {
                cost: self.argon2,
                django: false,
            }),
            Format::DjangoArgon2 => fixed(Scheme::Argon2id {
                cost: self.argon2,
                django: true,
            }),
            Format::Bcrypt => fixed(self.insist(Scheme::Bcrypt {
                prefix: self.bcrypt_prefix,
                cost: self.bcrypt_cost,
            })),
            Format::DjangoPbkdf2 => fixed(Scheme::DjangoPbkdf2 {
                iterations: self.pbkdf2_iterations,
            }),
            Format::BetterAuthScrypt => fixed(Scheme::BetterAuthScrypt),
            Format::Auto => {
                let mut census = Census::default();
                sample(&mut |value| census.add(value))?;
                let scheme = census
                    .choose()?
                    .or(self.empty_table)
                    .unwrap_or(Scheme::Argon2id {
                        cost: self.argon2,
                        django: false,
                    });
                Ok(Choice {
                    scheme: self.insist(scheme),
                    census: Some(census),
                })
            }
        }
    }
}

impl Hashing {
    /// A bcrypt scheme with the prefix the app's verifier insists on.
    fn insist(&self, scheme: Scheme) -> Scheme {
        match (scheme, self.only_prefix) {
            (Scheme::Bcrypt { cost, .. }, Some(prefix)) => Scheme::Bcrypt { prefix, cost },
            (s, _) => s,
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
}
