//! `[laravel]`: the token table, Laravel's `expire` and the app's time
//! zone, and what a Laravel app uses under the rest of the config.

use std::sync::Arc;

use chrono::TimeDelta;
use chrono_tz::Tz;
use serde::Deserialize;

use super::{DEFAULT_LINK, Laravel};
use crate::db::{Ident, Schema, app_name};
use crate::error::Result;
use crate::password::{BcryptPrefix, Scheme};
use crate::store::TokenStore;
use crate::store::kind::StoreKind;
use crate::store::settings::{Defaults, PasswordDefaults, RowSettings, SectionReader, StoreConfig};

pub const KIND: StoreKind = StoreKind {
    name: "laravel",
    section: Some("laravel"),
    secret_keys: &[],
    configure,
};

/// `[laravel]` as the file has it.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileLaravel {
    table: Option<String>,
    expire: Option<String>,
    timezone: Option<String>,
}

/// `[laravel]`, read.
#[derive(Debug, Clone)]
pub struct LaravelSettings {
    pub table: Ident,
    /// `config/auth.php` `passwords.users.expire`.
    pub expire: TimeDelta,
    /// `config/app.php` `timezone`: the clock `created_at` is written in.
    pub timezone: Tz,
}

impl Default for LaravelSettings {
    fn default() -> Self {
        LaravelSettings {
            table: Ident::known("password_reset_tokens"),
            expire: TimeDelta::minutes(60),
            timezone: Tz::UTC,
        }
    }
}

fn configure(
    section: Option<toml::de::ValueDeserializer<'_>>,
    r: &mut dyn SectionReader,
) -> Result<Arc<dyn StoreConfig>> {
    let l = match section {
        Some(s) => FileLaravel::deserialize(s).map_err(|e| r.malformed(e))?,
        None => FileLaravel::default(),
    };
    let defaults = LaravelSettings::default();
    Ok(Arc::new(LaravelSettings {
        table: match &l.table {
            Some(t) => {
                app_name("laravel.table", t).map_err(|e| r.bad("laravel.table", e.message))?
            }
            None => defaults.table,
        },
        expire: r.lifetime("laravel.expire", l.expire, defaults.expire)?,
        timezone: r.zone("laravel.timezone", l.timezone, defaults.timezone)?,
    }))
}

/// Laravel's users table: `name` as username, `password`. The token and
/// expiry names are not used: tokens live in their own table.
pub fn schema() -> Schema {
    Schema {
        username: Some(Ident::known("name")),
        password: Ident::known("password"),
        ..Schema::default()
    }
}

impl StoreConfig for LaravelSettings {
    fn name(&self) -> &'static str {
        "laravel"
    }

    /// Laravel's `Hash::make` writes `$2y$`, and with `hashing.bcrypt.verify`
    /// on its verifier throws on any other prefix.
    fn defaults(&self) -> Defaults {
        Defaults {
            schema: schema(),
            link: DEFAULT_LINK,
            lifetime: Some(self.expire),
            token_on_user_row: false,
            passwords: PasswordDefaults {
                empty_table: Some(Scheme::Bcrypt {
                    prefix: BcryptPrefix::TwoY,
                    cost: 12,
                }),
                only_prefix: Some(BcryptPrefix::TwoY),
                pepper: None,
            },
        }
    }

    fn build(&self, schema: &Schema, _row: &RowSettings) -> Box<dyn TokenStore> {
        Box::new(Laravel::new(schema, self))
    }
}
