//! Rails apps with Devise (Recoverable): the row keeps Devise's keyed
//! digest of the token and the time it was issued, and a token lives
//! `reset_password_within` from then. The key is derived from the app's
//! secret as Devise's own key generator does (ActiveSupport's
//! KeyGenerator: PBKDF2-HMAC, 65,536 rounds, 64 bytes, salt "Devise
//! reset_password_token"), once per run.

pub mod key;

use std::path::PathBuf;
use std::sync::Arc;

use chrono::TimeDelta;
use serde::Deserialize;

pub use self::key::{Key, KeyDigest};
use super::TokenStore;
use super::kind::StoreKind;
use super::row_columns::{RowColumns, RowDigest, TimeColumn};
use super::settings::{Defaults, PasswordDefaults, RowSettings, SectionReader, StoreConfig};
use crate::db::{Ident, Schema};
use crate::error::{Error, Result};
use crate::password::{BcryptPrefix, Scheme};
use crate::secret::Secret;
use crate::token::Token;

pub const DEFAULT_LINK: &str =
    "https://example.com/users/password/edit?reset_password_token={token}";

use super::kind::{Found, Hints};
use super::settings::{SectionKey, config_word};

pub const KIND: StoreKind = StoreKind {
    name: "devise",
    section: Some("devise"),
    secret_keys: &["secret_key_base", "pepper"],
    configure,
    recognise,
};

/// The columns Devise's generator gives `users` for its
/// database_authenticatable and recoverable modules.
fn recognise(c: &crate::db::Catalog, _: &Hints) -> Option<Found> {
    c.has("users", &["encrypted_password", "reset_password_token"])
        .then(|| Found {
            evidence: "table users with encrypted_password and reset_password_token".into(),
            ..Found::default()
        })
}

/// `[devise]` as the file has it.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileDevise {
    secret_key_base: Option<String>,
    secret_file: Option<PathBuf>,
    key_digest: Option<KeyDigest>,
    reset_password_within: Option<String>,
    pepper: Option<String>,
}

/// `[devise]`, read.
#[derive(Debug, Clone)]
pub struct DeviseSettings {
    /// `Devise.secret_key` if the app sets one, else `secret_key_base`.
    pub secret: Option<Secret>,
    pub key_digest: KeyDigest,
    /// Devise's `config.reset_password_within`.
    pub within: TimeDelta,
    /// Devise's `config.pepper`.
    pub pepper: Option<Secret>,
}

impl Default for DeviseSettings {
    fn default() -> Self {
        DeviseSettings {
            secret: None,
            key_digest: KeyDigest::Sha1,
            within: TimeDelta::hours(6),
            pepper: None,
        }
    }
}

fn configure(
    section: Option<toml::de::ValueDeserializer<'_>>,
    r: &mut dyn SectionReader,
) -> Result<Arc<dyn StoreConfig>> {
    let d = match section {
        Some(s) => FileDevise::deserialize(s).map_err(|e| r.malformed(e))?,
        None => FileDevise::default(),
    };
    let defaults = DeviseSettings::default();
    Ok(Arc::new(DeviseSettings {
        secret: match r.secret("devise.secret_key_base", d.secret_key_base, d.secret_file)? {
            Some(s) => Some(s),
            None => r.app_secret("SECRET_KEY_BASE"),
        },
        key_digest: d.key_digest.unwrap_or(defaults.key_digest),
        within: r.lifetime(
            "devise.reset_password_within",
            d.reset_password_within,
            defaults.within,
        )?,
        pepper: d.pepper.filter(|p| !p.is_empty()).map(|p| Secret::new(&p)),
    }))
}

/// Devise's schema: `users` with `email`, `encrypted_password`, and the
/// token and issue time in `reset_password_token` and
/// `reset_password_sent_at`; no usernames.
pub fn schema() -> Schema {
    Schema {
        username: None,
        password: Ident::known("encrypted_password"),
        token: Ident::known("reset_password_token"),
        expires: Ident::known("reset_password_sent_at"),
        ..Schema::default()
    }
}

impl StoreConfig for DeviseSettings {
    fn name(&self) -> &'static str {
        "devise"
    }

    fn section(&self) -> Vec<SectionKey> {
        let mut keys = vec![
            SectionKey::Secret(
                "secret_key_base",
                "RESETCTL_APP_SECRET, else the app's SECRET_KEY_BASE",
            ),
            SectionKey::text("key_digest", &config_word(self.key_digest)),
            SectionKey::duration("reset_password_within", self.within),
        ];
        if self.pepper.is_some() {
            keys.push(SectionKey::Secret(
                "pepper",
                "the config file only: set it there",
            ));
        }
        keys
    }

    fn defaults(&self) -> Defaults {
        Defaults {
            schema: schema(),
            link: DEFAULT_LINK.into(),
            lifetime: Some(self.within),
            token_on_user_row: true,
            passwords: PasswordDefaults {
                empty_table: Some(Scheme::Bcrypt {
                    prefix: BcryptPrefix::TwoA,
                    cost: 12,
                }),
                only_prefix: None,
                pepper: self.pepper.clone(),
            },
        }
    }

    fn build(&self, schema: &Schema, _row: &RowSettings) -> Box<dyn TokenStore> {
        Box::new(store(schema, self))
    }
}

pub fn store(schema: &Schema, settings: &DeviseSettings) -> RowColumns {
    RowColumns::with(
        schema,
        Box::new(Keyed(Key::new(
            settings.secret.clone(),
            settings.key_digest,
        ))),
        TimeColumn::SentAt {
            within: settings.within,
        },
        "devise",
    )
}

/// Devise's keyed digest on the row, and its own tokens as it hands them
/// out.
struct Keyed(Key);

impl RowDigest for Keyed {
    fn digest(&self, token: &Token) -> Result<String> {
        self.0.digest(token)
    }

    fn storage(&self) -> &'static str {
        "devise-hmac"
    }

    fn secret(&self) -> Option<bool> {
        Some(self.0.is_set())
    }

    fn kept(&self, column: &str, time: &str) -> String {
        format!("Devise's keyed digest of the token in {column}, the time it was sent in {time}")
    }

    fn parse(&self, input: &str) -> Result<Token> {
        key::parse(input)
    }

    fn digest_problems(&self) -> Result<Vec<Error>> {
        Ok(if self.0.is_set() {
            Vec::new()
        } else {
            vec![key::no_secret()]
        })
    }
}
