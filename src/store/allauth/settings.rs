//! `framework = "allauth"`: the same `[django]` section as a Django site
//! (allauth's key is made with Django's `SECRET_KEY`, timeout and clock),
//! with allauth's link.

use std::sync::Arc;

use super::{Allauth, DEFAULT_LINK};
use crate::db::Schema;
use crate::error::Result;
use crate::store::TokenStore;
use crate::store::django::{Django, DjangoSettings, read_section};
use crate::store::kind::StoreKind;
use crate::store::settings::{Defaults, RowSettings, SectionReader, StoreConfig};

use crate::store::kind::{Found, Hints};

pub const KIND: StoreKind = StoreKind {
    name: "allauth",
    section: Some("django"),
    secret_keys: &["secret_key", "secret_key_fallbacks"],
    configure,
    recognise,
};

/// Django's `auth_user` with allauth's `account_emailaddress`.
fn recognise(c: &crate::db::Catalog, _: &Hints) -> Option<Found> {
    if !c.has(
        "account_emailaddress",
        &["email", "user_id", "verified", "primary"],
    ) {
        return None;
    }
    crate::store::django::settings::auth_user(c, "tables auth_user and account_emailaddress")
}

/// `[django]`, read for an allauth site.
#[derive(Debug, Clone)]
struct AllauthSettings(DjangoSettings);

fn configure(
    section: Option<toml::de::ValueDeserializer<'_>>,
    r: &mut dyn SectionReader,
) -> Result<Arc<dyn StoreConfig>> {
    Ok(Arc::new(AllauthSettings(read_section(section, r)?)))
}

impl StoreConfig for AllauthSettings {
    fn name(&self) -> &'static str {
        "allauth"
    }

    fn section(&self) -> Vec<crate::store::settings::SectionKey> {
        self.0.keys()
    }

    /// Django's tables and password scheme; allauth's link.
    fn defaults(&self) -> Defaults {
        Defaults {
            link: DEFAULT_LINK.into(),
            ..self.0.defaults()
        }
    }

    fn build(&self, schema: &Schema, _row: &RowSettings) -> Box<dyn TokenStore> {
        Box::new(Django::for_site(
            schema,
            &self.0,
            Box::new(Allauth::default()),
        ))
    }
}
