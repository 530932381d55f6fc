//! Email and the token it carries: the message goes first, and the token
//! is stored only once the server has it, so a failed or uncertain
//! delivery leaves the user's earlier token as it was.

use std::time::Instant;

use super::lock::{LOCK_NOTE, Lock};
use super::plan::Plan;
use super::report::Delivery;
use crate::audit::{Action, Outcome};
use crate::context::Context;
use crate::db::{Db, Tx};
use crate::error::{Error, Result};
use crate::mail::{self, Mailer, ResetMail, SendError};
use crate::store::NewToken;
use crate::token::Token;
use crate::user::User;

/// Emails one token's link, by `by` at the latest. Nothing is stored here.
pub fn send(
    ctx: &Context,
    mailer: &Mailer,
    user: &User,
    token: &Token,
    plan: &Plan,
    by: Instant,
) -> std::result::Result<String, SendError> {
    let link = plan.link(ctx, token, Some(user));
    let mail = ResetMail {
        user,
        link: &link,
        expires: plan.until,
        ttl: plan.ttl,
        date: ctx.now,
    };
    mailer.send_reset(&mail, by)
}

/// A token whose email went out, and who it is for: the user and the
/// fingerprint of the password it was issued against.
pub struct Sent<'a> {
    pub user: &'a User,
    pub password_check: &'a str,
    pub token: &'a Token,
    /// `--lock`: the account is locked as the token is stored, once its
    /// link is out, never before.
    pub lock: Option<&'a Lock>,
}

/// Commits what became of one email: its token stored once the message
/// went out (then the email entry, so it always comes after the issue it
/// carried, which a resumed run checks), or the failure recorded (the
/// user's earlier token stays). What the report says of it.
pub fn commit(
    ctx: &Context,
    tx: &Tx<'_>,
    plan: &Plan,
    sent: Sent<'_>,
    outcome: &std::result::Result<String, SendError>,
    note: &str,
    run: Option<&str>,
) -> Result<Delivery> {
    let to = match outcome {
        Ok(to) => to,
        Err(e) => {
            record_failed(ctx, tx, sent.user, e)?;
            return Ok(Delivery::Failed(e.describe()));
        }
    };
    let locked = match sent.lock {
        Some(lock) => Some(lock.apply(ctx, tx, &sent.user.id)?),
        None => None,
    };
    let mut tokens = [NewToken {
        user: sent.user,
        password_check: locked.as_deref().unwrap_or(sent.password_check),
        token: sent.token,
    }];
    let note = match locked {
        Some(_) => format!("{note}{LOCK_NOTE}"),
        None => note.to_string(),
    };
    ctx.store
        .store(tx, &plan.record(ctx, &note, run), &mut tokens)?;
    record_email(
        ctx,
        tx,
        sent.user,
        Outcome::Ok,
        format!("reset link sent to {to}"),
    )?;
    Ok(Delivery::Sent(Some(to.clone())))
}

/// Records an email that did not go out, or may not have: no token was
/// stored for it, so the user's earlier token is as it was.
pub fn record_failed(ctx: &Context, tx: &Tx<'_>, user: &User, e: &SendError) -> Result<()> {
    let consequence = if e.uncertain {
        "no token was stored, so if the message does arrive its link will not work"
    } else {
        "no token was stored; an earlier one still works"
    };
    record_email(
        ctx,
        tx,
        user,
        Outcome::Failed,
        format!("reset link not sent: {}; {consequence}", e.describe()),
    )
}

/// The error a failed delivery ends the command with.
pub fn send_failure(user: &User, e: &SendError) -> Error {
    let to = user
        .email
        .as_deref()
        .map_or("the user".to_string(), mail::mask);
    let what = if e.uncertain {
        format!(
            "could not confirm the reset link reached {to}: {}; no token was stored, so if it arrives its link will not work",
            e.describe()
        )
    } else {
        format!(
            "could not send the reset link to {to}: {}; no token was stored, an earlier one still works",
            e.describe()
        )
    };
    Error::new(e.kind(), what)
}

/// Sends the "password changed" notice; false (after a warning and an
/// audit entry) when it could not be delivered. The password is changed
/// whatever happens to the notice.
pub fn notify_changed(ctx: &Context, db: &mut Db, mailer: &Mailer, user: &User) -> Result<bool> {
    let (outcome, detail, sent) = match mailer.send_changed(user, ctx.now) {
        Ok(masked) => (
            Outcome::Ok,
            format!("password-changed notice sent to {masked}"),
            true,
        ),
        Err(e) => {
            ctx.out.warn(format!(
                "the password was changed, but the notice could not be sent: {}",
                e.describe()
            ));
            (
                Outcome::Failed,
                format!("password-changed notice not sent: {}", e.describe()),
                false,
            )
        }
    };
    db.write(|tx| record_email(ctx, tx, user, outcome, detail))?;
    Ok(sent)
}

/// The audit entry of one email, sent or not.
fn record_email(
    ctx: &Context,
    tx: &Tx<'_>,
    user: &User,
    outcome: Outcome,
    detail: String,
) -> Result<()> {
    let mut audit = ctx.audit(Action::Email, outcome);
    audit.user_id = Some(user.id.clone());
    audit.subject = Some(user.label());
    audit.detail = Some(detail);
    tx.record(&audit)
}
