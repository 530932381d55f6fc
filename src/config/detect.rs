//! `framework = "auto"`: the store the app's database calls for, read
//! from its catalogue once, before the rest of the file is laid over it.

use super::Builder;
use super::file::FileSchema;
use crate::db::{Catalog, Ident, app_name};
use crate::error::Result;
use crate::store::recognise::{self, Found, Hints};
use crate::store::registry::{self, StoreKind};

impl Builder<'_> {
    /// With no `framework` named, the store to use: a file that maps the
    /// default layout's table or token columns was written for it, and
    /// keeps it; otherwise the app is recognised.
    pub(super) fn unnamed(&mut self, schema: &FileSchema) -> Result<(&'static StoreKind, Found)> {
        let maps_layout = schema.table.is_some()
            || schema.token.is_some()
            || schema.expires.is_some()
            || schema.token_storage.is_some()
            || schema.expires_format.is_some();
        if !maps_layout {
            return self.detect(schema);
        }
        self.cfg.origin.detected =
            Some("kept: the config file maps [schema] and names no framework".into());
        Ok((registry::default_kind(), Found::default()))
    }

    /// Recognises the app; with no database to look at, the default
    /// layout (every command then asks for one).
    pub(super) fn detect(&mut self, schema: &FileSchema) -> Result<(&'static StoreKind, Found)> {
        let Some(at) = &self.cfg.database else {
            self.cfg.origin.detected = Some("no database to recognise an app by".into());
            return Ok((registry::default_kind(), Found::default()));
        };
        let d = registry::default_config().defaults().schema;
        let name = |key: &str, given: &Option<String>, default: &Ident| match given {
            None => Ok(default.name().to_string()),
            Some(v) => app_name(key, v)
                .map(|i| i.name().to_string())
                .map_err(|e| self.bad(key, e.message)),
        };
        let hints = Hints {
            table: name("schema.table", &schema.table, &d.table)?,
            password: name("schema.password", &schema.password, &d.password)?,
        };
        let catalog = Catalog::read(at, self.cfg.busy_timeout)?;
        let detection = recognise::recognise(&catalog, &hints)?;
        self.cfg.origin.detected = Some(format!("recognised by {}", detection.found.evidence));
        self.catalog = Some(catalog);
        Ok((detection.kind, detection.found))
    }
}
