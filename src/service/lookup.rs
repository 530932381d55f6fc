//! What `inspect` and `audit` look up, read only: a user's token and
//! history, or the audit trail of a user (even one deleted since).

use crate::audit::{Action, AuditFilter, AuditRow};
use crate::context::Context;
use crate::db::Access;
use crate::error::{Error, Result};
use crate::store::{Presented, TokenState};
use crate::user::{Lookup, User, reject_token_as_user};

/// A user, their token's state, and their newest issue and redeem.
pub struct Inspected {
    pub user: User,
    pub state: TokenState,
    pub issued: Option<AuditRow>,
    pub redeemed: Option<AuditRow>,
    /// The locking issue, while the lock holds (`issue --lock`).
    pub locked: Option<AuditRow>,
}

/// What to inspect: the holder of a token (with the USER who, for a
/// bare token that does not say), or a USER.
// One per run: its size does not matter.
#[allow(clippy::large_enum_variant)]
pub enum Inspect<'a> {
    Token(Presented, Option<&'a str>),
    User(&'a str),
}

pub fn inspect(ctx: &Context, what: Inspect<'_>, by: Option<Lookup>) -> Result<Inspected> {
    let db = ctx.open(Access::ReadOnly)?;
    let tx = db.read();
    let (user, state) = match what {
        Inspect::Token(mut p, user) => {
            if let Some(user) = user {
                p.user = Some(tx.resolve(user, by)?.user);
            }
            let held = ctx.store.find(&tx, &p, ctx.now)?.ok_or_else(|| {
                Error::bad_token(
                    "no user holds this reset token: it is unknown, used up or revoked",
                )
            })?;
            (held.user, held.state)
        }
        Inspect::User(user) => {
            let row = tx.resolve(user, by)?;
            let state = ctx.store.state(&tx, &row.user, ctx.now)?;
            (row, state)
        }
    };
    let locked = super::lock::holding(ctx, &tx, &user.user.id, &user.password_fingerprint)?;
    let user = user.user;
    Ok(Inspected {
        locked,
        issued: tx.last_ok(&user.id, Action::Issue)?,
        redeemed: tx.last_ok(&user.id, Action::Redeem)?,
        user,
        state,
    })
}

/// The audit entries `filter` picks, newest first; `user` (as typed) adds
/// the trail of that user, found by id, or by the name or email recorded
/// when the user is gone. 67 when neither a user nor an entry matches.
pub fn audit_trail(
    ctx: &Context,
    mut filter: AuditFilter,
    user: Option<&str>,
) -> Result<Vec<AuditRow>> {
    let db = ctx.open(Access::ReadOnly)?;
    let tx = db.read();
    if let Some(user) = user {
        reject_token_as_user(user)?;
        let lookup = Lookup::guess(user, tx.names());
        match tx.find_users(user, lookup)?.as_slice() {
            [row] => filter.user_id = Some(row.user.id.clone()),
            _ if lookup == Lookup::Id => filter.user_id = tx.id_from_text(user),
            _ => filter.subject = Some(user.to_string()),
        }
    }
    let rows = tx.audit_rows(&filter)?;
    if let (Some(user), true, None) = (user, rows.is_empty(), filter.user_id) {
        return Err(Error::no_user(format!(
            "no user and no audit entries for {}",
            crate::text::shown(user)
        )));
    }
    Ok(rows)
}
