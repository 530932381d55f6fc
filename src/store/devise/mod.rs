//! Rails apps with Devise (Recoverable): the row keeps Devise's keyed
//! digest of the token and the time it was issued, and a token lives
//! `reset_password_within` from then. The key is derived from the app's
//! secret as Devise's own key generator does (ActiveSupport's
//! KeyGenerator: PBKDF2-HMAC, 65,536 rounds, 64 bytes, salt "Devise
//! reset_password_token"), once per run.

pub mod key;

use chrono::TimeDelta;

pub use self::key::{Key, KeyDigest};
use super::row_columns::{Digest, Form, RowColumns, TimeColumn};
use crate::db::{Ident, Schema};
use crate::secret::Secret;

pub const DEFAULT_LINK: &str =
    "https://example.com/users/password/edit?reset_password_token={token}";

/// `[devise]`.
#[derive(Debug, Clone)]
pub struct DeviseSettings {
    /// `Devise.secret_key` if the app sets one, else `secret_key_base`.
    pub secret: Option<Secret>,
    pub key_digest: KeyDigest,
    /// Devise's `config.reset_password_within`.
    pub within: TimeDelta,
}

impl Default for DeviseSettings {
    fn default() -> Self {
        DeviseSettings {
            secret: None,
            key_digest: KeyDigest::Sha1,
            within: TimeDelta::hours(6),
        }
    }
}

/// Devise's schema: `users` with `email`, `encrypted_password`, and the
/// token and issue time in `reset_password_token` and
/// `reset_password_sent_at`; no usernames.
pub fn schema() -> Schema {
    Schema {
        username: None,
        password: Ident::known("encrypted_password"),
        token: Ident::known("reset_password_token"),
        expires: Ident::known("reset_password_sent_at"),
        ..Schema::default()
    }
}

pub fn store(schema: &Schema, settings: &DeviseSettings) -> RowColumns {
    RowColumns::with(
        schema,
        Digest::Keyed(Key::new(settings.secret.clone(), settings.key_digest)),
        TimeColumn::SentAt {
            within: settings.within,
        },
        Form::Devise,
    )
}
