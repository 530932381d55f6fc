//! Bulk issue (`issue --all`, `issue --from FILE|-`): a forced reset
//! campaign. Users stream through in batches, each batch one transaction,
//! so memory stays flat and a crash leaves every user either untouched or
//! with a whole token and expiry. What goes wrong with a batch's links is
//! `setback.rs`; emails are `send.rs`; the counts are `tally.rs`.

mod send;
mod setback;
mod tally;

use std::time::{Duration, Instant};

use indicatif::ProgressBar;

use super::batch::{Campaign, Judged, Source, judge_batch};
use super::lock::Lock;
use super::plan::Plan;
use super::report::failure_kind;
use super::request::IssueRequest;
use crate::context::Context;
use crate::db::{Access, Db};
use crate::error::{Error, Kind, Result};
use crate::mail::Mailer;
use crate::signals::Stop;
use crate::token::Token;
use crate::user_list::{Entry, UserList};
use send::Sender;
use tally::Counts;

/// Users per transaction: the app's writers wait while one is written,
/// and the app's busy handler looks again only every 100 ms, so each
/// batch also costs a gap (`writer_gap`). With planned tokens a batch
/// costs about what its users do: 40,000 held the lock for at most 435 ms
/// in a million-user run on two cores, and the run took 1.4x one UPDATE
/// (BENCHMARKS.md). `--batch` lowers it for an app that cannot wait that
/// long.
const BATCH: usize = 40_000;
/// With --send, tokens are emailed one by one: a small batch keeps a
/// token's lifetime from running out while it waits its turn.
const SEND_BATCH: usize = 100;

pub fn run(
    ctx: &Context,
    args: &IssueRequest,
    plan: &Plan,
    mailer: Option<&Mailer>,
    pace: Option<Duration>,
) -> Result<()> {
    let mut run = Run::start(ctx, args, plan, mailer, pace)?;
    let went = run.go();
    run.progress.finish_and_clear();
    went?;
    run.finish()
}

/// One campaign under way.
struct Run<'a> {
    ctx: &'a Context,
    args: &'a IssueRequest,
    plan: &'a Plan,
    db: Db,
    source: Source,
    campaign: Campaign<'a>,
    sender: Sender<'a>,
    counts: Counts,
    failures: Vec<Kind>,
    progress: ProgressBar,
    stop: Stop,
    stopped: Option<Error>,
    last_commit: Option<Instant>,
    /// `--all`'s users when the run began, while their tokens are planned
    /// (`None` for a list, or a store whose index no token orders).
    planned_of: Option<u64>,
}

impl<'a> Run<'a> {
    fn start(
        ctx: &'a Context,
        args: &'a IssueRequest,
        plan: &'a Plan,
        mailer: Option<&'a Mailer>,
        pace: Option<Duration>,
    ) -> Result<Run<'a>> {
        let mut db = ctx.open(Access::ReadWrite)?;
        db.tune_for_bulk()?;
        let lock = Lock::for_run(ctx, &mut db, args.lock && !args.dry_run)?;
        let source = match &args.from {
            None => Source::All { after: None },
            Some(path) => Source::Lines(UserList::open(path)?),
        };
        let mut counts = Counts::default();
        let mut failures = Vec::new();
        let total = match source {
            Source::All { .. } => {
                let bad = left_out(ctx, &db)?;
                if bad > 0 {
                    counts.failed += bad;
                    failures.push(Kind::Config);
                }
                Some(db.read().count_users()?)
            }
            Source::Lines(_) => None,
        };
        let batch = match args.batch {
            Some(n) => n as usize,
            None if args.send => SEND_BATCH,
            None => ctx.store.bulk_batch().unwrap_or(BATCH),
        };
        let run_id = Token::generate()?.expose()[..12].to_string();
        let listed = matches!(source, Source::Lines(_));
        let store = !args.dry_run && mailer.is_none();
        Ok(Run {
            campaign: Campaign::new(ctx, args, plan, run_id, listed, batch, store)
                .locking(ctx, plan, lock),
            progress: tally::progress_bar(ctx, total),
            sender: Sender {
                mailer,
                pace,
                last: None,
            },
            stop: Stop::catch()?,
            ctx,
            args,
            plan,
            db,
            source,
            counts,
            failures,
            stopped: None,
            last_commit: None,
            planned_of: total,
        })
    }

    /// Batch after batch, until the users run out or the run is stopped.
    fn go(&mut self) -> Result<()> {
        while self.stopped.is_none() {
            if let Some(e) = self.stop.requested() {
                self.stopped = Some(e);
                break;
            }
            let Some(lines) = self.next_lines()? else {
                break;
            };
            let judged = self.judge(lines)?;
            if judged.is_empty() {
                break;
            }
            let n = judged.len() as u64;
            self.tally(judged)?;
            self.ctx.out.flush()?;
            self.progress.inc(n);
        }
        Ok(())
    }

    /// Orders `--all`'s coming tokens by the token index (`token/plan.rs`)
    /// when the last plan is used up: only tokens stored with their batch
    /// gain from it.
    fn plan_tokens(&mut self) -> Result<()> {
        let Some(total) = self.planned_of else {
            return Ok(());
        };
        let left = total.saturating_sub(self.progress.position()) as usize;
        if left == 0 || self.campaign.tokens.planned() > 0 {
            return Ok(());
        }
        let store = &self.ctx.store;
        self.campaign.tokens.plan(left, |s| store.index_key(s))?;
        if self.campaign.tokens.planned() == 0 {
            self.planned_of = None;
        }
        Ok(())
    }

    /// The next batch's lines of a list (`None` when it is used up), or
    /// `Some(None)` for `--all`, whose users are read inside the batch.
    fn next_lines(&mut self) -> Result<Option<Option<Vec<Entry>>>> {
        Ok(match &mut self.source {
            Source::Lines(list) => {
                let lines = list.next_batch(self.campaign.batch)?;
                (!lines.is_empty()).then_some(Some(lines))
            }
            Source::All { .. } => Some(None),
        })
    }

    /// Decides a batch and, when the run stores with the batch, commits it
    /// and prints its links after the commit (so a slow reader never
    /// holds the app's writers); links that cannot be written take their
    /// tokens back with them.
    fn judge(&mut self, lines: Option<Vec<Entry>>) -> Result<Vec<Judged>> {
        let ctx = self.ctx;
        if !self.campaign.store {
            return judge_batch(
                ctx,
                &self.db.read(),
                &mut self.campaign,
                &mut self.source,
                lines,
            );
        }
        self.plan_tokens()?;
        if let Some(at) = self.last_commit {
            std::thread::sleep(self.db.dialect().writer_gap().saturating_sub(at.elapsed()));
        }
        let before = setback::batch_start(&self.source, lines.as_deref());
        let (campaign, source) = (&mut self.campaign, &mut self.source);
        let judged = self
            .db
            .write(|tx| judge_batch(ctx, tx, campaign, source, lines))
            .map_err(|e| setback::unsettled(e, &before, &self.source))?;
        self.last_commit = Some(Instant::now());
        if let Err(e) = setback::print_batch(ctx, self.args, self.plan, &judged) {
            return Err(setback::take_back(
                ctx,
                &mut self.db,
                &self.campaign,
                &judged,
                e,
            ));
        }
        Ok(judged)
    }

    /// Counts a decided batch, emailing each link first in a `--send` run.
    fn tally(&mut self, judged: Vec<Judged>) -> Result<()> {
        for judged in judged {
            let (item, password_check) = match judged {
                Judged::Issue(item, check) => (item, check),
                Judged::Skip => {
                    self.counts.skipped += 1;
                    continue;
                }
                Judged::Fail(e) => {
                    self.fail(&e);
                    continue;
                }
            };
            if self.campaign.store || self.args.dry_run {
                self.counts.issued += 1;
                continue;
            }
            if let Some(e) = self.stop.requested() {
                self.stopped = Some(e);
                break;
            }
            let sent = self.sender.send_one(
                self.ctx,
                &mut self.db,
                &self.campaign,
                self.plan,
                &item,
                &password_check,
            )?;
            match sent {
                Ok(()) => self.counts.issued += 1,
                Err(e) => {
                    self.fail(&e);
                    // The server is down or full: every other user would
                    // wait out the same failure. They are left as they
                    // are, for a resume with --skip-active.
                    if e.kind == Kind::TempFail {
                        self.stopped = Some(Error::new(
                            Kind::TempFail,
                            "stopped after a temporary email failure",
                        ));
                        break;
                    }
                }
            }
        }
        Ok(())
    }

    fn fail(&mut self, e: &Error) {
        self.counts.failed += 1;
        self.failures.push(e.kind);
        self.progress.suspend(|| self.ctx.out.warn(&e.message));
    }

    /// The summary, then the verdict: a stop, or the failures' kind.
    fn finish(self) -> Result<()> {
        let c = &self.counts;
        tally::summarize(self.ctx, self.args, c, self.stopped.is_some())?;
        if let Some(e) = self.stopped {
            return Err(Error::new(
                e.kind,
                format!(
                    "{}; the users not reached are as they were (resume with --skip-active)",
                    e.message
                ),
            ));
        }
        if c.failed > 0 {
            return Err(Error::new(
                failure_kind(self.failures.into_iter()),
                format!(
                    "{} of {} users failed; the others were kept",
                    c.failed,
                    c.issued + c.skipped + c.failed
                ),
            ));
        }
        Ok(())
    }
}

/// Users a run over everyone cannot reach (an id that is not an integer
/// where ids are, or none at all), warned of: each counts as failed.
fn left_out(ctx: &Context, db: &Db) -> Result<u64> {
    let bad = db.read().count_bad_ids()?;
    if bad > 0 {
        let why = if db.read().id_kind() == crate::user::IdKind::Integer {
            "have an id that is not an integer"
        } else {
            "have no id"
        };
        ctx.out
            .warn(format!("{bad} user(s) {why} and are left out"));
    }
    Ok(bad)
}
