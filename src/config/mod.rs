//! Settings in force for one run: the config file over built-in defaults
//! (flags and environment are laid over these by `Context`). The file is
//! read by `file.rs`; here each section becomes the settings of the module
//! that uses it (`db::Schema`, `store::StoreSettings`, `password::Hashing`,
//! `mail::EmailSettings`...), every value checked and bounded first.

mod detect;
mod file;
mod framework;
mod key_at;
mod print;
mod sections;
mod site;
mod toml_error;

use std::ops::RangeInclusive;
use std::path::Path;
use std::time::Duration;

use chrono::TimeDelta;

use crate::app_env::AppEnv;
use crate::db::{Catalog, Ident, Location, Schema, Sessions, Spare, app_name};
use crate::error::{Error, Kind, Result};
use crate::mail::EmailSettings;
use crate::password::{Hashing, Policy};
use crate::rate::RateLimit;
use crate::secret::Secret;
use crate::store::{RowSettings, StoreSettings, TokenStorage};
use file::{FileSchema, FileSessions, FileToken};

#[derive(Debug, Clone)]
pub struct Config {
    pub database: Option<Location>,
    pub busy_timeout: Duration,
    pub schema: Schema,
    pub store: StoreSettings,
    pub ttl: TimeDelta,
    pub max_ttl: TimeDelta,
    pub link: String,
    pub issue_limit: Option<RateLimit>,
    pub policy: Policy,
    pub hashing: Hashing,
    /// Appended to every password before it is hashed (Devise's pepper).
    pub pepper: Option<Secret>,
    pub email: EmailSettings,
    /// Where the settings that were not written came from.
    pub origin: Origin,
}

/// What `doctor` tells of settings nobody wrote: the app recognised, the
/// link's site, the app's env file and the keys it gave.
#[derive(Debug, Clone, Default)]
pub struct Origin {
    /// Under `framework = "auto"`: what showed the store, in words.
    pub detected: Option<String>,
    /// Where the link's site came from.
    pub site: Option<String>,
    /// The app's env file and the keys of it in use.
    pub app_env: Option<(std::path::PathBuf, Vec<&'static str>)>,
    /// Where the app's secret came from, when from the app's own variable.
    pub secret: Option<String>,
    /// Settings taken from the app's env file: `database`, `site`,
    /// `transport`, `from`, `secret`.
    pub from_app: Vec<&'static str>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            database: None,
            busy_timeout: Duration::from_secs(5),
            schema: Schema::default(),
            store: StoreSettings {
                row: RowSettings::default(),
                framework: crate::store::registry::default_config(),
            },
            ttl: TimeDelta::hours(1),
            max_ttl: TimeDelta::days(7),
            link: crate::store::registry::default_config()
                .defaults()
                .link
                .to_string(),
            issue_limit: Some(RateLimit::default()),
            policy: Policy::default(),
            hashing: Hashing::default(),
            pepper: None,
            email: EmailSettings::default(),
            origin: Origin::default(),
        }
    }
}

/// Bounds that keep a typo from making hashes weak or absurdly slow.
const M_COST: RangeInclusive<u32> = 7_168..=1_048_576;
const T_COST: RangeInclusive<u32> = 1..=16;
const P_COST: RangeInclusive<u32> = 1..=16;
const BCRYPT_COST: RangeInclusive<u32> = 4..=31;
/// From OWASP's floor for PBKDF2-HMAC-SHA256 to what still finishes in seconds.
const PBKDF2_ITERATIONS: RangeInclusive<u32> = 600_000..=100_000_000;
const MAX_PASSWORD_LIMIT: usize = 65_536;
/// Passwords shorter than this draw a warning.
const MIN_LENGTH_FLOOR: usize = 8;
/// SQLite takes its busy timeout in milliseconds as an `int`; an hour is
/// far below that and far above any sensible wait.
const MAX_BUSY_TIMEOUT: Duration = Duration::from_secs(3600);
const MAX_EMAIL_TIMEOUT: Duration = Duration::from_secs(3600);

/// What a run's settings come from besides the built-in defaults.
#[derive(Default)]
pub struct Given<'a> {
    /// The config file (`--config`).
    pub file: Option<&'a Path>,
    /// `--db` or `RESETCTL_DB`, over the file's `database`.
    pub database: Option<Location>,
    /// The app's own env file (`--app-env`, `RESETCTL_APP_ENV`), over the
    /// file's `app_env`; what it says lies under everything else.
    pub app_env: Option<std::path::PathBuf>,
}

/// The settings, the warnings they deserve, and the connection made to
/// recognise the app, for the command to go on with.
pub struct Loaded {
    pub cfg: Config,
    pub warnings: Vec<String>,
    pub spare: Option<Spare>,
}

impl Config {
    /// Reads the config file (if any) over the defaults and what the app's
    /// database and env file say. Returns the warnings it deserves as
    /// well, for the caller to show.
    pub fn load(given: &Given<'_>) -> Result<Loaded> {
        let text = match given.file {
            Some(path) => read_file(path)?,
            None => String::new(),
        };
        let path = given.file.unwrap_or(Path::new("(built-in defaults)"));
        let (file, sections) = file::read(path, &text)?;
        let dir = path.parent().unwrap_or(Path::new("."));
        let app = match (&given.app_env, &file.app_env) {
            (Some(p), _) => Some(AppEnv::read(p)?),
            (None, Some(p)) => Some(AppEnv::read(&dir.join(p))?),
            (None, None) => None,
        };
        let mut b = Builder {
            path,
            text: &text,
            dir,
            cfg: Config::default(),
            warnings: Vec::new(),
            app: app.as_ref(),
            catalog: None,
            site_query: None,
        };
        b.cfg.database = match &given.database {
            Some(at) => Some(at.clone()),
            None => file
                .database
                .as_ref()
                .map(|p| Location::parse(p, Some(b.dir)))
                .transpose()?,
        };
        if b.cfg.database.is_none()
            && let Some(at) = app.as_ref().and_then(|a| a.database.as_ref())
        {
            b.cfg.database = Some(at.value.clone());
            b.cfg.origin.from_app.push("database");
        }
        if let Some(t) = &file.busy_timeout {
            b.cfg.busy_timeout = bounded_duration(t, Duration::ZERO, MAX_BUSY_TIMEOUT)
                .map_err(|why| b.bad("busy_timeout", why))?;
        }
        let defaults = b.framework(&file, sections)?;
        b.schema(&file.schema, file.sessions.as_ref(), &defaults)?;
        b.token(&file.token)?;
        if let Some(v) = &file.limits.issue {
            b.cfg.issue_limit = RateLimit::parse(v).map_err(|why| b.bad("limits.issue", why))?;
        }
        b.password(&file.password)?;
        b.email(file.email)?;
        b.cfg.origin.app_env = app.as_ref().map(|a| (a.path.clone(), b.keys_taken(a)));
        Ok(Loaded {
            spare: b.catalog.and_then(Catalog::into_spare),
            cfg: b.cfg,
            warnings: b.warnings,
        })
    }
}

fn read_file(path: &Path) -> Result<String> {
    match std::fs::read_to_string(path) {
        Ok(t) => Ok(t),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Err(Error::new(
            Kind::NoInput,
            format!("config file {} does not exist", path.display()),
        )),
        Err(e) => Err(Error::config(format!(
            "cannot read config file {}: {e}",
            path.display()
        ))),
    }
}

/// A config being read: where from, and what it has so far.
struct Builder<'a> {
    path: &'a Path,
    /// The file's text, for errors that point into it.
    text: &'a str,
    /// Paths in the file are relative to it.
    dir: &'a Path,
    cfg: Config,
    warnings: Vec<String>,
    app: Option<&'a AppEnv>,
    /// The catalogue read to recognise the app, kept for the values the
    /// app keeps as data.
    catalog: Option<Catalog>,
    /// Where the app keeps the host of its links, if it does.
    site_query: Option<&'static str>,
}

impl Builder<'_> {
    /// The app env file's keys behind the settings in force: the mail
    /// server's only when RESETCTL_SMTP_URL does not replace it.
    fn keys_taken(&self, app: &AppEnv) -> Vec<&'static str> {
        let smtp_url = std::env::var_os(crate::mail::SMTP_URL_ENV).is_some_and(|v| !v.is_empty());
        let mut taken = self.cfg.origin.from_app.clone();
        taken.retain(|part| !(smtp_url && *part == "transport"));
        app.keys_taken(&taken)
    }

    fn bad(&self, key: &str, why: String) -> Error {
        Error::config(format!("{}: {key}: {why}", self.path.display()))
    }

    fn in_bounds(&self, key: &str, v: u32, range: RangeInclusive<u32>) -> Result<u32> {
        if range.contains(&v) {
            Ok(v)
        } else {
            Err(self.bad(
                key,
                format!("{v} is out of bounds ({}..={})", range.start(), range.end()),
            ))
        }
    }

    fn schema(
        &mut self,
        s: &FileSchema,
        sessions: Option<&FileSessions>,
        d: &Schema,
    ) -> Result<()> {
        self.row_keys_unused(&[
            ("token", s.token.is_some()),
            ("expires", s.expires.is_some()),
            ("token_storage", s.token_storage.is_some()),
            ("expires_format", s.expires_format.is_some()),
        ])?;
        let ident = |key: &str, value: &Option<String>, default: &Ident| -> Result<Ident> {
            match value {
                None => Ok(default.clone()),
                Some(v) => app_name(key, v)
                    .map_err(|e| Error::config(format!("{}: {}", self.path.display(), e.message))),
            }
        };
        let schema = Schema {
            table: ident("schema.table", &s.table, &d.table)?,
            id: ident("schema.id", &s.id, &d.id)?,
            username: match s.username.as_deref() {
                Some("") => None,
                None => d.username.clone(),
                Some(_) => Some(ident("schema.username", &s.username, &d.id)?),
            },
            email: ident("schema.email", &s.email, &d.email)?,
            password: ident("schema.password", &s.password, &d.password)?,
            token: ident("schema.token", &s.token, &d.token)?,
            expires: ident("schema.expires", &s.expires, &d.expires)?,
            password_row: d.password_row.clone(),
            sessions: match sessions {
                None => d.sessions.clone(),
                Some(f) => Some(Sessions {
                    table: ident("sessions.table", &Some(f.table.clone()), &d.table)?,
                    user: ident("sessions.user_column", &Some(f.user_column.clone()), &d.id)?,
                }),
            },
        };
        schema.check().map_err(|(key, why)| self.bad(key, why))?;
        self.cfg.schema = schema;
        if let Some(f) = s.expires_format {
            self.cfg.store.row.expires_format = f;
        }
        if let Some(f) = s.token_storage {
            self.cfg.store.row.storage = f;
        }
        if self.cfg.store.row.storage == TokenStorage::Plain {
            self.warnings.push(
                "schema.token_storage = \"plain\": reset tokens are stored as they are, so anyone who can read the database can use them"
                    .to_string(),
            );
        }
        Ok(())
    }

    fn token(&mut self, t: &FileToken) -> Result<()> {
        // A framework's own lifetime is the most a token can have: its app
        // refuses a token older than that whatever resetctl wrote.
        let most = self
            .cfg
            .store
            .framework
            .defaults()
            .lifetime
            .unwrap_or(TimeDelta::days(365));
        if let Some(v) = &t.max_ttl {
            self.cfg.max_ttl =
                positive_duration(v, most).map_err(|why| self.bad("token.max_ttl", why))?;
        }
        if let Some(v) = &t.ttl {
            self.cfg.ttl =
                positive_duration(v, self.cfg.max_ttl).map_err(|why| self.bad("token.ttl", why))?;
        } else if self.cfg.ttl > self.cfg.max_ttl {
            self.cfg.ttl = self.cfg.max_ttl;
        }
        if let Some(link) = &t.link {
            let store = crate::store::for_config(&self.cfg.schema, &self.cfg.store);
            if let Some(why) = store.link_problem(link) {
                return Err(self.bad("token.link", why));
            }
            self.cfg.link = link.clone();
        } else {
            self.site(t.base_url.as_deref())?;
        }
        Ok(())
    }
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

/// Read permission for group or others (write alone shows nothing).
fn readable_by_others(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).is_ok_and(|m| m.permissions().mode() & 0o044 != 0)
}
