//! How the app sends mail, from Laravel's `MAIL_*` keys, as a transport
//! URL in `[email] transport` syntax and a sender in `[email] from` syntax.
//!
//! - `MAIL_MAILER` (or Laravel 6's `MAIL_DRIVER`): `smtp` and `sendmail`
//!   are read; `log`, `array` and the HTTP APIs (ses, mailgun, ...) send
//!   nothing resetctl can send the same way: no transport, and a note.
//! - `sendmail`: `sendmail` from PATH, or `sendmail:PATH` when
//!   `MAIL_SENDMAIL_PATH`'s first word is an absolute path (its flags are
//!   the app's business).
//! - `smtp` needs `MAIL_HOST`; `MAIL_PORT` when given, else the port the
//!   URL implies; `MAIL_USERNAME` and `MAIL_PASSWORD` as credentials when
//!   there is a user name (as both mailers only log in then).
//! - TLS: `MAIL_SCHEME` (Laravel 11.x and later) wins over
//!   `MAIL_ENCRYPTION`. `smtps`, port 465, and `MAIL_ENCRYPTION=ssl` are
//!   TLS from the first byte (`smtps://`). `MAIL_ENCRYPTION=tls` on another
//!   port requires STARTTLS (`?tls=required`): SwiftMailer (Laravel 8)
//!   requires it, and whoever wrote `tls` expects encryption, though
//!   Symfony Mailer (Laravel 9+) would fall back to plain text. No
//!   encryption is opportunistic STARTTLS (`?tls=opportunistic`), which is
//!   Symfony Mailer's default (SwiftMailer's was none at all).
//! - `MAIL_FROM_ADDRESS` and `MAIL_FROM_NAME` make `Name <address>`.

use lettre::Address;
use lettre::message::Mailbox;
use percent_encoding::{NON_ALPHANUMERIC, utf8_percent_encode};

use super::Sourced;
use super::values::Vars;
use crate::secret::Secret;
use crate::text::shown;

const MAILER_KEYS: [&str; 2] = ["MAIL_MAILER", "MAIL_DRIVER"];

pub(super) struct Mail {
    pub(super) transport: Option<Sourced<Secret>>,
    pub(super) from: Option<Sourced<String>>,
    /// Why a mail setting the file has was not taken (no value in them).
    pub(super) notes: Vec<String>,
}

pub(super) fn mail(vars: &Vars) -> Mail {
    let mut notes = Vec::new();
    let transport = transport(vars).unwrap_or_else(|note| {
        notes.push(note);
        None
    });
    let from = from(vars).unwrap_or_else(|note| {
        notes.push(note);
        None
    });
    Mail {
        transport,
        from,
        notes,
    }
}

/// `Ok(None)` when the file names no mailer; `Err` says why one is not used.
fn transport(vars: &Vars) -> Result<Option<Sourced<Secret>>, String> {
    let Some((key, mailer)) = MAILER_KEYS
        .iter()
        .find_map(|&k| vars.env_set(k).map(|v| (k, v)))
    else {
        return Ok(None);
    };
    match mailer.as_str() {
        "smtp" => smtp(vars, key).map(Some),
        "sendmail" => Ok(Some(sendmail(vars, key))),
        other => Err(format!(
            "{key}={} is not a mailer resetctl sends with (it reads smtp and sendmail)",
            shown(other)
        )),
    }
}

fn sendmail(vars: &Vars, key: &'static str) -> Sourced<Secret> {
    let path = vars.env_set("MAIL_SENDMAIL_PATH");
    let program = path
        .as_deref()
        .and_then(|p| p.split_whitespace().next())
        .filter(|p| p.starts_with('/'));
    let (url, keys) = match program {
        Some(p) => (format!("sendmail:{p}"), vec![key, "MAIL_SENDMAIL_PATH"]),
        None => ("sendmail".to_string(), vec![key]),
    };
    Sourced {
        value: Secret::new(&url),
        keys,
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tls {
    /// `smtps://`: TLS from the first byte.
    Implicit,
    Required,
    Opportunistic,
}

/// How the server wants TLS, and the key that said so.
fn tls(vars: &Vars, port: Option<u16>) -> Result<(Tls, Option<&'static str>), String> {
    let on_465 = |otherwise| match port {
        Some(465) => Tls::Implicit,
        _ => otherwise,
    };
    if let Some(scheme) = vars.env_set("MAIL_SCHEME") {
        let tls = match scheme.to_ascii_lowercase().as_str() {
            "smtps" => Tls::Implicit,
            "smtp" => on_465(Tls::Opportunistic),
            _ => {
                return Err(format!(
                    "MAIL_SCHEME={} is neither smtp nor smtps",
                    shown(&scheme)
                ));
            }
        };
        return Ok((tls, Some("MAIL_SCHEME")));
    }
    let Some(encryption) = vars.env_set("MAIL_ENCRYPTION") else {
        return Ok((on_465(Tls::Opportunistic), None));
    };
    let tls = match encryption.to_ascii_lowercase().as_str() {
        "ssl" => Tls::Implicit,
        "tls" => on_465(Tls::Required),
        _ => {
            return Err(format!(
                "MAIL_ENCRYPTION={} is neither tls nor ssl",
                shown(&encryption)
            ));
        }
    };
    Ok((tls, Some("MAIL_ENCRYPTION")))
}

fn smtp(vars: &Vars, key: &'static str) -> Result<Sourced<Secret>, String> {
    let host = vars
        .env_set("MAIL_HOST")
        .ok_or_else(|| format!("{key}=smtp, but MAIL_HOST is not set"))?;
    let port = vars
        .env_set("MAIL_PORT")
        .map(|p| p.parse::<u16>())
        .transpose()
        .map_err(|_| "MAIL_PORT is not a port number".to_string())?;
    let (tls, tls_key) = tls(vars, port)?;
    let user = vars.env_set("MAIL_USERNAME");
    let password = user
        .as_ref()
        .map(|_| vars.env("MAIL_PASSWORD").unwrap_or_default());
    let url = smtp_url(&host, port, tls, user.as_deref(), password.as_deref())?;
    let mut keys = vars.present(&[key, "MAIL_HOST", "MAIL_PORT"]);
    if user.is_some() {
        keys.extend(vars.present(&["MAIL_USERNAME", "MAIL_PASSWORD"]));
    }
    // A `null` encryption still said "no encryption": it was read.
    keys.extend(tls_key.or_else(|| vars.present(&["MAIL_ENCRYPTION"]).pop()));
    Ok(Sourced { value: url, keys })
}

/// The URL, built by the `url` crate; user and password percent-encoded
/// but for letters and digits (it would leave a `%` as it is).
fn smtp_url(
    host: &str,
    port: Option<u16>,
    tls: Tls,
    user: Option<&str>,
    password: Option<&str>,
) -> Result<Secret, String> {
    let scheme = if tls == Tls::Implicit {
        "smtps"
    } else {
        "smtp"
    };
    let mut url = url::Url::parse(&format!("{scheme}://localhost")).map_err(|e| e.to_string())?;
    let host = match host.contains(':') && !host.starts_with('[') {
        true => format!("[{host}]"),
        false => host.to_string(),
    };
    url.set_host(Some(&host))
        .map_err(|_| "MAIL_HOST is not a host name".to_string())?;
    url.set_port(port)
        .map_err(|()| "MAIL_PORT is not a port number".to_string())?;
    let encode = |s: &str| utf8_percent_encode(s, NON_ALPHANUMERIC).to_string();
    if let (Some(user), Some(password)) = (user, password) {
        let bad = |()| "MAIL_HOST takes no user name".to_string();
        url.set_username(&encode(user)).map_err(bad)?;
        url.set_password(Some(&encode(password))).map_err(bad)?;
    }
    match tls {
        Tls::Implicit => {}
        Tls::Required => url.set_query(Some("tls=required")),
        Tls::Opportunistic => url.set_query(Some("tls=opportunistic")),
    }
    Ok(Secret::new(url.as_str()))
}

/// `Name <address>` (the name quoted when it needs to be), or the address.
fn from(vars: &Vars) -> Result<Option<Sourced<String>>, String> {
    let Some(address) = vars.env_set("MAIL_FROM_ADDRESS") else {
        return Ok(None);
    };
    let address = address
        .trim()
        .parse::<Address>()
        .map_err(|_| "MAIL_FROM_ADDRESS is not an email address".to_string())?;
    let name = vars.env_set("MAIL_FROM_NAME");
    Ok(Some(Sourced {
        value: Mailbox::new(name, address).to_string(),
        keys: vars.present(&["MAIL_FROM_ADDRESS", "MAIL_FROM_NAME"]),
    }))
}
