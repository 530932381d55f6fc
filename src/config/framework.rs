//! The `framework` key and its section (`[devise]`, `[laravel]`,
//! `[django]`): the token store it picks, and the defaults of `[schema]`,
//! the link, the token lifetime and `[password]` that its apps use. The
//! framework is settled first, so every other section overrides these.

use std::path::PathBuf;

use chrono::TimeDelta;
use serde::Deserialize;

use super::Builder;
use crate::db::{Ident, Schema};
use crate::error::Result;
use crate::password::{BcryptPrefix, Scheme};
use crate::secret::Secret;
use crate::store::Framework;
use crate::store::devise::{self, DeviseSettings, KeyDigest};
use crate::store::django::{self, DjangoSettings};
use crate::store::laravel::{self, LaravelSettings};

/// The longest lifetime a framework setting may give a token.
const MAX_LIFETIME: TimeDelta = TimeDelta::days(365);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FrameworkName {
    None,
    Devise,
    Laravel,
    Django,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileDevise {
    pub secret_key_base: Option<String>,
    pub secret_file: Option<PathBuf>,
    pub key_digest: Option<KeyDigest>,
    pub reset_password_within: Option<String>,
    pub pepper: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileLaravel {
    pub table: Option<String>,
    pub expire: Option<String>,
    pub timezone: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileDjango {
    pub secret_key: Option<String>,
    pub secret_file: Option<PathBuf>,
    #[serde(default)]
    pub secret_key_fallbacks: Vec<String>,
    pub password_reset_timeout: Option<String>,
    pub time_zone: Option<String>,
}

/// The framework sections as the file has them.
pub struct Sections {
    pub name: Option<FrameworkName>,
    pub devise: Option<FileDevise>,
    pub laravel: Option<FileLaravel>,
    pub django: Option<FileDjango>,
}

impl Builder<'_> {
    /// Settles the framework and lays its defaults under everything else.
    pub(super) fn framework(&mut self, f: Sections) -> Result<Schema> {
        let name = f.name.unwrap_or(FrameworkName::None);
        for (section, given, wanted) in [
            ("devise", f.devise.is_some(), FrameworkName::Devise),
            ("laravel", f.laravel.is_some(), FrameworkName::Laravel),
            ("django", f.django.is_some(), FrameworkName::Django),
        ] {
            if given && name != wanted {
                return Err(self.bad(
                    section,
                    format!("[{section}] is set, but framework is not \"{section}\""),
                ));
            }
        }
        let (framework, schema, link) = match name {
            FrameworkName::None => return Ok(Schema::default()),
            FrameworkName::Devise => (
                Framework::Devise(self.devise(f.devise.unwrap_or_default())?),
                devise::schema(),
                devise::DEFAULT_LINK,
            ),
            FrameworkName::Laravel => (
                Framework::Laravel(self.laravel(f.laravel.unwrap_or_default())?),
                laravel::schema(),
                laravel::DEFAULT_LINK,
            ),
            FrameworkName::Django => (
                Framework::Django(self.django(f.django.unwrap_or_default())?),
                django::schema(),
                django::DEFAULT_LINK,
            ),
        };
        let h = &mut self.cfg.hashing;
        // What `auto` writes on a table without hashes yet, and what the
        // framework's own verifier insists on.
        match name {
            FrameworkName::Devise => {
                h.empty_table = Some(Scheme::Bcrypt {
                    prefix: BcryptPrefix::TwoA,
                    cost: 12,
                });
            }
            FrameworkName::Laravel => {
                h.empty_table = Some(Scheme::Bcrypt {
                    prefix: BcryptPrefix::TwoY,
                    cost: 12,
                });
                h.bcrypt_prefix = BcryptPrefix::TwoY;
                h.only_prefix = Some(BcryptPrefix::TwoY);
            }
            FrameworkName::Django => {
                h.empty_table = Some(Scheme::DjangoPbkdf2 {
                    iterations: h.pbkdf2_iterations,
                });
            }
            FrameworkName::None => {}
        }
        if let Some(lifetime) = framework.lifetime() {
            self.cfg.ttl = lifetime;
            self.cfg.max_ttl = lifetime;
        }
        self.cfg.link = link.to_string();
        self.cfg.store.framework = framework;
        Ok(schema)
    }

    /// `[schema]` keys that mean nothing when tokens are not kept on the
    /// user's row.
    pub(super) fn row_keys_unused(&self, keys: &[(&str, bool)]) -> Result<()> {
        let name = self.cfg.store.framework.name();
        if !matches!(name, "laravel" | "django") {
            return Ok(());
        }
        match keys.iter().find(|(_, given)| *given) {
            Some((key, _)) => Err(self.bad(
                &format!("schema.{key}"),
                format!("has no meaning with framework = \"{name}\", which keeps no token on the user's row"),
            )),
            None => Ok(()),
        }
    }

    fn devise(&mut self, d: FileDevise) -> Result<DeviseSettings> {
        let defaults = DeviseSettings::default();
        let secret = self.secret("devise.secret_key_base", d.secret_key_base, d.secret_file)?;
        if let Some(p) = d.pepper.as_deref().filter(|p| !p.is_empty()) {
            self.cfg.pepper = Some(Secret::new(p));
        }
        Ok(DeviseSettings {
            secret,
            key_digest: d.key_digest.unwrap_or(defaults.key_digest),
            within: self.lifetime(
                "devise.reset_password_within",
                d.reset_password_within,
                defaults.within,
            )?,
        })
    }

    fn laravel(&mut self, l: FileLaravel) -> Result<LaravelSettings> {
        let defaults = LaravelSettings::default();
        Ok(LaravelSettings {
            table: match &l.table {
                Some(t) => Ident::new("laravel.table", t)
                    .map_err(|e| self.bad("laravel.table", e.message))?,
                None => defaults.table,
            },
            expire: self.lifetime("laravel.expire", l.expire, defaults.expire)?,
            timezone: self.zone("laravel.timezone", l.timezone, defaults.timezone)?,
        })
    }

    fn django(&mut self, d: FileDjango) -> Result<DjangoSettings> {
        let defaults = DjangoSettings::default();
        Ok(DjangoSettings {
            secret: self.secret("django.secret_key", d.secret_key, d.secret_file)?,
            fallbacks: d
                .secret_key_fallbacks
                .iter()
                .filter(|k| !k.is_empty())
                .map(|k| Secret::new(k))
                .collect(),
            timeout: self.lifetime(
                "django.password_reset_timeout",
                d.password_reset_timeout,
                defaults.timeout,
            )?,
            time_zone: self.zone("django.time_zone", d.time_zone, defaults.time_zone)?,
        })
    }

    /// The app's secret; a config file holding one should be private.
    fn secret(
        &mut self,
        key: &str,
        value: Option<String>,
        file: Option<PathBuf>,
    ) -> Result<Option<Secret>> {
        let file = file.map(|p| self.dir.join(p));
        let in_file = value.as_deref().filter(|v| !v.is_empty()).is_some();
        let secret = Secret::load(key, value.as_deref(), file.as_deref())
            .map_err(|e| self.bad(key, e.message))?;
        if in_file && super::readable_by_others(self.path) {
            self.warnings.push(format!(
                "{} holds the app's secret ({key}) and can be read by other users; run: chmod 600 {}",
                self.path.display(),
                self.path.display()
            ));
        }
        Ok(secret)
    }

    fn lifetime(&self, key: &str, value: Option<String>, default: TimeDelta) -> Result<TimeDelta> {
        match value {
            None => Ok(default),
            Some(v) => super::positive_duration(&v, MAX_LIFETIME).map_err(|why| self.bad(key, why)),
        }
    }

    fn zone(
        &self,
        key: &str,
        value: Option<String>,
        default: chrono_tz::Tz,
    ) -> Result<chrono_tz::Tz> {
        match value {
            None => Ok(default),
            Some(v) => v.trim().parse().map_err(|_| {
                self.bad(
                    key,
                    format!(
                        "{} is not a time zone name (e.g. UTC, Europe/Berlin)",
                        crate::text::shown(&v)
                    ),
                )
            }),
        }
    }
}
