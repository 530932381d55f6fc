//! What a message says: the built-in templates and the operator's own,
//! their placeholders, the recipient, and the address as it may be shown.

use std::path::PathBuf;

use lettre::message::Mailbox;

use super::SendError;
use crate::error::{Error, Result};
use crate::user::User;

pub(super) const DEFAULT_TEMPLATE: &str = "Hello {username},

someone asked to reset the password of your account. To choose a new
password, open this link:

{link}

The link works once and expires at {expires_at} (in {ttl}). If you did not
ask for this, ignore this message: your password stays as it is.
";

pub(super) const CHANGED_SUBJECT: &str = "Your password was changed";
pub(super) const CHANGED_TEMPLATE: &str = "Hello {username},

the password of your account was changed at {changed_at} with a reset link.

If that was not you, contact support right away.
";

/// The placeholders a reset template may use.
pub(super) const RESET_PLACEHOLDERS: [&str; 5] = ["username", "email", "link", "expires_at", "ttl"];

/// The user's mailbox, with their username as display name, and the address
/// masked for output: `a***@example.com`.
pub(super) fn recipient(user: &User) -> std::result::Result<(Mailbox, String), SendError> {
    let Some(email) = user.email.as_deref().filter(|e| !e.trim().is_empty()) else {
        return Err(SendError::permanent("the user has no email address"));
    };
    let address = email.trim().parse().map_err(|_| {
        SendError::permanent(format!("{} is not a valid email address", mask(email)))
    })?;
    // A display name holding line breaks or other control characters is
    // dropped rather than passed on: it could never be a header.
    let name = user
        .username
        .clone()
        .filter(|n| !n.chars().any(char::is_control));
    Ok((Mailbox::new(name, address), mask(email)))
}

/// `alice@example.com` -> `a***@example.com`. Only a well-formed address
/// shows its domain: of anything else nothing is shown.
pub fn mask(email: &str) -> String {
    match email.trim().parse::<lettre::Address>() {
        Ok(address) => {
            let first: String = address.user().chars().take(1).collect();
            crate::text::printable(&format!("{first}***@{}", address.domain()))
        }
        Err(_) => "***".to_string(),
    }
}

/// The name used in message bodies, control characters escaped.
pub(super) fn display_name(user: &User) -> String {
    let name = user
        .username
        .clone()
        .or_else(|| user.email.clone())
        .unwrap_or_else(|| format!("user {}", user.id));
    crate::text::printable(&name)
}

pub(super) fn html_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

pub(super) fn read_template(key: &str, path: &PathBuf) -> Result<String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| Error::config(format!("{key}: cannot read {}: {e}", path.display())))?;
    check_template(&text, &RESET_PLACEHOLDERS)
        .map_err(|why| Error::config(format!("{key}: {why}")))?;
    Ok(text)
}

/// Every `{name}` must be a known placeholder; `{{` and `}}` are braces.
pub fn check_template(text: &str, known: &[&str]) -> std::result::Result<(), String> {
    let mut rest = text;
    while let Some(at) = rest.find(['{', '}']) {
        let tail = &rest[at..];
        if tail.starts_with("{{") || tail.starts_with("}}") {
            rest = &tail[2..];
            continue;
        }
        if tail.starts_with('}') {
            return Err("a lone '}' (write '}}' for a brace)".into());
        }
        let Some(end) = tail.find('}') else {
            return Err("a '{' that is never closed (write '{{' for a brace)".into());
        };
        let name = &tail[1..end];
        if !known.contains(&name) {
            return Err(format!(
                "unknown placeholder {{{}}}; known: {}",
                crate::text::clean(name, 30),
                known
                    .iter()
                    .map(|k| format!("{{{k}}}"))
                    .collect::<Vec<_>>()
                    .join(" ")
            ));
        }
        rest = &tail[end + 1..];
    }
    Ok(())
}

/// Replaces each `{name}` by its value, in one pass (a value holding
/// `{link}` is not expanded again).
pub(super) fn fill(template: &str, names: &[&str], values: &[String]) -> String {
    let mut out = String::with_capacity(template.len() + 256);
    let mut rest = template;
    while let Some(at) = rest.find(['{', '}']) {
        out.push_str(&rest[..at]);
        let tail = &rest[at..];
        if tail.starts_with("{{") || tail.starts_with("}}") {
            out.push_str(&tail[..1]);
            rest = &tail[2..];
            continue;
        }
        let end = tail.find('}').unwrap_or(0);
        match names.iter().position(|n| end > 0 && *n == &tail[1..end]) {
            Some(i) => {
                out.push_str(&values[i]);
                rest = &tail[end + 1..];
            }
            None => {
                out.push_str(&tail[..1]);
                rest = &tail[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod properties;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_addresses() {
        assert_eq!(mask("alice@example.com"), "a***@example.com");
        assert_eq!(mask(" Bob@Example.org "), "B***@Example.org");
        assert_eq!(mask("nonsense"), "***");
        assert_eq!(mask("a@b@evil.example"), "***");
        assert_eq!(mask("x@\u{1b}[2J.example"), "***");
    }

    #[test]
    fn templates() {
        assert!(check_template("Hi {username}, {link} {{literal}}", &RESET_PLACEHOLDERS).is_ok());
        let e = check_template("Hi {user}", &RESET_PLACEHOLDERS).unwrap_err();
        assert!(e.starts_with("unknown placeholder {user}"), "{e}");
        assert!(check_template("Hi {username", &RESET_PLACEHOLDERS).is_err());
        assert!(check_template("a } b", &RESET_PLACEHOLDERS).is_err());
        let out = fill(
            "{username}: {link} {{x}}",
            &["username", "link"],
            &["{link}".to_string(), "L".to_string()],
        );
        assert_eq!(out, "{link}: L {x}");
    }
}
