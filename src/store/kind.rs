//! What the registry knows of a store: its name, its config section and
//! how it reads it. Each store declares its own `KIND`.

use std::sync::Arc;

use super::settings::{SectionReader, StoreConfig};
use crate::db::Catalog;
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
    pub recognise: Recognise,
}

/// How a store reads its section.
pub type Configure = fn(
    Option<toml::de::ValueDeserializer<'_>>,
    &mut dyn SectionReader,
) -> Result<Arc<dyn StoreConfig>>;

/// What a store saw of its app in a database.
#[derive(Debug, Clone, Default)]
pub struct Found {
    /// The tables and columns it went by, in words: what `doctor` shows.
    pub evidence: String,
    /// Keys of the store's own section that follow from what was found
    /// (`[laravel] table`), laid under the config file's.
    pub settings: Vec<(&'static str, String)>,
    /// A query for the host the app's links use, where the app keeps it
    /// as data (Django's sites framework).
    pub site_query: Option<&'static str>,
    /// What the database leaves open that only the app's config knows,
    /// and the key that settles it: 78 unless the config file says.
    pub unsettled: Option<(String, &'static str)>,
}

/// How a store recognises its apps' databases.
pub type Recognise = fn(&Catalog, &Hints) -> Option<Found>;

/// What the config file maps, which a layout of columns on the users
/// table is recognised by.
#[derive(Debug, Clone)]
pub struct Hints {
    pub table: String,
    pub password: String,
}
