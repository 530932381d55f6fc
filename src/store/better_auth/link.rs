//! Better Auth's reset links and tokens: the link its reset request
//! emails (`{baseURL}/reset-password/{token}?callbackURL=...`, its
//! `baseURL` being the base URL with `/api/auth` added when it has no path
//! of its own), the token as `generateId(24)` makes it, and what an
//! operator may paste back: that link, the page it redirects to
//! (`/reset-password?token=...`), or the bare token.

use crate::error::{Error, Result};
use crate::token::{Token, TokenSource, link_param};

/// `generateId(24)`: 24 characters of this alphabet, uniformly.
pub const TOKEN_LEN: usize = 24;
const ALPHABET: &[u8; 62] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

/// The `callbackURL` Better Auth's client libraries pass (`redirectTo:
/// "/reset-password"`), as its request encodes it (`encodeURIComponent`).
const CALLBACK: &str = "%2Freset-password";

/// A new token of Better Auth's shape.
pub fn new_token(source: &mut TokenSource) -> Result<Token> {
    source.next_text(ALPHABET, TOKEN_LEN)
}

/// A base URL as Better Auth takes one, checked; returned as given,
/// since Better Auth builds its links from the text.
pub fn base_url(text: &str) -> std::result::Result<String, String> {
    crate::token::site_url(text).map(str::to_string)
}

/// The link Better Auth's own request would email for `{token}`:
/// `withPath(baseURL, "/api/auth")`, which adds `/api/auth` (after
/// trimming trailing slashes) only to a URL without a path, then
/// `/reset-password/{token}?callbackURL=%2Freset-password`.
pub fn default_link(base_url: &str) -> String {
    let has_path = url::Url::parse(base_url)
        .map(|u| !u.path().trim_end_matches('/').is_empty())
        .unwrap_or(false);
    let api = if has_path {
        base_url.to_string()
    } else {
        format!("{}/api/auth", base_url.trim_end_matches('/'))
    };
    format!("{api}/reset-password/{{token}}?callbackURL={CALLBACK}")
}

/// The token in a pasted link or a bare token: a `token=` parameter (the
/// page Better Auth redirects to), else the last path segment
/// (`/reset-password/TOKEN`), else the whole text. Letters keep their case.
pub fn parse(input: &str) -> Result<Token> {
    let s = input.trim();
    let candidate = match link_param(s, "token") {
        Some(t) => t,
        None => s
            .split(['?', '#'])
            .next()
            .unwrap_or(s)
            .trim_end_matches('/')
            .rsplit('/')
            .next()
            .unwrap_or(s),
    };
    let shaped =
        candidate.len() == TOKEN_LEN && candidate.bytes().all(|b| b.is_ascii_alphanumeric());
    match Token::from_text(candidate).filter(|_| shaped) {
        Some(token) => Ok(token),
        None => Err(Error::bad_input(format!(
            "malformed reset token: expected Better Auth's {TOKEN_LEN} letters and digits, or its reset link"
        ))
        .with_hint("paste the whole reset link (…/reset-password/TOKEN?callbackURL=…) or the token")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const T: &str = "FMK0MgPnLkYpUyod8afI8r0p";

    #[test]
    fn the_default_link_is_the_one_better_auth_emails() {
        assert_eq!(
            default_link("https://example.com"),
            "https://example.com/api/auth/reset-password/{token}?callbackURL=%2Freset-password"
        );
        assert_eq!(
            default_link("https://example.com//"),
            "https://example.com/api/auth/reset-password/{token}?callbackURL=%2Freset-password"
        );
        // A base URL with a path of its own is Better Auth's whole baseURL.
        assert_eq!(
            default_link("https://example.com/auth"),
            "https://example.com/auth/reset-password/{token}?callbackURL=%2Freset-password"
        );
    }

    #[test]
    fn base_urls_are_http_or_https_and_nothing_more() {
        assert_eq!(
            base_url(" https://app.example/ ").as_deref(),
            Ok("https://app.example/")
        );
        assert!(base_url("http://localhost:3000").is_ok());
        for bad in [
            "example.com",
            "ftp://example.com",
            "https://x/?a=1",
            "https://x/#f",
            "https://x/{token}",
        ] {
            assert!(base_url(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn tokens_are_read_from_every_form_a_person_pastes() {
        for input in [
            T.to_string(),
            format!("  {T}\n"),
            format!(
                "https://example.com/api/auth/reset-password/{T}?callbackURL=%2Freset-password"
            ),
            format!("https://example.com/api/auth/reset-password/{T}?callbackURL="),
            format!("https://example.com/api/auth/reset-password/{T}"),
            format!("https://example.com/reset-password?token={T}"),
        ] {
            assert_eq!(parse(&input).unwrap().expose(), T, "{input}");
        }
        for bad in [
            &T[..23],
            &format!("{T}x"),
            "",
            "https://example.com/api/auth/reset-password/",
            "FMK0MgPnLkYpUyod8afI8r0-",
        ] {
            let e = parse(bad).unwrap_err();
            assert_eq!(e.exit_code(), 65, "{bad}");
            assert!(bad.len() < 8 || !e.message.contains(bad), "{}", e.message);
        }
    }

    #[test]
    fn new_tokens_have_better_auths_shape() {
        let mut source = TokenSource::new();
        let t = new_token(&mut source).unwrap();
        assert_eq!(t.expose().len(), TOKEN_LEN);
        assert!(t.expose().bytes().all(|b| b.is_ascii_alphanumeric()));
        assert_eq!(parse(t.expose()).unwrap().expose(), t.expose());
    }
}
