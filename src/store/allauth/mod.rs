//! Django sites with django-allauth: nothing is stored. allauth's reset
//! key is Django's token (the Django store makes and checks it) with the
//! user's email addresses, the row's and `account_emailaddress`'s, sorted,
//! added to the hashed value, so that adding, removing or changing one
//! kills it; its link carries the user's id in base 36.

mod link;
mod settings;

pub use settings::KIND;

use std::cell::OnceCell;
use std::collections::BTreeSet;

use super::Presented;
use super::django::{ALLAUTH_TABLE, Site, base36, from_base36};
use crate::db::{Ident, Tx};
use crate::error::{Error, Result};
use crate::user::{IdKind, UserId};

pub const DEFAULT_LINK: &str = "https://example.com/accounts/password/reset/key/{uid}-{token}/";

/// allauth, as its `EmailAwarePasswordResetTokenGenerator` and
/// `user_pk_to_url_str` (integer keys) make its keys and links.
#[derive(Default)]
pub struct Allauth {
    /// The statement reading a user's addresses, built at first use.
    addresses: OnceCell<String>,
}

/// 78: without allauth's table no key can be made as allauth makes it.
fn no_table() -> Error {
    Error::config(format!(
        "framework = \"allauth\" reads the users' email addresses from django-allauth's table {ALLAUTH_TABLE}, which this database does not have"
    ))
    .with_hint("run the site's migrations with allauth.account installed, or set framework = \"django\" for a site without django-allauth")
}

impl Allauth {
    fn addresses_sql(&self, tx: &Tx<'_>) -> &str {
        self.addresses.get_or_init(|| {
            format!(
                "SELECT {} FROM {} WHERE {} = ?1",
                tx.q(&Ident::known("email")),
                tx.q(&Ident::known(ALLAUTH_TABLE)),
                tx.q(&Ident::known("user_id"))
            )
        })
    }
}

/// The row's email (when it has one) and the addresses, each once,
/// sorted, joined by `|`.
fn joined(email: &str, addresses: Vec<String>) -> String {
    let mut emails: BTreeSet<String> = addresses.into_iter().collect();
    if !email.is_empty() {
        emails.insert(email.to_string());
    }
    emails.into_iter().collect::<Vec<_>>().join("|")
}

/// allauth's `url_str_to_user_pk`, where the users table keys with `kind`.
fn id_of_url_str(kind: IdKind, uid: &str) -> Option<UserId> {
    match kind {
        IdKind::Integer => from_base36(&uid.to_ascii_lowercase()).map(UserId::Int),
        _ => UserId::parse(kind, uid),
    }
}

impl Site for Allauth {
    fn name(&self) -> &'static str {
        "allauth"
    }

    /// `_make_hash_value`'s addition: the row's email (when it has one) and
    /// every address the user has, each once, sorted as Python sorts
    /// strings (by code point, which is UTF-8's byte order), joined by `|`.
    fn extra(&self, tx: &Tx<'_>, user_id: &UserId, email: &str) -> Result<String> {
        let mut addresses = Vec::new();
        tx.each(self.addresses_sql(tx), &[user_id.into()], &mut |r| {
            addresses.push(r.opt_text(0)?.unwrap_or_default());
            Ok(())
        })?;
        Ok(joined(email, addresses))
    }

    /// `user_pk_to_url_str`: `int_to_base36` of an integer key, a UUID's
    /// 32 hex digits, any other key as its text.
    fn uid(&self, id: &UserId) -> String {
        match id {
            UserId::Int(n) => base36(*n),
            other => {
                let text = other.text();
                match crate::user_id::uuid_bytes(&text) {
                    Some(b) => hex::encode(b),
                    None => text,
                }
            }
        }
    }

    /// `url_str_to_user_pk`: `base36_to_int` (either case) where keys are
    /// integers, the text itself (a UUID's hex) elsewhere.
    fn id_of_uid(&self, tx: &Tx<'_>, uid: &str) -> Option<UserId> {
        id_of_url_str(tx.id_kind(), uid)
    }

    /// allauth's own names, as its URL pattern has them, are taken too.
    fn placeholders<'t>(&self, template: &'t str) -> std::borrow::Cow<'t, str> {
        if template.contains("{uidb36}") || template.contains("{key}") {
            template
                .replace("{uidb36}", "{uid}")
                .replace("{key}", "{token}")
                .into()
        } else {
            template.into()
        }
    }

    fn parse(&self, input: &str) -> Result<Presented> {
        link::parse(input)
    }

    fn problems(&self, tx: &Tx<'_>) -> Result<Vec<Error>> {
        Ok(match tx.columns_of(ALLAUTH_TABLE)? {
            Some(_) => Vec::new(),
            None => vec![no_table()],
        })
    }

    fn nothing_kept(&self) -> &'static str {
        "framework = \"allauth\" stores no tokens, so there is nothing to revoke or purge: an allauth reset link dies when the password, last login or one of the user's email addresses changes, at password_reset_timeout, or when SECRET_KEY rotates"
    }

    fn derived_from(&self) -> &'static str {
        "the user's row and their addresses in account_emailaddress"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// As allauth 65.22's `_make_hash_value` ends for these addresses.
    #[test]
    fn addresses_once_each_sorted_by_code_point() {
        let rows = ["alice@example.com", "Zed@example.com", "bob@example.com"];
        assert_eq!(
            joined("alice@example.com", rows.map(String::from).to_vec()),
            "Zed@example.com|alice@example.com|bob@example.com"
        );
        assert_eq!(joined("", Vec::new()), "");
        assert_eq!(joined("", vec!["b@x".into(), "a@x".into()]), "a@x|b@x");
    }

    #[test]
    fn uids_are_base_36_either_case() {
        let a = Allauth::default();
        assert_eq!(a.uid(&UserId::Int(1)), "1");
        assert_eq!(a.uid(&UserId::Int(46_655)), "zzz");
        assert_eq!(
            id_of_url_str(IdKind::Integer, "ZZZ"),
            Some(UserId::Int(46_655))
        );
        assert_eq!(id_of_url_str(IdKind::Integer, "!"), None);
    }

    /// A UUID key travels as its 32 hex digits, and comes back whole.
    #[test]
    fn uuid_keys_travel_as_hex() {
        let id = UserId::Text("0b1c2d3e-4f50-4172-8394-a5b6c7d8e9f0".into());
        let uid = Allauth::default().uid(&id);
        assert_eq!(uid, "0b1c2d3e4f5041728394a5b6c7d8e9f0");
        assert_eq!(id_of_url_str(IdKind::Uuid, &uid), Some(id));
        assert_eq!(
            id_of_url_str(IdKind::Text, "user_abc"),
            Some(UserId::Text("user_abc".into()))
        );
    }
}
