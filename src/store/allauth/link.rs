//! allauth's reset links as people paste them: the whole link
//! (`/accounts/password/reset/key/UIDB36-KEY/`), `UIDB36-KEY`, or the bare
//! key (`STAMP-HMAC`, Django's token), whose uid is the user's id in base 36.

use crate::error::{Error, Result};
use crate::store::Presented;
use crate::token::Token;

/// The page allauth redirects a valid link to, in place of the key.
const FORM_PAGE: &str = "set-password";

/// The link, `UIDB36-KEY`, or a bare key.
pub fn parse(input: &str) -> Result<Presented> {
    let s = input.trim();
    let path = s
        .split(['?', '#'])
        .next()
        .unwrap_or(s)
        .trim_end_matches('/');
    let is_link = path.contains('/');
    let last = path.rsplit('/').next().unwrap_or_default();
    if last.ends_with(&format!("-{FORM_PAGE}")) {
        return Err(Error::bad_input(
            "that is the page allauth shows once a reset link is opened, not the link itself",
        )
        .with_hint("paste the link from the email: /accounts/password/reset/key/UIDB36-KEY/"));
    }
    let parts: Vec<&str> = last.split('-').collect();
    let (names, key) = match parts[..] {
        [uid, stamp, mac] if is_alnum(uid) => (Some(uid.to_string()), (stamp, mac)),
        [stamp, mac] if !is_link => (None, (stamp, mac)),
        _ => return Err(malformed()),
    };
    let shaped = !key.0.is_empty() && key.0.len() <= 13 && is_alnum(key.0) && is_alnum(key.1);
    match Token::from_text(&format!("{}-{}", key.0, key.1)).filter(|_| shaped) {
        Some(token) => Ok(Presented {
            token,
            names,
            user: None,
        }),
        None => Err(malformed()),
    }
}

fn is_alnum(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_alphanumeric())
}

fn malformed() -> Error {
    Error::bad_input(
        "malformed reset link: expected allauth's /accounts/password/reset/key/UIDB36-KEY/ (KEY like 'cz5k2a-1f2e...')",
    )
    .with_hint("paste the whole reset link")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_links_uid_key_and_bare_keys() {
        let p = parse(
            "http://testserver/accounts/password/reset/key/1a-dj3him-9d1d6b437998f6c47720ca1d6e049668/",
        )
        .unwrap();
        assert_eq!(p.names.as_deref(), Some("1a"));
        assert_eq!(p.token.expose(), "dj3him-9d1d6b437998f6c47720ca1d6e049668");
        let p = parse("1a-dj3him-9d1d").unwrap();
        assert_eq!(p.names.as_deref(), Some("1a"));
        let p = parse("dj3him-9d1d").unwrap();
        assert!(p.names.is_none());
        assert_eq!(p.token.expose(), "dj3him-9d1d");
    }

    #[test]
    fn refuses_other_shapes() {
        for bad in [
            "https://app.test/accounts/password/reset/key/1-set-password/",
            "https://app.test/reset/MQ/dj3him-9d1d/",
            "a-b-c-d",
            "1-dj3him-9d1d!",
            "",
        ] {
            assert_eq!(parse(bad).unwrap_err().exit_code(), 65, "{bad}");
        }
    }
}
