//! Issuing to the USERs named on the command line: every one resolved and
//! checked against the rate limit before anything is issued, then either
//! the links printed before the tokens commit, or each link emailed before
//! its token is stored. Bulk runs are `bulk.rs`.

use std::collections::HashSet;
use std::time::Instant;

use super::delivery::{self, Sent};
use super::limits;
use super::lock::{LOCK_NOTE, Lock};
use super::plan::Plan;
use super::report::{Delivery, Issued, failure_kind, report};
use super::request::IssueRequest;
use crate::context::Context;
use crate::db::{Access, Db, Tx, UserRow};
use crate::error::{Error, Kind, Result};
use crate::mail::Mailer;
use crate::store::{Lifetime, NewToken};
use crate::token::{Token, TokenSource};
use crate::user::{Typed, User};

/// `issue`: the USERs given, or a bulk run with `--all` or `--from`.
pub fn issue(ctx: &Context, args: &IssueRequest) -> Result<()> {
    let plan = Plan::new(ctx, args)?;
    if args.force && ctx.reason.is_none() {
        return Err(Error::usage(
            "--force needs --reason: bypassing the rate limit is recorded with why",
        ));
    }
    if args.lock && ctx.reason.is_none() {
        return Err(Error::usage(
            "--lock needs --reason: locking an account is recorded with why",
        ));
    }
    if args.lock && args.send && ctx.store.kept().is_err() {
        return Err(Error::usage(format!(
            "--lock with --send is not possible with framework = \"{}\": its links are made from the password hash, so the lock, made once the email is out, would kill the link it carried; print the links instead (without --send)",
            ctx.cfg.store.framework.name()
        )));
    }
    let pace = args
        .rate
        .as_deref()
        .map(crate::rate::parse_pace)
        .transpose()?;
    // A broken [email] section is found before anything is issued.
    let mailer = if args.send {
        Some(Mailer::new(&ctx.cfg.email)?)
    } else {
        None
    };
    // Under --no-enumerate a delivery failure cannot be reported per user
    // (an unknown user has nothing to fail), so an unreachable server is
    // found first, the same for everyone.
    if let (Some(m), true) = (&mailer, args.no_enumerate) {
        m.probe().map_err(|e| {
            Error::new(
                e.kind(),
                format!("the mail server cannot be used: {}", e.describe()),
            )
        })?;
    }
    if args.all || args.from.is_some() {
        return super::bulk::run(ctx, args, &plan, mailer.as_ref(), pace);
    }
    let mut db = ctx.open(Access::ReadWrite)?;
    match &mailer {
        None => print_run(ctx, &mut db, args, &plan),
        Some(m) => send_run(ctx, &mut db, m, args, &plan),
    }
}

/// One USER argument, resolved: a user to issue to, or (under
/// `--no-enumerate`) a name that matches nobody.
struct Target<'a> {
    input: &'a str,
    row: Option<UserRow>,
    /// The audit note for an issue past the rate limit.
    note: &'static str,
    /// Under `--no-enumerate`: the name as typed, and the user its link
    /// names (made from what was typed where the link would tell).
    typed: Option<(Typed<'a>, Option<User>)>,
}

/// Resolves every USER and checks the rate limit before anything is
/// issued or sent: one unknown USER (without `--no-enumerate`) or one
/// user past the limit (without `--force`) stops the command whole.
fn targets<'a>(
    ctx: &Context,
    tx: &Tx<'_>,
    args: &'a IssueRequest,
    plan: &Plan,
) -> Result<Vec<Target<'a>>> {
    let mut targets = Vec::new();
    let mut seen = HashSet::new();
    for input in &args.users {
        if args.no_enumerate {
            targets.push(unenumerated(ctx, tx, args, plan, input)?);
            continue;
        }
        let row = tx.resolve(input, args.by)?;
        if !seen.insert(row.user.id.clone()) {
            continue;
        }
        let label = row.user.label();
        let note = match limits::check(ctx, tx, Some(&row.user.id), &label, &label) {
            Err(e) if !args.force => return Err(e),
            Err(_) => "; forced past the rate limit",
            Ok(()) => "",
        };
        targets.push(Target {
            input,
            row: Some(row),
            note,
            typed: None,
        });
    }
    Ok(targets)
}

/// A USER under `--no-enumerate`: every step the same whether it names an
/// account or not. Each argument gets its own answer (merging two names
/// of one user would tell), the rate limit counts the name as typed, and
/// the link is made from what was typed.
fn unenumerated<'a>(
    ctx: &Context,
    tx: &Tx<'_>,
    args: &IssueRequest,
    plan: &Plan,
    input: &'a str,
) -> Result<Target<'a>> {
    let row = match tx.resolve(input, args.by) {
        Ok(row) => Some(row),
        Err(e) if e.kind == Kind::NoUser => None,
        Err(e) => return Err(e),
    };
    let typed = Typed::new(input, args.by, tx.names());
    let link_user =
        ctx.store
            .link_user(tx, &plan.template, &typed, row.as_ref().map(|r| &r.user))?;
    let note = match limits::check(ctx, tx, None, &typed.key, typed.input) {
        Err(e) if !args.force => return Err(e),
        Err(_) => "; forced past the rate limit",
        Ok(()) => "",
    };
    Ok(Target {
        input,
        row,
        note,
        typed: Some((typed, link_user)),
    })
}

/// The token for a target: its user's, or a decoy as costly to make.
fn token_for(
    ctx: &Context,
    tx: &Tx<'_>,
    t: &Target<'_>,
    plan: &Plan,
    source: &mut TokenSource,
) -> Result<Token> {
    let life = Lifetime {
        now: ctx.now,
        expires: plan.expires,
    };
    match (&t.row, &t.typed) {
        (Some(row), _) => ctx.store.new_token(tx, &row.user, life, source),
        (None, Some((typed, _))) => ctx.store.decoy(tx, typed, life, source),
        (None, None) => Err(Error::internal("an issue lost track of its user")),
    }
}

/// What was issued for a target, for the report.
fn issued(t: Target<'_>, token: Token) -> Issued {
    let (link_user, typed) = match t.typed {
        Some((typed, link_user)) => (link_user.map(Box::new), Some((typed.lookup, typed.id))),
        None => (None, None),
    };
    Issued {
        input: t.input.to_string(),
        user: t.row.map(|r| r.user),
        link_user,
        token,
        typed,
    }
}

/// Without `--send`: the links are written out, and flushed, before the
/// tokens commit (a few lines, never more than a pipe holds). If they
/// cannot be written (a full disk, a closed pipe), nothing is issued and
/// every earlier token still works: no user ends up holding a token whose
/// link nobody saw. If the commit fails once they are out, the error says
/// they do not work.
fn print_run(ctx: &Context, db: &mut Db, args: &IssueRequest, plan: &Plan) -> Result<()> {
    let printed = std::cell::Cell::new(0usize);
    let lock = Lock::for_run(ctx, db, args.lock)?;
    db.write(|tx| {
        let mut issued_all = Vec::new();
        let mut source = TokenSource::new();
        for t in targets(ctx, tx, args, plan)? {
            // Locked first: a token derived from the row is made from the
            // locked hash, and every token is issued against it.
            let locked = match (&lock, &t.row) {
                (Some(l), Some(row)) => Some(l.apply(ctx, tx, &row.user.id)?),
                _ => None,
            };
            let token = token_for(ctx, tx, &t, plan, &mut source)?;
            if let Some(row) = &t.row {
                let mut tokens = [NewToken {
                    user: &row.user,
                    password_check: locked.as_deref().unwrap_or(&row.password_fingerprint),
                    token: &token,
                }];
                let note = format!(
                    "{}{}",
                    t.note,
                    if locked.is_some() { LOCK_NOTE } else { "" }
                );
                ctx.store
                    .store(tx, &plan.record(ctx, &note, None), &mut tokens)?;
            }
            if let Some((typed, _)) = &t.typed {
                limits::record_request(ctx, tx, typed, t.row.is_some())?;
            }
            issued_all.push(issued(t, token));
        }
        for item in &issued_all {
            report(ctx, args, item, &Delivery::NotAsked, plan)?;
        }
        ctx.out.flush()?;
        printed.set(issued_all.len());
        Ok(())
    })
    .map_err(|e| match printed.get() {
        0 => e,
        n => printed_but_failed(e, n),
    })
}

/// The commit failed after the links went out: they do not work, unless
/// the server could not say what became of the commit.
fn printed_but_failed(e: Error, n: usize) -> Error {
    let (links, verb) = match n {
        1 => ("the link printed", "does"),
        _ => ("the links printed", "do"),
    };
    if e.unknown_outcome {
        e.adding(format!("{links} may or may not work"))
    } else {
        e.adding(format!("{links} {verb} not work"))
    }
}

/// With `--send`: each link is emailed first and its token stored only
/// once the server took the message. Under `--no-enumerate` every answer
/// waits for the same deadline, one delivery's timeout, whether a message
/// went out or there was nobody to send it to.
fn send_run(
    ctx: &Context,
    db: &mut Db,
    mailer: &Mailer,
    args: &IssueRequest,
    plan: &Plan,
) -> Result<()> {
    let lock = Lock::for_run(ctx, db, args.lock)?;
    let targets = targets(ctx, &db.read(), args, plan)?;
    let total = targets.len();
    let mut failures = Vec::new();
    let mut source = TokenSource::new();
    for t in targets {
        let by = Instant::now() + mailer.timeout();
        let token = token_for(ctx, &db.read(), &t, plan, &mut source)?;
        let sent = t
            .row
            .as_ref()
            .map(|row| delivery::send(ctx, mailer, &row.user, &token, plan, by));
        let delivery = db.write(|tx| {
            if let Some((typed, _)) = &t.typed {
                limits::record_request(ctx, tx, typed, t.row.is_some())?;
            }
            match (&t.row, &sent) {
                (Some(row), Some(outcome)) => {
                    let sent = Sent {
                        user: &row.user,
                        password_check: &row.password_fingerprint,
                        token: &token,
                        lock: lock.as_ref(),
                    };
                    delivery::commit(ctx, tx, plan, sent, outcome, t.note, None)
                }
                (_, _) => Ok(Delivery::Sent(None)),
            }
        })?;
        // Padded after all the work, storing included: the answer comes at
        // the deadline whatever was done for it.
        if args.no_enumerate {
            std::thread::sleep(by.saturating_duration_since(Instant::now()));
        }
        // Under --no-enumerate a failure is answered like a success; the
        // audit trail has it.
        let delivery = match delivery {
            Delivery::Failed(_) if args.no_enumerate => Delivery::Sent(None),
            d => d,
        };
        if let (Some(row), Some(Err(e)), false) = (&t.row, &sent, args.no_enumerate) {
            failures.push(delivery::send_failure(&row.user, e));
        }
        report(ctx, args, &issued(t, token), &delivery, plan)?;
    }
    verdict(ctx, failures, total)
}

/// The deliveries that failed, out of `total`: one is the error itself;
/// several each get a line, then the verdict.
fn verdict(ctx: &Context, mut failures: Vec<Error>, total: usize) -> Result<()> {
    match failures.len() {
        0 => Ok(()),
        1 if total == 1 => Err(failures.remove(0)),
        n => {
            for e in &failures {
                ctx.out.warn(&e.message);
            }
            Err(Error::new(
                failure_kind(failures.iter().map(|e| e.kind)),
                format!(
                    "{n} of {total} reset links could not be sent; their users' earlier tokens are unchanged"
                ),
            ))
        }
    }
}
