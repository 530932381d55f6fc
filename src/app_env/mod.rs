//! An application's own dotenv file (`--app-env PATH`: a Laravel `.env`,
//! a Rails or Node app's `.env`), read for what it holds: where the app's
//! database is, its base URL, how it sends mail, and Rails' secret.
//!
//! The file is read with phpdotenv's grammar ([`dotenv`]); Laravel's keys
//! then through Laravel's `env()` rules (`null` is unset, `empty` is "",
//! surrounding quotes come off), the other apps' keys as they are. No
//! error or note ever quotes a value from the file: values are passwords.
//! The process environment takes part only as phpdotenv lets it: in
//! `${NAME}` and over names it already sets (see [`dotenv::parse`]).
//!
//! - `database`: see `database.rs` (URLs, `DB_*`).
//! - `site`: `APP_URL` (Laravel), else `BETTER_AUTH_URL` (Better Auth),
//!   whichever is an http(s) URL with a host, trailing slashes trimmed.
//!   Laravel's stock `http://localhost` is taken like any other: the file
//!   is the app's own word for where it lives.
//! - `mail_transport`, `mail_from`: see `mail.rs` (`MAIL_*`).
//! - `secret_key_base`: `SECRET_KEY_BASE` (Rails; Devise derives its key
//!   from it), an empty value counting as unset.

mod database;
pub mod dotenv;
mod mail;
mod values;

use std::path::{Path, PathBuf};

use zeroize::Zeroizing;

use crate::db::Location;
use crate::error::{Error, Kind, Result};
use crate::secret::Secret;
use values::Vars;

/// A value and the file's keys it came from, in order.
#[derive(Debug, Clone)]
pub struct Sourced<T> {
    pub value: T,
    pub keys: Vec<&'static str>,
}

/// What an app's dotenv file says about the app. `Debug` shows no
/// password: `Location` hides the URL's, and the transport and the secret
/// are [`Secret`]s.
#[derive(Debug, Clone)]
pub struct AppEnv {
    /// The file, as given.
    pub path: PathBuf,
    /// The app's database: `DATABASE_URL` (or Laravel 11's `DB_URL`), else
    /// Laravel's `DB_CONNECTION`/`DB_HOST`/`DB_PORT`/`DB_DATABASE`/
    /// `DB_USERNAME`/`DB_PASSWORD`.
    pub database: Option<Sourced<Location>>,
    /// The app's own base URL, for reset links: `APP_URL` or
    /// `BETTER_AUTH_URL`; only http(s) URLs, trailing slash trimmed.
    pub site: Option<Sourced<String>>,
    /// An `[email] transport` URL (`smtp://`, `smtps://`, `sendmail[:PATH]`)
    /// from Laravel's `MAIL_*` keys. It may hold a password, hence a
    /// [`Secret`].
    pub mail_transport: Option<Sourced<Secret>>,
    /// An `[email] from` value, `Name <address>` or the address, from
    /// `MAIL_FROM_ADDRESS` and `MAIL_FROM_NAME`.
    pub mail_from: Option<Sourced<String>>,
    /// Why a mail setting the file has was not taken (`MAIL_MAILER=log`,
    /// an unknown `MAIL_ENCRYPTION`, ...), for `doctor`. Names keys and
    /// non-secret words, never a password.
    pub mail_notes: Vec<String>,
    /// Rails' `SECRET_KEY_BASE`.
    pub secret_key_base: Option<Sourced<Secret>>,
}

impl AppEnv {
    /// Reads and parses the file. A missing file or a folder is 66; one
    /// that cannot be read, is not UTF-8, or has a syntax error is 78,
    /// naming the file (and the line), never a value.
    pub fn read(path: &Path) -> Result<AppEnv> {
        let text = read_text(path)?;
        let lookup = |name: &str| std::env::var(name).ok();
        let vars = dotenv::parse(&text, &lookup).map_err(|e| {
            Error::config(format!("app env file {}: {e}", path.display()))
                .with_hint("the file is read as Laravel's phpdotenv reads it")
        })?;
        let dir = match path.parent() {
            Some(d) if !d.as_os_str().is_empty() => d,
            _ => Path::new("."),
        };
        from_vars(path, dir, &Vars::new(vars)).map_err(|e| prefixed(e, &in_file(path)))
    }

    /// Every key of the file resetctl reads, each once.
    pub fn keys_used(&self) -> Vec<&'static str> {
        self.keys_taken(&["database", "site", "transport", "from", "secret"])
    }

    /// The keys behind the settings `taken` (`database`, `site`,
    /// `transport`, `from`, `secret`), each once, for `doctor`: a setting
    /// given another way (`--db`, `RESETCTL_SMTP_URL`, ...) leaves its keys
    /// unused.
    pub fn keys_taken(&self, taken: &[&str]) -> Vec<&'static str> {
        let mut keys: Vec<&'static str> = Vec::new();
        let lists = [
            ("database", self.database.as_ref().map(|s| &s.keys)),
            ("site", self.site.as_ref().map(|s| &s.keys)),
            ("transport", self.mail_transport.as_ref().map(|s| &s.keys)),
            ("from", self.mail_from.as_ref().map(|s| &s.keys)),
            ("secret", self.secret_key_base.as_ref().map(|s| &s.keys)),
        ];
        let lists = lists
            .into_iter()
            .filter_map(|(part, keys)| keys.filter(|_| taken.contains(&part)));
        for key in lists.flatten() {
            if !keys.contains(key) {
                keys.push(key);
            }
        }
        keys
    }
}

fn in_file(path: &Path) -> String {
    format!("app env file {}", path.display())
}

/// The file's text: 66 when there is no file, 78 when it cannot be read
/// or is not UTF-8 (phpdotenv would turn bad bytes into `?`, which no
/// password survives).
fn read_text(path: &Path) -> Result<Zeroizing<String>> {
    let no_input = |what: &str| {
        Err(Error::new(
            Kind::NoInput,
            format!("{} {what}", in_file(path)),
        ))
    };
    match std::fs::metadata(path) {
        Ok(m) if m.is_dir() => return no_input("is a directory"),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return no_input("does not exist"),
        _ => {}
    }
    let bytes =
        Zeroizing::new(std::fs::read(path).map_err(|e| {
            Error::config(format!("{} cannot be read: {}", in_file(path), e.kind()))
        })?);
    match std::str::from_utf8(&bytes) {
        Ok(text) => Ok(Zeroizing::new(text.to_string())),
        Err(e) => {
            let line = 1 + bytes[..e.valid_up_to()]
                .iter()
                .filter(|&&b| b == b'\n')
                .count();
            Err(Error::config(format!(
                "{}: line {line}: not UTF-8 text",
                in_file(path)
            )))
        }
    }
}

fn from_vars(path: &Path, dir: &Path, vars: &Vars) -> Result<AppEnv> {
    let database = database::database(vars, dir)?;
    let mail = mail::mail(vars);
    Ok(AppEnv {
        path: path.to_path_buf(),
        database,
        site: site(vars),
        mail_transport: mail.transport,
        mail_from: mail.from,
        mail_notes: mail.notes,
        secret_key_base: vars.plain("SECRET_KEY_BASE").map(|v| Sourced {
            value: Secret::new(v),
            keys: vec!["SECRET_KEY_BASE"],
        }),
    })
}

fn site(vars: &Vars) -> Option<Sourced<String>> {
    let candidates = [
        ("APP_URL", vars.env_set("APP_URL")),
        (
            "BETTER_AUTH_URL",
            vars.plain("BETTER_AUTH_URL").map(String::from),
        ),
    ];
    candidates.into_iter().find_map(|(key, value)| {
        let value = value?;
        let value = value.trim();
        let http = url::Url::parse(value).is_ok_and(|u| {
            matches!(u.scheme(), "http" | "https") && u.host_str().is_some_and(|h| !h.is_empty())
        });
        http.then(|| Sourced {
            value: value.trim_end_matches('/').to_string(),
            keys: vec![key],
        })
    })
}

/// The same error, its message led by where it arose (a file, a key).
fn prefixed(e: Error, prefix: &str) -> Error {
    let mut out = Error::new(e.kind, format!("{prefix}: {}", e.message));
    out.hint = e.hint;
    out
}

#[cfg(test)]
mod tests;
