//! Settings in force for one run: flags and environment over built-in
//! defaults, with the database's table and column names validated as SQL
//! identifiers before any of them reaches a statement.

use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::TimeDelta;
use serde::Deserialize;

use crate::error::{Error, Result, shown};
use crate::password::{Argon2Cost, BcryptPrefix, Format, Hashing, Policy};

pub const DEFAULT_LINK: &str = "https://example.com/reset-password?token={token}";

/// Where the application keeps its users: every name is a checked
/// identifier, so it can be put into SQL text (quoted) without risk.
#[derive(Debug, Clone)]
pub struct Schema {
    pub table: Ident,
    pub id: Ident,
    /// `None` for applications without usernames.
    pub username: Option<Ident>,
    pub email: Ident,
    pub password: Ident,
    pub token: Ident,
    pub expires: Ident,
}

impl Default for Schema {
    fn default() -> Self {
        let id = |s: &str| Ident(s.to_string());
        Schema {
            table: id("users"),
            id: id("id"),
            username: Some(id("username")),
            email: id("email"),
            password: id("password_hash"),
            token: id("password_reset_token"),
            expires: id("password_reset_expires"),
        }
    }
}

/// A table or column name matching `[A-Za-z_][A-Za-z0-9_]*`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ident(String);

impl Ident {
    pub fn new(key: &str, name: &str) -> Result<Ident> {
        let mut chars = name.chars();
        let ok = matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
            && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
            // SQLite keeps these names for itself.
            && !name.to_ascii_lowercase().starts_with("sqlite_");
        if ok {
            Ok(Ident(name.to_string()))
        } else {
            Err(Error::config(format!(
                "{key} = {} is not a valid SQL identifier",
                shown(name)
            ))
            .with_hint(
                "names may hold only letters, digits and '_', and may not start with a digit",
            ))
        }
    }

    pub fn name(&self) -> &str {
        &self.0
    }

    /// The name quoted for SQL text. Safe because of the check in `new`.
    pub fn q(&self) -> String {
        format!("\"{}\"", self.0)
    }
}

impl std::fmt::Display for Ident {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// How expiries are written (all forms are read whatever this says).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExpiresFormat {
    /// `2026-11-21T11:00:00Z`
    Rfc3339,
    /// `2026-11-21 11:00:00`, SQLite's own form, UTC
    Sqlite,
    /// integer Unix seconds
    Unix,
    /// integer Unix milliseconds
    UnixMs,
}

/// What the token column holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenStorage {
    Sha256,
    Plain,
}

/// At most `count` issues per user within `window`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimit {
    pub count: u32,
    pub window: TimeDelta,
}

/// The `[email]` section, kept for delivery.
#[derive(Debug, Clone, Default)]
pub struct EmailSettings {
    pub transport: Option<String>,
    pub from: Option<String>,
    pub subject: Option<String>,
    pub template: Option<PathBuf>,
    pub html_template: Option<PathBuf>,
    /// An extra CA certificate (PEM) for a private mail server.
    pub ca_cert: Option<PathBuf>,
    pub timeout: Option<Duration>,
}

impl EmailSettings {
    /// Whether mail was set up at all, in the file or the environment.
    pub fn is_configured(&self) -> bool {
        self.transport.is_some()
            || self.from.is_some()
            || self.subject.is_some()
            || self.template.is_some()
            || self.html_template.is_some()
            || self.ca_cert.is_some()
            || self.timeout.is_some()
            || std::env::var_os(crate::mail::SMTP_URL_ENV).is_some_and(|v| !v.is_empty())
    }
}

#[derive(Debug, Clone)]
pub struct Config {
    pub database: Option<PathBuf>,
    pub busy_timeout: Duration,
    pub schema: Schema,
    pub expires_format: ExpiresFormat,
    pub token_storage: TokenStorage,
    pub ttl: TimeDelta,
    pub max_ttl: TimeDelta,
    pub link: String,
    pub issue_limit: Option<RateLimit>,
    pub policy: Policy,
    pub hashing: Hashing,
    pub email: EmailSettings,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            database: None,
            busy_timeout: Duration::from_secs(5),
            schema: Schema::default(),
            expires_format: ExpiresFormat::Rfc3339,
            token_storage: TokenStorage::Sha256,
            ttl: TimeDelta::hours(1),
            max_ttl: TimeDelta::days(7),
            link: DEFAULT_LINK.to_string(),
            issue_limit: Some(RateLimit {
                count: 3,
                window: TimeDelta::minutes(15),
            }),
            policy: Policy::default(),
            hashing: Hashing::default(),
            email: EmailSettings::default(),
        }
    }
}

/// A link template must have somewhere to put the token. Returns why not.
pub fn link_problem(template: &str) -> Option<String> {
    (!template.contains("{token}"))
        .then(|| format!("the link {} has no {{token}} placeholder", shown(template)))
}

/// `--link` on the command line.
pub fn check_link(template: &str) -> Result<()> {
    match link_problem(template) {
        None => Ok(()),
        Some(why) => {
            Err(Error::usage(why)
                .with_hint("e.g. --link 'https://app.example/reset?token={token}'"))
        }
    }
}

// ---- the file ----------------------------------------------------------

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileConfig {
    database: Option<PathBuf>,
    busy_timeout: Option<String>,
    #[serde(default)]
    schema: FileSchema,
    #[serde(default)]
    token: FileToken,
    #[serde(default)]
    limits: FileLimits,
    #[serde(default)]
    password: FilePassword,
    #[serde(default)]
    email: FileEmail,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileSchema {
    table: Option<String>,
    id: Option<String>,
    username: Option<String>,
    email: Option<String>,
    password: Option<String>,
    token: Option<String>,
    expires: Option<String>,
    expires_format: Option<String>,
    token_storage: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileToken {
    ttl: Option<String>,
    max_ttl: Option<String>,
    link: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileLimits {
    issue: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FilePassword {
    min_length: Option<usize>,
    max_length: Option<usize>,
    format: Option<Format>,
    argon2: Option<FileArgon2>,
    bcrypt: Option<FileBcrypt>,
    pbkdf2: Option<FilePbkdf2>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileArgon2 {
    m_cost: Option<u32>,
    t_cost: Option<u32>,
    p_cost: Option<u32>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileBcrypt {
    cost: Option<u32>,
    prefix: Option<BcryptPrefix>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FilePbkdf2 {
    iterations: Option<u32>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileEmail {
    transport: Option<String>,
    from: Option<String>,
    subject: Option<String>,
    template: Option<PathBuf>,
    html_template: Option<PathBuf>,
    ca_cert: Option<PathBuf>,
    timeout: Option<String>,
}

/// Bounds that keep a typo from making hashes weak or absurdly slow.
const M_COST: std::ops::RangeInclusive<u32> = 7_168..=1_048_576;
const T_COST: std::ops::RangeInclusive<u32> = 1..=16;
const P_COST: std::ops::RangeInclusive<u32> = 1..=16;
const BCRYPT_COST: std::ops::RangeInclusive<u32> = 4..=31;
/// From OWASP's floor for PBKDF2-HMAC-SHA256 to what still finishes in seconds.
const PBKDF2_ITERATIONS: std::ops::RangeInclusive<u32> = 600_000..=100_000_000;
const MAX_PASSWORD_LIMIT: usize = 65_536;
/// Passwords shorter than this draw a warning.
const MIN_LENGTH_FLOOR: usize = 8;
/// SQLite takes its busy timeout in milliseconds as an `int`; an hour is
/// far below that and far above any sensible wait.
const MAX_BUSY_TIMEOUT: Duration = Duration::from_secs(3600);
const MAX_EMAIL_TIMEOUT: Duration = Duration::from_secs(3600);

impl Config {
    /// Reads a config file over the defaults. Returns the warnings it
    /// deserves as well, for the caller to show.
    pub fn from_file(path: &Path) -> Result<(Config, Vec<String>)> {
        let text = match std::fs::read_to_string(path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(Error::new(
                    crate::error::Kind::NoInput,
                    format!("config file {} does not exist", path.display()),
                ));
            }
            Err(e) => {
                return Err(Error::config(format!(
                    "cannot read config file {}: {e}",
                    path.display()
                )));
            }
        };
        let file: FileConfig = toml::from_str(&text).map_err(|e| parse_error(path, &text, &e))?;
        let dir = path.parent().unwrap_or(Path::new("."));
        let bad =
            |key: &str, why: String| Error::config(format!("{}: {key}: {why}", path.display()));
        let mut cfg = Config::default();
        let mut warnings = Vec::new();

        cfg.database = file.database.map(|p| dir.join(p));
        if let Some(t) = &file.busy_timeout {
            cfg.busy_timeout = bounded_duration(t, Duration::ZERO, MAX_BUSY_TIMEOUT)
                .map_err(|why| bad("busy_timeout", why))?;
        }

        let s = &file.schema;
        let ident = |key: &str, value: &Option<String>, default: &Ident| -> Result<Ident> {
            match value {
                None => Ok(default.clone()),
                Some(v) => Ident::new(key, v)
                    .map_err(|e| Error::config(format!("{}: {}", path.display(), e.message))),
            }
        };
        let d = Schema::default();
        cfg.schema = Schema {
            table: ident("schema.table", &s.table, &d.table)?,
            id: ident("schema.id", &s.id, &d.id)?,
            username: match s.username.as_deref() {
                Some("") => None,
                _ => Some(ident(
                    "schema.username",
                    &s.username,
                    d.username.as_ref().unwrap_or(&d.id),
                )?),
            },
            email: ident("schema.email", &s.email, &d.email)?,
            password: ident("schema.password", &s.password, &d.password)?,
            token: ident("schema.token", &s.token, &d.token)?,
            expires: ident("schema.expires", &s.expires, &d.expires)?,
        };
        cfg.schema
            .check_distinct()
            .map_err(|why| bad("schema", why))?;
        // resetctl's own tables are named in its queries without aliases,
        // so the users table must never share their prefix.
        if cfg
            .schema
            .table
            .name()
            .to_ascii_lowercase()
            .starts_with("resetctl_")
        {
            return Err(bad(
                "schema.table",
                format!(
                    "{} is a name resetctl keeps for its own tables",
                    cfg.schema.table
                ),
            ));
        }
        if let Some(f) = &s.expires_format {
            cfg.expires_format = match f.as_str() {
                "rfc3339" => ExpiresFormat::Rfc3339,
                "sqlite" => ExpiresFormat::Sqlite,
                "unix" => ExpiresFormat::Unix,
                "unix_ms" => ExpiresFormat::UnixMs,
                _ => {
                    return Err(bad(
                        "schema.expires_format",
                        one_of(f, "rfc3339, sqlite, unix, unix_ms"),
                    ));
                }
            };
        }
        if let Some(f) = &s.token_storage {
            cfg.token_storage = match f.as_str() {
                "sha256" => TokenStorage::Sha256,
                "plain" => TokenStorage::Plain,
                _ => return Err(bad("schema.token_storage", one_of(f, "sha256, plain"))),
            };
        }
        if cfg.token_storage == TokenStorage::Plain {
            warnings.push(
                "schema.token_storage = \"plain\": reset tokens are stored as they are, so anyone who can read the database can use them"
                    .to_string(),
            );
        }

        let t = &file.token;
        if let Some(v) = &t.max_ttl {
            cfg.max_ttl = positive_duration(v, TimeDelta::days(365))
                .map_err(|why| bad("token.max_ttl", why))?;
        }
        if let Some(v) = &t.ttl {
            cfg.ttl = positive_duration(v, cfg.max_ttl).map_err(|why| bad("token.ttl", why))?;
        } else if cfg.ttl > cfg.max_ttl {
            cfg.ttl = cfg.max_ttl;
        }
        if let Some(link) = &t.link {
            if let Some(why) = link_problem(link) {
                return Err(bad("token.link", why));
            }
            cfg.link = link.clone();
        }

        if let Some(v) = &file.limits.issue {
            cfg.issue_limit = parse_rate_limit(v).map_err(|why| bad("limits.issue", why))?;
        }

        let p = &file.password;
        if let Some(n) = p.min_length {
            cfg.policy.min_length = n;
        }
        if let Some(n) = p.max_length {
            cfg.policy.max_length = n;
        }
        if cfg.policy.min_length == 0 {
            return Err(bad("password.min_length", "must be at least 1".into()));
        }
        if cfg.policy.min_length < MIN_LENGTH_FLOOR {
            warnings.push(format!(
                "password.min_length = {} is below {MIN_LENGTH_FLOOR}, the least OWASP and NIST accept for a password",
                cfg.policy.min_length
            ));
        }
        if cfg.policy.max_length < cfg.policy.min_length
            || cfg.policy.max_length > MAX_PASSWORD_LIMIT
        {
            return Err(bad(
                "password.max_length",
                format!("must be between password.min_length and {MAX_PASSWORD_LIMIT}"),
            ));
        }
        if let Some(f) = p.format {
            cfg.hashing.format = f;
        }
        let in_bounds = |key: &str, v: u32, range: std::ops::RangeInclusive<u32>| {
            if range.contains(&v) {
                Ok(v)
            } else {
                Err(bad(
                    key,
                    format!("{v} is out of bounds ({}..={})", range.start(), range.end()),
                ))
            }
        };
        if let Some(a) = &p.argon2 {
            let d = Argon2Cost::default();
            cfg.hashing.argon2 = Argon2Cost {
                m_cost: in_bounds(
                    "password.argon2.m_cost",
                    a.m_cost.unwrap_or(d.m_cost),
                    M_COST,
                )?,
                t_cost: in_bounds(
                    "password.argon2.t_cost",
                    a.t_cost.unwrap_or(d.t_cost),
                    T_COST,
                )?,
                p_cost: in_bounds(
                    "password.argon2.p_cost",
                    a.p_cost.unwrap_or(d.p_cost),
                    P_COST,
                )?,
            };
            if cfg.hashing.argon2.m_cost < 8 * cfg.hashing.argon2.p_cost {
                return Err(bad(
                    "password.argon2.m_cost",
                    "must be at least 8 × p_cost".into(),
                ));
            }
            let Argon2Cost { m_cost, t_cost, .. } = cfg.hashing.argon2;
            if let Some(needed) = owasp_t_cost(m_cost).filter(|&needed| t_cost < needed) {
                return Err(bad(
                    "password.argon2",
                    format!(
                        "m_cost = {m_cost} with t_cost = {t_cost} is weaker than OWASP's weakest setting: {m_cost} KiB needs t_cost {needed} or more"
                    ),
                ));
            }
        }
        if let Some(b) = &p.bcrypt {
            if let Some(cost) = b.cost {
                cfg.hashing.bcrypt_cost = in_bounds("password.bcrypt.cost", cost, BCRYPT_COST)?;
            }
            if let Some(prefix) = b.prefix {
                cfg.hashing.bcrypt_prefix = prefix;
            }
            if cfg.hashing.bcrypt_cost < crate::password::BCRYPT_FLOOR {
                warnings.push(format!(
                    "password.bcrypt.cost = {} is below OWASP's minimum of {}: fine for tests, weak for real accounts",
                    cfg.hashing.bcrypt_cost,
                    crate::password::BCRYPT_FLOOR
                ));
            }
        }
        if let Some(n) = p.pbkdf2.as_ref().and_then(|k| k.iterations) {
            cfg.hashing.pbkdf2_iterations =
                in_bounds("password.pbkdf2.iterations", n, PBKDF2_ITERATIONS)?;
        }

        let e = file.email;
        cfg.email = EmailSettings {
            timeout: e
                .timeout
                .as_deref()
                .map(|t| bounded_duration(t, Duration::from_secs(1), MAX_EMAIL_TIMEOUT))
                .transpose()
                .map_err(|why| bad("email.timeout", why))?,
            template: e.template.map(|p| dir.join(p)),
            html_template: e.html_template.map(|p| dir.join(p)),
            ca_cert: e.ca_cert.map(|p| dir.join(p)),
            // A file: outbox is a path like `database`: relative to this file.
            transport: e.transport.map(|t| match t.strip_prefix("file:") {
                Some(p) if !p.starts_with('/') => format!("file:{}", dir.join(p).display()),
                _ => t,
            }),
            from: e.from,
            subject: e.subject,
        };
        if cfg.email.transport.as_deref().is_some_and(has_credentials) && readable_by_others(path) {
            warnings.push(format!(
                "{} holds SMTP credentials and can be read by other users; run: chmod 600 {}",
                path.display(),
                path.display()
            ));
        }
        Ok((cfg, warnings))
    }
}

impl Schema {
    /// Two settings naming one column would make the tool overwrite the
    /// application's data with its own.
    fn check_distinct(&self) -> std::result::Result<(), String> {
        let mut cols: Vec<(&str, &Ident)> = vec![
            ("id", &self.id),
            ("email", &self.email),
            ("password", &self.password),
            ("token", &self.token),
            ("expires", &self.expires),
        ];
        if let Some(u) = &self.username {
            cols.push(("username", u));
        }
        for (i, (ka, a)) in cols.iter().enumerate() {
            for (kb, b) in &cols[i + 1..] {
                if a.name().eq_ignore_ascii_case(b.name()) {
                    return Err(format!(
                        "schema.{ka} and schema.{kb} both name the column {a}"
                    ));
                }
            }
        }
        Ok(())
    }
}

fn one_of(value: &str, allowed: &str) -> String {
    format!("{} is not one of {allowed}", shown(value))
}

/// A duration between `min` and `max`: anything longer would overflow
/// what SQLite or a socket takes, or wait for hours.
fn bounded_duration(
    text: &str,
    min: Duration,
    max: Duration,
) -> std::result::Result<Duration, String> {
    let d = crate::clock::parse_duration(text)
        .map_err(|e| e.message)?
        .to_std()
        .map_err(|_| "must not be negative".to_string())?;
    if d < min || d > max {
        let show =
            |d: Duration| crate::clock::format_duration(TimeDelta::seconds(d.as_secs() as i64));
        return Err(format!("must be from {} to {}", show(min), show(max)));
    }
    Ok(d)
}

/// OWASP's Argon2id settings (memory in KiB, iterations), strongest memory
/// first: a pair is weak when some row asks for more iterations at no more
/// memory than it has.
const OWASP_ARGON2: [(u32, u32); 5] = [
    (47_104, 1),
    (19_456, 2),
    (12_288, 3),
    (9_216, 4),
    (7_168, 5),
];

/// The fewest iterations OWASP's table accepts for `m_cost` KiB; `None`
/// below its smallest row (refused by the bounds already).
fn owasp_t_cost(m_cost: u32) -> Option<u32> {
    OWASP_ARGON2
        .iter()
        .find(|(m, _)| m_cost >= *m)
        .map(|(_, t)| *t)
}

fn positive_duration(text: &str, max: TimeDelta) -> std::result::Result<TimeDelta, String> {
    let d = crate::clock::parse_duration(text).map_err(|e| e.message)?;
    if d <= TimeDelta::zero() || d > max {
        return Err(format!(
            "must be more than 0s and at most {}",
            crate::clock::format_duration(max)
        ));
    }
    Ok(d)
}

/// `3/15m`: three per fifteen minutes; `off`: no limit.
pub fn parse_rate_limit(text: &str) -> std::result::Result<Option<RateLimit>, String> {
    if text.trim() == "off" {
        return Ok(None);
    }
    let bad = || format!("{} is not a rate like 3/15m (or off)", shown(text));
    let (count, window) = text.trim().split_once('/').ok_or_else(bad)?;
    let count: u32 = count.trim().parse().map_err(|_| bad())?;
    let window = crate::clock::parse_duration(window).map_err(|_| bad())?;
    if count == 0 || window <= TimeDelta::zero() {
        return Err(bad());
    }
    Ok(Some(RateLimit { count, window }))
}

/// `smtp://user:pass@host`: a password in the URL.
fn has_credentials(url: &str) -> bool {
    url.split_once("://")
        .map(|(_, rest)| rest.split(['/', '?']).next().unwrap_or("").contains('@'))
        .unwrap_or(false)
}

/// Read permission for group or others (write alone shows nothing).
fn readable_by_others(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).is_ok_and(|m| m.permissions().mode() & 0o044 != 0)
}

/// A TOML error as one line, naming the line and the key it is about.
fn parse_error(path: &Path, text: &str, e: &toml::de::Error) -> Error {
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
        .filter(|k| !k.is_empty() && !k.starts_with('['));
    let name = match (section.is_empty(), key) {
        (_, None) => String::new(),
        (true, Some(k)) => format!(" ({k})"),
        (false, Some(k)) => format!(" ({section}.{k})"),
    };
    Error::config(format!(
        "{}, line {line_no}{name}: {message}",
        path.display()
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers() {
        for good in ["users", "_x", "auth_user", "T1"] {
            assert!(Ident::new("schema.table", good).is_ok(), "{good}");
        }
        for bad in ["", "1users", "users;--", "a b", "a\"b", "naïve", "users.x"] {
            let e = Ident::new("schema.table", bad).unwrap_err();
            assert_eq!(e.exit_code(), 78);
            assert!(e.message.starts_with("schema.table = "), "{}", e.message);
        }
    }

    #[test]
    fn link_needs_placeholder() {
        assert!(check_link(DEFAULT_LINK).is_ok());
        assert_eq!(check_link("https://x/").unwrap_err().exit_code(), 2);
    }
}
