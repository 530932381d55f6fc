//! `issue --lock` on the users table: the password column gets the
//! locked hash, and the sessions the app keeps in its database end (rows
//! of the sessions table deleted, a remember-me column given fresh
//! randomness). Statements are built once per run, and a sessions table or
//! remember-me column the database lacks is left out, not an error: an
//! app may keep its sessions in files, Redis or cookies, where nothing of
//! resetctl's reaches (the README says so per framework).

use std::cell::OnceCell;

use crate::db::{Arg, Ident, Schema, Tx};
use crate::error::{Error, Result};
use crate::password::random_alphanumeric;
use crate::user::UserId;

/// Locks accounts of one users table.
#[derive(Default)]
pub struct Locker {
    /// A remember-me column to refill (Laravel's `remember_token`).
    remember: Option<Ident>,
    sql: OnceCell<Statements>,
}

struct Statements {
    password: Option<String>,
    sessions: Option<String>,
    remember: Option<String>,
}

impl Locker {
    pub fn with_remember(column: Ident) -> Locker {
        Locker {
            remember: Some(column),
            sql: OnceCell::new(),
        }
    }

    /// Writes `hash` as the user's password and ends the user's sessions;
    /// how many session rows went (`None`: no sessions table to reach).
    pub fn lock(
        &self,
        tx: &Tx<'_>,
        schema: &Schema,
        id: &UserId,
        hash: Option<&str>,
    ) -> Result<Option<u64>> {
        let sql = self.statements(tx, schema)?;
        if let Some(s) = &sql.password {
            tx.execute(s, &[hash.map_or(Arg::Null, Arg::Text), id.into()])?;
        }
        if let Some(s) = &sql.remember {
            let fresh = random_alphanumeric(60)?;
            tx.execute(s, &[Arg::Text(&fresh), id.into()])?;
        }
        sql.sessions
            .as_ref()
            .map(|s| tx.execute(s, &[id.into()]))
            .transpose()
    }

    /// What a lock changes here, in words for `doctor`.
    pub fn reach(&self, tx: &Tx<'_>, schema: &Schema) -> Result<Vec<String>> {
        let sql = self.statements(tx, schema)?;
        let mut reach = Vec::new();
        if sql.password.is_some() {
            reach.push(format!(
                "{}.{} (a hash nobody's password matches)",
                schema.table, schema.password
            ));
        }
        if let (Some(_), Some(c)) = (&sql.remember, &self.remember) {
            reach.push(format!(
                "{}.{c} (fresh randomness: remember-me cookies stop working)",
                schema.table
            ));
        }
        match (&sql.sessions, &schema.sessions) {
            (Some(_), Some(s)) => {
                reach.push(format!("the user's rows of {} (by {})", s.table, s.user))
            }
            (None, Some(s)) => reach.push(format!("no sessions: there is no table {}", s.table)),
            _ => {}
        }
        Ok(reach)
    }

    fn statements(&self, tx: &Tx<'_>, schema: &Schema) -> Result<&Statements> {
        if let Some(s) = self.sql.get() {
            return Ok(s);
        }
        let (t, id) = (tx.q(&schema.table), tx.q(&schema.id));
        let users = tx.columns_of(schema.table.name())?.unwrap_or_default();
        let has = |c: &Ident| users.contains(&c.name().to_ascii_lowercase());
        let remember = self
            .remember
            .as_ref()
            .filter(|c| has(c))
            .map(|c| format!("UPDATE {t} SET {} = ?1 WHERE {id} = ?2", tx.q(c)));
        let sessions = match &schema.sessions {
            None => None,
            Some(s) => match tx.columns_of(s.table.name())? {
                None => None,
                Some(cols) if !cols.contains(&s.user.name().to_ascii_lowercase()) => {
                    return Err(Error::config(format!(
                        "the sessions table {} has no column {}",
                        s.table, s.user
                    ))
                    .with_hint(
                        "set [sessions] user_column to the column naming each session's user",
                    ));
                }
                Some(_) => Some(format!(
                    "DELETE FROM {} WHERE {} = ?1",
                    tx.q(&s.table),
                    tx.q(&s.user)
                )),
            },
        };
        let statements = Statements {
            password: schema.password_row.is_none().then(|| {
                format!(
                    "UPDATE {t} SET {} = ?1 WHERE {id} = ?2",
                    tx.q(&schema.password)
                )
            }),
            sessions,
            remember,
        };
        Ok(self.sql.get_or_init(|| statements))
    }
}
