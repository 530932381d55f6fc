//! The `framework` key: which token store the registry names, its own
//! section read by the store itself, and the defaults of `[schema]`, the
//! link, the token lifetime and `[password]` that its apps use. The
//! framework is settled first, so every other section overrides these.

use std::path::PathBuf;
use std::sync::Arc;

use chrono::TimeDelta;
use chrono_tz::Tz;
use toml::Spanned;
use toml::de::{DeValue, ValueDeserializer};

use super::Builder;
use super::file::{FileConfig, StoreSection};
use crate::db::Schema;
use crate::error::{Error, Result};
use crate::secret::Secret;
use crate::store::recognise::Found;
use crate::store::registry::{self, StoreKind};
use crate::store::settings::{SectionReader, StoreConfig, toml_text};

/// `framework = "auto"`: recognise the app from its database.
pub const AUTO: &str = "auto";

/// The longest lifetime a framework setting may give a token.
const MAX_LIFETIME: TimeDelta = TimeDelta::days(365);

impl Builder<'_> {
    /// Settles the framework and lays its defaults under everything else.
    pub(super) fn framework(
        &mut self,
        file: &FileConfig,
        sections: Vec<StoreSection<'_>>,
    ) -> Result<Schema> {
        let name = file.framework.as_deref();
        let (kind, found) = match name {
            None => self.unnamed(&file.schema)?,
            Some(AUTO) => self.detect(&file.schema)?,
            Some(name) => (self.named(name)?, Found::default()),
        };
        // What the database showed of the app's own settings lies under
        // the file's section.
        let text = found_section(&found);
        let mut sections = sections;
        if let (Some(section), Some(text)) = (kind.section, &text) {
            let found = DeValue::parse(text).map_err(|e| self.malformed(e))?;
            merge_found(&mut sections, section, found);
        }
        let config = self.configure(kind, sections)?;
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
        self.site_query = found.site_query;
        Ok(d.schema)
    }

    /// Every section present is read by its store, so a bad value is
    /// named as such before a section of another framework is.
    fn configure(
        &mut self,
        kind: &'static StoreKind,
        sections: Vec<StoreSection<'_>>,
    ) -> Result<Arc<dyn StoreConfig>> {
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
        match own {
            Some(c) => Ok(c),
            None => (kind.configure)(None, self),
        }
    }

    fn named(&self, name: &str) -> Result<&'static StoreKind> {
        registry::find(name).ok_or_else(|| {
            self.bad(
                "framework",
                format!(
                    "{} is not one of auto, {}",
                    crate::text::shown(name),
                    registry::names()
                ),
            )
        })
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

    fn app_secret(&mut self, name: &'static str) -> Option<Secret> {
        if let Ok(v) = std::env::var(name)
            && !v.is_empty()
        {
            self.cfg.origin.secret = Some(format!("{name} in the environment"));
            return Some(Secret::new(&v));
        }
        let app = self.app?;
        let secret = app
            .secret_key_base
            .as_ref()
            .filter(|s| s.keys.contains(&name))?;
        self.cfg.origin.secret = Some(format!("{name} in {}", app.path.display()));
        self.cfg.origin.from_app.push("secret");
        Some(secret.value.clone())
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

/// The store section's keys that follow from the database, as TOML.
fn found_section(found: &Found) -> Option<String> {
    if found.settings.is_empty() {
        return None;
    }
    let keys: Vec<String> = found
        .settings
        .iter()
        .map(|(k, v)| format!("{k} = {}", toml_text(v)))
        .collect();
    Some(format!("{{ {} }}", keys.join(", ")))
}

/// `found` as the store's section, under the file's if it has one.
fn merge_found<'i>(
    sections: &mut Vec<StoreSection<'i>>,
    section: &'static str,
    found: Spanned<DeValue<'i>>,
) {
    let merged = match sections.iter().position(|(s, _)| *s == section) {
        Some(i) => with_defaults(sections.remove(i).1, found),
        None => found,
    };
    sections.push((section, merged));
}

/// The file's section, with `found`'s keys where the file has none.
fn with_defaults<'i>(
    file: Spanned<DeValue<'i>>,
    found: Spanned<DeValue<'i>>,
) -> Spanned<DeValue<'i>> {
    let (span, mut value) = (file.span(), file.into_inner());
    if let (DeValue::Table(table), DeValue::Table(defaults)) = (&mut value, found.into_inner()) {
        for (k, v) in defaults {
            if !table.contains_key(&k) {
                table.insert(k, v);
            }
        }
    }
    Spanned::new(span, value)
}
