//! The config file as written: every section and key the README lists,
//! read by serde (which refuses unknown keys and matches every choice of
//! words). A token store's own section (`[devise]`...) is taken out first,
//! with its place in the file, for the store to read.

use std::path::{Path, PathBuf};

use serde::Deserialize;
use toml::Spanned;
use toml::de::{DeTable, DeValue};

use crate::error::Result;

use crate::password::{BcryptPrefix, Format};
use crate::store::{ExpiresFormat, TokenStorage};

/// A store's own section: its name, and its value with where it stands.
pub type StoreSection<'i> = (&'static str, Spanned<DeValue<'i>>);

/// The file's text, read: resetctl's own sections, and each store
/// section it has.
pub fn read<'i>(path: &Path, text: &'i str) -> Result<(FileConfig, Vec<StoreSection<'i>>)> {
    let malformed = |e: toml::de::Error| super::toml_error::parse_error(path, text, &e);
    let mut root = DeTable::parse(text).map_err(malformed)?;
    let sections = crate::store::registry::STORES
        .iter()
        .filter_map(|kind| kind.section)
        .filter_map(|name| root.get_mut().remove(name).map(|v| (name, v)))
        .collect();
    let file = FileConfig::deserialize(toml::de::Deserializer::from(root)).map_err(malformed)?;
    Ok((file, sections))
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileConfig {
    pub framework: Option<String>,
    pub database: Option<PathBuf>,
    pub app_env: Option<PathBuf>,
    pub busy_timeout: Option<String>,
    #[serde(default)]
    pub schema: FileSchema,
    pub sessions: Option<FileSessions>,
    #[serde(default)]
    pub token: FileToken,
    #[serde(default)]
    pub limits: FileLimits,
    #[serde(default)]
    pub password: FilePassword,
    #[serde(default)]
    pub email: FileEmail,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileSchema {
    pub table: Option<String>,
    pub id: Option<String>,
    pub username: Option<String>,
    pub email: Option<String>,
    pub password: Option<String>,
    pub token: Option<String>,
    pub expires: Option<String>,
    pub expires_format: Option<ExpiresFormat>,
    pub token_storage: Option<TokenStorage>,
}

/// `[sessions]`: where the app keeps sessions, for `issue --lock`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileSessions {
    pub table: String,
    pub user_column: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileToken {
    pub ttl: Option<String>,
    pub max_ttl: Option<String>,
    pub link: Option<String>,
    pub base_url: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileLimits {
    pub issue: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FilePassword {
    pub min_length: Option<usize>,
    pub max_length: Option<usize>,
    pub format: Option<Format>,
    pub argon2: Option<FileArgon2>,
    pub bcrypt: Option<FileBcrypt>,
    pub pbkdf2: Option<FilePbkdf2>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileArgon2 {
    pub m_cost: Option<u32>,
    pub t_cost: Option<u32>,
    pub p_cost: Option<u32>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileBcrypt {
    pub cost: Option<u32>,
    pub prefix: Option<BcryptPrefix>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FilePbkdf2 {
    pub iterations: Option<u32>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileEmail {
    pub transport: Option<String>,
    pub from: Option<String>,
    pub subject: Option<String>,
    pub template: Option<PathBuf>,
    pub html_template: Option<PathBuf>,
    pub ca_cert: Option<PathBuf>,
    pub timeout: Option<String>,
}
