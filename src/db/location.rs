//! Where the database is: a file, or a server named by a URL of a scheme
//! an engine in the registry serves, parsed by that engine. Shown
//! everywhere without the URL's password.
//!
//! Any other `scheme://` is refused rather than taken for a file name: a
//! `scheme://user:pw@host/db` read as a path would be created as a file,
//! and its password printed in the error. A path that holds `://` is
//! written `./odd://name.db` or `file:odd://name.db`.

use std::fmt;
use std::path::{Path, PathBuf};

use super::registry::{FILE_ENGINE, SCHEMES, Url};
use crate::error::{Error, Kind, Result};

#[derive(Debug, Clone)]
pub enum Location {
    File(PathBuf),
    Url(Url),
}

/// The schemes served, as every refusal lists them.
fn served() -> String {
    let urls: Vec<String> = SCHEMES.iter().map(|s| format!("{s}://")).collect();
    format!("{}, and file: for a {FILE_ENGINE} file", urls.join(", "))
}

impl Location {
    /// A `--db`, `RESETCTL_DB` or `database` value. `relative_to` is the
    /// config file's folder, for a relative file path written in it.
    pub fn parse(value: &Path, relative_to: Option<&Path>) -> Result<Location> {
        let file = |p: &Path| {
            Location::File(match relative_to {
                Some(dir) => dir.join(p),
                None => p.to_path_buf(),
            })
        };
        // A name that is not UTF-8 is no URL.
        let Some(text) = value.to_str() else {
            return Ok(file(value));
        };
        if let Some(path) = file_url(text)? {
            return Ok(file(Path::new(path)));
        }
        let Some(scheme) = url_scheme(text) else {
            return Ok(file(value));
        };
        match Url::parse(scheme, text) {
            Some(url) => url.map(Location::Url),
            // Only the scheme is named: the rest may hold a password.
            None => Err(Error::config(format!(
                "database URLs of scheme '{}' are not served: resetctl reads {}",
                shortened(scheme),
                served()
            ))
            .with_hint("a file path that contains '://' is written ./PATH or file:PATH")),
        }
    }

    pub fn file(&self) -> Option<&Path> {
        match self {
            Location::File(p) => Some(p),
            Location::Url(_) => None,
        }
    }
}

/// The path of an explicit `file:PATH` or `file:///absolute/path`, taken
/// as written (no percent-decoding); `None` for anything else.
fn file_url(text: &str) -> Result<Option<&str>> {
    let Some(rest) = text
        .get(..5)
        .filter(|p| p.eq_ignore_ascii_case("file:"))
        .map(|_| &text[5..])
    else {
        return Ok(None);
    };
    let path = match rest.strip_prefix("//") {
        // `file://` names a host next; only the local one, left empty.
        Some(after) if after.starts_with('/') => after,
        Some(_) => {
            return Err(Error::config(
                "a file:// database location must be followed by an absolute path (file:///var/lib/app.db)",
            )
            .with_hint("or write file:PATH for a relative path"));
        }
        None => rest,
    };
    if path.is_empty() {
        return Err(Error::config("file: names no database file")
            .with_hint("write file:PATH, e.g. file:users.db"));
    }
    Ok(Some(path))
}

/// The scheme of a `scheme://...` value (RFC 3986: a letter, then letters,
/// digits, `+`, `-` or `.`), or `None` when the value is no such URL.
fn url_scheme(text: &str) -> Option<&str> {
    let (scheme, _) = text.split_once("://")?;
    let mut chars = scheme.chars();
    let first = chars.next()?;
    (first.is_ascii_alphabetic()
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.')))
    .then_some(scheme)
}

/// A scheme as shown: its first 32 characters.
fn shortened(scheme: &str) -> String {
    match scheme.char_indices().nth(32) {
        Some((i, _)) => format!("{}…", &scheme[..i]),
        None => scheme.to_string(),
    }
}

/// The path, or the URL without its password: what every message shows.
impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Location::File(p) => write!(f, "{}", p.display()),
            Location::Url(u) => write!(f, "{u}"),
        }
    }
}

/// Tells a missing file (66) from a directory, device or FIFO (74) before
/// the engine gets a chance to say something vaguer, create the file, or
/// wait forever on a pipe.
pub(super) fn check_file(path: &Path) -> Result<()> {
    match std::fs::metadata(path) {
        Ok(m) if m.is_dir() => Err(Error::io(format!(
            "{} is a directory, not a database file",
            path.display()
        ))),
        Ok(m) if !m.is_file() => Err(Error::io(format!(
            "{} is not a regular file, so it cannot be a database",
            path.display()
        ))),
        Ok(_) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Err(Error::new(
            Kind::NoInput,
            format!("database {} does not exist", path.display()),
        )
        .with_hint(format!(
            "check the path, or create it with: resetctl --db {} init",
            path.display()
        ))),
        Err(e) => Err(Error::io(format!("cannot open {}: {e}", path.display()))),
    }
}

/// Whether an `@` comes after the point where the authority would end (the
/// first `/`, `?` or `#` after `://`): then the user name or password holds
/// one of those unencoded, and a parser would take the rest of the password
/// for the path, the query or the fragment, and show it as such.
pub(super) fn userinfo_unencoded(text: &str) -> bool {
    let rest = text.split_once("://").map_or(text, |(_, r)| r);
    rest.find(['/', '?', '#'])
        .is_some_and(|end| rest[end..].contains('@'))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(text: &str) -> Result<Location> {
        Location::parse(Path::new(text), None)
    }

    #[test]
    fn schemes_served_files_and_refusals() {
        for text in [
            "users.db",
            "./odd://name.db",
            "dir/x://y",
            "1a://b",
            "a b://c",
        ] {
            assert_eq!(
                parsed(text).unwrap().file(),
                Some(Path::new(text)),
                "{text}"
            );
        }
        let files = [
            ("file:some.db", "some.db"),
            ("FILE:odd://name.db", "odd://name.db"),
            ("file:///var/lib/app.db", "/var/lib/app.db"),
        ];
        for (text, path) in files {
            assert_eq!(
                parsed(text).unwrap().file(),
                Some(Path::new(path)),
                "{text}"
            );
        }
        for text in ["file:", "file://host/x.db", "file://"] {
            assert_eq!(parsed(text).unwrap_err().exit_code(), 78, "{text}");
        }
        for text in [
            "mssql://app:PW9@127.0.0.1:1433/appdb",
            "sqlite://PW9.db",
            "git+ssh://u:PW9@h/r",
        ] {
            let e = parsed(text).unwrap_err();
            assert_eq!(e.exit_code(), 78, "{text}");
            let shown = format!("{} {}", e.message, e.hint.unwrap_or_default());
            assert!(!shown.contains("PW9"), "{shown}");
            assert!(shown.contains("postgres://"), "{shown}");
        }
        let e = parsed("oracle://x@h/db").unwrap_err();
        assert!(e.message.contains("'oracle'"), "{}", e.message);
        assert!(matches!(
            parsed("MariaDB://u:p@h/db").unwrap(),
            Location::Url(_)
        ));
        assert!(matches!(
            parsed("PostgreSQL://u:p@h/db").unwrap(),
            Location::Url(_)
        ));
        assert_eq!(
            served(),
            "postgres://, postgresql://, mysql://, mariadb://, and file: for a SQLite file"
        );
    }
}
