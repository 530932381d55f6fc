//! Bulk issue (`issue --all`, `issue --from FILE|-`): a forced reset
//! campaign. Users stream through in batches, each batch one transaction,
//! so memory stays flat and a crash leaves every user either untouched or
//! with a whole token and expiry.

use std::io::{self, IsTerminal};
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use serde_json::json;

use super::batch::{Campaign, Judged, Source, judge_batch};
use super::delivery::{self, Sent};
use super::plan::Plan;
use super::report::{Delivery, Issued, failure_kind, report};
use super::request::IssueRequest;
use crate::audit::{Action, Outcome};
use crate::context::Context;
use crate::db::{Access, Db};
use crate::error::{Error, Kind, Result};
use crate::mail::Mailer;
use crate::signals::Stop;
use crate::token::Token;
use crate::user_list::{Entry, UserList};

/// Users per transaction. Every batch rewrites the token index pages its
/// random tokens land on, and at a million users most of that index is
/// touched by every batch, so the number of batches is what a run costs:
/// 5,000 made a million-user run 4x slower than one UPDATE. A batch of
/// 50,000 held the write lock for up to 2 s in a million-user run on two
/// cores; `--batch` lowers it for an app that cannot wait that long.
const BATCH: usize = 50_000;
/// With --send, tokens are emailed one by one: a small batch keeps a
/// token's lifetime from running out while it waits its turn.
const SEND_BATCH: usize = 100;

#[derive(Default)]
struct Counts {
    issued: u64,
    skipped: u64,
    failed: u64,
}

pub fn run(
    ctx: &Context,
    args: &IssueRequest,
    plan: &Plan,
    mailer: Option<&Mailer>,
    pace: Option<Duration>,
) -> Result<()> {
    let mut db = ctx.open(Access::ReadWrite)?;
    db.tune_for_bulk()?;
    let mut source = match &args.from {
        None => Source::All { after: i64::MIN },
        Some(path) => Source::Lines(UserList::open(path)?),
    };
    let mut counts = Counts::default();
    let mut failures: Vec<Kind> = Vec::new();
    let total = match source {
        Source::All { .. } => {
            let bad = db.read().count_bad_ids()?;
            if bad > 0 {
                ctx.out.warn(format!(
                    "{bad} user(s) have an id that is not an integer and are left out"
                ));
                counts.failed += bad;
                failures.push(Kind::Config);
            }
            Some(db.read().count_users()?)
        }
        Source::Lines(_) => None,
    };
    let progress = progress_bar(ctx, total);
    let batch = match args.batch {
        Some(n) => n as usize,
        None if args.send => SEND_BATCH,
        None => ctx.store.bulk_batch().unwrap_or(BATCH),
    };
    let run_id = Token::generate()?.expose()[..12].to_string();
    let listed = matches!(source, Source::Lines(_));
    let store = !args.dry_run && mailer.is_none();
    let mut campaign = Campaign::new(ctx, args, plan, run_id, listed, batch, store);
    let stop = Stop::catch()?;
    let mut stopped: Option<Error> = None;
    let mut sender = Sender {
        mailer,
        pace,
        last: None,
    };
    let mut last_commit: Option<Instant> = None;

    while stopped.is_none() {
        if let Some(e) = stop.requested() {
            stopped = Some(e);
            break;
        }
        let lines = match &mut source {
            Source::Lines(list) => {
                let lines = list.next_batch(campaign.batch)?;
                if lines.is_empty() {
                    break;
                }
                Some(lines)
            }
            Source::All { .. } => None,
        };
        let judged = if campaign.store {
            if let Some(at) = last_commit {
                std::thread::sleep(db.dialect().writer_gap().saturating_sub(at.elapsed()));
            }
            let before = batch_start(&source, lines.as_deref());
            let judged = db
                .write(|tx| judge_batch(ctx, tx, &mut campaign, &mut source, lines))
                .map_err(|e| unsettled(e, &before, &source))?;
            last_commit = Some(Instant::now());
            // Printed after the commit, so a slow reader (a pager) never
            // holds the app's writers; links that cannot be written take
            // their tokens back with them.
            if let Err(e) = print_batch(ctx, args, plan, &judged) {
                progress.finish_and_clear();
                return Err(take_back(ctx, &mut db, &campaign, &judged, e));
            }
            judged
        } else {
            judge_batch(ctx, &db.read(), &mut campaign, &mut source, lines)?
        };
        if judged.is_empty() {
            break;
        }
        let n = judged.len() as u64;
        for judged in judged {
            let (item, password_check) = match judged {
                Judged::Issue(item, check) => (item, check),
                Judged::Skip => {
                    counts.skipped += 1;
                    continue;
                }
                Judged::Fail(e) => {
                    counts.failed += 1;
                    failures.push(e.kind);
                    progress.suspend(|| ctx.out.warn(&e.message));
                    continue;
                }
            };
            if campaign.store || args.dry_run {
                counts.issued += 1;
                continue;
            }
            if let Some(e) = stop.requested() {
                stopped = Some(e);
                break;
            }
            match sender.send_one(ctx, &mut db, &campaign, plan, &item, &password_check)? {
                Ok(()) => counts.issued += 1,
                Err(e) => {
                    counts.failed += 1;
                    failures.push(e.kind);
                    progress.suspend(|| ctx.out.warn(&e.message));
                    // The server is down or full: every other user would
                    // wait out the same failure. They are left as they
                    // are, for a resume with --skip-active.
                    if e.kind == Kind::TempFail {
                        stopped = Some(Error::new(
                            Kind::TempFail,
                            "stopped after a temporary email failure",
                        ));
                        break;
                    }
                }
            }
        }
        ctx.out.flush()?;
        progress.inc(n);
    }
    progress.finish_and_clear();
    summarize(ctx, args, &counts, stopped.is_some())?;
    if let Some(e) = stopped {
        return Err(Error::new(
            e.kind,
            format!(
                "{}; the users not reached are as they were (resume with --skip-active)",
                e.message
            ),
        ));
    }
    if counts.failed > 0 {
        return Err(Error::new(
            failure_kind(failures.into_iter()),
            format!(
                "{} of {} users failed; the others were kept",
                counts.failed,
                counts.issued + counts.skipped + counts.failed
            ),
        ));
    }
    Ok(())
}

/// Where a batch starts: the last id before it, or its first line.
enum Start {
    After(i64),
    Line(u64),
}

fn batch_start(source: &Source, lines: Option<&[Entry]>) -> Start {
    match (source, lines.and_then(<[Entry]>::first)) {
        (_, Some(Entry::Line { line_no, .. } | Entry::TooLong { line_no })) => {
            Start::Line(*line_no)
        }
        (Source::All { after }, _) => Start::After(*after),
        (Source::Lines(_), None) => Start::Line(0),
    }
}

/// A batch whose commit went unanswered, with a server that could not be
/// asked afterwards: its users may hold tokens whose links were never
/// printed, and `--skip-active` would pass them by. The error names them.
fn unsettled(e: Error, start: &Start, source: &Source) -> Error {
    if !e.unknown_outcome {
        return e;
    }
    let who = match (start, source) {
        (Start::After(i64::MIN), Source::All { after }) => format!("users with ids up to {after}"),
        (Start::After(from), Source::All { after }) => {
            format!("users with ids above {from} up to {after}")
        }
        (Start::Line(n), _) => format!("this batch's users (listed from line {n})"),
        (Start::After(_), Source::Lines(_)) => "this batch's users".to_string(),
    };
    e.adding(format!(
        "{who} may hold tokens whose links were not printed: issue to them again, not with --skip-active"
    ))
}

/// Writes out a committed batch's links, and sees them read when stdout
/// is a pipe.
fn print_batch(ctx: &Context, args: &IssueRequest, plan: &Plan, judged: &[Judged]) -> Result<()> {
    for j in judged {
        if let Judged::Issue(item, _) = j {
            report(ctx, args, item, &Delivery::NotAsked, plan)?;
        }
    }
    ctx.out.flush_and_wait_until_read()
}

/// The links of a batch could not be written (a full disk, a closed pipe):
/// its tokens are cleared again where they are still this run's, so no
/// user holds one nobody saw, and a resume with --skip-active issues them
/// anew. Recorded as one revoke. A store that keeps nothing cannot clear
/// a link: each such user gets an entry saying so, which makes a resume
/// give them a new one, and the error says how long the old ones work.
fn take_back(
    ctx: &Context,
    db: &mut Db,
    campaign: &Campaign<'_>,
    judged: &[Judged],
    why: Error,
) -> Error {
    let kept = ctx.store.kept().ok();
    let users = judged.iter().filter_map(|j| match j {
        Judged::Issue(
            Issued {
                user: Some(u),
                token,
                ..
            },
            _,
        ) => Some((u, token)),
        _ => None,
    });
    let outcome = db.write(|tx| {
        let (mut n, mut left) = (0u64, 0u64);
        for (u, token) in users {
            match kept {
                Some(kept) => n += u64::from(kept.take_back(tx, u.id, token)?),
                None => {
                    withdraw(ctx, tx, campaign, u)?;
                    left += 1;
                }
            }
        }
        let mut audit = ctx.audit(Action::Revoke, Outcome::Ok);
        audit.detail = Some(format!(
            "{n} tokens of bulk run {} taken back: their links could not be written{}",
            campaign.run,
            if left > 0 {
                format!(
                    "; {left} links cannot be taken back (framework = \"{}\" keeps nothing)",
                    ctx.cfg.store.framework.name()
                )
            } else {
                String::new()
            }
        ));
        audit.run = Some(campaign.run.clone());
        tx.record(&audit)?;
        Ok(left)
    });
    match outcome {
        Ok(0) => why,
        Ok(left) => Error::new(
            why.kind,
            format!(
                "{}; {left} links of the last batch cannot be taken back (framework = \"{}\" keeps nothing): any that were seen work until {} unless the user's password, last login or email changes, and a resume with --skip-active issues new ones to them",
                why.message,
                ctx.cfg.store.framework.name(),
                campaign
                    .record
                    .audit
                    .expires
                    .as_deref()
                    .unwrap_or("their expiry")
            ),
        ),
        Err(e) => e,
    }
}

/// Records that a user's link, which cannot be cleared, was never
/// confirmed shown: a resume treats the user as not done.
fn withdraw(
    ctx: &Context,
    tx: &crate::db::Tx<'_>,
    campaign: &Campaign<'_>,
    user: &crate::user::User,
) -> Result<()> {
    let mut audit = ctx.audit(Action::Revoke, Outcome::Failed);
    audit.user_id = Some(user.id);
    audit.subject = Some(user.label());
    audit.run = Some(campaign.run.clone());
    audit.detail = Some(
        "its link could not be written out, and a link this store derives cannot be taken back"
            .to_string(),
    );
    tx.record(&audit)
}

/// Emails of a `--send` run, paced.
struct Sender<'m> {
    mailer: Option<&'m Mailer>,
    pace: Option<Duration>,
    last: Option<Instant>,
}

impl Sender<'_> {
    /// Emails one user's link, then stores the token (or records the
    /// failure) in a transaction of its own. The outer error ends the run;
    /// the inner one is this user's failure.
    fn send_one(
        &mut self,
        ctx: &Context,
        db: &mut Db,
        campaign: &Campaign<'_>,
        plan: &Plan,
        item: &Issued,
        password_check: &str,
    ) -> Result<std::result::Result<(), Error>> {
        let (Some(mailer), Some(user)) = (self.mailer, &item.user) else {
            return Err(Error::internal("a bulk send lost track of its user"));
        };
        if let (Some(every), Some(last)) = (self.pace, self.last) {
            std::thread::sleep(every.saturating_sub(last.elapsed()));
        }
        self.last = Some(Instant::now());
        let by = Instant::now() + mailer.timeout();
        let sent = delivery::send(ctx, mailer, user, &item.token, plan, by);
        let outcome = db.write(|tx| match &sent {
            Ok(masked) => {
                let sent = Sent {
                    user,
                    password_check,
                    token: &item.token,
                    to: masked,
                };
                delivery::store_sent(ctx, tx, plan, sent, "", Some(&campaign.run))?;
                Ok(Delivery::Sent(Some(masked.clone())))
            }
            Err(e) => {
                delivery::record_failed(ctx, tx, user, e)?;
                Ok(Delivery::Failed(e.describe()))
            }
        })?;
        report(ctx, campaign.args, item, &outcome, plan)?;
        Ok(sent.map(drop).map_err(|e| delivery::send_failure(user, &e)))
    }
}

/// A progress bar on stderr, only where a person can see it.
fn progress_bar(ctx: &Context, total: Option<u64>) -> ProgressBar {
    if ctx.out.quiet || !io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(total, ProgressDrawTarget::stderr());
    let style = match total {
        Some(_) => "{bar:40} {pos}/{len} users ({eta} left)",
        None => "{spinner} {pos} users",
    };
    if let Ok(s) = ProgressStyle::with_template(style) {
        bar.set_style(s);
    }
    bar
}

/// The closing count: on stderr beside a stream of results, as the result
/// itself for a dry run.
fn summarize(ctx: &Context, args: &IssueRequest, c: &Counts, stopped: bool) -> Result<()> {
    if args.dry_run {
        if ctx.out.json {
            return ctx.out.json(&json!({
                "dry_run": true, "issued": c.issued, "skipped": c.skipped, "failed": c.failed,
            }));
        }
        return ctx.out.say(format!(
            "Dry run: would issue {}, skip {}; {} failed.",
            c.issued, c.skipped, c.failed
        ));
    }
    ctx.out.note(format!(
        "Issued {}, skipped {}, failed {}{}.",
        c.issued,
        c.skipped,
        c.failed,
        if stopped {
            "; stopped before the rest"
        } else {
            ""
        }
    ));
    Ok(())
}
