//! A PostgreSQL server as a `postgres://` URL names it: where, who, which
//! database, and how to secure the connection. The password comes from the
//! URL, `PGPASSWORD` or the password file (`PGPASSFILE`, `~/.pgpass`), and
//! is never shown: the URL is always displayed without it. As in libpq,
//! `PGSSLMODE` and `PGSSLROOTCERT` stand in for the URL's `sslmode` and
//! `sslrootcert` when it has none: honouring the password variables while
//! ignoring the TLS ones would send that password in the clear to a server
//! the environment said must be verified.

use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

use url::Url;
use zeroize::Zeroizing;

use crate::db::location::userinfo_unencoded;
use crate::error::{Error, Result};

/// `sslmode`, as libpq reads it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SslMode {
    Disable,
    /// TLS if the server offers it, unverified (libpq's default).
    Prefer,
    /// TLS, unverified unless a root certificate is given.
    Require,
    /// TLS, the chain verified, any host name.
    VerifyCa,
    /// TLS, the chain and the host name verified.
    VerifyFull,
}

impl SslMode {
    /// A value of `sslmode` (or `PGSSLMODE`), as libpq reads it; the
    /// error says why, without the context.
    fn parse(value: &str) -> std::result::Result<SslMode, String> {
        Ok(match value {
            "disable" => SslMode::Disable,
            "allow" | "prefer" => SslMode::Prefer,
            "require" => SslMode::Require,
            "verify-ca" => SslMode::VerifyCa,
            "verify-full" => SslMode::VerifyFull,
            other => {
                return Err(format!(
                    "sslmode '{other}' is not one of disable, prefer, require, verify-ca, verify-full"
                ));
            }
        })
    }
}

#[derive(Clone)]
pub struct PgTarget {
    pub host: String,
    pub port: u16,
    pub user: String,
    pub dbname: String,
    pub ssl: SslMode,
    pub root_cert: Option<PathBuf>,
    /// `options` (e.g. `-c search_path=app`), passed to the server.
    pub options: Option<String>,
    password: Option<Zeroizing<String>>,
    shown: String,
}

impl PgTarget {
    pub fn parse(text: &str) -> Result<PgTarget> {
        // Never the URL itself in a message: it may hold the password.
        let bad = |why: &str| {
            Error::config(format!("invalid PostgreSQL URL: {why}"))
                .with_hint("postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE[?sslmode=require]")
        };
        if userinfo_unencoded(text) {
            return Err(Error::config(
                "invalid PostgreSQL URL postgres://…: an '@' after the host part means the user name or password holds a '/', '?' or '#'; percent-encode them: %2F, %3F, %23",
            )
            .with_hint("postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE[?sslmode=require]"));
        }
        let url = Url::parse(text).map_err(|e| bad(&e.to_string()))?;
        let decode = |s: &str| {
            crate::text::percent_decoded(s)
                .ok_or_else(|| bad("a part is not valid percent-encoded UTF-8"))
        };
        let host = url
            .host_str()
            .filter(|h| !h.is_empty())
            .unwrap_or("localhost");
        let host = host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .to_string();
        let user = match url.username() {
            "" => std::env::var("PGUSER")
                .or_else(|_| std::env::var("USER"))
                .map_err(|_| bad("no user name"))?,
            u => decode(u)?,
        };
        let dbname = match url.path().trim_start_matches('/') {
            "" => user.clone(),
            d => decode(d)?,
        };
        let mut target = PgTarget {
            port: url.port().unwrap_or(5432),
            host,
            user,
            dbname,
            ssl: SslMode::Prefer,
            root_cert: None,
            options: None,
            password: url.password().map(decode).transpose()?.map(Zeroizing::new),
            shown: String::new(),
        };
        let ssl = target.read_params(&url, &bad)?;
        target.ssl = match ssl {
            Some(mode) => mode,
            None => ssl_from_env()?,
        };
        if target.root_cert.is_none() {
            target.root_cert = from_env("PGSSLROOTCERT").map(PathBuf::from);
        }
        target.shown = target.without_password();
        Ok(target)
    }

    /// The URL as shown: never with the password.
    fn without_password(&self) -> String {
        let host = if self.host.contains(':') {
            format!("[{}]", self.host)
        } else {
            self.host.clone()
        };
        format!(
            "postgres://{}@{host}:{}/{}",
            self.user, self.port, self.dbname
        )
    }

    /// The URL's parameters; its `sslmode`, if it has one.
    fn read_params(&mut self, url: &Url, bad: &dyn Fn(&str) -> Error) -> Result<Option<SslMode>> {
        let mut ssl = None;
        for (key, value) in url.query_pairs() {
            match &*key {
                "sslmode" => ssl = Some(SslMode::parse(&value).map_err(|why| bad(&why))?),
                "sslrootcert" => self.root_cert = Some(PathBuf::from(&*value)),
                "options" => self.options = Some(value.into_owned()),
                "application_name" | "connect_timeout" => {}
                other => return Err(bad(&format!("unknown parameter '{other}'"))),
            }
        }
        Ok(ssl)
    }

    /// The connection settings, with the password found where libpq
    /// would look: the URL, `PGPASSWORD`, then the password file.
    pub fn config(&self, connect_timeout: Duration) -> tokio_postgres::Config {
        let mut c = tokio_postgres::Config::new();
        c.host(&self.host)
            .port(self.port)
            .user(&self.user)
            .dbname(&self.dbname)
            .application_name("resetctl")
            .connect_timeout(connect_timeout)
            .ssl_mode(match self.ssl {
                SslMode::Disable => tokio_postgres::config::SslMode::Disable,
                SslMode::Prefer => tokio_postgres::config::SslMode::Prefer,
                _ => tokio_postgres::config::SslMode::Require,
            });
        if let Some(o) = &self.options {
            c.options(o);
        }
        let password = self
            .password
            .clone()
            .or_else(|| std::env::var("PGPASSWORD").ok().map(Zeroizing::new))
            .or_else(|| self.password_in_file());
        if let Some(p) = password {
            c.password(p.as_bytes());
        }
        c
    }

    /// The first matching line of `PGPASSFILE` or `~/.pgpass`
    /// (`host:port:database:user:password`, `*` matching anything, `\`
    /// escaping `:` and `\`). Like libpq, a file others can read is
    /// ignored.
    fn password_in_file(&self) -> Option<Zeroizing<String>> {
        use std::os::unix::fs::PermissionsExt;
        let path = std::env::var_os("PGPASSFILE")
            .map(PathBuf::from)
            .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".pgpass")))?;
        let meta = std::fs::metadata(&path).ok()?;
        if !meta.is_file() || meta.permissions().mode() & 0o077 != 0 {
            return None;
        }
        let text = Zeroizing::new(std::fs::read_to_string(&path).ok()?);
        let port = self.port.to_string();
        let wanted = [self.host.as_str(), &port, &self.dbname, &self.user];
        text.lines()
            .filter(|l| !l.trim_start().starts_with('#'))
            .find_map(|line| {
                let fields = split_pgpass(line);
                let matches = fields.len() == 5
                    && fields[..4]
                        .iter()
                        .zip(wanted)
                        .all(|(f, w)| f.as_str() == "*" || f.as_str() == w);
                matches.then(|| Zeroizing::new(fields[4].to_string()))
            })
    }
}

/// `PGSSLMODE`, for a URL without `sslmode`; libpq's default without it.
fn ssl_from_env() -> Result<SslMode> {
    let Some(value) = from_env("PGSSLMODE") else {
        return Ok(SslMode::Prefer);
    };
    SslMode::parse(&value).map_err(|why| {
        Error::config(format!("PGSSLMODE: {why}"))
            .with_hint("unset it, or give sslmode= in the URL")
    })
}

/// A libpq variable, when set to something: libpq takes an empty one as
/// unset.
fn from_env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
}

fn split_pgpass(line: &str) -> Vec<Zeroizing<String>> {
    let mut fields = vec![Zeroizing::new(String::new())];
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                if let Some(next) = chars.next()
                    && let Some(last) = fields.last_mut()
                {
                    last.push(next);
                }
            }
            ':' => fields.push(Zeroizing::new(String::new())),
            c => {
                if let Some(last) = fields.last_mut() {
                    last.push(c);
                }
            }
        }
    }
    fields
}

/// The URL without its password.
impl fmt::Display for PgTarget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.shown)
    }
}

impl fmt::Debug for PgTarget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PgTarget({})", self.shown)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_url_and_never_shows_the_password() {
        let t =
            PgTarget::parse("postgresql://app:s3cr%40t@db.example:6543/shop?sslmode=verify-full")
                .unwrap();
        assert_eq!(
            (t.host.as_str(), t.port, t.user.as_str()),
            ("db.example", 6543, "app")
        );
        assert_eq!(t.dbname, "shop");
        assert_eq!(t.ssl, SslMode::VerifyFull);
        assert_eq!(t.password.as_deref().map(String::as_str), Some("s3cr@t"));
        assert_eq!(t.to_string(), "postgres://app@db.example:6543/shop");
        assert!(!format!("{t:?}").contains("s3cr"));
        let e = PgTarget::parse("postgres://app:pw@h/db?sslmode=maybe").unwrap_err();
        assert_eq!(e.exit_code(), 78);
        assert!(!e.message.contains("pw@"), "{}", e.message);
    }

    #[test]
    fn unencoded_slash_question_or_hash_in_the_password_is_refused_unseen() {
        for text in [
            "postgres://app:5433/Secret9x@host/db",
            "postgres://app:Sec?ret9x@host/db",
            "postgresql://app:Sec#ret9x@host:5432/db?sslmode=disable",
            "postgres://ap/p:Secret9x@host/db",
        ] {
            let e = PgTarget::parse(text).unwrap_err();
            assert_eq!(e.exit_code(), 78, "{text}");
            let shown = format!("{} {}", e.message, e.hint.unwrap_or_default());
            for part in ["Secret9x", "Sec", "ret9x", "5433", "ap/p"] {
                assert!(!shown.contains(part), "{part} in {shown}");
            }
            assert!(shown.contains("%2F, %3F, %23"), "{shown}");
        }
        let t = PgTarget::parse("postgres://app:5433%2FSecret9x@host/db").unwrap();
        assert_eq!(
            t.password.as_deref().map(String::as_str),
            Some("5433/Secret9x")
        );
        assert_eq!(t.to_string(), "postgres://app@host:5432/db");
        // An @ is fine in the password itself: the last one ends it.
        let t = PgTarget::parse("postgres://app:p@ss@host/db").unwrap();
        assert_eq!(t.password.as_deref().map(String::as_str), Some("p@ss"));
    }

    #[test]
    fn password_file_lines_escape_colons() {
        let f = split_pgpass(r"db\:1:5432:*:app:pa\:ss\\w");
        let f: Vec<&str> = f.iter().map(|s| s.as_str()).collect();
        assert_eq!(f, ["db:1", "5432", "*", "app", r"pa:ss\w"]);
    }
}
