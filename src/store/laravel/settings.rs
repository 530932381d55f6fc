//! `[laravel]`: the token table, Laravel's `expire` and the app's time
//! zone, and what a Laravel app uses under the rest of the config.

use std::sync::Arc;

use chrono::TimeDelta;
use chrono_tz::Tz;
use serde::Deserialize;

use super::{DEFAULT_LINK, Laravel};
use crate::db::{Ident, Schema, Sessions, app_name};
use crate::error::Result;
use crate::password::{BcryptPrefix, Scheme};
use crate::store::TokenStore;
use crate::store::kind::StoreKind;
use crate::store::settings::{Defaults, PasswordDefaults, RowSettings, SectionReader, StoreConfig};

use crate::store::kind::{Found, Hints};
use crate::store::settings::SectionKey;

pub const KIND: StoreKind = StoreKind {
    name: "laravel",
    section: Some("laravel"),
    secret_keys: &[],
    configure,
    recognise,
};

/// Laravel's users table beside either reset table its versions make:
/// `password_reset_tokens` (10 and later) or `password_resets` (9 and
/// earlier). Both at once is a choice only the app's config knows.
fn recognise(c: &crate::db::Catalog, _: &Hints) -> Option<Found> {
    let reset = ["email", "token", "created_at"];
    if !c.has("users", &["password", "remember_token"]) {
        return None;
    }
    let tables: Vec<&str> = ["password_reset_tokens", "password_resets"]
        .into_iter()
        .filter(|t| c.has(t, &reset))
        .collect();
    match tables[..] {
        [table] => Some(Found {
            evidence: format!("table {table} beside users with password and remember_token"),
            settings: vec![("table", table.to_string())],
            ..Found::default()
        }),
        [_, _] => Some(Found {
            evidence: "tables password_reset_tokens and password_resets beside users".into(),
            unsettled: Some((
                "it has both reset tables, password_reset_tokens and password_resets".into(),
                "[laravel] table (the one config/auth.php names)",
            )),
            ..Found::default()
        }),
        _ => None,
    }
}

/// `[laravel]` as the file has it.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileLaravel {
    table: Option<String>,
    expire: Option<String>,
    timezone: Option<String>,
    db_timezone: Option<String>,
}

/// `[laravel]`, read.
#[derive(Debug, Clone)]
pub struct LaravelSettings {
    pub table: Ident,
    /// `config/auth.php` `passwords.users.expire`.
    pub expire: TimeDelta,
    /// `config/app.php` `timezone`: the clock `created_at` is written in.
    pub timezone: Tz,
    /// `config/database.php`'s `timezone` of the app's MySQL connection,
    /// when it sets one: the zone its session reads a `TIMESTAMP` in.
    /// `None`: the server's default, as in Laravel's own skeleton.
    pub db_timezone: Option<String>,
}

impl Default for LaravelSettings {
    fn default() -> Self {
        LaravelSettings {
            table: Ident::known("password_reset_tokens"),
            expire: TimeDelta::minutes(60),
            timezone: Tz::UTC,
            db_timezone: None,
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
        db_timezone: match l.db_timezone {
            Some(z) => Some(session_zone(&z).map_err(|why| r.bad("laravel.db_timezone", why))?),
            None => None,
        },
    }))
}

/// A zone as MySQL's `SET time_zone` takes it: an offset (`+02:00`) or a
/// name (`Europe/Berlin`, `SYSTEM`), which is written into SQL and so may
/// hold nothing else.
fn session_zone(z: &str) -> std::result::Result<String, String> {
    let b = z.as_bytes();
    let offset = b.len() == 6
        && matches!(b[0], b'+' | b'-')
        && b[3] == b':'
        && [1, 2, 4, 5].iter().all(|&i| b[i].is_ascii_digit());
    let name = !b.is_empty()
        && b.len() <= 64
        && b[0].is_ascii_alphabetic()
        && b.iter()
            .all(|c| c.is_ascii_alphanumeric() || b"_/+-".contains(c));
    if offset || name {
        Ok(z.to_string())
    } else {
        Err("not a time zone as MySQL's time_zone takes one (+02:00, Europe/Berlin, SYSTEM)".into())
    }
}

/// Laravel's users table: `name` as username, `password`. The token and
/// expiry names are not used: tokens live in their own table.
pub fn schema() -> Schema {
    Schema {
        username: Some(Ident::known("name")),
        password: Ident::known("password"),
        // The `database` session driver's table (`php artisan session:table`).
        sessions: Some(Sessions {
            table: Ident::known("sessions"),
            user: Ident::known("user_id"),
        }),
        ..Schema::default()
    }
}

impl StoreConfig for LaravelSettings {
    fn name(&self) -> &'static str {
        "laravel"
    }

    fn section(&self) -> Vec<SectionKey> {
        let mut keys = vec![
            SectionKey::text("table", self.table.name()),
            SectionKey::duration("expire", self.expire),
            SectionKey::text("timezone", self.timezone.name()),
        ];
        keys.extend(
            self.db_timezone
                .as_deref()
                .map(|z| SectionKey::text("db_timezone", z)),
        );
        keys
    }

    /// Laravel's `Hash::make` writes `$2y$`, and with `hashing.bcrypt.verify`
    /// on its verifier throws on any other prefix.
    fn defaults(&self) -> Defaults {
        Defaults {
            schema: schema(),
            link: DEFAULT_LINK.into(),
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

#[cfg(test)]
mod tests {
    #[test]
    fn a_session_zone_is_an_offset_or_a_name_and_nothing_else() {
        for ok in [
            "+02:00",
            "-05:30",
            "+00:00",
            "Europe/Berlin",
            "SYSTEM",
            "America/Port-au-Prince",
            "Etc/GMT+5",
        ] {
            assert_eq!(super::session_zone(ok).as_deref(), Ok(ok), "{ok}");
        }
        for bad in [
            "",
            "+2:00",
            "02:00",
            "UTC'; DROP TABLE users; --",
            "Europe Berlin",
            "'+02:00'",
        ] {
            assert!(super::session_zone(bad).is_err(), "{bad}");
        }
    }
}
