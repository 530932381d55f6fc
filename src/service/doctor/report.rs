//! What `doctor` found, as one value: printed whole as JSON, or in words
//! (`words.rs`).

use std::collections::BTreeMap;

use serde::Serialize;

use crate::db::ColumnCheck;
use crate::store::Description;

#[derive(Serialize)]
pub struct Report {
    pub ok: bool,
    pub framework: &'static str,
    /// Under `framework = "auto"`: what the database showed.
    pub detected: Option<String>,
    /// The app's env file read (`--app-env`), and the keys of it in use.
    pub app_env: Option<AppEnvUsed>,
    pub database: Database,
    pub table: Table,
    pub token_store: Description,
    pub password: Password,
    pub link: String,
    /// Where the link's site came from, when not from `[token] link`.
    pub link_site: Option<String>,
    /// Where the app's secret came from, when from the app's own variable.
    pub secret: Option<String>,
    /// What `issue --lock` changes besides the token, once the table is
    /// found.
    pub lock: Option<Vec<String>>,
    pub email: Email,
    pub problems: Vec<Problem>,
}

#[derive(Serialize)]
pub struct AppEnvUsed {
    pub path: String,
    pub keys: Vec<&'static str>,
}

#[derive(Serialize)]
pub struct Database {
    pub path: Option<String>,
    /// The engine, its version and journal mode: `None` when the database
    /// could not be read.
    pub kind: Option<&'static str>,
    pub version: Option<String>,
    pub journal_mode: Option<String>,
    #[serde(skip)]
    pub shown: Option<String>,
    /// Why it could not be opened, if it could not.
    pub error: Option<String>,
}

#[derive(Serialize)]
pub struct Table {
    pub name: String,
    pub found: Option<bool>,
    pub columns: Vec<ColumnCheck>,
    pub audit_table: Option<bool>,
    pub token_index: Option<bool>,
}

#[derive(Serialize)]
pub struct Password {
    pub format: &'static str,
    /// `format = "auto"`: the scheme comes from the table's hashes.
    #[serde(skip)]
    pub auto: bool,
    /// The scheme `redeem` writes; `None` when it cannot be known.
    pub writes: Option<&'static str>,
    pub parameters: Option<serde_json::Value>,
    /// The same in words: `bcrypt ($2y$, cost 12)`.
    pub described: Option<String>,
    /// Under `auto`: what the sample held.
    pub sample: Option<Sample>,
}

#[derive(Serialize)]
pub struct Sample {
    pub users: usize,
    pub without_password: usize,
    pub hashes: BTreeMap<String, usize>,
    /// The most common hash found, with its parameters as stored
    /// (`redeem` never writes below the floors).
    pub most_common: Option<serde_json::Value>,
    #[serde(skip)]
    pub most_common_described: Option<String>,
}

#[derive(Serialize)]
pub struct Email {
    pub configured: bool,
    pub transport: Option<String>,
    pub tested: bool,
    pub reachable: Option<bool>,
}

#[derive(Serialize)]
pub struct Problem {
    pub code: u8,
    pub message: String,
    pub hint: Option<String>,
}
