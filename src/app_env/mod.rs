//! The app's own env file (`--app-env`).

use std::path::{Path, PathBuf};

use crate::db::Location;
use crate::error::Result;
use crate::secret::Secret;

pub struct AppEnv {
    pub path: PathBuf,
    pub database: Option<Sourced<Location>>,
    pub site: Option<Sourced<String>>,
    pub mail_transport: Option<Sourced<Secret>>,
    pub mail_from: Option<Sourced<String>>,
    pub secret_key_base: Option<Sourced<Secret>>,
}

pub struct Sourced<T> {
    pub value: T,
    pub keys: Vec<&'static str>,
}

impl AppEnv {
    pub fn read(path: &Path) -> Result<AppEnv> {
        Ok(AppEnv {
            path: path.to_path_buf(),
            database: None,
            site: None,
            mail_transport: None,
            mail_from: None,
            secret_key_base: None,
        })
    }

    pub fn keys_used(&self) -> Vec<&'static str> {
        Vec::new()
    }
}
