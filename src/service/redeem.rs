//! Redeeming: the token judged, the new password hashed in the scheme the
//! app verifies (before the write lock), then judged again and used up in
//! one transaction, so of any number of concurrent redeemers exactly one
//! wins. A refusal is audited; the notice, if asked, comes last.

use crate::audit::{Action, Outcome};
use crate::clock;
use crate::context::Context;
use crate::db::{Access, Db};
use crate::error::{Error, Kind, Result};
use crate::mail::Mailer;
use crate::password::{self, Scheme};
use crate::secret::Secret;
use crate::store::{Held, Presented, TokenState};
use crate::user::{Lookup, User};
use zeroize::Zeroizing;

/// Where the new password comes from.
pub enum NewPassword {
    /// The next line of standard input.
    Stdin,
    /// The hidden prompt on the terminal, asked twice.
    Prompt,
}

/// What a redeem did.
pub struct Redeemed {
    pub user: User,
    /// With `--notify`: whether the notice went out.
    pub notified: Option<bool>,
}

/// Redeems `token`; `named` is the `--user` (and `--by`) that says whose
/// a bare token is, for stores that need to know.
pub fn redeem(
    ctx: &Context,
    mut token: Presented,
    named: Option<(&str, Option<Lookup>)>,
    source: NewPassword,
    notify: bool,
) -> Result<Redeemed> {
    // A broken [email] section is found before the password changes.
    let mailer = notify.then(|| Mailer::new(&ctx.cfg.email)).transpose()?;
    let mut db = ctx.open(Access::ReadWrite)?;
    if let Some((user, by)) = named {
        token.user = Some(db.read().resolve(user, by)?.user);
    }
    let hash = new_hash(ctx, &mut db, &token, source)?;
    let user = use_up(ctx, &mut db, &token, &hash)?;
    // The password is changed whatever happens to the notice: a failure
    // warns and is audited, and the exit code stays 0.
    let notified = match &mailer {
        None => None,
        Some(m) => Some(super::delivery::notify_changed(ctx, &mut db, m, &user)?),
    };
    Ok(Redeemed { user, notified })
}

/// The new password, asked for and hashed before the write lock is taken,
/// so concurrent redeemers and the application wait only for the short
/// update. A token that is no good is the answer before any password.
fn new_hash(ctx: &Context, db: &mut Db, token: &Presented, source: NewPassword) -> Result<String> {
    // Settled first: when the application's hashes do not say which scheme
    // it verifies, nothing is asked and the token stays as it is (78).
    let scheme = ctx
        .cfg
        .hashing
        .choose(|add| db.read().each_password_sampled(password::SAMPLE, add))?
        .scheme;
    let policy = ctx.cfg.policy;
    let pepper = ctx.cfg.pepper.as_ref();
    match source {
        // A first look, so nobody types a new password twice for a dead
        // token.
        NewPassword::Prompt => {
            let held = ctx.store.find(&db.read(), token, ctx.now)?;
            if let Err(e) = judge(ctx, held.as_ref()) {
                return Err(reject(ctx, db, held.as_ref(), e)?);
            }
            hash_peppered(&scheme, &password::prompt_twice(policy)?, pepper)
        }
        // The password is already there: it is hashed while the token is
        // looked at (a bcrypt or PBKDF2 check of its own, for some stores).
        NewPassword::Stdin => {
            let new_password = password::from_stdin(&mut std::io::stdin().lock(), policy);
            let (held, hash) = std::thread::scope(|s| {
                let hashing = new_password
                    .as_ref()
                    .ok()
                    .map(|pw| s.spawn(|| hash_peppered(&scheme, pw, pepper)));
                let held = ctx.store.find(&db.read(), token, ctx.now);
                let hash = hashing.map(|h| {
                    h.join()
                        .map_err(|_| Error::internal("the hashing thread failed"))?
                });
                (held, hash)
            });
            let held = held?;
            if let Err(e) = judge(ctx, held.as_ref()) {
                return Err(reject(ctx, db, held.as_ref(), e)?);
            }
            new_password?;
            hash.unwrap_or_else(|| Err(Error::internal("no password to hash")))
        }
    }
}

/// Judges the token again under the write lock (another redeemer, a
/// revoke or a password change may have come first) and, if it still
/// holds, writes the hash and uses the token up, audited.
fn use_up(ctx: &Context, db: &mut Db, token: &Presented, hash: &str) -> Result<User> {
    let user = db.write(|tx| {
        let held = ctx.store.find(tx, token, ctx.now)?;
        let held = judge(ctx, held.as_ref())?;
        if !ctx.store.consume(tx, held, hash)? {
            return Err(used_up());
        }
        let mut audit = ctx.audit(Action::Redeem, Outcome::Ok);
        audit.user_id = Some(held.user.user.id.clone());
        audit.subject = Some(held.user.user.label());
        tx.record(&audit)?;
        Ok(held.user.user.clone())
    });
    match user {
        Err(e) if e.kind == Kind::BadToken => {
            let held = ctx.store.find(&db.read(), token, ctx.now)?;
            Err(reject(ctx, db, held.as_ref(), e)?)
        }
        other => other,
    }
}

/// The hash of the password with the app's pepper appended, as Devise
/// hashes it. bcrypt's 72-byte limit counts the pepper too.
fn hash_peppered(scheme: &Scheme, password: &str, pepper: Option<&Secret>) -> Result<String> {
    let Some(pepper) = pepper else {
        return scheme.hash(password);
    };
    let mut peppered = Zeroizing::new(String::with_capacity(
        password.len() + pepper.expose().len(),
    ));
    peppered.push_str(password);
    peppered.push_str(pepper.expose());
    scheme.hash(&peppered).map_err(|mut e| {
        if e.kind == Kind::BadInput {
            e.message = format!(
                "{} (counting the app's pepper of {} bytes)",
                e.message,
                pepper.expose().len()
            );
        }
        e
    })
}

fn used_up() -> Error {
    Error::bad_token("invalid reset token: it is unknown, already used or revoked")
        .with_hint("issue a new one: resetctl issue USER")
}

/// Whether the token found can be redeemed now.
fn judge<'h>(ctx: &Context, held: Option<&'h Held>) -> Result<&'h Held> {
    let Some(held) = held else {
        return Err(used_up());
    };
    match held.state {
        TokenState::Active(_) => Ok(held),
        TokenState::Dead(_) => Err(Error::bad_token(
            "reset token expired: the password was changed after it was issued",
        )
        .with_hint("issue a new one: resetctl issue USER")),
        TokenState::Expired(t) => Err(Error::bad_token(match t {
            Some(t) => format!(
                "reset token expired at {} ({})",
                clock::rfc3339(t),
                clock::relative(t, ctx.now)
            ),
            None => "reset token expired".to_string(),
        })
        .with_hint("issue a new one: resetctl issue USER")),
        TokenState::None => Err(used_up()),
    }
}

/// Records the refused attempt (a security event worth a trace), and
/// returns the error to end with.
fn reject(ctx: &Context, db: &mut Db, held: Option<&Held>, e: Error) -> Result<Error> {
    let mut audit = ctx.audit(Action::Redeem, Outcome::Rejected);
    audit.user_id = held.map(|h| h.user.user.id.clone());
    audit.subject = held.map(|h| h.user.user.label());
    audit.detail = Some(e.message.clone());
    db.write(|tx| tx.record(&audit))?;
    Ok(e)
}
