use serde_json::json;

use super::{State, token_arg};
use crate::Context;
use crate::cli::RedeemArgs;
use crate::clock;
use crate::db::{Access, Outcome, User, UserRow};
use crate::error::{Error, Result};
use crate::mail::Mailer;
use crate::password;

pub fn run(ctx: &Context, args: &RedeemArgs) -> Result<()> {
    let token = token_arg(&args.token)?;
    // The prompt reads the controlling terminal, not stdin, so `redeem - <
    // link.txt` still prompts; cron jobs and CI have none.
    if !args.password_stdin && std::fs::File::open("/dev/tty").is_err() {
        return Err(
            Error::usage("no terminal to ask for the new password on").with_hint(
                "pass --password-stdin and send the password as one line of standard input",
            ),
        );
    }
    let stored = token.stored(ctx.cfg.token_storage);
    // A broken [email] section is found before the password changes.
    let mailer = if args.notify {
        Some(Mailer::new(&ctx.cfg.email)?)
    } else {
        None
    };
    let mut db = ctx.open(Access::ReadWrite)?;
    // Settled first: when the application's hashes do not say which scheme
    // it verifies, nothing is asked and the token stays as it is (78).
    let scheme = ctx
        .cfg
        .hashing
        .choose(|add| db.read().each_password_sampled(password::SAMPLE, add))?
        .scheme;
    // A first look, so nobody types a new password twice for a dead token.
    let row = db.read().find_by_token(&stored)?;
    if let Err(e) = judge(ctx, row.as_ref()) {
        return reject(ctx, &mut db, row.as_ref(), e);
    }

    let policy = ctx.cfg.policy;
    let new_password = if args.password_stdin {
        password::from_stdin(&mut std::io::stdin().lock(), policy)?
    } else {
        password::prompt_twice(policy)?
    };
    // The slow part happens before the write lock is taken, so concurrent
    // redeemers and the application wait only for the short update.
    let hash = scheme.hash(&new_password)?;
    drop(new_password);

    let user = db.write(|tx| {
        // Checked again under the lock: another redeemer, a revoke or a
        // password change may have come first.
        let row = tx.find_by_token(&stored)?;
        let row = judge(ctx, row.as_ref())?;
        if !tx.redeem(row.user.id, &stored, &hash)? {
            return Err(used_up());
        }
        let mut audit = ctx.audit("redeem", Outcome::Ok);
        audit.user_id = Some(row.user.id);
        audit.subject = Some(row.user.label());
        tx.record(&audit)?;
        Ok(row.user.clone())
    });
    let user = match user {
        Ok(u) => u,
        Err(e) if e.kind == crate::error::Kind::BadToken => {
            let row = db.read().find_by_token(&stored)?;
            return reject(ctx, &mut db, row.as_ref(), e);
        }
        Err(e) => return Err(e),
    };

    // The password is changed whatever happens to the notice: a failure
    // warns and is audited, and the exit code stays 0.
    let notified = match &mailer {
        None => None,
        Some(m) => Some(notify(ctx, &mut db, m, &user)?),
    };
    if ctx.out.json {
        let mut v = json!({ "user": user.json(), "redeemed": true });
        if let Some(sent) = notified {
            v["sent"] = json!(sent);
        }
        return ctx.out.json(&v);
    }
    ctx.out.say(format!(
        "Password changed for {}; the reset token is used up.",
        user.label()
    ))?;
    Ok(())
}

/// Sends the "password changed" notice; false (after a warning and an
/// audit row) when it could not be delivered.
fn notify(ctx: &Context, db: &mut crate::db::Db, mailer: &Mailer, user: &User) -> Result<bool> {
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
    super::issue::record_email(ctx, db, user, outcome, detail)?;
    Ok(sent)
}

fn used_up() -> Error {
    Error::bad_token("invalid reset token: it is unknown, already used or revoked")
        .with_hint("issue a new one: resetctl issue USER")
}

/// Whether the token row found can be redeemed now.
fn judge<'r>(ctx: &Context, row: Option<&'r UserRow>) -> Result<&'r UserRow> {
    let Some(row) = row else {
        return Err(used_up());
    };
    match State::of(row, ctx.now) {
        State::Active(_) => Ok(row),
        State::Dead(_) => Err(Error::bad_token(
            "reset token expired: the password was changed after it was issued",
        )
        .with_hint("issue a new one: resetctl issue USER")),
        State::Expired(t) => Err(Error::bad_token(match t {
            Some(t) => format!(
                "reset token expired at {} ({})",
                clock::rfc3339(t),
                clock::relative(t, ctx.now)
            ),
            None => "reset token expired".to_string(),
        })
        .with_hint("issue a new one: resetctl issue USER")),
        State::None => Err(used_up()),
    }
}

/// Records the refused attempt (a security event worth a trace), then fails.
fn reject(ctx: &Context, db: &mut crate::db::Db, row: Option<&UserRow>, e: Error) -> Result<()> {
    let mut audit = ctx.audit("redeem", Outcome::Rejected);
    audit.user_id = row.map(|r| r.user.id);
    audit.subject = row.map(|r| r.user.label());
    audit.detail = Some(e.message.clone());
    db.write(|tx| tx.record(&audit))?;
    Err(e)
}
