//! A MariaDB or MySQL server as a `mysql://` (or `mariadb://`) URL names
//! it: where, who, which database, and how to secure the connection, with
//! MySQL's own names (`ssl-mode`, `ssl-ca`). The password comes from the
//! URL or, as the `mysql` client finds it, the `[client]` section of
//! `~/.my.cnf`; it is never shown: the URL is always displayed without it.

use std::fmt;
use std::path::PathBuf;

use url::Url;
use zeroize::Zeroizing;

use crate::db::location::userinfo_unencoded;
use crate::error::{Error, Result};

/// `ssl-mode`, as MySQL's clients read it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SslMode {
    Disabled,
    /// TLS if the server offers it, unverified (the clients' default).
    Preferred,
    /// TLS, unverified.
    Required,
    /// TLS, the chain verified, any host name.
    VerifyCa,
    /// TLS, the chain and the host name verified.
    VerifyIdentity,
}

impl SslMode {
    fn parse(value: &str) -> std::result::Result<SslMode, String> {
        Ok(match value.to_ascii_uppercase().as_str() {
            "DISABLED" => SslMode::Disabled,
            "PREFERRED" => SslMode::Preferred,
            "REQUIRED" => SslMode::Required,
            "VERIFY_CA" => SslMode::VerifyCa,
            "VERIFY_IDENTITY" => SslMode::VerifyIdentity,
            _ => {
                return Err(format!(
                    "ssl-mode '{value}' is not one of DISABLED, PREFERRED, REQUIRED, VERIFY_CA, VERIFY_IDENTITY"
                ));
            }
        })
    }
}

#[derive(Clone)]
pub struct MyTarget {
    pub host: String,
    pub port: u16,
    pub user: String,
    pub dbname: String,
    pub ssl: SslMode,
    pub ssl_ca: Option<PathBuf>,
    password: Option<Zeroizing<String>>,
    shown: String,
}

const FORM: &str = "mysql://USER[:PASSWORD]@HOST[:PORT]/DATABASE[?ssl-mode=REQUIRED]";

impl MyTarget {
    pub fn parse(text: &str) -> Result<MyTarget> {
        // Never the URL itself in a message: it may hold the password.
        let bad =
            |why: &str| Error::config(format!("invalid MariaDB/MySQL URL: {why}")).with_hint(FORM);
        if userinfo_unencoded(text) {
            return Err(Error::config(
                "invalid MariaDB/MySQL URL mysql://…: an '@' after the host part means the user name or password holds a '/', '?' or '#'; percent-encode them: %2F, %3F, %23",
            )
            .with_hint(FORM));
        }
        let url = Url::parse(text).map_err(|e| bad(&e.to_string()))?;
        let decode = |s: &str| {
            crate::text::percent_decoded(s)
                .ok_or_else(|| bad("a part is not valid percent-encoded UTF-8"))
        };
        let host = url
            .host_str()
            .filter(|h| !h.is_empty())
            .unwrap_or("localhost")
            .trim_start_matches('[')
            .trim_end_matches(']')
            .to_string();
        let user = match url.username() {
            "" => std::env::var("USER").map_err(|_| bad("no user name"))?,
            u => decode(u)?,
        };
        let dbname = match url.path().trim_start_matches('/') {
            "" => return Err(bad("no database name")),
            d => decode(d)?,
        };
        let mut target = MyTarget {
            port: url.port().unwrap_or(3306),
            host,
            user,
            dbname,
            ssl: SslMode::Preferred,
            ssl_ca: None,
            password: url.password().map(decode).transpose()?.map(Zeroizing::new),
            shown: String::new(),
        };
        for (key, value) in url.query_pairs() {
            match &*key {
                "ssl-mode" => target.ssl = SslMode::parse(&value).map_err(|why| bad(&why))?,
                "ssl-ca" => target.ssl_ca = Some(PathBuf::from(&*value)),
                other => return Err(bad(&format!("unknown parameter '{other}'"))),
            }
        }
        target.shown = target.without_password(url.scheme());
        Ok(target)
    }

    fn without_password(&self, scheme: &str) -> String {
        let host = if self.host.contains(':') {
            format!("[{}]", self.host)
        } else {
            self.host.clone()
        };
        let scheme = scheme.to_ascii_lowercase();
        format!(
            "{scheme}://{}@{host}:{}/{}",
            self.user, self.port, self.dbname
        )
    }

    /// The password: the URL's, else `password` in the `[client]` section
    /// of `~/.my.cnf`.
    pub fn password(&self) -> Option<Zeroizing<String>> {
        self.password.clone().or_else(password_in_my_cnf)
    }
}

/// `password=` of `[client]` in `~/.my.cnf`, read as MySQL's clients read
/// option files: `#` and `;` start comments, values may be quoted. Like
/// them, a file anyone may write is ignored.
fn password_in_my_cnf() -> Option<Zeroizing<String>> {
    use std::os::unix::fs::PermissionsExt;
    let path = PathBuf::from(std::env::var_os("HOME")?).join(".my.cnf");
    let meta = std::fs::metadata(&path).ok()?;
    if !meta.is_file() || meta.permissions().mode() & 0o002 != 0 {
        return None;
    }
    let text = Zeroizing::new(std::fs::read_to_string(&path).ok()?);
    client_password(&text)
}

fn client_password(text: &str) -> Option<Zeroizing<String>> {
    let mut in_client = false;
    let mut found = None;
    for line in text.lines().map(str::trim) {
        if line.starts_with('#') || line.starts_with(';') || line.is_empty() {
            continue;
        }
        if let Some(section) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            in_client = section.trim().eq_ignore_ascii_case("client");
            continue;
        }
        let Some((key, value)) = line.split_once('=') else {
            continue;
        };
        if in_client && key.trim().replace('_', "-") == "password" {
            found = Some(Zeroizing::new(unquoted(value.trim()).to_string()));
        }
    }
    found
}

fn unquoted(v: &str) -> &str {
    for q in ['"', '\''] {
        if let Some(inner) = v.strip_prefix(q).and_then(|v| v.strip_suffix(q)) {
            return inner;
        }
    }
    // Unquoted, a `#` starts a comment.
    v.split(" #").next().unwrap_or(v).trim()
}

/// The URL without its password.
impl fmt::Display for MyTarget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.shown)
    }
}

impl fmt::Debug for MyTarget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "MyTarget({})", self.shown)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_url_and_never_shows_the_password() {
        let t = MyTarget::parse(
            "mariadb://app:s3cr%40t@db.example:3307/shop?ssl-mode=verify_identity&ssl-ca=/ca.pem",
        )
        .unwrap();
        assert_eq!(
            (t.host.as_str(), t.port, t.user.as_str(), t.dbname.as_str()),
            ("db.example", 3307, "app", "shop")
        );
        assert_eq!(t.ssl, SslMode::VerifyIdentity);
        assert_eq!(t.ssl_ca, Some(PathBuf::from("/ca.pem")));
        assert_eq!(t.password().as_deref().map(String::as_str), Some("s3cr@t"));
        assert_eq!(t.to_string(), "mariadb://app@db.example:3307/shop");
        assert!(!format!("{t:?}").contains("s3cr"));
        for text in [
            "mysql://app:pw@h/db?ssl-mode=maybe",
            "mysql://app:pw@h/db?sslmode=REQUIRED",
            "mysql://app:pw@h/",
            "mysql://app:p/w@h/db",
        ] {
            let e = MyTarget::parse(text).unwrap_err();
            assert_eq!(e.exit_code(), 78, "{text}");
            assert!(!e.message.contains("pw"), "{}", e.message);
        }
    }

    #[test]
    fn my_cnf_client_password() {
        let text = "[mysql]\npassword=not-this\n[client]\nuser = app\npassword = \"s3 cr#t\"\n[mysqldump]\npassword=nor-this\n";
        assert_eq!(
            client_password(text).as_deref().map(String::as_str),
            Some("s3 cr#t")
        );
        assert_eq!(
            client_password("[client]\npassword=abc # note\n")
                .as_deref()
                .map(String::as_str),
            Some("abc")
        );
        assert!(client_password("[mysql]\npassword=x\n").is_none());
    }
}
