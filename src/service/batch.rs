//! One batch of a bulk run, decided: each user skipped, failed, or given a
//! token, and (unless this is a dry run or a `--send` run, which stores
//! each token once its email went out) the tokens stored together.

use std::collections::HashSet;

use super::lock::{LOCK_NOTE, Lock, Undo, holding};
use super::plan::Plan;
use super::report::Issued;
use super::request::IssueRequest;
use crate::audit::Action;
use crate::context::Context;
use crate::db::{Tx, UserRow};
use crate::error::{Error, Kind, Result};
use crate::store::{IssueRecord, Lifetime, NewToken, TokenState};
use crate::token::TokenSource;
use crate::user::UserId;
use crate::user_list::{Entry, UserList};

/// Rows read at a time within a batch, so few are held at once.
const PAGE: usize = 5000;

/// What every batch of one run shares.
pub struct Campaign<'a> {
    pub args: &'a IssueRequest,
    /// This run's id, kept with its issues: a user listed twice is known.
    pub run: String,
    /// Users come from a list, where one may appear twice.
    pub listed: bool,
    pub batch: usize,
    /// Tokens are written with the batch (not in a dry run, and not with
    /// `--send`, where each is stored once its email went out).
    pub store: bool,
    /// The issue entry every token of the run gets.
    pub record: IssueRecord,
    pub tokens: TokenSource,
    /// `--lock`: each user is locked with their token.
    pub lock: Option<Lock>,
    /// The locks of the batch under way, to take back with its tokens if
    /// its links cannot be written.
    pub undo: Vec<Undo>,
}

impl<'a> Campaign<'a> {
    pub fn new(
        ctx: &Context,
        args: &'a IssueRequest,
        plan: &Plan,
        run: String,
        listed: bool,
        batch: usize,
        store: bool,
    ) -> Campaign<'a> {
        Campaign {
            args,
            lock: None,
            undo: Vec::new(),
            record: plan.record(ctx, "", Some(&run)),
            run,
            listed,
            batch,
            store,
            tokens: TokenSource::new(),
        }
    }
}

impl Campaign<'_> {
    /// Locking each user too (`--lock`), as the issue entries say.
    pub fn locking(mut self, ctx: &Context, plan: &Plan, lock: Option<Lock>) -> Self {
        if lock.is_some() {
            self.record = plan.record(ctx, LOCK_NOTE, Some(&self.run));
        }
        self.lock = lock;
        self
    }
}

/// Where the users come from.
pub enum Source {
    /// Every user, by id: those after `after` (from the first when `None`).
    All { after: Option<UserId> },
    /// One USER per line.
    Lines(UserList),
}

/// What became of one USER.
// Nearly every user of a bulk run is issued to: boxing the large variant
// would cost an allocation per user to save space on the rare others.
#[allow(clippy::large_enum_variant)]
pub enum Judged {
    /// To issue, with the fingerprint of the password the token is for.
    Issue(Issued, String),
    Skip,
    Fail(Error),
}

/// Decides each user of one batch, and stores their tokens when the
/// campaign stores with the batch: the users of `lines`, or for `--all` the
/// next users by id, read inside the transaction a page at a time.
pub fn judge_batch(
    ctx: &Context,
    tx: &Tx<'_>,
    run: &mut Campaign<'_>,
    source: &mut Source,
    lines: Option<Vec<Entry>>,
) -> Result<Vec<Judged>> {
    let mut judged = Vec::with_capacity(lines.as_ref().map_or(run.batch, Vec::len));
    run.undo.clear();
    // Users of a list issued in this batch, whose audit entries are not
    // written yet.
    let mut listed = HashSet::new();
    if let Some(lines) = lines {
        for entry in lines {
            match entry {
                Entry::TooLong { line_no } => judged.push(Judged::Fail(Error::bad_input(format!(
                    "line {line_no}: too long for a USER"
                )))),
                Entry::Line { line_no, text } => match tx.resolve(&text, run.args.by) {
                    Ok(row) => judged.push(judge(ctx, tx, run, &mut listed, row, text)?),
                    Err(e) if matches!(e.kind, Kind::NoUser | Kind::BadInput | Kind::Config) => {
                        judged.push(Judged::Fail(Error::new(
                            e.kind,
                            format!("line {line_no}: {}", e.message),
                        )))
                    }
                    Err(e) => return Err(e),
                },
            }
        }
    } else if let Source::All { after } = source {
        while judged.len() < run.batch {
            let rows = tx.page_after(after.as_ref(), PAGE.min(run.batch - judged.len()))?;
            let Some(last) = rows.last() else { break };
            *after = Some(last.user.id.clone());
            for row in rows {
                let input = row.user.id.text();
                judged.push(judge(ctx, tx, run, &mut listed, row, input)?);
            }
        }
    }
    if run.store {
        store(ctx, tx, run, &judged)?;
    }
    Ok(judged)
}

/// Stores the tokens of a batch's users to issue, together.
fn store(ctx: &Context, tx: &Tx<'_>, run: &Campaign<'_>, judged: &[Judged]) -> Result<()> {
    let mut tokens: Vec<NewToken<'_>> = judged
        .iter()
        .filter_map(|j| match j {
            Judged::Issue(
                Issued {
                    user: Some(user),
                    token,
                    ..
                },
                check,
            ) => Some(NewToken {
                user,
                password_check: check,
                token,
            }),
            _ => None,
        })
        .collect();
    if !tokens.is_empty() {
        ctx.store.store(tx, &run.record, &mut tokens)?;
    }
    Ok(())
}

/// Skips or issues for one user.
fn judge(
    ctx: &Context,
    tx: &Tx<'_>,
    run: &mut Campaign<'_>,
    listed: &mut HashSet<UserId>,
    row: UserRow,
    input: String,
) -> Result<Judged> {
    let args = run.args;
    let skip = (args.skip_active
        && matches!(
            ctx.store.state(tx, &row.user, ctx.now)?,
            TokenState::Active(_)
        )
        && delivered(tx, args, &row)?
        && !withdrawn(ctx, tx, &row)?
        && (run.lock.is_none()
            || holding(ctx, tx, &row.user.id, &row.password_fingerprint)?.is_some()))
        || (run.listed && listed_again(tx, run, listed, &row.user.id)?);
    if skip {
        return Ok(Judged::Skip);
    }
    // Locked first, in this batch's transaction: a token derived from the
    // row is made from the locked hash, and each is issued against it.
    let check = match &run.lock {
        Some(lock) if run.store => {
            let (check, undo) = lock.apply_undoably(ctx, tx, &row.user.id)?;
            run.undo.push(undo);
            check
        }
        _ => row.password_fingerprint,
    };
    let token = ctx.store.new_token(
        tx,
        &row.user,
        Lifetime {
            now: ctx.now,
            expires: run.record.expires,
        },
        &mut run.tokens,
    )?;
    Ok(Judged::Issue(
        Issued {
            input,
            user: Some(row.user),
            link_user: None,
            token,
            typed: None,
        },
        check,
    ))
}

/// A user listed twice keeps the token this run already handed out: in
/// this batch, or in an earlier one, whose id is on their newest issue.
fn listed_again(
    tx: &Tx<'_>,
    run: &Campaign<'_>,
    listed: &mut HashSet<UserId>,
    id: &UserId,
) -> Result<bool> {
    if !listed.insert(id.clone()) {
        return Ok(true);
    }
    Ok(tx
        .last_ok(id, Action::Issue)?
        .and_then(|r| r.run)
        .is_some_and(|r| r == run.run))
}

/// For a store that keeps nothing, a live link counts as handed out only
/// if it was not withdrawn: a bulk run that could not write it out says
/// so in the audit table, and a resume gives the user a new one.
fn withdrawn(ctx: &Context, tx: &Tx<'_>, row: &UserRow) -> Result<bool> {
    if ctx.store.kept().is_ok() {
        return Ok(false);
    }
    let issued = tx.last_ok(&row.user.id, Action::Issue)?.map(|r| r.id);
    let withdrawn = tx.last_any(&row.user.id, Action::Revoke)?;
    Ok(matches!((issued, withdrawn), (Some(i), Some(w)) if w > i))
}

/// For `--send`, a live token counts as handed out only if an email left
/// for it: a token a run without `--send` printed does not count.
fn delivered(tx: &Tx<'_>, args: &IssueRequest, row: &UserRow) -> Result<bool> {
    if !args.send {
        return Ok(true);
    }
    let issued = tx.last_ok(&row.user.id, Action::Issue)?.map(|r| r.id);
    let emailed = tx.last_ok(&row.user.id, Action::Email)?.map(|r| r.id);
    Ok(matches!((issued, emailed), (Some(i), Some(e)) if e > i))
}
