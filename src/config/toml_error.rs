//! A TOML error in the config file as one line that names the line and the
//! key. serde and the TOML parser quote the value they could not take
//! (`invalid type: string "...", expected a sequence`); for a key that may
//! hold a secret, or when the key cannot be told, the value is left out.

use std::path::Path;

use super::key_at::key_at;
use crate::error::Error;
use crate::text::shown;

/// resetctl's own keys whose values may be secrets: URLs that may carry
/// a password. Each store names the keys of its section that may (the
/// apps' keys and peppers).
const SECRET_KEYS: [&str; 2] = ["database", "email.transport"];

/// A word that is not one of a key's choices reads `key: 'x' is not one of
/// a, b`, as every other bad value does.
pub fn parse_error(path: &Path, text: &str, e: &toml::de::Error) -> Error {
    let message = e.message().trim().replace('\n', " ");
    let Some(span) = e.span() else {
        return Error::config(format!("{}: {}", path.display(), without_values(&message)));
    };
    let start = span.start.min(text.len());
    let line_no = text[..start].matches('\n').count() + 1;
    let key = key_at(text, start).map(|parts| parts.join("."));
    let at = format!("{}, line {line_no}", path.display());
    match key {
        Some(k) if may_hold_secret(&k) => {
            Error::config(format!("{at} ({k}): {}", without_values(&message)))
        }
        Some(k) => match not_one_of(&message) {
            Some(why) => Error::config(format!("{}: {k}: {why}", path.display())),
            None => Error::config(format!("{at} ({k}): {message}")),
        },
        None => Error::config(format!("{at}: {}", without_values(&message))),
    }
}

/// A secret key itself, a table holding one (`django = { ... }`), or a
/// part of one.
fn may_hold_secret(key: &str) -> bool {
    let stores = crate::store::registry::STORES.iter().flat_map(|kind| {
        let section = kind.section.unwrap_or_default();
        kind.secret_keys
            .iter()
            .map(move |k| format!("{section}.{k}"))
    });
    SECRET_KEYS
        .iter()
        .map(|s| s.to_string())
        .chain(stores)
        .any(|s| {
            s == key
                || s.strip_prefix(key).is_some_and(|r| r.starts_with('.'))
                || key
                    .strip_prefix(s.as_str())
                    .is_some_and(|r| r.starts_with('.'))
        })
}

/// The message without the value it quotes: serde writes a string value
/// in double quotes with escapes (`"a\"b"`) and other values in backticks
/// (`` `123` ``). What follows `expected` says what the key takes and is
/// kept.
fn without_values(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    let mut rest = message;
    while let Some(c) = rest.chars().next() {
        if rest.starts_with("expected") && (out.is_empty() || out.ends_with(' ')) {
            out.push_str(rest);
            break;
        }
        rest = match c {
            '"' => after_quoted(&rest[1..]),
            '`' => rest[1..].find('`').map_or("", |i| &rest[i + 2..]),
            c => {
                out.push(c);
                &rest[c.len_utf8()..]
            }
        };
    }
    out.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .replace(" ,", ",")
}

/// What follows a double-quoted value whose opening quote is gone.
fn after_quoted(body: &str) -> &str {
    let mut chars = body.char_indices();
    while let Some((i, c)) = chars.next() {
        match c {
            '\\' => {
                chars.next();
            }
            '"' => return &body[i + 1..],
            _ => {}
        }
    }
    ""
}

/// serde's "unknown variant `x`, expected one of `a`, `b`" in the words
/// of every other bad value: "'x' is not one of a, b".
fn not_one_of(message: &str) -> Option<String> {
    let rest = message.strip_prefix("unknown variant `")?;
    let (value, rest) = rest.split_once('`')?;
    let choices = rest
        .trim_start_matches(", expected one of ")
        .trim_start_matches(", expected ")
        .replace("` or `", ", ")
        .replace('`', "");
    Some(format!("{} is not one of {choices}", shown(value)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_word_not_among_the_choices_says_which_they_are() {
        assert_eq!(
            not_one_of(
                "unknown variant `iso`, expected one of `rfc3339`, `sqlite`, `unix`, `unix_ms`"
            )
            .as_deref(),
            Some("'iso' is not one of rfc3339, sqlite, unix, unix_ms")
        );
        assert_eq!(
            not_one_of("unknown variant `md5`, expected `sha256` or `plain`").as_deref(),
            Some("'md5' is not one of sha256, plain")
        );
        assert_eq!(not_one_of("invalid type: string"), None);
    }

    #[test]
    fn values_are_dropped_and_what_was_expected_kept() {
        for (message, want) in [
            (
                r#"invalid type: string "FALLBACK-SECRET", expected a sequence"#,
                "invalid type: string, expected a sequence",
            ),
            (
                r#"invalid type: string "a\", expected x \\", expected a sequence"#,
                "invalid type: string, expected a sequence",
            ),
            (
                "invalid type: integer `123`, expected a string",
                "invalid type: integer, expected a string",
            ),
            (
                "invalid type: floating point `1500.0`, expected a string",
                "invalid type: floating point, expected a string",
            ),
            (
                "unknown variant `x`, expected one of `a`, `b`",
                "unknown variant, expected one of `a`, `b`",
            ),
            (
                "invalid basic string, expected `\"`",
                "invalid basic string, expected `\"`",
            ),
            (r#"unterminated "abc"#, "unterminated"),
        ] {
            assert_eq!(without_values(message), want, "{message}");
        }
    }

    #[test]
    fn secret_keys_their_tables_and_their_parts() {
        for key in [
            "database",
            "django",
            "django.secret_key",
            "django.secret_key_fallbacks",
            "devise",
            "devise.pepper",
            "email",
            "email.transport",
            "database.x",
        ] {
            assert!(may_hold_secret(key), "{key}");
        }
        for key in [
            "django.time_zone",
            "email.from",
            "schema",
            "databases",
            "password",
        ] {
            assert!(!may_hold_secret(key), "{key}");
        }
    }

    proptest::proptest! {
        #[test]
        fn no_secret_value_reaches_the_message(
            secret in "[A-Za-z0-9]{16}",
            form in 0usize..8,
            key in 0usize..4,
            tail in "\\PC{0,8}",
        ) {
            let value = match form {
                0 => format!("\"{secret}"),
                1 => format!("'{secret}"),
                2 => format!("\"\"\"{secret}"),
                3 => format!("[\n  1,\n  \"{secret}\\q\",\n]"),
                4 => format!("\"{secret}\" {tail}"),
                5 => format!("{{ x = \"{secret}\" }}"),
                6 => secret.clone(),
                _ => format!("[\"{secret}\", {tail}]"),
            };
            let (section, name) = [
                ("[django]", "secret_key"),
                ("[django]", "secret_key_fallbacks"),
                ("[email]", "transport"),
                ("", "database"),
            ][key];
            let text = format!("{section}\n{name} = {value}\n");
            if let Err(e) = toml::from_str::<super::super::file::FileConfig>(&text) {
                let message = parse_error(Path::new("c.toml"), &text, &e).message;
                proptest::prop_assert!(!message.contains(&secret), "{text}: {message}");
            }
        }

        #[test]
        fn finding_the_key_never_panics(text in "\\PC{0,200}", at in 0usize..220) {
            let _ = key_at(&text, at);
        }
    }
}
