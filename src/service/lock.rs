//! `issue --lock`: in the transaction that stores a user's new token, the
//! password becomes a hash nobody's password matches and the sessions the
//! app keeps in its database end (`TokenStore::lock`). The token is then
//! issued against the locked hash, so a store that derives its tokens from
//! the row (Django) makes them from it, and redeeming the link, which
//! writes a new password, is what ends the lock.

use crate::audit::{Action, AuditRow};
use crate::context::Context;
use crate::db::{Db, Tx};
use crate::error::Result;
use crate::password::{self, Scheme, fingerprint, locked_hash};
use crate::text::printable;
use crate::user::UserId;
use zeroize::Zeroizing;

/// What the audit detail of a locking issue ends with; `inspect` looks
/// for it.
pub const LOCK_NOTE: &str = "; account locked";

/// How one run locks: in the scheme the app verifies.
pub struct Lock {
    scheme: Scheme,
}

impl Lock {
    /// For a run with `--lock`: the scheme settled as `redeem` settles it
    /// (from `format`, or the stored hashes under `auto`), before any
    /// write, so a table whose scheme cannot be told is 78 with nothing
    /// changed.
    pub fn for_run(ctx: &Context, db: &mut Db, lock: bool) -> Result<Option<Lock>> {
        if !lock {
            return Ok(None);
        }
        let choice = ctx
            .cfg
            .hashing
            .choose(|add| db.read().each_password_sampled(password::SAMPLE, add))?;
        Ok(Some(Lock {
            scheme: choice.scheme,
        }))
    }

    /// Locks the user in `tx`: the password fingerprint the new token is
    /// issued against.
    pub fn apply(&self, ctx: &Context, tx: &Tx<'_>, id: &UserId) -> Result<String> {
        let hash = locked_hash(&self.scheme);
        ctx.store.lock(tx, id, Some(&hash), ctx.now)?;
        Ok(fingerprint(id, Some(hash.as_bytes())))
    }

    /// Same, for a bulk batch whose links are written out after it
    /// commits: with the password the user had, to put back should the
    /// links never be shown (`undo`).
    pub fn apply_undoably(
        &self,
        ctx: &Context,
        tx: &Tx<'_>,
        id: &UserId,
    ) -> Result<(String, Undo)> {
        let old = tx.password_hash_of(id)?;
        let check = self.apply(ctx, tx, id)?;
        Ok((
            check,
            Undo {
                id: id.clone(),
                old,
            },
        ))
    }
}

/// A lock to take back: the user and the password they had.
pub struct Undo {
    id: UserId,
    old: Option<Zeroizing<String>>,
}

impl Undo {
    /// Puts the old password back (a user whose link nobody saw must not
    /// be left locked out). Sessions ended by the lock stay ended.
    pub fn undo(&self, ctx: &Context, tx: &Tx<'_>) -> Result<()> {
        ctx.store
            .lock(
                tx,
                &self.id,
                self.old.as_deref().map(String::as_str),
                ctx.now,
            )
            .map(drop)
    }
}

/// Whether any account was ever locked: `list` looks each row's lock up
/// only if one was.
pub fn any_recorded(tx: &Tx<'_>) -> Result<bool> {
    tx.any_ok_noting(Action::Issue, LOCK_NOTE)
}

/// "locked at ... by ...: REASON", as `inspect` and `list` show a lock.
pub fn words(l: &AuditRow) -> String {
    let by = format!("locked at {} by {}", printable(&l.at), printable(&l.actor));
    match &l.reason {
        Some(r) => format!("{by}: {}", printable(r)),
        None => by,
    }
}

/// The lock on a user that still holds, from the user's current password
/// as stored (for `list`, which reads no fingerprint per row).
pub fn holding_now(ctx: &Context, tx: &Tx<'_>, id: &UserId) -> Result<Option<AuditRow>> {
    let hash = tx.password_hash_of(id)?;
    let now = fingerprint(id, hash.as_deref().map(|h| h.as_bytes()));
    holding(ctx, tx, id, &now)
}

/// The lock on a user that still holds: the locking issue's audit entry,
/// while the password is still the hash it wrote (the check the store
/// records of the user's row, whose password `fingerprint` is now's). A
/// new password, from the link or an admin, ends it.
pub fn holding(
    ctx: &Context,
    tx: &Tx<'_>,
    id: &UserId,
    fingerprint: &str,
) -> Result<Option<AuditRow>> {
    let Some((row, check)) = tx.last_ok_noting(id, Action::Issue, LOCK_NOTE)? else {
        return Ok(None);
    };
    let now = ctx.store.recorded_check(tx, id, fingerprint)?;
    Ok((check.is_some() && check == now).then_some(row))
}
