//! `[better_auth]`: the app's `betterAuth({...})` options that a reset
//! depends on (base URL, token lifetime, how identifiers are stored,
//! whether a reset ends sessions) and the names of its tables and
//! columns, when the app renamed them (`modelName`, `fields`).

use chrono::TimeDelta;
use serde::Deserialize;

use super::link;
use crate::db::{Ident, app_name};
use crate::error::Result;
use crate::store::settings::SectionReader;

/// `verification.storeIdentifier`: the identifier as it is, or its hash.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StoreIdentifier {
    Plain,
    Hashed,
}

impl StoreIdentifier {
    pub fn as_str(self) -> &'static str {
        match self {
            StoreIdentifier::Plain => "plain",
            StoreIdentifier::Hashed => "hashed",
        }
    }
}

/// A lifetime as a duration (`"1h"`) or, as Better Auth's own option
/// takes it, a number of seconds.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum Span {
    Seconds(i64),
    Text(String),
}

/// `[better_auth]` as the file has it.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileBetterAuth {
    base_url: Option<String>,
    reset_password_token_expires_in: Option<Span>,
    store_identifier: Option<StoreIdentifier>,
    revoke_sessions_on_password_reset: Option<bool>,
    account_table: Option<String>,
    session_table: Option<String>,
    verification_table: Option<String>,
    account_fields: Option<FileAccount>,
    session_fields: Option<FileSession>,
    verification_fields: Option<FileVerification>,
}

/// Column names of Better Auth's `account` model, by its field names.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct FileAccount {
    id: Option<String>,
    account_id: Option<String>,
    provider_id: Option<String>,
    user_id: Option<String>,
    password: Option<String>,
    created_at: Option<String>,
    updated_at: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct FileSession {
    user_id: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct FileVerification {
    id: Option<String>,
    identifier: Option<String>,
    value: Option<String>,
    expires_at: Option<String>,
    created_at: Option<String>,
    updated_at: Option<String>,
}

/// The `account` table: credential accounts hold the password.
#[derive(Debug, Clone)]
pub struct AccountNames {
    pub table: Ident,
    pub id: Ident,
    pub account_id: Ident,
    pub provider_id: Ident,
    pub user_id: Ident,
    pub password: Ident,
    pub created_at: Ident,
    pub updated_at: Ident,
}

/// The `session` table, as far as ending a user's sessions goes.
#[derive(Debug, Clone)]
pub struct SessionNames {
    pub table: Ident,
    pub user_id: Ident,
}

/// The `verification` table: one row per reset token.
#[derive(Debug, Clone)]
pub struct VerificationNames {
    pub table: Ident,
    pub id: Ident,
    pub identifier: Ident,
    pub value: Ident,
    pub expires_at: Ident,
    pub created_at: Ident,
    pub updated_at: Ident,
}

/// `[better_auth]`, read.
#[derive(Debug, Clone)]
pub struct BetterAuthSettings {
    /// `BETTER_AUTH_URL` / `baseURL`, without a trailing slash.
    pub base_url: String,
    /// `emailAndPassword.resetPasswordTokenExpiresIn`.
    pub expires_in: TimeDelta,
    pub store_identifier: StoreIdentifier,
    /// `emailAndPassword.revokeSessionsOnPasswordReset`.
    pub revoke_sessions: bool,
    pub account: AccountNames,
    pub session: SessionNames,
    pub verification: VerificationNames,
}

impl Default for BetterAuthSettings {
    /// Better Auth's own defaults, and the link base the README's other
    /// frameworks use.
    fn default() -> Self {
        let k = Ident::known;
        BetterAuthSettings {
            base_url: "https://example.com".to_string(),
            expires_in: TimeDelta::hours(1),
            store_identifier: StoreIdentifier::Plain,
            revoke_sessions: false,
            account: AccountNames {
                table: k("account"),
                id: k("id"),
                account_id: k("accountId"),
                provider_id: k("providerId"),
                user_id: k("userId"),
                password: k("password"),
                created_at: k("createdAt"),
                updated_at: k("updatedAt"),
            },
            session: SessionNames {
                table: k("session"),
                user_id: k("userId"),
            },
            verification: VerificationNames {
                table: k("verification"),
                id: k("id"),
                identifier: k("identifier"),
                value: k("value"),
                expires_at: k("expiresAt"),
                created_at: k("createdAt"),
                updated_at: k("updatedAt"),
            },
        }
    }
}

/// Reads the section (`None`: the file has none) over Better Auth's
/// defaults.
pub fn read(
    section: Option<toml::de::ValueDeserializer<'_>>,
    r: &dyn SectionReader,
) -> Result<BetterAuthSettings> {
    let f = match section {
        Some(s) => FileBetterAuth::deserialize(s).map_err(|e| r.malformed(e))?,
        None => FileBetterAuth::default(),
    };
    let mut s = BetterAuthSettings::default();
    if let Some(url) = &f.base_url {
        s.base_url = link::base_url(url).map_err(|why| r.bad("better_auth.base_url", why))?;
    }
    let key = "better_auth.reset_password_token_expires_in";
    s.expires_in = match f.reset_password_token_expires_in {
        None => s.expires_in,
        Some(Span::Seconds(n)) => r.lifetime(key, Some(format!("{n}s")), s.expires_in)?,
        Some(Span::Text(t)) => r.lifetime(key, Some(t), s.expires_in)?,
    };
    s.store_identifier = f.store_identifier.unwrap_or(s.store_identifier);
    s.revoke_sessions = f
        .revoke_sessions_on_password_reset
        .unwrap_or(s.revoke_sessions);
    let names = Names { r };
    names.set(&mut s.account.table, "account_table", &f.account_table)?;
    names.set(&mut s.session.table, "session_table", &f.session_table)?;
    names.set(
        &mut s.verification.table,
        "verification_table",
        &f.verification_table,
    )?;
    if let Some(a) = &f.account_fields {
        names.account(&mut s.account, a)?;
    }
    if let Some(v) = &f.session_fields {
        names.set(&mut s.session.user_id, "session_fields.userId", &v.user_id)?;
    }
    if let Some(v) = &f.verification_fields {
        names.verification(&mut s.verification, v)?;
    }
    Ok(s)
}

/// Table and column names, each checked as an identifier and named by
/// its key in errors.
struct Names<'r> {
    r: &'r dyn SectionReader,
}

impl Names<'_> {
    fn set(&self, target: &mut Ident, key: &str, value: &Option<String>) -> Result<()> {
        if let Some(v) = value {
            let key = format!("better_auth.{key}");
            *target = app_name(&key, v).map_err(|e| self.r.bad(&key, e.message))?;
        }
        Ok(())
    }

    fn account(&self, a: &mut AccountNames, f: &FileAccount) -> Result<()> {
        for (target, field, value) in [
            (&mut a.id, "id", &f.id),
            (&mut a.account_id, "accountId", &f.account_id),
            (&mut a.provider_id, "providerId", &f.provider_id),
            (&mut a.user_id, "userId", &f.user_id),
            (&mut a.password, "password", &f.password),
            (&mut a.created_at, "createdAt", &f.created_at),
            (&mut a.updated_at, "updatedAt", &f.updated_at),
        ] {
            self.set(target, &format!("account_fields.{field}"), value)?;
        }
        Ok(())
    }

    fn verification(&self, v: &mut VerificationNames, f: &FileVerification) -> Result<()> {
        for (target, field, value) in [
            (&mut v.id, "id", &f.id),
            (&mut v.identifier, "identifier", &f.identifier),
            (&mut v.value, "value", &f.value),
            (&mut v.expires_at, "expiresAt", &f.expires_at),
            (&mut v.created_at, "createdAt", &f.created_at),
            (&mut v.updated_at, "updatedAt", &f.updated_at),
        ] {
            self.set(target, &format!("verification_fields.{field}"), value)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use chrono_tz::Tz;

    use super::*;
    use crate::error::Error;
    use crate::secret::Secret;

    /// Errors as the config module words them, without a file.
    struct Reader;

    impl SectionReader for Reader {
        fn bad(&self, key: &str, why: String) -> Error {
            Error::config(format!("{key}: {why}"))
        }
        fn malformed(&self, e: toml::de::Error) -> Error {
            Error::config(e.message().to_string())
        }
        fn secret(
            &mut self,
            _: &str,
            _: Option<String>,
            _: Option<PathBuf>,
        ) -> Result<Option<Secret>> {
            Ok(None)
        }
        fn app_secret(&mut self, _: &'static str) -> Option<Secret> {
            None
        }
        fn lifetime(
            &self,
            key: &str,
            value: Option<String>,
            default: TimeDelta,
        ) -> Result<TimeDelta> {
            value.map_or(Ok(default), |v| {
                crate::clock::parse_duration(&v).map_err(|e| self.bad(key, e.message))
            })
        }
        fn zone(&self, _: &str, _: Option<String>, default: Tz) -> Result<Tz> {
            Ok(default)
        }
    }

    fn read_text(text: &str) -> Result<BetterAuthSettings> {
        let section = toml::de::ValueDeserializer::parse(text).unwrap();
        read(Some(section), &Reader)
    }

    #[test]
    fn better_auths_defaults_without_a_section() {
        let s = read(None, &Reader).unwrap();
        assert_eq!(s.base_url, "https://example.com");
        assert_eq!(s.expires_in, TimeDelta::hours(1));
        assert_eq!(s.store_identifier, StoreIdentifier::Plain);
        assert!(!s.revoke_sessions);
        assert_eq!(s.verification.expires_at.name(), "expiresAt");
        assert_eq!(s.account.provider_id.name(), "providerId");
    }

    #[test]
    fn every_option_and_name_is_read() {
        let s = read_text(
            "{ base_url = \"http://localhost:3000\", reset_password_token_expires_in = 900, \
             store_identifier = \"hashed\", revoke_sessions_on_password_reset = true, \
             verification_table = \"verifications\", account_fields = { userId = \"user_id\" }, \
             session_fields = { userId = \"user_id\" }, verification_fields = { expiresAt = \"expires_at\" } }",
        )
        .unwrap();
        assert_eq!(s.base_url, "http://localhost:3000");
        assert_eq!(s.expires_in, TimeDelta::minutes(15));
        assert_eq!(s.store_identifier, StoreIdentifier::Hashed);
        assert!(s.revoke_sessions);
        assert_eq!(s.verification.table.name(), "verifications");
        assert_eq!(s.account.user_id.name(), "user_id");
        assert_eq!(s.session.user_id.name(), "user_id");
        assert_eq!(s.verification.expires_at.name(), "expires_at");
        let s = read_text("{ reset_password_token_expires_in = \"2h\" }").unwrap();
        assert_eq!(s.expires_in, TimeDelta::hours(2));
    }

    #[test]
    fn bad_values_name_their_key() {
        for (text, key) in [
            ("{ base_url = \"example.com\" }", "better_auth.base_url"),
            ("{ account_table = \"a b\" }", "better_auth.account_table"),
            (
                "{ account_fields = { password = \"pw;--\" } }",
                "better_auth.account_fields.password",
            ),
            (
                "{ reset_password_token_expires_in = \"soon\" }",
                "better_auth.reset_password_token_expires_in",
            ),
        ] {
            let e = read_text(text).unwrap_err();
            assert_eq!(e.exit_code(), 78, "{text}");
            assert!(e.message.starts_with(key), "{text}: {}", e.message);
        }
        for text in [
            "{ store_identifier = \"sha256\" }",
            "{ account_fields = { passwordHash = \"x\" } }",
            "{ basepath = \"/auth\" }",
        ] {
            assert_eq!(read_text(text).unwrap_err().exit_code(), 78, "{text}");
        }
    }
}
