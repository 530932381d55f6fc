//! What a token store is configured from: its own section of the config
//! file (read by the store into settings of its own), and what it lays
//! under everything else the file says (schema, link, token lifetime,
//! password defaults). The config module reads the file; each store reads
//! its section through [`SectionReader`], which words every error with the
//! file and the key.

use std::borrow::Cow;
use std::fmt;
use std::path::PathBuf;
use std::sync::Arc;

use chrono::TimeDelta;
use chrono_tz::Tz;

use super::{ExpiresFormat, TokenStorage, TokenStore};
use crate::db::Schema;
use crate::error::{Error, Result};
use crate::password::{BcryptPrefix, Scheme};
use crate::secret::Secret;

/// A store's settings, read from its section: what it builds stores from.
pub trait StoreConfig: fmt::Debug + Send + Sync {
    /// As `framework` names it.
    fn name(&self) -> &'static str;

    /// What it lays under the rest of the config file.
    fn defaults(&self) -> Defaults;

    /// The store, for the schema the config settled on.
    fn build(&self, schema: &Schema, row: &RowSettings) -> Box<dyn TokenStore>;

    /// Its section as a config file has it, every key: what
    /// `doctor --print-config` writes.
    fn section(&self) -> Vec<SectionKey> {
        Vec::new()
    }
}

/// One key of a store's section, as `doctor --print-config` writes it.
#[derive(Debug, Clone, PartialEq)]
pub enum SectionKey {
    /// `key = value`, the value written as TOML.
    Value(&'static str, String),
    /// A secret: never written; the line says where it is read from.
    Secret(&'static str, &'static str),
}

impl SectionKey {
    pub fn text(key: &'static str, value: &str) -> SectionKey {
        SectionKey::Value(key, toml_text(value))
    }

    pub fn duration(key: &'static str, value: TimeDelta) -> SectionKey {
        SectionKey::text(key, &crate::clock::format_duration(value))
    }
}

/// A choice as the config file words it (`unix_ms`, `sha256`): its serde
/// name, so the words are written in one place.
pub fn config_word(choice: impl serde::Serialize) -> String {
    match serde_json::to_value(choice) {
        Ok(serde_json::Value::String(s)) => s,
        _ => String::new(),
    }
}

/// A TOML basic string holding `v` as it is.
pub fn toml_text(v: &str) -> String {
    let mut out = String::from("\"");
    for c in v.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The `[schema]` keys that say how a token is kept on the user's row.
#[derive(Debug, Clone, Copy)]
pub struct RowSettings {
    pub storage: TokenStorage,
    pub expires_format: ExpiresFormat,
}

impl Default for RowSettings {
    fn default() -> Self {
        RowSettings {
            storage: TokenStorage::Sha256,
            expires_format: ExpiresFormat::Rfc3339,
        }
    }
}

/// The host every store's default link is on, until a site is known.
pub const EXAMPLE_SITE: &str = "https://example.com";

/// What a store's apps use, under what the config file says.
pub struct Defaults {
    pub schema: Schema,
    /// The link template the app's own emails carry.
    pub link: Cow<'static, str>,
    /// How long the app lets a token live: the default `--ttl` and the
    /// most any may have.
    pub lifetime: Option<TimeDelta>,
    /// Whether `[schema]`'s token keys (`token`, `expires`,
    /// `token_storage`, `expires_format`) mean anything: not for a store
    /// that keeps no token on the user's row.
    pub token_on_user_row: bool,
    pub passwords: PasswordDefaults,
}

/// The app's own password scheme and its verifier's limits.
#[derive(Default)]
pub struct PasswordDefaults {
    /// What `auto` writes on a table without hashes yet.
    pub empty_table: Option<Scheme>,
    /// The one bcrypt prefix the app's verifier takes.
    pub only_prefix: Option<BcryptPrefix>,
    /// Appended to every password before it is hashed.
    pub pepper: Option<Secret>,
}

/// The store settings in force: the store's own, and the row keys.
#[derive(Debug, Clone)]
pub struct StoreSettings {
    pub row: RowSettings,
    pub framework: Arc<dyn StoreConfig>,
}

/// What a store needs to read its section: errors that name the file and
/// the key, and the values that are read the same way in every section.
pub trait SectionReader {
    /// 78, naming the file and `key` (`devise.key_digest`).
    fn bad(&self, key: &str, why: String) -> Error;

    /// The section's own error (a key it does not know, a value of the
    /// wrong type), as one line naming the line and the key.
    fn malformed(&self, e: toml::de::Error) -> Error;

    /// The app's secret, from the environment, the value in the file, or
    /// a file named beside it; a config file holding one should be private.
    fn secret(
        &mut self,
        key: &str,
        value: Option<String>,
        file: Option<PathBuf>,
    ) -> Result<Option<Secret>>;

    /// The app's secret from the app's own variable `name` (Rails'
    /// `SECRET_KEY_BASE`): the environment, then the app's env file. For
    /// a store whose secret is still unset after `secret`.
    fn app_secret(&mut self, name: &'static str) -> Option<Secret>;

    /// A token lifetime the app sets, within what resetctl accepts.
    fn lifetime(&self, key: &str, value: Option<String>, default: TimeDelta) -> Result<TimeDelta>;

    /// A time zone name.
    fn zone(&self, key: &str, value: Option<String>, default: Tz) -> Result<Tz>;
}
