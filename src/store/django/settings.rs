//! `[django]`: the app's `SECRET_KEY` and fallbacks, its reset timeout and
//! clock, and what a Django site uses under the rest of the config.

use std::path::PathBuf;
use std::sync::Arc;

use chrono::TimeDelta;
use chrono_tz::Tz;
use serde::Deserialize;

use super::{DEFAULT_LINK, Django};
use crate::db::{Ident, Schema};
use crate::error::Result;
use crate::password::{Hashing, Scheme};
use crate::secret::Secret;
use crate::store::TokenStore;
use crate::store::kind::StoreKind;
use crate::store::settings::{Defaults, PasswordDefaults, RowSettings, SectionReader, StoreConfig};

use crate::store::kind::{Found, Hints};
use crate::store::settings::SectionKey;

pub const KIND: StoreKind = StoreKind {
    name: "django",
    section: Some("django"),
    secret_keys: &["secret_key", "secret_key_fallbacks"],
    configure,
    recognise,
};

/// Django's `auth_user` without allauth's addresses (those are allauth's).
fn recognise(c: &crate::db::Catalog, _: &Hints) -> Option<Found> {
    if c.table("account_emailaddress").is_some() {
        return None;
    }
    auth_user(c, "table auth_user")
}

/// Django's own user table, and where the sites framework keeps the
/// domain its links use (`SITE_ID` 1, Django's default site).
pub fn auth_user(c: &crate::db::Catalog, evidence: &str) -> Option<Found> {
    c.has(
        "auth_user",
        &["password", "username", "last_login", "date_joined"],
    )
    .then(|| Found {
        evidence: evidence.to_string(),
        site_query: c
            .has("django_site", &["id", "domain"])
            .then_some("SELECT domain FROM django_site WHERE id = 1"),
        ..Found::default()
    })
}

/// `[django]` as the file has it.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileDjango {
    secret_key: Option<String>,
    secret_file: Option<PathBuf>,
    #[serde(default)]
    secret_key_fallbacks: Vec<String>,
    password_reset_timeout: Option<String>,
    time_zone: Option<String>,
}

/// `[django]`, read.
#[derive(Debug, Clone)]
pub struct DjangoSettings {
    pub secret: Option<Secret>,
    pub fallbacks: Vec<Secret>,
    /// `PASSWORD_RESET_TIMEOUT`.
    pub timeout: TimeDelta,
    /// `TIME_ZONE`: Django counts its token time stamps on this clock.
    pub time_zone: Tz,
}

impl DjangoSettings {
    /// `[django]`'s keys, for Django and allauth alike.
    pub fn keys(&self) -> Vec<SectionKey> {
        let mut keys = vec![
            SectionKey::Secret("secret_key", "RESETCTL_APP_SECRET"),
            SectionKey::duration("password_reset_timeout", self.timeout),
            SectionKey::text("time_zone", self.time_zone.name()),
        ];
        if !self.fallbacks.is_empty() {
            keys.push(SectionKey::Secret(
                "secret_key_fallbacks",
                "the config file only: set it there",
            ));
        }
        keys
    }
}

impl Default for DjangoSettings {
    fn default() -> Self {
        DjangoSettings {
            secret: None,
            fallbacks: Vec::new(),
            timeout: TimeDelta::days(3),
            time_zone: Tz::UTC,
        }
    }
}

fn configure(
    section: Option<toml::de::ValueDeserializer<'_>>,
    r: &mut dyn SectionReader,
) -> Result<Arc<dyn StoreConfig>> {
    Ok(Arc::new(read_section(section, r)?))
}

/// `[django]`, as every site built on Django's tokens reads it.
pub fn read_section(
    section: Option<toml::de::ValueDeserializer<'_>>,
    r: &mut dyn SectionReader,
) -> Result<DjangoSettings> {
    let d = match section {
        Some(s) => FileDjango::deserialize(s).map_err(|e| r.malformed(e))?,
        None => FileDjango::default(),
    };
    let defaults = DjangoSettings::default();
    Ok(DjangoSettings {
        secret: r.secret("django.secret_key", d.secret_key, d.secret_file)?,
        fallbacks: d
            .secret_key_fallbacks
            .iter()
            .filter(|k| !k.is_empty())
            .map(|k| Secret::new(k))
            .collect(),
        timeout: r.lifetime(
            "django.password_reset_timeout",
            d.password_reset_timeout,
            defaults.timeout,
        )?,
        time_zone: r.zone("django.time_zone", d.time_zone, defaults.time_zone)?,
    })
}

/// `django.contrib.auth`'s user table.
pub fn schema() -> Schema {
    Schema {
        table: Ident::known("auth_user"),
        password: Ident::known("password"),
        ..Schema::default()
    }
}

impl StoreConfig for DjangoSettings {
    fn name(&self) -> &'static str {
        "django"
    }

    fn section(&self) -> Vec<SectionKey> {
        self.keys()
    }

    /// Stock Django verifies PBKDF2 without any extra package.
    fn defaults(&self) -> Defaults {
        Defaults {
            schema: schema(),
            link: DEFAULT_LINK.into(),
            lifetime: Some(self.timeout),
            token_on_user_row: false,
            passwords: PasswordDefaults {
                empty_table: Some(Scheme::DjangoPbkdf2 {
                    iterations: Hashing::default().pbkdf2_iterations,
                }),
                only_prefix: None,
                pepper: None,
            },
        }
    }

    fn build(&self, schema: &Schema, _row: &RowSettings) -> Box<dyn TokenStore> {
        Box::new(Django::new(schema, self))
    }
}
