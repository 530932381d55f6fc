//! What the token column holds for a token: the README's SHA-256, the
//! token itself, or (implemented by a framework's store) a keyed digest.

use crate::error::{Error, Result};
use crate::token::Token;

/// What the token column holds for a token, how a pasted token is read,
/// and what `doctor` says of it: the README's SHA-256 (or the token
/// itself), or a framework's keyed digest.
pub trait RowDigest {
    fn digest(&self, token: &Token) -> Result<String>;

    /// `doctor`'s name for what is kept: `sha256`, `plain`, ...
    fn storage(&self) -> &'static str;

    /// Whether the app's secret is set, where the digest needs one.
    fn secret(&self) -> Option<bool> {
        None
    }

    /// Where tokens are kept, in words: `column` and `time` are
    /// `table.column`.
    fn kept(&self, column: &str, time: &str) -> String {
        format!(
            "{} of the token in {column}, expiry in {time}",
            self.storage()
        )
    }

    /// A pasted token, alone or in a link.
    fn parse(&self, input: &str) -> Result<Token> {
        Token::parse(input)
    }

    /// What keeps it from working (a missing secret), each one line.
    fn digest_problems(&self) -> Result<Vec<Error>> {
        Ok(Vec::new())
    }
}

/// The README's layout: the SHA-256 of the token, as lowercase hex.
pub(super) struct Sha256;

impl RowDigest for Sha256 {
    fn digest(&self, token: &Token) -> Result<String> {
        Ok(token.sha256_hex())
    }

    fn storage(&self) -> &'static str {
        "sha256"
    }
}

/// The token itself (`token_storage = "plain"`).
pub(super) struct Plain;

impl RowDigest for Plain {
    fn digest(&self, token: &Token) -> Result<String> {
        Ok(token.expose().to_string())
    }

    fn storage(&self) -> &'static str {
        "plain"
    }
}
