//! Reset tokens: made from the OS CSPRNG as 64 hex characters, accepted
//! back as hex or inside a pasted link. A token store may accept other
//! forms an application's own code makes (see `Token::from_text`).

use rand::TryRngCore;
use rand::rngs::OsRng;
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use crate::error::{Error, Result};

mod plan;
mod source;

pub use source::TokenSource;

/// Length of a token in hex characters (32 random bytes).
pub const HEX_LEN: usize = 64;

/// The longest token text held: resetctl's 64 hex characters, and what
/// applications make themselves (Devise's 20 characters, Django's
/// `<timestamp>-<32 hex>`).
pub const MAX_LEN: usize = 96;

/// A token: 64 lowercase hex characters when resetctl made it. Wiped from
/// memory when dropped; its `Debug` never shows it, so a stray `{:?}` or a
/// panic message cannot leak it. Held inline, not on the heap: a bulk
/// batch keeps tens of thousands.
pub struct Token {
    text: Zeroizing<[u8; MAX_LEN]>,
    len: u8,
}

impl Token {
    pub fn generate() -> Result<Token> {
        let mut bytes = Zeroizing::new([0u8; HEX_LEN / 2]);
        os_random(bytes.as_mut())?;
        Ok(Token::from_bytes(bytes.as_ref()))
    }

    fn from_bytes(bytes: &[u8]) -> Token {
        let mut text = Zeroizing::new([0u8; MAX_LEN]);
        hex_into(bytes, &mut text[..HEX_LEN]);
        Token {
            text,
            len: HEX_LEN as u8,
        }
    }

    /// A token in an application's own form, as its store checked it:
    /// printable ASCII without spaces, at most `MAX_LEN` characters.
    pub fn from_text(s: &str) -> Option<Token> {
        let ok = !s.is_empty() && s.len() <= MAX_LEN && s.bytes().all(|b| b.is_ascii_graphic());
        ok.then(|| {
            let mut text = Zeroizing::new([0u8; MAX_LEN]);
            text[..s.len()].copy_from_slice(s.as_bytes());
            Token {
                text,
                len: s.len() as u8,
            }
        })
    }

    /// Accepts what an operator pastes: the hex token in any case with
    /// whitespace around it, or a whole link holding `token=<hex>`.
    pub fn parse(input: &str) -> Result<Token> {
        let s = input.trim();
        let candidate = if is_token_text(s) {
            s
        } else {
            from_link(s).unwrap_or(s)
        };
        if candidate.len() != HEX_LEN || !candidate.bytes().all(|b| b.is_ascii_hexdigit()) {
            let what = if candidate.is_empty() {
                "it is empty".to_string()
            } else if candidate.bytes().all(|b| b.is_ascii_hexdigit()) {
                format!("got {} hex characters", candidate.len())
            } else {
                "it has characters that are not hex digits".to_string()
            };
            return Err(Error::bad_input(format!(
                "malformed reset token: expected {HEX_LEN} hex characters, {what}"
            ))
            .with_hint("paste the whole token or the whole reset link"));
        }
        let mut text = Zeroizing::new([0u8; MAX_LEN]);
        text[..HEX_LEN].copy_from_slice(candidate.as_bytes());
        text.make_ascii_lowercase();
        Ok(Token {
            text,
            len: HEX_LEN as u8,
        })
    }

    pub fn expose(&self) -> &str {
        // Always ASCII: made by from_bytes, or checked by parse or from_text.
        std::str::from_utf8(&self.text[..usize::from(self.len)]).unwrap_or_default()
    }

    /// What the database keeps by default: the SHA-256 of the token's
    /// characters, as lowercase hex.
    pub fn sha256_hex(&self) -> String {
        lower_hex(&Sha256::digest(self.expose().as_bytes()))
    }
}

/// A site that links are built under (`[token] base_url`, Better Auth's
/// `baseURL`, an app's `APP_URL`): an http(s) URL with a host and perhaps a
/// path, without a query, fragment, user or braces. Returned trimmed of
/// white space, otherwise as given.
pub fn site_url(text: &str) -> std::result::Result<&str, String> {
    let t = text.trim();
    let shown = crate::text::shown(t);
    let url = url::Url::parse(t)
        .map_err(|_| format!("{shown} is not a URL like https://app.example.com"))?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none_or(str::is_empty) {
        return Err(format!(
            "{shown} must be an http:// or https:// URL with a host"
        ));
    }
    if url.query().is_some()
        || url.fragment().is_some()
        || !url.username().is_empty()
        || t.contains(['{', '}'])
    {
        return Err(format!(
            "{shown} must be a site, without a query, fragment, user or braces"
        ));
    }
    Ok(t)
}

/// The value of the query parameter `name` in a pasted link (`name=` right
/// after `?`, `&`, `#` or `;`, so `mytoken=` is not `token=`).
pub fn link_param<'a>(link: &'a str, name: &str) -> Option<&'a str> {
    let key = format!("{name}=");
    for (at, _) in link.match_indices(&key) {
        if at == 0 || matches!(link.as_bytes()[at - 1], b'?' | b'&' | b'#' | b';') {
            let rest = &link[at + key.len()..];
            let end = rest
                .find(['&', '#', ';', ' ', '"', '\''])
                .unwrap_or(rest.len());
            return Some(&rest[..end]);
        }
    }
    None
}

fn is_token_text(s: &str) -> bool {
    s.len() == HEX_LEN && s.bytes().all(|b| b.is_ascii_hexdigit())
}

/// The token inside a link: a `token=` parameter (not `mytoken=`), or else a
/// path segment of exactly 64 hex characters, as `--link` templates such as
/// `https://app/reset/{token}` make.
fn from_link(s: &str) -> Option<&str> {
    link_param(s, "token").or_else(|| {
        s.rsplit(['/', '?', '&', '#', '='])
            .find(|seg| is_token_text(seg))
    })
}

/// Lowercase hex in one allocation: `hex::encode` collects char by char,
/// which showed up when a bulk run encodes two values per user.
pub fn lower_hex(bytes: &[u8]) -> String {
    let mut out = vec![0u8; bytes.len() * 2];
    hex_into(bytes, &mut out);
    // Hex digits are ASCII, so this never falls back.
    String::from_utf8(out).unwrap_or_default()
}

/// Lowercase hex of `bytes` into `out`, two digits a byte.
fn hex_into(bytes: &[u8], out: &mut [u8]) {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    for (pair, &b) in out.chunks_exact_mut(2).zip(bytes) {
        pair[0] = DIGITS[usize::from(b >> 4)];
        pair[1] = DIGITS[usize::from(b & 0xf)];
    }
}

fn os_random(buf: &mut [u8]) -> Result<()> {
    OsRng
        .try_fill_bytes(buf)
        .map_err(|e| Error::internal(format!("the system random generator failed: {e}")))
}

impl std::fmt::Debug for Token {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Token(<redacted>)")
    }
}

/// True for text that holds a token or most of one (48+ hex characters in a
/// row) or a reset link: what a USER argument should never be, and what must
/// never be echoed or stored as one.
pub fn looks_like_token(text: &str) -> bool {
    let mut run = 0;
    for b in text.bytes() {
        run = if b.is_ascii_hexdigit() { run + 1 } else { 0 };
        if run >= 48 {
            return true;
        }
    }
    text.contains("token=")
}

#[cfg(test)]
mod properties;

#[cfg(test)]
mod tests {
    use super::*;

    const T: &str = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";

    #[test]
    fn generated_tokens_are_64_lowercase_hex_and_differ() {
        let a = Token::generate().unwrap();
        let b = Token::generate().unwrap();
        assert_eq!(a.expose().len(), 64);
        assert!(
            a.expose()
                .bytes()
                .all(|c| matches!(c, b'0'..=b'9' | b'a'..=b'f'))
        );
        assert_ne!(a.expose(), b.expose());
    }

    #[test]
    fn lower_hex_matches_the_hex_crate() {
        let bytes: Vec<u8> = (0..=255).collect();
        assert_eq!(lower_hex(&bytes), hex::encode(&bytes));
        assert_eq!(lower_hex(&[]), "");
    }

    #[test]
    fn hash_is_sha256_of_the_hex_text() {
        // sha256 of the ASCII string "0011...eeff", computed independently with sha256sum.
        let t = Token::parse(T).unwrap();
        assert_eq!(
            t.sha256_hex(),
            "2a8abfa8cb9906290437854193ca6bca41d4d4e26d1d454bd66a35158095e737"
        );
        assert_eq!(t.sha256_hex().len(), 64);
    }

    #[test]
    fn accepts_case_whitespace_and_links() {
        for input in [
            T.to_string(),
            T.to_uppercase(),
            format!("  {T}\n"),
            format!("https://example.com/reset-password?token={T}"),
            format!("https://x.test/r?a=1&token={}&b=2#frag", T.to_uppercase()),
            format!("https://x.test/r?mytoken=abc&token={T}"),
            format!("https://app.test/reset/{T}"),
            format!("https://app.test/reset/{T}?lang=en"),
        ] {
            assert_eq!(Token::parse(&input).unwrap().expose(), T, "{input}");
        }
    }

    #[test]
    fn rejects_half_pasted_and_junk_without_echoing_it() {
        for input in [&T[..40], "", "zz", &format!("{T}00"), "https://x/?token="] {
            let e = Token::parse(input).unwrap_err();
            assert_eq!(e.exit_code(), 65);
            if input.len() > 4 {
                assert!(!e.message.contains(input), "{}", e.message);
            }
        }
    }

    #[test]
    fn debug_never_shows_the_token() {
        let t = Token::parse(T).unwrap();
        assert!(!format!("{t:?}").contains(T));
    }
}
