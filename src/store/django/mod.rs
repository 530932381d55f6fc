//! Django apps: nothing is stored. A token is what Django's
//! `PasswordResetTokenGenerator` derives from the user's row, a time stamp
//! and `SECRET_KEY`, and it dies when the password, `last_login` or email
//! changes, at `PASSWORD_RESET_TIMEOUT`, or when the key rotates out of
//! the fallbacks. What resetctl knows of the tokens it issued is in its
//! audit table: the expiry, and a fingerprint of the row they were made
//! from.

mod generator;

use chrono::{DateTime, TimeDelta, Utc};
use chrono_tz::Tz;

use generator::{Generator, Made, id_of_uid, login_text, uid};

use super::{
    Description, Held, IssueRecord, NewToken, Presented, TokenFilter, TokenState, TokenStore,
};
use crate::audit::Action;
use crate::db::{Arg, AuditWriter, Fetched, Ident, Schema, StoreColumn, Tx, user_columns};
use crate::error::{Error, Result};
use crate::secret::Secret;
use crate::token::{Token, TokenSource};
use crate::user::User;

pub const DEFAULT_LINK: &str = "https://example.com/reset/{uid}/{token}/";

/// `[django]`.
#[derive(Debug, Clone)]
pub struct DjangoSettings {
    pub secret: Option<Secret>,
    pub fallbacks: Vec<Secret>,
    /// `PASSWORD_RESET_TIMEOUT`.
    pub timeout: TimeDelta,
    /// `TIME_ZONE`: Django counts its token time stamps on this clock.
    pub time_zone: Tz,
}

impl Default for DjangoSettings {
    fn default() -> Self {
        DjangoSettings {
            secret: None,
            fallbacks: Vec::new(),
            timeout: TimeDelta::days(3),
            time_zone: Tz::UTC,
        }
    }
}

/// `django.contrib.auth`'s user table.
pub fn schema() -> Schema {
    Schema {
        table: Ident::known("auth_user"),
        password: Ident::known("password"),
        ..Schema::default()
    }
}

pub struct Django {
    schema: Schema,
    last_login: Ident,
    tokens: Generator,
    /// The user row with what Django's tokens are made of.
    by_id: String,
}

/// 78: without the key no token can be made or checked.
pub fn no_secret() -> Error {
    Error::config(
        "framework = \"django\" needs the app's SECRET_KEY to make and check tokens as Django does",
    )
    .with_hint("set RESETCTL_APP_SECRET, or [django] secret_key or secret_file in the config file")
}

impl Django {
    pub fn new(schema: &Schema, settings: &DjangoSettings) -> Django {
        let last_login = Ident::known("last_login");
        let t = schema.table.q();
        let by_id = format!(
            "SELECT {}, {t}.{}, {t}.{} FROM {t} WHERE {t}.{} = ?1",
            // Without the fingerprint, which nothing here reads, the
            // columns are the same in every dialect.
            user_columns(schema, &crate::db::Dialect::sqlite(), false),
            schema.password.q(),
            last_login.q(),
            schema.id.q()
        );
        Django {
            schema: schema.clone(),
            last_login,
            tokens: Generator {
                secret: settings.secret.clone(),
                fallbacks: settings.fallbacks.clone(),
                timeout: settings.timeout,
                zone: settings.time_zone,
            },
            by_id,
        }
    }

    fn row(&self, tx: &Tx<'_>, id: i64) -> Result<Option<Made>> {
        let found = tx.first(&self.by_id, &[id.into()], |r| {
            let Fetched::Row(row) = Fetched::read(r)? else {
                return Ok(None);
            };
            let email = row.user.email.clone().unwrap_or_default();
            Ok(Some(Made {
                row,
                password: r.opt_text(4)?.unwrap_or_default(),
                last_login: r.opt_text(5)?.map_or_else(String::new, |t| login_text(&t)),
                email,
            }))
        })?;
        Ok(found.flatten())
    }

    /// What an issue records of the row, to tell later whether the token
    /// still lives: a fingerprint of password, `last_login` and email.
    fn check_of(m: &Made) -> String {
        let mut material = Vec::with_capacity(m.password.len() + 64);
        for part in [&m.password, &m.last_login, &m.email] {
            material.extend_from_slice(part.as_bytes());
            material.push(0);
        }
        crate::password::fingerprint(m.row.user.id, Some(&material))
    }
}

impl TokenStore for Django {
    fn cannot_revoke(&self) -> Option<&'static str> {
        Some(
            "framework = \"django\" stores no tokens, so there is nothing to revoke or purge: a Django reset link dies when the password, last login or email changes, at password_reset_timeout, or when SECRET_KEY rotates",
        )
    }

    fn describe(&self) -> Description {
        Description {
            framework: "django",
            storage: "none",
            column: None,
            expires_column: None,
            table: None,
            secret: Some(self.tokens.secret.is_some()),
            lifetime: Some(crate::clock::format_duration(self.tokens.timeout)),
            time_zone: Some(self.tokens.zone.name().to_string()),
        }
    }

    fn problems(&self, _tx: &Tx<'_>) -> Result<Vec<Error>> {
        Ok(match self.tokens.secret {
            None => vec![no_secret()],
            Some(_) => Vec::new(),
        })
    }

    /// The link (`/reset/UID/TOKEN/`), `UID/TOKEN`, or a bare token.
    fn parse(&self, input: &str) -> Result<Presented> {
        let s = input.trim();
        let path = s
            .split(['?', '#'])
            .next()
            .unwrap_or(s)
            .trim_end_matches('/');
        let mut parts = path.rsplit('/');
        let token = parts.next().unwrap_or_default();
        let names = parts.next().filter(|u| !u.is_empty()).map(str::to_string);
        let shaped = token.split_once('-').is_some_and(|(ts, h)| {
            !ts.is_empty()
                && ts.len() <= 13
                && !h.is_empty()
                && ts
                    .bytes()
                    .chain(h.bytes())
                    .all(|b| b.is_ascii_alphanumeric())
        });
        if token == "set-password" {
            return Err(Error::bad_input(
                "that is the page Django shows once a reset link is opened, not the link itself",
            )
            .with_hint("paste the link from the email: /reset/UID/TOKEN/"));
        }
        match Token::from_text(token).filter(|_| shaped) {
            Some(token) => Ok(Presented {
                token,
                names,
                user: None,
            }),
            None => Err(Error::bad_input(
                "malformed reset link: expected Django's /reset/UID/TOKEN/ (TOKEN like 'cz5k2a-1f2e...')",
            )
            .with_hint("paste the whole reset link")),
        }
    }

    fn user_columns(&self) -> Vec<StoreColumn<'_>> {
        vec![("last_login", &self.last_login)]
    }

    fn prepare(&self, _tx: &Tx<'_>) -> Result<Vec<String>> {
        Ok(Vec::new())
    }

    fn lookup_index(&self, _tx: &Tx<'_>) -> Result<Option<bool>> {
        Ok(None)
    }

    fn link_problem(&self, template: &str) -> Option<String> {
        (!template.contains("{token}") || !template.contains("{uid}")).then(|| {
            format!(
                "the link {} needs both {{uid}} and {{token}} placeholders",
                crate::text::shown(template)
            )
        })
    }

    fn link(&self, template: &str, token: &Token, user: Option<&User>) -> String {
        // A decoy's uid is made up: it names nobody.
        let uid = match user {
            Some(u) => uid(u.id),
            None => uid(i64::from_str_radix(&token.expose()[..5], 16).unwrap_or(1)),
        };
        template
            .replace("{uid}", &uid)
            .replace("{token}", token.expose())
    }

    /// Stamped so that Django's own clock says it expires at `expires`.
    fn new_token(
        &self,
        tx: &Tx<'_>,
        user: &User,
        expires: DateTime<Utc>,
        _source: &mut TokenSource,
    ) -> Result<Token> {
        let m = self
            .row(tx, user.id)?
            .ok_or_else(|| Error::no_user(format!("{} is gone", user.label())))?;
        let ts = self.tokens.seconds(expires) - self.tokens.timeout.num_seconds();
        let text = self.tokens.make(&m, ts, self.tokens.secret()?)?;
        Token::from_text(&text).ok_or_else(|| Error::internal("a Django token out of shape"))
    }

    /// Nothing is stored: each issue is its audit entry, with the row's
    /// fingerprint.
    fn store(&self, tx: &Tx<'_>, record: &IssueRecord, tokens: &mut [NewToken<'_>]) -> Result<()> {
        let mut audit = AuditWriter::new(tx, &record.audit)?;
        for t in tokens.iter() {
            let check = match self.row(tx, t.user.id)? {
                Some(m) => Self::check_of(&m),
                None => continue,
            };
            audit.write(t.user.id, &t.user.label(), Some(&check))?;
        }
        audit.finish()
    }

    /// From the newest issue resetctl recorded: gone once redeemed, dead
    /// once the row it was made from changed.
    fn state(&self, tx: &Tx<'_>, user: &User, now: DateTime<Utc>) -> Result<TokenState> {
        let Some(issue) = tx.last_issue(user.id)? else {
            return Ok(TokenState::None);
        };
        if tx
            .last_ok(user.id, Action::Redeem)?
            .is_some_and(|r| r.id > issue.id)
        {
            return Ok(TokenState::None);
        }
        let expires = issue
            .expires
            .as_deref()
            .and_then(crate::clock::parse_timestamp);
        let alive = match self.row(tx, user.id)? {
            Some(m) => issue.password_check.as_deref() == Some(&Self::check_of(&m)),
            None => false,
        };
        Ok(TokenState::of(true, expires, !alive, now))
    }

    fn find(&self, tx: &Tx<'_>, presented: &Presented, now: DateTime<Utc>) -> Result<Option<Held>> {
        let id = match (&presented.names, &presented.user) {
            (Some(uid), _) => id_of_uid(uid),
            (None, Some(user)) => Some(user.id),
            (None, None) => {
                return Err(Error::bad_input(
                    "a bare Django token does not say whose it is: its link carries the user's uid",
                )
                .with_hint("paste the whole reset link, or name the user with --user"));
            }
        };
        let Some(m) = id.map(|id| self.row(tx, id)).transpose()?.flatten() else {
            return Ok(None);
        };
        let Some(ts) = self.tokens.made_by_a_key(&m, presented.token.expose())? else {
            return Ok(None);
        };
        let expires = self.tokens.expiry(ts);
        let state = if self.tokens.seconds(now) - ts > self.tokens.timeout.num_seconds() {
            TokenState::Expired(expires)
        } else {
            // A stamp in the future is accepted, as Django does.
            TokenState::Active(expires.unwrap_or(now).max(now))
        };
        Ok(Some(Held {
            key: m.password,
            user: m.row,
            state,
        }))
    }

    /// The token is used up by the password change itself: only if the
    /// password is still the one it was made from.
    fn consume(&self, tx: &Tx<'_>, held: &Held, password_hash: &str) -> Result<bool> {
        let s = &self.schema;
        let sql = format!(
            "UPDATE {} SET {} = ?1 WHERE {} = ?2 AND {} = ?3",
            s.table.q(),
            s.password.q(),
            s.id.q(),
            s.password.q()
        );
        let args = [
            password_hash.into(),
            held.user.user.id.into(),
            Arg::Text(&held.key),
        ];
        Ok(tx.execute(&sql, &args)? == 1)
    }

    fn revoke(&self, _tx: &Tx<'_>, _user_id: i64) -> Result<bool> {
        Ok(false)
    }

    fn take_back(&self, _tx: &Tx<'_>, _user_id: i64, _token: &Token) -> Result<bool> {
        Ok(false)
    }

    fn revoke_all(&self, _tx: &Tx<'_>) -> Result<u64> {
        Ok(0)
    }

    fn purge(&self, _tx: &Tx<'_>, _cutoff: DateTime<Utc>) -> Result<u64> {
        Ok(0)
    }

    fn count_outstanding(&self, tx: &Tx<'_>) -> Result<u64> {
        let mut n = 0;
        self.each_outstanding(tx, TokenFilter::Active, Utc::now(), &mut |_, _| {
            n += 1;
            Ok(())
        })?;
        Ok(n)
    }

    /// Users resetctl issued to whose token still works: an expired one
    /// is simply gone, as nothing is stored, so `--expired` lists none.
    fn each_outstanding(
        &self,
        tx: &Tx<'_>,
        filter: TokenFilter,
        now: DateTime<Utc>,
        f: &mut dyn FnMut(&User, TokenState) -> Result<()>,
    ) -> Result<u64> {
        if filter == TokenFilter::Expired {
            return Ok(0);
        }
        let mut ids = Vec::new();
        tx.each_issued_user(&crate::clock::rfc3339(now), &mut |id| {
            ids.push(id);
            Ok(())
        })?;
        for id in ids {
            let Some(m) = self.row(tx, id)? else { continue };
            let state = self.state(tx, &m.row.user, now)?;
            if matches!(state, TokenState::Active(_)) {
                f(&m.row.user, state)?;
            }
        }
        Ok(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_links_and_uid_slash_token() {
        let s = Django::new(&schema(), &DjangoSettings::default());
        let p = s
            .parse("https://app.test/reset/NDI/difcit-c39dcba033e69d228a4da431e9709016/")
            .unwrap();
        assert_eq!(p.names.as_deref(), Some("NDI"));
        assert_eq!(p.token.expose(), "difcit-c39dcba033e69d228a4da431e9709016");
        assert!(s.parse("NDI/difcit-c39d").is_ok());
        assert!(s.parse("difcit-c39d").unwrap().names.is_none());
        // The page Django redirects to is not the link.
        let e = s
            .parse("https://app.test/reset/NDI/set-password/")
            .unwrap_err();
        assert_eq!(e.exit_code(), 65);
    }
}
