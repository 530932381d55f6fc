//! Every token store resetctl has, as the config file's `framework` names
//! it. A new store is a module of its own plus one line here: config,
//! `doctor` and the error messages read this table.

use std::sync::Arc;

pub use super::kind::StoreKind;
use super::settings::StoreConfig;

pub const STORES: &[StoreKind] = &[
    super::row_columns::KIND,
    super::devise::KIND,
    super::laravel::KIND,
    super::django::KIND,
    super::allauth::KIND,
    super::better_auth::KIND,
];

/// The store `framework = name` names.
pub fn find(name: &str) -> Option<&'static StoreKind> {
    STORES.iter().find(|k| k.name == name)
}

/// Their names, as a message lists the choices: `none, devise, ...`.
pub fn names() -> String {
    STORES.iter().map(|k| k.name).collect::<Vec<_>>().join(", ")
}

/// The README's layout: `framework = "none"`.
pub fn default_kind() -> &'static StoreKind {
    &STORES[0]
}

/// The README's layout, when nothing else is named.
pub fn default_config() -> Arc<dyn StoreConfig> {
    super::row_columns::config()
}
