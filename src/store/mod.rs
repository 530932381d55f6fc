//! Where a reset token lives and how it is checked, behind one seam: the
//! [`TokenStore`] trait. Each way an application keeps its tokens is one
//! implementation in one file; today's is `row_columns.rs` (a hash or the
//! token itself, and an expiry, in two columns of the user's row). A store
//! that keeps a keyed digest on the row, one with its own table, or one
//! that keeps nothing (tokens derived from the row and a secret) each
//! land beside it, picked by `for_config`.

mod row_columns;
mod state;

use chrono::{DateTime, Utc};
use serde::Deserialize;

use crate::audit::AuditEntry;
use crate::db::{StoreColumn, Tx, UserRow};
use crate::error::Result;
use crate::token::Token;
use crate::user::User;

pub use state::{TokenFilter, TokenState};

/// What the token column holds (`[schema] token_storage`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TokenStorage {
    Sha256,
    Plain,
}

/// How expiries are written (`[schema] expires_format`); every form is
/// read whatever this says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ExpiresFormat {
    /// `2026-11-21T11:00:00Z`
    Rfc3339,
    /// `2026-11-21 11:00:00`, SQLite's own form, UTC
    Sqlite,
    /// integer Unix seconds
    Unix,
    /// integer Unix milliseconds
    UnixMs,
}

/// What a store is built from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StoreSettings {
    pub storage: TokenStorage,
    pub expires_format: ExpiresFormat,
}

impl Default for StoreSettings {
    fn default() -> Self {
        StoreSettings {
            storage: TokenStorage::Sha256,
            expires_format: ExpiresFormat::Rfc3339,
        }
    }
}

/// What a store can do beyond issuing and redeeming. A store that keeps
/// nothing can neither revoke a token nor list them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Capabilities {
    pub revoke: bool,
    pub list: bool,
}

/// What an issue shares across the tokens it stores: the audit entry each
/// gets (completed per user) and the expiry.
pub struct IssueRecord {
    pub audit: AuditEntry,
    pub expires: DateTime<Utc>,
}

/// One token to store.
pub struct NewToken<'a> {
    pub user: &'a User,
    /// The password fingerprint the token is issued against.
    pub password_check: &'a str,
    pub token: &'a Token,
}

/// The user a presented token belongs to, and its state.
pub struct Held {
    pub user: UserRow,
    pub state: TokenState,
    /// What the store needs to use this very token up (and no other).
    key: String,
}

pub trait TokenStore {
    fn capabilities(&self) -> Capabilities;

    /// Columns of the users table it keeps tokens in: checked by every
    /// command, shown by `doctor`.
    fn user_columns(&self) -> Vec<StoreColumn<'_>>;

    /// Adds what it owns to the database (`init`); says what it added.
    fn prepare(&self, tx: &Tx<'_>) -> Result<Vec<String>>;

    /// Whether the index its token lookups need is there, if it needs one.
    fn lookup_index(&self, tx: &Tx<'_>) -> Result<Option<bool>>;

    /// Why a link template cannot carry this store's tokens, if it cannot.
    fn link_problem(&self, template: &str) -> Option<String>;

    /// The link a user is given for a token (`None`: a decoy for a name
    /// that matches nobody).
    fn link(&self, template: &str, token: &Token, user: Option<&User>) -> String;

    /// Stores tokens, each replacing its user's earlier one, with one issue
    /// entry each, in the transaction given. `tokens` may be reordered.
    fn store(&self, tx: &Tx<'_>, record: &IssueRecord, tokens: &mut [NewToken<'_>]) -> Result<()>;

    /// The state of a user's token at `now`.
    fn state(&self, tx: &Tx<'_>, user: &User, now: DateTime<Utc>) -> Result<TokenState>;

    /// Who holds a presented token, and its state at `now`.
    fn find(&self, tx: &Tx<'_>, token: &Token, now: DateTime<Utc>) -> Result<Option<Held>>;

    /// Writes the new password hash and uses the token up, in one
    /// statement, if the user still holds exactly that token: false when
    /// someone else got there first.
    fn consume(&self, tx: &Tx<'_>, held: &Held, password_hash: &str) -> Result<bool>;

    /// Clears a user's token; false when there was none.
    fn revoke(&self, tx: &Tx<'_>, user_id: i64) -> Result<bool>;

    /// Clears a user's token only if it is still `token`: one issued since
    /// by someone else is left alone.
    fn take_back(&self, tx: &Tx<'_>, user_id: i64, token: &Token) -> Result<bool>;

    /// Clears every token, in one statement.
    fn revoke_all(&self, tx: &Tx<'_>) -> Result<u64>;

    /// Clears tokens expired at or before `cutoff` (unreadable expiries
    /// count as long expired), and dead ones.
    fn purge(&self, tx: &Tx<'_>, cutoff: DateTime<Utc>) -> Result<u64>;

    fn count_outstanding(&self, tx: &Tx<'_>) -> Result<u64>;

    /// Calls `f` for each outstanding token, in user id order, without
    /// collecting. Returns how many rows were left out for an id that is
    /// not an integer.
    fn each_outstanding(
        &self,
        tx: &Tx<'_>,
        filter: TokenFilter,
        now: DateTime<Utc>,
        f: &mut dyn FnMut(&User, TokenState) -> Result<()>,
    ) -> Result<u64>;
}

/// The store the configuration names.
pub fn for_config(schema: &crate::db::Schema, settings: StoreSettings) -> Box<dyn TokenStore> {
    Box::new(row_columns::RowColumns::new(schema, settings))
}
