//! What sets apart the sites that check Django's reset tokens: Django
//! itself (`framework = "django"`, here) and django-allauth (its own
//! module), whose key is Django's token with more in the hashed value, at
//! a link of its own. Everything else (the stamp, the timeout, the clock,
//! the keys, the audit) is the same, and is the Django store's.

use super::generator::{id_of_uid, uid};
use super::link;
use crate::db::Tx;
use crate::error::{Error, Result};
use crate::store::Presented;
use crate::user::UserId;

/// One kind of site built on Django's `PasswordResetTokenGenerator`.
pub trait Site {
    /// As `framework` names it.
    fn name(&self) -> &'static str;

    /// What the site appends to Django's hashed value for this user, whose
    /// row's email is `email`.
    fn extra(&self, tx: &Tx<'_>, user_id: &UserId, email: &str) -> Result<String>;

    /// The user's id as the site's link carries it.
    fn uid(&self, id: &UserId) -> String;

    /// The id a link's uid names in this database, if it names one.
    fn id_of_uid(&self, tx: &Tx<'_>, uid: &str) -> Option<UserId>;

    /// The link template with the site's own names for the placeholders
    /// (allauth's `{uidb36}` and `{key}`) read as `{uid}` and `{token}`.
    fn placeholders<'t>(&self, template: &'t str) -> std::borrow::Cow<'t, str> {
        template.into()
    }

    /// Reads a pasted link, the uid with the token, or a bare token.
    fn parse(&self, input: &str) -> Result<Presented>;

    /// What keeps the site's links from working on this database (the
    /// secret aside).
    fn problems(&self, tx: &Tx<'_>) -> Result<Vec<Error>>;

    /// Why `revoke` and `purge` have nothing to do.
    fn nothing_kept(&self) -> &'static str;

    /// What a token is derived from, for `doctor`.
    fn derived_from(&self) -> &'static str;
}

/// The table django-allauth's migrations make, by which its sites are
/// known.
pub const ALLAUTH_TABLE: &str = "account_emailaddress";

/// Django as it ships.
pub struct Plain;

/// django-allauth checks a key of its own (Django's, with the user's email
/// addresses in the hashed value) at a link of its own: every link made
/// as plain Django makes it would be refused there, so nothing is issued.
fn allauth_found() -> Error {
    Error::config(format!(
        "this database has django-allauth's table {ALLAUTH_TABLE}: allauth refuses the reset links framework = \"django\" makes"
    ))
    .with_hint("set framework = \"allauth\" in the config file: its links are the ones allauth takes")
}

impl Site for Plain {
    fn name(&self) -> &'static str {
        "django"
    }

    fn extra(&self, _tx: &Tx<'_>, _user_id: &UserId, _email: &str) -> Result<String> {
        Ok(String::new())
    }

    fn uid(&self, id: &UserId) -> String {
        uid(id)
    }

    fn id_of_uid(&self, tx: &Tx<'_>, uid: &str) -> Option<UserId> {
        id_of_uid(uid).and_then(|text| tx.id_from_text(&text))
    }

    /// The link (`/reset/UID/TOKEN/`), `UID/TOKEN`, or a bare token.
    fn parse(&self, input: &str) -> Result<Presented> {
        link::parse(input)
    }

    fn problems(&self, tx: &Tx<'_>) -> Result<Vec<Error>> {
        Ok(match tx.columns_of(ALLAUTH_TABLE)? {
            Some(_) => vec![allauth_found()],
            None => Vec::new(),
        })
    }

    fn nothing_kept(&self) -> &'static str {
        "framework = \"django\" stores no tokens, so there is nothing to revoke or purge: a Django reset link dies when the password, last login or email changes, at password_reset_timeout, or when SECRET_KEY rotates"
    }

    fn derived_from(&self) -> &'static str {
        "the user's row"
    }
}
