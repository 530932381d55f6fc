//! `framework = "better-auth"` in the registry: its `[better_auth]`
//! section, and what a Better Auth app uses under the rest of the config
//! file (its `user` table, the password in the credential account, its
//! scrypt hash, its link and its token lifetime).

use std::sync::Arc;

use super::settings::{BetterAuthSettings, read};
use super::{BetterAuth, link};
use crate::db::{Ident, PasswordRow, Schema};
use crate::error::Result;
use crate::password::Scheme;
use crate::store::TokenStore;
use crate::store::kind::StoreKind;
use crate::store::settings::{Defaults, PasswordDefaults, RowSettings, SectionReader, StoreConfig};

use crate::store::kind::{Found, Hints};
use crate::store::settings::{SectionKey, toml_text};

pub const KIND: StoreKind = StoreKind {
    name: "better-auth",
    section: Some("better_auth"),
    // BETTER_AUTH_SECRET signs cookies; a reset needs none.
    secret_keys: &[],
    configure,
    recognise,
};

/// Better Auth's `user`, `account` and `verification` tables, as its
/// migrations make them.
fn recognise(c: &crate::db::Catalog, _: &Hints) -> Option<Found> {
    let tables = c.has("user", &["id", "email", "emailverified"])
        && c.has("account", &["userid", "providerid", "password"])
        && c.has("verification", &["identifier", "value", "expiresat"]);
    tables.then(|| Found {
        evidence: "tables user, account (with password) and verification".into(),
        ..Found::default()
    })
}

fn configure(
    section: Option<toml::de::ValueDeserializer<'_>>,
    r: &mut dyn SectionReader,
) -> Result<Arc<dyn StoreConfig>> {
    Ok(Arc::new(read(section, r)?))
}

/// Better Auth's `user` table, whose password is in the user's
/// credential account: the `account` row whose `userId` and `accountId`
/// both hold the user's id and whose `providerId` is `credential`.
pub fn schema(s: &BetterAuthSettings) -> Schema {
    let a = &s.account;
    Schema {
        table: Ident::known("user"),
        id: Ident::known("id"),
        username: None,
        email: Ident::known("email"),
        password: a.password.clone(),
        password_row: Some(PasswordRow {
            table: a.table.clone(),
            user: a.user_id.clone(),
            also_user: vec![a.account_id.clone()],
            fixed: vec![(a.provider_id.clone(), super::CREDENTIAL)],
        }),
        ..Schema::default()
    }
}

impl StoreConfig for BetterAuthSettings {
    fn name(&self) -> &'static str {
        "better-auth"
    }

    fn section(&self) -> Vec<SectionKey> {
        let (a, s, v) = (&self.account, &self.session, &self.verification);
        let fields = |pairs: &[(&str, &Ident)]| {
            let inner: Vec<String> = pairs
                .iter()
                .map(|(k, i)| format!("{k} = {}", toml_text(i.name())))
                .collect();
            format!("{{ {} }}", inner.join(", "))
        };
        vec![
            SectionKey::text("base_url", &self.base_url),
            SectionKey::Value(
                "reset_password_token_expires_in",
                self.expires_in.num_seconds().to_string(),
            ),
            SectionKey::text("store_identifier", self.store_identifier.as_str()),
            SectionKey::Value(
                "revoke_sessions_on_password_reset",
                self.revoke_sessions.to_string(),
            ),
            SectionKey::text("account_table", a.table.name()),
            SectionKey::text("session_table", s.table.name()),
            SectionKey::text("verification_table", v.table.name()),
            SectionKey::Value(
                "account_fields",
                fields(&[
                    ("id", &a.id),
                    ("accountId", &a.account_id),
                    ("providerId", &a.provider_id),
                    ("userId", &a.user_id),
                    ("password", &a.password),
                    ("createdAt", &a.created_at),
                    ("updatedAt", &a.updated_at),
                ]),
            ),
            SectionKey::Value("session_fields", fields(&[("userId", &s.user_id)])),
            SectionKey::Value(
                "verification_fields",
                fields(&[
                    ("id", &v.id),
                    ("identifier", &v.identifier),
                    ("value", &v.value),
                    ("expiresAt", &v.expires_at),
                    ("createdAt", &v.created_at),
                    ("updatedAt", &v.updated_at),
                ]),
            ),
        ]
    }

    fn defaults(&self) -> Defaults {
        Defaults {
            schema: schema(self),
            link: link::default_link(&self.base_url).into(),
            lifetime: Some(self.expires_in),
            token_on_user_row: false,
            passwords: PasswordDefaults {
                empty_table: Some(Scheme::BetterAuthScrypt),
                only_prefix: None,
                pepper: None,
            },
        }
    }

    fn build(&self, schema: &Schema, _row: &RowSettings) -> Box<dyn TokenStore> {
        Box::new(BetterAuth::new(schema, self))
    }
}
