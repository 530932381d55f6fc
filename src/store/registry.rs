//! Every token store resetctl has, as the config file's `framework` names
//! it. A new store is a module of its own plus one line here: config,
//! `doctor` and the error messages read this table.

use std::sync::Arc;

use super::settings::{SectionReader, StoreConfig};
use crate::error::Result;

/// One kind of store.
pub struct StoreKind {
    /// `framework = "..."`.
    pub name: &'static str,
    /// Its own section of the config file (`[devise]`), if it has one.
    pub section: Option<&'static str>,
    /// Keys of that section whose values may be secrets: never shown in
    /// any message.
    pub secret_keys: &'static [&'static str],
    /// Reads the section (`None` when the file has none) into settings.
    pub configure: Configure,
}

/// How a store reads its section.
pub type Configure = fn(
    Option<toml::de::ValueDeserializer<'_>>,
    &mut dyn SectionReader,
) -> Result<Arc<dyn StoreConfig>>;

pub const STORES: [StoreKind; 4] = [
    super::row_columns::KIND,
    super::devise::KIND,
    super::laravel::KIND,
    super::django::KIND,
];

/// The store `framework = name` names.
pub fn find(name: &str) -> Option<&'static StoreKind> {
    STORES.iter().find(|k| k.name == name)
}

/// Their names, as a message lists the choices: `none, devise, ...`.
pub fn names() -> String {
    STORES.iter().map(|k| k.name).collect::<Vec<_>>().join(", ")
}

/// The README's layout, when nothing else is named.
pub fn default_config() -> Arc<dyn StoreConfig> {
    super::row_columns::config()
}
