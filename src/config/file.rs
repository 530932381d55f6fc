//! The config file as written: every section and key the README lists,
//! read by serde (which refuses unknown keys and matches every choice of
//! words), and its errors as one line that names the key.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::error::Error;
use crate::password::{BcryptPrefix, Format};
use crate::store::{ExpiresFormat, TokenStorage};
use crate::text::shown;

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileConfig {
    pub framework: Option<super::framework::FrameworkName>,
    pub database: Option<PathBuf>,
    pub busy_timeout: Option<String>,
    #[serde(default)]
    pub schema: FileSchema,
    #[serde(default)]
    pub token: FileToken,
    #[serde(default)]
    pub limits: FileLimits,
    #[serde(default)]
    pub password: FilePassword,
    #[serde(default)]
    pub email: FileEmail,
    pub devise: Option<super::framework::FileDevise>,
    pub laravel: Option<super::framework::FileLaravel>,
    pub django: Option<super::framework::FileDjango>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileSchema {
    pub table: Option<String>,
    pub id: Option<String>,
    pub username: Option<String>,
    pub email: Option<String>,
    pub password: Option<String>,
    pub token: Option<String>,
    pub expires: Option<String>,
    pub expires_format: Option<ExpiresFormat>,
    pub token_storage: Option<TokenStorage>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileToken {
    pub ttl: Option<String>,
    pub max_ttl: Option<String>,
    pub link: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileLimits {
    pub issue: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FilePassword {
    pub min_length: Option<usize>,
    pub max_length: Option<usize>,
    pub format: Option<Format>,
    pub argon2: Option<FileArgon2>,
    pub bcrypt: Option<FileBcrypt>,
    pub pbkdf2: Option<FilePbkdf2>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileArgon2 {
    pub m_cost: Option<u32>,
    pub t_cost: Option<u32>,
    pub p_cost: Option<u32>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileBcrypt {
    pub cost: Option<u32>,
    pub prefix: Option<BcryptPrefix>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FilePbkdf2 {
    pub iterations: Option<u32>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileEmail {
    pub transport: Option<String>,
    pub from: Option<String>,
    pub subject: Option<String>,
    pub template: Option<PathBuf>,
    pub html_template: Option<PathBuf>,
    pub ca_cert: Option<PathBuf>,
    pub timeout: Option<String>,
}

/// A TOML error as one line, naming the line and the key it is about. A
/// word that is not one of a key's choices reads `key: 'x' is not one of
/// a, b`, as every other bad value does.
pub fn parse_error(path: &Path, text: &str, e: &toml::de::Error) -> Error {
    let message = e.message().trim().replace('\n', " ");
    let Some(span) = e.span() else {
        return Error::config(format!("{}: {message}", path.display()));
    };
    let start = span.start.min(text.len());
    let line_no = text[..start].matches('\n').count() + 1;
    let mut section = String::new();
    for line in text[..start].lines() {
        let l = line.trim();
        if l.starts_with('[') && l.ends_with(']') {
            section = l.trim_matches(['[', ']']).trim().to_string();
        }
    }
    let line = text[start..].lines().next().map(|rest| {
        let begin = text[..start].rfind('\n').map_or(0, |i| i + 1);
        format!("{}{rest}", &text[begin..start])
    });
    let key = line
        .as_deref()
        .and_then(|l| l.split_once('='))
        .map(|(k, _)| k.trim().trim_matches('"').to_string())
        .filter(|k| !k.is_empty() && !k.starts_with('['))
        .map(|k| {
            if section.is_empty() {
                k
            } else {
                format!("{section}.{k}")
            }
        });
    match (key, not_one_of(&message)) {
        (Some(k), Some(why)) => Error::config(format!("{}: {k}: {why}", path.display())),
        (Some(k), None) => Error::config(format!(
            "{}, line {line_no} ({k}): {message}",
            path.display()
        )),
        (None, _) => Error::config(format!("{}, line {line_no}: {message}", path.display())),
    }
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
}
