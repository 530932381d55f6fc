//! The app's database, from its dotenv file: a URL (`DATABASE_URL`, or
//! `DB_URL` as Laravel 11 names it), else Laravel's `DB_*` parts.
//!
//! - A URL of a scheme `Location` serves goes to it as written; the
//!   aliases Rails and Laravel accept are renamed first (`mysql2://` to
//!   `mysql://`, `pgsql://` to `postgres://`).
//! - `sqlite:` and `sqlite3:` URLs name a file: `sqlite3:db/app.sqlite3`
//!   relative to the file's folder (the app root, where `artisan` and
//!   `rails` run), `sqlite:/abs` or `sqlite:///abs` absolute, as
//!   `file:///` reads; a query (`?pool=5`) is dropped.
//! - A URL value without a scheme (or `file:PATH`) is a file, relative to
//!   the app root as above: an operator who wrote a path meant that file.
//! - `DB_CONNECTION=sqlite`: the file `DB_DATABASE` (relative to the app
//!   root), or Laravel's default `database/database.sqlite` there.
//! - `mysql`, `mariadb`, `pgsql`: a URL made of `DB_HOST` (default
//!   127.0.0.1), `DB_PORT` (3306, 5432), `DB_DATABASE` (required: the
//!   framework's fallback differs by version), `DB_USERNAME` and
//!   `DB_PASSWORD`; a missing user falls back as the URL's own does
//!   (`$USER`, `$PGUSER`) since the framework's fallback differs by version.
//! - Any other connection (sqlsrv, an app's own) is refused (78).
//! - No URL and no `DB_CONNECTION`: no database (the framework's default
//!   connection differs by version: mysql up to 10, sqlite from 11).

use std::path::Path;

use percent_encoding::{NON_ALPHANUMERIC, utf8_percent_encode};
use zeroize::Zeroizing;

use super::Sourced;
use super::values::Vars;
use crate::db::Location;
use crate::error::{Error, Result};
use crate::text::shown;

const URL_KEYS: [&str; 2] = ["DATABASE_URL", "DB_URL"];
const SQLITE_KEYS: [&str; 2] = ["DB_CONNECTION", "DB_DATABASE"];
const SERVER_KEYS: [&str; 6] = [
    "DB_CONNECTION",
    "DB_HOST",
    "DB_PORT",
    "DB_DATABASE",
    "DB_USERNAME",
    "DB_PASSWORD",
];

pub(super) fn database(vars: &Vars, dir: &Path) -> Result<Option<Sourced<Location>>> {
    for key in URL_KEYS {
        if let Some(url) = vars.env_set(key) {
            let url = Zeroizing::new(url);
            let location = from_url(&url, dir).map_err(|e| super::prefixed(e, key))?;
            return Ok(Some(Sourced {
                value: location,
                keys: vec![key],
            }));
        }
    }
    let Some(connection) = vars.env_set("DB_CONNECTION") else {
        return Ok(None);
    };
    let (location, keys) = match connection.to_ascii_lowercase().as_str() {
        "sqlite" => (sqlite_file(vars, dir)?, &SQLITE_KEYS[..]),
        "mysql" | "mariadb" => (server(vars, "mysql", 3306)?, &SERVER_KEYS[..]),
        "pgsql" => (server(vars, "postgres", 5432)?, &SERVER_KEYS[..]),
        _ => {
            return Err(Error::config(format!(
                "DB_CONNECTION={} is not a connection resetctl reads: it reads sqlite, mysql, mariadb and pgsql",
                shown(&connection)
            )));
        }
    };
    Ok(Some(Sourced {
        value: location,
        keys: vars.present(keys),
    }))
}

/// A database URL, its scheme's aliases renamed, or a `sqlite:` file.
fn from_url(url: &str, dir: &Path) -> Result<Location> {
    let Some((scheme, rest)) = url.split_once(':') else {
        return Location::parse(Path::new(url), Some(dir));
    };
    let renamed = |to: &str| Zeroizing::new(format!("{to}:{rest}"));
    match scheme.to_ascii_lowercase().as_str() {
        "sqlite" | "sqlite3" => sqlite_url(rest, dir),
        "mysql2" => Location::parse(Path::new(renamed("mysql").as_str()), None),
        "pgsql" => Location::parse(Path::new(renamed("postgres").as_str()), None),
        _ => Location::parse(Path::new(url), Some(dir)),
    }
}

/// What follows `sqlite:`: a path, or `///` and an absolute path.
fn sqlite_url(rest: &str, dir: &Path) -> Result<Location> {
    let rest = rest.split_once('?').map_or(rest, |(path, _)| path);
    let path = match rest.strip_prefix("//") {
        Some(after) if after.starts_with('/') => after,
        Some(_) => {
            return Err(Error::config(
                "a sqlite URL names a file, not a host: write sqlite:///absolute/path or sqlite:relative/path",
            ));
        }
        None => rest,
    };
    sqlite_path(path, dir)
}

fn sqlite_file(vars: &Vars, dir: &Path) -> Result<Location> {
    match vars.env_set("DB_DATABASE") {
        Some(path) => sqlite_path(&path, dir).map_err(|e| super::prefixed(e, "DB_DATABASE")),
        None => Ok(Location::File(dir.join("database").join("database.sqlite"))),
    }
}

fn sqlite_path(path: &str, dir: &Path) -> Result<Location> {
    match path {
        "" => Err(Error::config("names no SQLite file")),
        ":memory:" => Err(Error::config(
            "names an in-memory SQLite database, which holds no users outside the app",
        )),
        _ => Ok(Location::File(dir.join(path))),
    }
}

fn server(vars: &Vars, scheme: &str, default_port: u16) -> Result<Location> {
    let port = match vars.env_set("DB_PORT") {
        Some(p) => p
            .parse::<u16>()
            .map_err(|_| Error::config("DB_PORT is not a port number"))?,
        None => default_port,
    };
    let database = vars
        .env_set("DB_DATABASE")
        .ok_or_else(|| Error::config("DB_DATABASE is not set: it names the app's database"))?;
    let parts = ServerParts {
        host: vars
            .env_set("DB_HOST")
            .unwrap_or_else(|| "127.0.0.1".into()),
        port,
        database,
        user: vars.env_set("DB_USERNAME"),
        password: vars.env_set("DB_PASSWORD").map(Zeroizing::new),
    };
    let url = parts.url(scheme)?;
    Location::parse(Path::new(url.as_str()), None)
}

/// A server database as Laravel's `DB_*` keys name it.
pub(super) struct ServerParts {
    pub(super) host: String,
    pub(super) port: u16,
    pub(super) database: String,
    pub(super) user: Option<String>,
    pub(super) password: Option<Zeroizing<String>>,
}

impl ServerParts {
    /// `scheme://USER:PASS@HOST:PORT/DB`, every part percent-encoded but
    /// for letters and digits (the `url` crate leaves `%` as it is, so a
    /// `%41` in a password would otherwise be read back as `A`).
    pub(super) fn url(&self, scheme: &str) -> Result<Zeroizing<String>> {
        let encode = |s: &str| utf8_percent_encode(s, NON_ALPHANUMERIC).to_string();
        let mut url = url::Url::parse(&format!("{scheme}://localhost"))
            .map_err(|e| Error::internal(format!("{scheme}:// URL: {e}")))?;
        let host = match self.host.contains(':') && !self.host.starts_with('[') {
            true => format!("[{}]", self.host),
            false => self.host.clone(),
        };
        let bad_host = |_| Error::config("DB_HOST is not a host name");
        url.set_host(Some(&host)).map_err(bad_host)?;
        url.set_port(Some(self.port))
            .map_err(|()| Error::config("DB_PORT is not a port number"))?;
        let no_userinfo = |()| Error::config("DB_HOST does not take a user name");
        if let Some(user) = &self.user {
            url.set_username(&encode(user)).map_err(no_userinfo)?;
        }
        if let Some(password) = &self.password {
            let encoded = Zeroizing::new(encode(password));
            url.set_password(Some(&encoded)).map_err(no_userinfo)?;
        }
        url.set_path(&format!("/{}", encode(&self.database)));
        Ok(Zeroizing::new(url.into()))
    }
}
