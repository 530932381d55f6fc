//! Which app made a database, from its tables and columns alone (one
//! catalogue query): what `framework = "auto"` settles on. Each store
//! says how its apps' databases look (`StoreKind::recognise`); apps
//! resetctl cannot serve yet are named by `unsupported.rs`, so their
//! databases are refused rather than misread.

mod unsupported;

pub use super::kind::{Found, Hints, Recognise};
use super::registry::{self, StoreKind};
use crate::db::{AUDIT_TABLE, Catalog};
use crate::error::{Error, Result};

/// The store a database calls for, and why.
pub struct Detection {
    pub kind: &'static StoreKind,
    pub found: Found,
}

/// The one store whose app made the database. An empty database is the
/// default layout's; two apps, an app resetctl cannot serve, or none it
/// knows is 78, naming what was found and the key to set.
pub fn recognise(catalog: &Catalog, hints: &Hints) -> Result<Detection> {
    let default = registry::default_kind();
    if catalog.is_empty_besides(&[AUDIT_TABLE]) {
        let evidence = "an empty database, which resetctl lays out itself".to_string();
        return Ok(Detection {
            kind: default,
            found: Found {
                evidence,
                ..Found::default()
            },
        });
    }
    let mut matches: Vec<Detection> = registry::STORES
        .iter()
        .filter_map(|kind| (kind.recognise)(catalog, hints).map(|found| Detection { kind, found }))
        .collect();
    match matches.len() {
        1 => return settled(matches.remove(0)),
        0 => {}
        _ => return Err(ambiguous(&matches)),
    }
    if let Some(why) = unsupported::app(catalog) {
        return Err(Error::config(format!(
            "this database looks like {why}; resetctl cannot serve that app yet, so it changed nothing"
        )));
    }
    // A users table of no app resetctl knows: the default layout, whose
    // checks name the column it lacks.
    if catalog.table(&hints.table).is_some() {
        return Ok(Detection {
            kind: default,
            found: Found {
                evidence: format!("table {}, of no app resetctl knows", hints.table),
                ..Found::default()
            },
        });
    }
    Err(unknown(catalog, hints))
}

fn settled(d: Detection) -> Result<Detection> {
    match &d.found.unsettled {
        None => Ok(d),
        Some((why, key)) => Err(Error::config(format!(
            "this database looks like {}'s, but {why}",
            d.kind.name
        ))
        .with_hint(format!(
            "set framework = \"{}\" and {key} in a config file (--config)",
            d.kind.name
        ))),
    }
}

fn ambiguous(matches: &[Detection]) -> Error {
    let seen: Vec<String> = matches
        .iter()
        .map(|d| format!("{} ({})", d.kind.name, d.found.evidence))
        .collect();
    let names: Vec<String> = matches
        .iter()
        .map(|d| format!("\"{}\"", d.kind.name))
        .collect();
    Error::config(format!(
        "this database fits more than one app: {}",
        seen.join("; ")
    ))
    .with_hint(format!(
        "set framework = {} in a config file (--config)",
        names.join(" or ")
    ))
}

fn unknown(catalog: &Catalog, hints: &Hints) -> Error {
    const SHOWN: usize = 8;
    let tables: Vec<&str> = catalog.tables().collect();
    let mut list = tables
        .iter()
        .take(SHOWN)
        .copied()
        .collect::<Vec<_>>()
        .join(", ");
    if tables.len() > SHOWN {
        list.push_str(&format!(" and {} more", tables.len() - SHOWN));
    }
    Error::config(format!(
        "no app resetctl knows made this database (tables: {list}), and it has no table {}",
        hints.table
    ))
    .with_hint(format!(
        "set framework = one of {} in a config file (--config), or map [schema] table to the users table",
        registry::names()
    ))
}

#[cfg(test)]
mod tests;
