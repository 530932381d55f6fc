//! Django's reset links as people paste them: the whole link
//! (`/reset/UID/TOKEN/`), `UID/TOKEN`, or a bare token, whose uid names the
//! user and whose token is the stamp in base 36, a dash and the HMAC.

use crate::error::{Error, Result};
use crate::store::Presented;
use crate::token::Token;

/// The link (`/reset/UID/TOKEN/`), `UID/TOKEN`, or a bare token.
pub fn parse(input: &str) -> Result<Presented> {
    let s = input.trim();
    let path = s
        .split(['?', '#'])
        .next()
        .unwrap_or(s)
        .trim_end_matches('/');
    let mut parts = path.rsplit('/');
    let token = parts.next().unwrap_or_default();
    let names = parts.next().filter(|u| !u.is_empty()).map(str::to_string);
    let shaped = token.split_once('-').is_some_and(|(ts, h)| {
        !ts.is_empty()
            && ts.len() <= 13
            && !h.is_empty()
            && ts
                .bytes()
                .chain(h.bytes())
                .all(|b| b.is_ascii_alphanumeric())
    });
    if token == "set-password" {
        return Err(Error::bad_input(
            "that is the page Django shows once a reset link is opened, not the link itself",
        )
        .with_hint("paste the link from the email: /reset/UID/TOKEN/"));
    }
    match Token::from_text(token).filter(|_| shaped) {
        Some(token) => Ok(Presented {
            token,
            names,
            user: None,
        }),
        None => Err(Error::bad_input(
            "malformed reset link: expected Django's /reset/UID/TOKEN/ (TOKEN like 'cz5k2a-1f2e...')",
        )
        .with_hint("paste the whole reset link")),
    }
}
