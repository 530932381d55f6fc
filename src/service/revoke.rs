//! Revoking: a user's token cleared, or every token, each change audited.
//! A store that keeps nothing has nothing to revoke (78).

use std::collections::HashSet;

use crate::audit::{Action, Outcome};
use crate::context::Context;
use crate::db::Access;
use crate::error::{Error, Result};
use crate::store::KeptTokens;
use crate::user::{Lookup, User};

fn kept(ctx: &Context) -> Result<&dyn KeptTokens> {
    ctx.store.kept().map_err(Error::config)
}

/// 78 when the store keeps nothing to revoke.
pub fn possible(ctx: &Context) -> Result<()> {
    kept(ctx).map(drop)
}

/// One user's revoke: whether there was a token, and whether the account
/// stays locked (`issue --lock`): revoking the link does not unlock it.
pub struct Revoked {
    pub user: User,
    pub revoked: bool,
    pub locked: bool,
}

/// Clears each named user's token. Every USER is resolved before anything
/// changes: one typo revokes nothing. Each user once.
pub fn users(ctx: &Context, users: &[String], by: Option<Lookup>) -> Result<Vec<Revoked>> {
    let kept = kept(ctx)?;
    let mut db = ctx.open(Access::ReadWrite)?;
    db.write(|tx| {
        let mut rows = Vec::new();
        let mut seen = HashSet::new();
        for input in users {
            let row = tx.resolve(input, by)?;
            if seen.insert(row.user.id.clone()) {
                rows.push(row);
            }
        }
        let mut results = Vec::new();
        for row in rows {
            let revoked = kept.revoke(tx, &row.user.id)?;
            if revoked {
                let mut audit = ctx.audit(Action::Revoke, Outcome::Ok);
                audit.user_id = Some(row.user.id.clone());
                audit.subject = Some(row.user.label());
                tx.record(&audit)?;
            }
            let locked = super::lock::holding(ctx, tx, &row.user.id, &row.password_fingerprint)?;
            results.push(Revoked {
                user: row.user,
                revoked,
                locked: locked.is_some(),
            });
        }
        Ok(results)
    })
}

/// How many tokens `all` would clear, read without the write lock (a
/// person may take their time to answer).
pub fn outstanding(ctx: &Context) -> Result<u64> {
    let kept = kept(ctx)?;
    let db = ctx.open(Access::ReadOnly)?;
    kept.count_outstanding(&db.read())
}

/// Clears every token, in one statement; audited when there were any.
pub fn all(ctx: &Context) -> Result<u64> {
    let kept = kept(ctx)?;
    let mut db = ctx.open(Access::ReadWrite)?;
    db.write(|tx| {
        let n = kept.revoke_all(tx)?;
        if n > 0 {
            let mut audit = ctx.audit(Action::Revoke, Outcome::Ok);
            audit.detail = Some(format!("all: {n} tokens"));
            tx.record(&audit)?;
        }
        Ok(n)
    })
}
