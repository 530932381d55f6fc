//! The `framework` key: which token store the registry names, its own
//! section read by the store itself, and the defaults of `[schema]`, the
//! link, the token lifetime and `[password]` that its apps use. The
//! framework is settled first, so every other section overrides these.

use std::path::PathBuf;

use chrono::TimeDelta;
use chrono_tz::Tz;
use toml::de::ValueDeserializer;

use super::Builder;
use super::file::StoreSection;
use crate::db::Schema;
use crate::error::{Error, Result};
use crate::secret::Secret;
use crate::store::registry;
use crate::store::settings::SectionReader;

/// The longest lifetime a framework setting may give a token.
const MAX_LIFETIME: TimeDelta = TimeDelta::days(365);

impl Builder<'_> {
    /// Settles the framework and lays its defaults under everything else.
    pub(super) fn framework(
        &mut self,
        name: Option<&str>,
        sections: Vec<StoreSection<'_>>,
    ) -> Result<Schema> {
        let kind = registry::find(name.unwrap_or("none")).ok_or_else(|| {
            self.bad(
                "framework",
                format!(
                    "{} is not one of {}",
                    crate::text::shown(name.unwrap_or_default()),
                    registry::names()
                ),
            )
        })?;
        // Every section present is read by its store, so a bad value is
        // named as such before a section of another framework is.
        let mut own = None;
        for (section, value) in sections {
            // A section several stores read (`[django]`) is the chosen
            // framework's when it reads it.
            let owner = if kind.section == Some(section) {
                kind
            } else {
                registry::STORES
                    .iter()
                    .find(|k| k.section == Some(section))
                    .unwrap_or(kind)
            };
            let config = (owner.configure)(Some(ValueDeserializer::from(value)), self)?;
            if owner.name != kind.name {
                return Err(self.bad(
                    section,
                    format!("[{section}] is set, but framework is not \"{section}\""),
                ));
            }
            own = Some(config);
        }
        let config = match own {
            Some(c) => c,
            None => (kind.configure)(None, self)?,
        };
        let d = config.defaults();
        let h = &mut self.cfg.hashing;
        h.empty_table = d.passwords.empty_table;
        if let Some(prefix) = d.passwords.only_prefix {
            h.bcrypt_prefix = prefix;
            h.only_prefix = Some(prefix);
        }
        self.cfg.pepper = d.passwords.pepper;
        if let Some(lifetime) = d.lifetime {
            self.cfg.ttl = lifetime;
            self.cfg.max_ttl = lifetime;
        }
        self.cfg.link = d.link.to_string();
        self.cfg.store.framework = config;
        Ok(d.schema)
    }

    /// `[schema]` keys that mean nothing when tokens are not kept on the
    /// user's row.
    pub(super) fn row_keys_unused(&self, keys: &[(&str, bool)]) -> Result<()> {
        let framework = &self.cfg.store.framework;
        if framework.defaults().token_on_user_row {
            return Ok(());
        }
        match keys.iter().find(|(_, given)| *given) {
            Some((key, _)) => Err(self.bad(
                &format!("schema.{key}"),
                format!(
                    "has no meaning with framework = \"{}\", which keeps no token on the user's row",
                    framework.name()
                ),
            )),
            None => Ok(()),
        }
    }
}

impl SectionReader for Builder<'_> {
    fn bad(&self, key: &str, why: String) -> Error {
        Builder::bad(self, key, why)
    }

    fn malformed(&self, e: toml::de::Error) -> Error {
        super::toml_error::parse_error(self.path, self.text, &e)
    }

    fn secret(
        &mut self,
        key: &str,
        value: Option<String>,
        file: Option<PathBuf>,
    ) -> Result<Option<Secret>> {
        let file = file.map(|p| self.dir.join(p));
        let in_file = value.as_deref().filter(|v| !v.is_empty()).is_some();
        let secret = Secret::load(key, value.as_deref(), file.as_deref())
            .map_err(|e| Builder::bad(self, key, e.message))?;
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
            Some(v) => super::positive_duration(&v, MAX_LIFETIME)
                .map_err(|why| Builder::bad(self, key, why)),
        }
    }

    fn zone(&self, key: &str, value: Option<String>, default: Tz) -> Result<Tz> {
        match value {
            None => Ok(default),
            Some(v) => v.trim().parse().map_err(|_| {
                Builder::bad(
                    self,
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
