//! What the registry knows of a store: its name, its config section and
//! how it reads it. Each store declares its own `KIND`.

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
    /// How its apps' databases look, for `framework = "auto"`.
    pub recognise: super::recognise::Recognise,
}

/// How a store reads its section.
pub type Configure = fn(
    Option<toml::de::ValueDeserializer<'_>>,
    &mut dyn SectionReader,
) -> Result<Arc<dyn StoreConfig>>;
