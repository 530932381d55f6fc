//! Django apps: nothing is stored. A token is what Django's
//! `PasswordResetTokenGenerator` derives from the user's row, a time stamp
//! and `SECRET_KEY`, and it dies when the password, `last_login` or email
//! changes, at `PASSWORD_RESET_TIMEOUT`, or when the key rotates out of
//! the fallbacks. What resetctl knows of the tokens it issued is in its
//! audit table: the expiry, and a fingerprint of the row they were made
//! from. A site with django-allauth checks the same tokens with more in
//! them, at a link of its own: the [`Site`] this store is built for says
//! which.

mod decoy;
mod generator;
mod issued;
mod link;
pub(super) mod settings;
mod site;

pub use generator::{base36, from_base36};
pub use settings::{DjangoSettings, KIND, read_section, schema};
pub use site::{ALLAUTH_TABLE, Site};

use std::cell::OnceCell;

use chrono::{DateTime, Utc};

use super::lock::Locker;
use generator::{Generator, Made, login_text};

use super::{
    Description, Held, IssueRecord, KeptTokens, Lifetime, NewToken, Presented, TokenFilter,
    TokenState, TokenStore,
};
use crate::db::{Arg, AuditWriter, Fetched, Ident, Schema, StoreColumn, Tx, user_columns};
use crate::error::{Error, Result};
use crate::token::{Token, TokenSource};
use crate::user::{Typed, User, UserId};

pub const DEFAULT_LINK: &str = "https://example.com/reset/{uid}/{token}/";

pub struct Django {
    schema: Schema,
    last_login: Ident,
    tokens: Generator,
    site: Box<dyn Site>,
    /// The user row with what Django's tokens are made of.
    by_id: OnceCell<String>,
    locker: Locker,
}

/// 78: without the key no token can be made or checked.
pub fn no_secret(framework: &str) -> Error {
    Error::config(format!(
        "framework = \"{framework}\" needs the app's SECRET_KEY to make and check tokens as Django does"
    ))
    .with_hint("set RESETCTL_APP_SECRET, or [django] secret_key or secret_file in the config file")
}

impl Django {
    /// For a site of Django as it ships.
    pub fn new(schema: &Schema, settings: &DjangoSettings) -> Django {
        Django::for_site(schema, settings, Box::new(site::Plain))
    }

    pub fn for_site(schema: &Schema, settings: &DjangoSettings, site: Box<dyn Site>) -> Django {
        Django {
            schema: schema.clone(),
            last_login: Ident::known("last_login"),
            tokens: Generator {
                framework: site.name(),
                secret: settings.secret.clone(),
                fallbacks: settings.fallbacks.clone(),
                timeout: settings.timeout,
                zone: settings.time_zone,
            },
            site,
            by_id: OnceCell::new(),
            locker: Locker::default(),
        }
    }

    /// The statement for `row`, in the engine's SQL, built at first use.
    fn by_id(&self, tx: &Tx<'_>) -> &str {
        self.by_id.get_or_init(|| {
            let schema = &self.schema;
            let t = tx.q(&schema.table);
            format!(
                "SELECT {}, {t}.{}, {t}.{} FROM {t} WHERE {t}.{} = ?1",
                user_columns(schema, tx.dialect(), tx.id_kind(), false),
                tx.q(&schema.password),
                tx.q(&self.last_login),
                tx.q(&schema.id)
            )
        })
    }

    fn row(&self, tx: &Tx<'_>, id: &UserId) -> Result<Option<Made>> {
        let Some(mut made) = self.user_row(tx, id)? else {
            return Ok(None);
        };
        made.extra = self.site.extra(tx, id, &made.email)?;
        Ok(Some(made))
    }

    /// The user's row alone.
    fn user_row(&self, tx: &Tx<'_>, id: &UserId) -> Result<Option<Made>> {
        let found = tx.first(self.by_id(tx), &[id.into()], |r| {
            let Fetched::Row(row) = Fetched::read(r, tx.id_kind())? else {
                return Ok(None);
            };
            let email = row.user.email.clone().unwrap_or_default();
            Ok(Some(Made {
                row,
                password: r.opt_text(4)?.unwrap_or_default(),
                last_login: r.opt_text(5)?.map_or_else(String::new, |t| login_text(&t)),
                email,
                extra: String::new(),
            }))
        })?;
        Ok(found.flatten())
    }

    /// What an issue records of the row, to tell later whether the token
    /// still lives: a fingerprint of password, `last_login`, email and
    /// what the site adds (allauth's addresses; nothing for Django, whose
    /// fingerprints stay as they were).
    fn check_of(m: &Made) -> String {
        let mut material = Vec::with_capacity(m.password.len() + 64 + m.extra.len());
        for part in [&m.password, &m.last_login, &m.email] {
            material.extend_from_slice(part.as_bytes());
            material.push(0);
        }
        if !m.extra.is_empty() {
            material.extend_from_slice(m.extra.as_bytes());
            material.push(0);
        }
        crate::password::fingerprint(&m.row.user.id, Some(&material))
    }
}

impl TokenStore for Django {
    fn locker(&self) -> Option<(&Locker, &Schema)> {
        Some((&self.locker, &self.schema))
    }

    fn recorded_check(
        &self,
        tx: &Tx<'_>,
        id: &UserId,
        _fingerprint: &str,
    ) -> Result<Option<String>> {
        Ok(self.row(tx, id)?.map(|m| Django::check_of(&m)))
    }
    fn kept(&self) -> std::result::Result<&dyn KeptTokens, &'static str> {
        Err(self.site.nothing_kept())
    }

    fn describe(&self) -> Description {
        Description {
            framework: self.site.name(),
            storage: "none",
            column: None,
            expires_column: None,
            table: None,
            secret: Some(self.tokens.secret.is_some()),
            lifetime: Some(crate::clock::format_duration(self.tokens.timeout)),
            time_zone: Some(self.tokens.zone.name().to_string()),
            kept: format!(
                "nothing stored: each token is derived from {}",
                self.site.derived_from()
            ),
        }
    }

    fn problems(&self, tx: &Tx<'_>) -> Result<Vec<Error>> {
        let mut problems = Vec::new();
        if self.tokens.secret.is_none() {
            problems.push(no_secret(self.site.name()));
        }
        problems.extend(self.site.problems(tx)?);
        Ok(problems)
    }

    fn parse(&self, input: &str) -> Result<Presented> {
        self.site.parse(input)
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
        let t = self.site.placeholders(template);
        (!t.contains("{token}") || !t.contains("{uid}")).then(|| {
            format!(
                "the link {} needs both {{uid}} and {{token}} placeholders",
                crate::text::shown(template)
            )
        })
    }

    fn link(&self, template: &str, token: &Token, user: Option<&User>) -> String {
        // A decoy's uid is made up: it names nobody.
        let uid = match user {
            Some(u) => self.site.uid(&u.id),
            None => self.site.uid(&UserId::Int(
                i64::from_str_radix(&token.expose()[..5], 16).unwrap_or(1),
            )),
        };
        self.site
            .placeholders(template)
            .replace("{uid}", &uid)
            .replace("{token}", token.expose())
    }

    fn effective_expiry(&self, expires: DateTime<Utc>, now: DateTime<Utc>) -> DateTime<Utc> {
        self.tokens
            .expiry(self.tokens.stamp(expires, now), now)
            .unwrap_or(expires)
    }

    fn decoy(
        &self,
        tx: &Tx<'_>,
        typed: &Typed<'_>,
        life: Lifetime,
        _source: &mut TokenSource,
    ) -> Result<Token> {
        decoy::token(&self.tokens, self.decoy_id(tx, typed)?, typed, life)
    }

    /// Django's link carries the user's id: a name that matches nobody
    /// gets an id nobody has (the one typed, for an id).
    fn link_user(
        &self,
        tx: &Tx<'_>,
        _template: &str,
        typed: &Typed<'_>,
        user: Option<&User>,
    ) -> Result<Option<User>> {
        if let Some(u) = user {
            return Ok(Some(u.clone()));
        }
        Ok(Some(User {
            id: self.decoy_id(tx, typed)?,
            username: None,
            email: None,
        }))
    }

    /// Stamped so that Django's own clock says it expires at `expires`.
    fn new_token(
        &self,
        tx: &Tx<'_>,
        user: &User,
        life: Lifetime,
        _source: &mut TokenSource,
    ) -> Result<Token> {
        let m = self
            .row(tx, &user.id)?
            .ok_or_else(|| Error::no_user(format!("{} is gone", user.label())))?;
        let ts = self.tokens.stamp(life.expires, life.now);
        let text = self.tokens.make(&m, ts, self.tokens.secret()?)?;
        Token::from_text(&text).ok_or_else(|| Error::internal("a Django token out of shape"))
    }

    /// Nothing is stored: each issue is its audit entry, with the row's
    /// fingerprint.
    fn store(&self, tx: &Tx<'_>, record: &IssueRecord, tokens: &mut [NewToken<'_>]) -> Result<()> {
        let mut audit = AuditWriter::new(tx, &record.audit)?;
        for t in tokens.iter() {
            let check = match self.row(tx, &t.user.id)? {
                Some(m) => Self::check_of(&m),
                None => continue,
            };
            audit.write(&t.user.id, &t.user.label(), Some(&check))?;
        }
        audit.finish()
    }

    fn state(&self, tx: &Tx<'_>, user: &User, now: DateTime<Utc>) -> Result<TokenState> {
        self.issued_state(tx, user, now)
    }

    fn find(&self, tx: &Tx<'_>, presented: &Presented, now: DateTime<Utc>) -> Result<Option<Held>> {
        let id = match (&presented.names, &presented.user) {
            (Some(uid), _) => self.site.id_of_uid(tx, uid),
            (None, Some(user)) => Some(user.id.clone()),
            (None, None) => {
                return Err(Error::bad_input(
                    "a bare Django token does not say whose it is: its link carries the user's uid",
                )
                .with_hint("paste the whole reset link, or name the user with --user"));
            }
        };
        let Some(m) = id.map(|id| self.row(tx, &id)).transpose()?.flatten() else {
            return Ok(None);
        };
        let Some(ts) = self.tokens.made_by_a_key(&m, presented.token.expose())? else {
            return Ok(None);
        };
        // A stamp in the future is accepted, as Django does: it expires
        // after the app's clock has shown it.
        let made = match self.issued_at(tx, &m.row.user.id, ts, now)? {
            Some(at) => Some(at),
            None => self.tokens.made_at(ts, now),
        };
        let state = match made.and_then(|at| self.tokens.expiry(ts, at)) {
            Some(t) if now < t => TokenState::Active(t),
            t => TokenState::Expired(t),
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
            tx.q(&s.table),
            tx.q(&s.password),
            tx.q(&s.id),
            tx.q(&s.password)
        );
        let args = [
            password_hash.into(),
            (&held.user.user.id).into(),
            Arg::Text(&held.key),
        ];
        Ok(tx.execute(&sql, &args)? == 1)
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
            let Some(m) = self.row(tx, &id)? else {
                continue;
            };
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
