//! An application's secret (Rails' `secret_key_base`, Django's
//! `SECRET_KEY`, a pepper): read from `RESETCTL_APP_SECRET`, the config
//! file, or a file it names, wiped from memory when dropped, and never
//! shown: its `Debug` says only that there is one.

use std::path::Path;

use zeroize::Zeroizing;

use crate::error::{Error, Result};

/// Where an application's secret comes from first, before the config file.
pub const APP_SECRET_ENV: &str = "RESETCTL_APP_SECRET";

#[derive(Clone)]
pub struct Secret(Zeroizing<String>);

impl Secret {
    pub fn new(value: &str) -> Secret {
        Secret(Zeroizing::new(value.to_string()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }

    /// The app's secret: `RESETCTL_APP_SECRET` if set, else the config
    /// file's value, else the first line of the file it names. `key` names
    /// the config key for messages; nothing of the secret is ever in them.
    pub fn load(
        key: &str,
        in_file: Option<&str>,
        secret_file: Option<&Path>,
    ) -> Result<Option<Secret>> {
        if let Ok(v) = std::env::var(APP_SECRET_ENV)
            && !v.is_empty()
        {
            return Ok(Some(Secret::new(&v)));
        }
        if let Some(v) = in_file.filter(|v| !v.is_empty()) {
            return Ok(Some(Secret::new(v)));
        }
        let Some(path) = secret_file else {
            return Ok(None);
        };
        let text = Zeroizing::new(std::fs::read_to_string(path).map_err(|e| {
            Error::config(format!(
                "{key}: secret_file {} cannot be read: {}",
                path.display(),
                e.kind()
            ))
        })?);
        let first = text.lines().next().unwrap_or("").trim();
        if first.is_empty() {
            return Err(Error::config(format!(
                "{key}: secret_file {} is empty",
                path.display()
            )));
        }
        Ok(Some(Secret::new(first)))
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(<set>)")
    }
}
