//! Where the database is: a SQLite file, or a PostgreSQL server named by a
//! `postgres://` or `postgresql://` URL. Shown everywhere without the
//! URL's password.

use std::fmt;
use std::path::{Path, PathBuf};

use super::postgres::PgTarget;
use crate::error::Result;

#[derive(Debug, Clone)]
pub enum Location {
    File(PathBuf),
    Postgres(PgTarget),
}

impl Location {
    /// A `--db`, `RESETCTL_DB` or `database` value. `relative_to` is the
    /// config file's folder, for a relative file path written in it.
    pub fn parse(value: &Path, relative_to: Option<&Path>) -> Result<Location> {
        if let Some(text) = value.to_str()
            && (text.starts_with("postgres://") || text.starts_with("postgresql://"))
        {
            return PgTarget::parse(text).map(Location::Postgres);
        }
        Ok(Location::File(match relative_to {
            Some(dir) => dir.join(value),
            None => value.to_path_buf(),
        }))
    }

    pub fn file(&self) -> Option<&Path> {
        match self {
            Location::File(p) => Some(p),
            Location::Postgres(_) => None,
        }
    }
}

/// The path, or the URL without its password: what every message shows.
impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Location::File(p) => write!(f, "{}", p.display()),
            Location::Postgres(t) => write!(f, "{t}"),
        }
    }
}
