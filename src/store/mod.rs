//! Where a reset token lives and how it is checked, behind one seam: the
//! [`TokenStore`] trait. Each way an application keeps its tokens is one
//! implementation in one file: `row_columns.rs` (the README's layout: a
//! hash and an expiry on the user's row), `devise.rs` (the same columns
//! with Devise's keyed digest and send time), `laravel.rs` (a table of its
//! own, one bcrypt-hashed row per email), `django.rs` (nothing stored:
//! tokens derived from the row and the app's secret) and `allauth.rs`
//! (Django's tokens with the user's email addresses in them). `registry.rs` lists
//! them; each reads its own config section (`settings.rs` is the seam).

pub mod allauth;
pub mod better_auth;
pub mod devise;
pub mod django;
mod kind;
pub mod laravel;
pub(crate) mod lock;
pub mod recognise;
pub mod registry;
mod row_columns;
pub mod settings;
mod state;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::audit::AuditEntry;
use crate::db::{Schema, StoreColumn, Tx, UserRow};
use crate::error::{Error, Result};
use crate::token::{Token, TokenSource};
use crate::user::{Typed, User, UserId};
use lock::Locker;

pub use settings::{RowSettings, StoreSettings};
pub use state::{TokenFilter, TokenState};

/// What the token column holds (`[schema] token_storage`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TokenStorage {
    Sha256,
    Plain,
}

/// How expiries are written (`[schema] expires_format`); every form is
/// read whatever this says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize)]
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

/// A token as presented to `redeem` or `inspect --token`, with whom its
/// link names, for stores whose tokens do not say it themselves.
#[derive(Debug)]
pub struct Presented {
    pub token: Token,
    /// Laravel's `email=`, Django's uid.
    pub names: Option<String>,
    /// The user `--user` named, for a bare token.
    pub user: Option<User>,
}

impl Presented {
    pub fn bare(token: Token) -> Presented {
        Presented {
            token,
            names: None,
            user: None,
        }
    }
}

/// How a store keeps its tokens, for `doctor`.
#[derive(Debug, Clone, Serialize)]
pub struct Description {
    pub framework: &'static str,
    /// What is kept for a token: `sha256`, `plain`, `devise-hmac`,
    /// `bcrypt`, or `none`.
    pub storage: &'static str,
    /// Where: `table.column`s, or a table of its own.
    pub column: Option<String>,
    pub expires_column: Option<String>,
    pub table: Option<String>,
    /// Whether the app's secret is set, where one is needed (never its value).
    pub secret: Option<bool>,
    /// The framework's own token lifetime.
    pub lifetime: Option<String>,
    pub time_zone: Option<String>,
    /// Where it keeps tokens, in words, for `doctor`'s line.
    #[serde(skip)]
    pub kept: String,
}

/// When a token is made, and when it is meant to stop working.
#[derive(Debug, Clone, Copy)]
pub struct Lifetime {
    pub now: DateTime<Utc>,
    pub expires: DateTime<Utc>,
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
    /// The tokens it keeps, which can be taken back; or why there are
    /// none (a store that derives its tokens keeps nothing to revoke).
    fn kept(&self) -> std::result::Result<&dyn KeptTokens, &'static str>;

    /// Users per bulk batch, for a store whose tokens are slow to store
    /// (each batch holds the write lock while it is stored).
    fn bulk_batch(&self) -> Option<usize> {
        None
    }

    /// What `doctor` shows about it.
    fn describe(&self) -> Description;

    /// What keeps it from working on this database (a missing secret, a
    /// missing table), each one line.
    fn problems(&self, _tx: &Tx<'_>) -> Result<Vec<Error>> {
        Ok(Vec::new())
    }

    /// Reads a pasted token or link (the bare token, or the whole link).
    fn parse(&self, input: &str) -> Result<Presented> {
        Token::parse(input).map(Presented::bare)
    }

    /// The moment a token written to expire at `expires`, issued at
    /// `now`, stops working in the app's own code: `expires`, unless the
    /// framework counts on a wall clock that a clock change moves.
    fn effective_expiry(&self, expires: DateTime<Utc>, _now: DateTime<Utc>) -> DateTime<Utc> {
        expires
    }

    /// A token for a name that matches nobody (`--no-enumerate`), shaped
    /// like a real one and as costly to make, so that neither the answer
    /// nor the time it took tells known names from unknown ones.
    fn decoy(
        &self,
        _tx: &Tx<'_>,
        _typed: &Typed<'_>,
        _life: Lifetime,
        source: &mut TokenSource,
    ) -> Result<Token> {
        self.fresh_token(source)
    }

    /// Fresh randomness in the shape the app's tokens have: resetctl's
    /// own, unless the framework makes its tokens otherwise.
    fn fresh_token(&self, source: &mut TokenSource) -> Result<Token> {
        source.next_token()
    }

    /// For a bulk run's plan (`token/plan.rs`): draws a token from
    /// `source` as `new_token` does and gives what the store's token index
    /// orders by for it; `None` for a store whose index the token does not
    /// order.
    fn index_key(&self, _source: &mut TokenSource) -> Result<Option<Vec<u8>>> {
        Ok(None)
    }

    /// Under `--no-enumerate`, the user a printed link names: built from
    /// what was typed wherever the link would otherwise show the account
    /// (`user`, `None` for an unknown name), so that it reads the same
    /// either way. An error refuses every name alike, known or not.
    fn link_user(
        &self,
        _tx: &Tx<'_>,
        _template: &str,
        _typed: &Typed<'_>,
        user: Option<&User>,
    ) -> Result<Option<User>> {
        Ok(user.cloned())
    }

    /// The token to give `user`, valid until `expires`: fresh randomness,
    /// unless the store derives its tokens from the row.
    fn new_token(
        &self,
        _tx: &Tx<'_>,
        _user: &User,
        _life: Lifetime,
        source: &mut TokenSource,
    ) -> Result<Token> {
        self.fresh_token(source)
    }

    /// Columns of the users table it keeps tokens in: checked by every
    /// command, shown by `doctor`.
    fn user_columns(&self) -> Vec<StoreColumn<'_>>;

    /// Adds what it owns to the database (`init`); says what it added.
    fn prepare(&self, tx: &Tx<'_>) -> Result<Vec<String>>;

    /// Whether the index its token lookups need is there, if it needs one.
    fn lookup_index(&self, tx: &Tx<'_>) -> Result<Option<bool>>;

    /// Why a link template cannot carry this store's tokens, if it cannot:
    /// most need only the token in it.
    fn link_problem(&self, template: &str) -> Option<String> {
        (!template.contains("{token}")).then(|| {
            format!(
                "the link {} has no {{token}} placeholder",
                crate::text::shown(template)
            )
        })
    }

    /// The link a user is given for a token (`None`: a decoy for a name
    /// that matches nobody).
    fn link(&self, template: &str, token: &Token, user: Option<&User>) -> String;

    /// Stores tokens, each replacing its user's earlier one, with one issue
    /// entry each, in the transaction given. `tokens` may be reordered.
    fn store(&self, tx: &Tx<'_>, record: &IssueRecord, tokens: &mut [NewToken<'_>]) -> Result<()>;

    /// The state of a user's token at `now`.
    fn state(&self, tx: &Tx<'_>, user: &User, now: DateTime<Utc>) -> Result<TokenState>;

    /// Who holds a presented token, and its state at `now`.
    fn find(&self, tx: &Tx<'_>, presented: &Presented, now: DateTime<Utc>) -> Result<Option<Held>>;

    /// Writes the new password hash and uses the token up, in one
    /// statement, if the user still holds exactly that token: false when
    /// someone else got there first.
    fn consume(&self, tx: &Tx<'_>, held: &Held, password_hash: &str) -> Result<bool>;

    /// Where it locks accounts on the users table (`lock.rs`), for a
    /// store that locks there.
    fn locker(&self) -> Option<(&Locker, &Schema)> {
        None
    }

    /// `issue --lock`, in the transaction given: the user's password
    /// becomes `hash` (`password::locked_hash`: of a secret nobody knows;
    /// or, taking a lock back, what it was, `None` for no password) and
    /// the sessions the app keeps in its database end. How many session
    /// rows went; `None` where none are kept within reach.
    fn lock(
        &self,
        tx: &Tx<'_>,
        id: &UserId,
        hash: Option<&str>,
        _now: DateTime<Utc>,
    ) -> Result<Option<u64>> {
        let (locker, schema) = self
            .locker()
            .ok_or_else(|| Error::internal("this store cannot lock"))?;
        locker.lock(tx, schema, id, hash)
    }

    /// What an issue records as the password check of a user whose
    /// password fingerprint is `fingerprint`: that fingerprint, unless the
    /// store records more of the row (Django: its last login and email).
    fn recorded_check(
        &self,
        _tx: &Tx<'_>,
        _id: &UserId,
        fingerprint: &str,
    ) -> Result<Option<String>> {
        Ok(Some(fingerprint.to_string()))
    }

    /// What a lock changes, in words, for `doctor`.
    fn lock_reach(&self, tx: &Tx<'_>) -> Result<Vec<String>> {
        match self.locker() {
            Some((locker, schema)) => locker.reach(tx, schema),
            None => Ok(Vec::new()),
        }
    }

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

/// Tokens a store keeps, and so can take back.
pub trait KeptTokens {
    /// Clears a user's token; false when there was none.
    fn revoke(&self, tx: &Tx<'_>, user_id: &UserId) -> Result<bool>;

    /// Clears a user's token only if it is still `token`: one issued since
    /// by someone else is left alone.
    fn take_back(&self, tx: &Tx<'_>, user_id: &UserId, token: &Token) -> Result<bool>;

    /// Clears every token, in one statement.
    fn revoke_all(&self, tx: &Tx<'_>) -> Result<u64>;

    /// Clears tokens expired at or before `cutoff` (unreadable expiries
    /// count as long expired), and dead ones.
    fn purge(&self, tx: &Tx<'_>, cutoff: DateTime<Utc>) -> Result<u64>;

    fn count_outstanding(&self, tx: &Tx<'_>) -> Result<u64>;
}

/// The store the configuration names.
pub fn for_config(schema: &Schema, settings: &StoreSettings) -> Box<dyn TokenStore> {
    settings.framework.build(schema, &settings.row)
}
