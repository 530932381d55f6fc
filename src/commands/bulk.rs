//! Bulk issue (`issue --all`, `issue --from FILE|-`): a forced reset
//! campaign. Users stream through in batches, each batch one transaction,
//! so memory stays flat and a crash leaves every user either untouched or
//! with a whole token and expiry.

use std::collections::HashSet;
use std::io::{self, IsTerminal};
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use serde_json::json;

use super::State;
use super::issue::{
    Delivery, Issued, Issuer, Plan, failure_kind, record_failed, report, send, send_failure,
    store_sent,
};
use crate::Context;
use crate::cli::IssueArgs;
use crate::db::{Access, Db, Outcome, UserRow};
use crate::error::{Error, Kind, Result, shown};
use crate::mail::Mailer;
use crate::signals::Stop;
use crate::token::{Token, TokenSource};
use crate::user_list::{Entry, UserList};

/// Users per transaction. Every batch rewrites the token index pages its
/// random tokens land on, and at a million users most of that index is
/// touched by every batch, so the number of batches is what a run costs:
/// 5,000 made a million-user run 4x slower than one UPDATE. A batch of
/// 50,000 held the write lock for up to 2 s in a million-user run on two
/// cores; `--batch` lowers it for an app that cannot wait that long.
const BATCH: usize = 50_000;
/// With --send, tokens are emailed after their batch commits: a small batch
/// keeps a token's lifetime from running out while it waits its turn.
const SEND_BATCH: usize = 100;
/// The least time the write lock is left free between two batches. An app
/// waiting for it sleeps in SQLite's default busy handler, which looks
/// again every 100 ms at most; with no gap, one app write waited 8 s
/// through several batches of a million-user run.
const LOCK_GAP: Duration = Duration::from_millis(110);
/// Rows read at a time within a batch, so few are held at once.
const PAGE: usize = 5000;

#[derive(Default)]
struct Counts {
    issued: u64,
    skipped: u64,
    failed: u64,
}

/// Where the users come from.
enum Source {
    /// Every user, by id.
    All { after: i64 },
    /// One USER per line.
    Lines(UserList),
}

/// What every batch of one run shares.
struct Campaign<'a> {
    args: &'a IssueArgs,
    /// This run's id, kept with its issues: a user listed twice is known.
    run: String,
    /// Users come from a list, where one may appear twice.
    listed: bool,
    batch: usize,
    /// Tokens are written with the batch (not in a dry run, and not with
    /// `--send`, where each is stored once its email went out).
    store: bool,
    issuer: Issuer<'a>,
    tokens: TokenSource,
}

/// What became of one USER.
enum Judged {
    /// To issue, with the fingerprint of the password the token is for.
    Issue(Issued, String),
    Skip,
    Fail(Error),
}

pub(super) fn run(
    ctx: &Context,
    args: &IssueArgs,
    plan: &Plan,
    mailer: Option<&Mailer>,
    pace: Option<Duration>,
) -> Result<()> {
    let mut db = ctx.open(Access::ReadWrite)?;
    // Room for a batch's pages of the users table and most of what it
    // touches of the token index; memory stays well under 64 MB.
    db.set_cache_kib(16 * 1024)?;
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
    let run_id = Token::generate()?.expose()[..12].to_string();
    let mut campaign = Campaign {
        args,
        issuer: Issuer::new(ctx, plan, "").in_run(Some(&run_id)),
        run: run_id,
        listed: matches!(source, Source::Lines(_)),
        batch: match args.batch {
            Some(n) => n as usize,
            None if args.send => SEND_BATCH,
            None => BATCH,
        },
        store: !args.dry_run && mailer.is_none(),
        tokens: TokenSource::new(),
    };
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
                std::thread::sleep(LOCK_GAP.saturating_sub(at.elapsed()));
            }
            let judged = db.write(|tx| judge_batch(ctx, tx, &mut campaign, &mut source, lines))?;
            last_commit = Some(Instant::now());
            // Printed after the commit, so a slow reader (a pager) never
            // holds the app's writers; links that cannot be written take
            // their tokens back with them.
            if let Err(e) = print_batch(ctx, args, plan, &judged) {
                take_back(ctx, &mut db, &campaign, &judged)?;
                progress.finish_and_clear();
                return Err(e);
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

/// Writes out a committed batch's links, and sees them read when stdout
/// is a pipe.
fn print_batch(ctx: &Context, args: &IssueArgs, plan: &Plan, judged: &[Judged]) -> Result<()> {
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
/// anew. Recorded as one revoke.
fn take_back(ctx: &Context, db: &mut Db, campaign: &Campaign<'_>, judged: &[Judged]) -> Result<()> {
    db.write(|tx| {
        let mut n = 0u64;
        for j in judged {
            if let Judged::Issue(
                Issued {
                    user: Some(u),
                    token,
                    ..
                },
                _,
            ) = j
            {
                n += u64::from(tx.clear_token_if(u.id, &campaign.issuer.stored(token))?);
            }
        }
        let mut audit = ctx.audit("revoke", Outcome::Ok);
        audit.detail = Some(format!(
            "{n} tokens of bulk run {} taken back: their links could not be written",
            campaign.run
        ));
        audit.run = Some(campaign.run.clone());
        tx.record(&audit)
    })
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
        let sent = send(ctx, mailer, user, &item.token, plan, by);
        let delivery = db.write(|tx| match &sent {
            Ok(masked) => {
                let to = (user, password_check);
                store_sent(
                    ctx,
                    tx,
                    to,
                    &item.token,
                    plan,
                    masked,
                    "",
                    Some(&campaign.run),
                )?;
                Ok(Delivery::Sent(Some(masked.clone())))
            }
            Err(e) => {
                record_failed(ctx, tx, user, e)?;
                Ok(Delivery::Failed(e.describe()))
            }
        })?;
        report(ctx, campaign.args, item, &delivery, plan)?;
        Ok(sent.map(drop).map_err(|e| send_failure(user, &e)))
    }
}

/// Decides each user of one batch and, unless this is a dry run, issues:
/// the users of `lines`, or for `--all` the next users by id, read inside
/// the transaction a page at a time.
fn judge_batch(
    ctx: &Context,
    tx: &crate::db::Tx<'_>,
    run: &mut Campaign<'_>,
    source: &mut Source,
    lines: Option<Vec<Entry>>,
) -> Result<Vec<Judged>> {
    let mut batch = Batch::new(lines.as_ref().map_or(run.batch, Vec::len), run.store);
    if let Some(lines) = lines {
        for entry in lines {
            match entry {
                Entry::TooLong { line_no } => batch.judged.push(Judged::Fail(Error::bad_input(
                    format!("line {line_no}: too long for a USER"),
                ))),
                Entry::Line { line_no, text } => match ctx.resolve(tx, &text, run.args.by) {
                    Ok(row) => judge(ctx, tx, run, &mut batch, row, text)?,
                    Err(e) if matches!(e.kind, Kind::NoUser | Kind::BadInput | Kind::Config) => {
                        batch.judged.push(Judged::Fail(Error::new(
                            e.kind,
                            format!("line {line_no}: {}", e.message),
                        )))
                    }
                    Err(e) => return Err(e),
                },
            }
        }
    } else if let Source::All { after } = source {
        while batch.judged.len() < run.batch {
            let limit = PAGE.min(run.batch - batch.judged.len());
            let rows = tx.page_after(*after, limit, run.args.skip_active)?;
            let Some(last) = rows.last() else { break };
            *after = last.user.id;
            for row in rows {
                let input = row.user.id.to_string();
                judge(ctx, tx, run, &mut batch, row, input)?;
            }
        }
    }
    // Random tokens land all over the token index. Written in the order of
    // the index, each of its pages is read and changed once per batch
    // instead of being evicted and read again between users.
    batch
        .writes
        .sort_unstable_by(|a, b| a.stored.cmp(&b.stored));
    if !batch.writes.is_empty() {
        let mut writer = run.issuer.writer(tx)?;
        for w in &batch.writes {
            // Never skipped quietly: a token printed but not stored would be
            // a dead link in a user's mailbox.
            let Some(Judged::Issue(
                Issued {
                    user: Some(user), ..
                },
                _,
            )) = batch.judged.get(w.at)
            else {
                return Err(Error::internal("a bulk write lost track of its user"));
            };
            writer.write(user.id, &w.stored, &user.label(), &w.password_check)?;
        }
    }
    Ok(batch.judged)
}

/// One batch as it is being decided. Sized up front: a batch is tens of
/// thousands of users, and a vector doubling past that briefly holds both.
struct Batch {
    judged: Vec<Judged>,
    /// The writes to make (none in a dry run or with --send).
    writes: Vec<Pending>,
    /// Users of a list issued in this batch, whose audit rows are not yet written.
    listed: HashSet<i64>,
}

/// A token to write for the user of `judged[at]`.
struct Pending {
    /// What the token column gets.
    stored: String,
    password_check: String,
    at: usize,
}

impl Batch {
    fn new(users: usize, store: bool) -> Batch {
        Batch {
            judged: Vec::with_capacity(users),
            writes: Vec::with_capacity(if store { users } else { 0 }),
            listed: HashSet::new(),
        }
    }
}

/// Skips or issues for one user.
fn judge(
    ctx: &Context,
    tx: &crate::db::Tx<'_>,
    run: &mut Campaign<'_>,
    batch: &mut Batch,
    row: UserRow,
    input: String,
) -> Result<()> {
    let args = run.args;
    let skip = (args.skip_active
        && matches!(State::of(&row, ctx.now), State::Active(_))
        && delivered(tx, args, &row)?)
        || (run.listed && listed_again(tx, run, batch, row.user.id)?);
    if skip {
        batch.judged.push(Judged::Skip);
        return Ok(());
    }
    let token = run.tokens.next_token()?;
    let password_check = if run.store {
        batch.writes.push(Pending {
            stored: run.issuer.stored(&token),
            password_check: row.password_fingerprint,
            at: batch.judged.len(),
        });
        String::new()
    } else {
        row.password_fingerprint
    };
    batch.judged.push(Judged::Issue(
        Issued {
            input,
            user: Some(row.user),
            token,
        },
        password_check,
    ));
    Ok(())
}

/// A user listed twice keeps the token this run already handed out: in
/// this batch, or in an earlier one, whose id is on their newest issue.
fn listed_again(
    tx: &crate::db::Tx<'_>,
    run: &Campaign<'_>,
    batch: &mut Batch,
    id: i64,
) -> Result<bool> {
    if !batch.listed.insert(id) {
        return Ok(true);
    }
    Ok(tx
        .last_ok(id, "issue")?
        .and_then(|r| r.run)
        .is_some_and(|r| r == run.run))
}

/// For `--send`, a live token counts as handed out only if an email left
/// after it was issued: a run killed between issuing and sending is
/// resumed by issuing and sending again.
fn delivered(tx: &crate::db::Tx<'_>, args: &IssueArgs, row: &crate::db::UserRow) -> Result<bool> {
    if !args.send {
        return Ok(true);
    }
    let issued = tx.last_ok(row.user.id, "issue")?.map(|r| r.id);
    let emailed = tx.last_ok(row.user.id, "email")?.map(|r| r.id);
    Ok(matches!((issued, emailed), (Some(i), Some(e)) if e > i))
}

/// `--rate 10/s` (or `10`): the least time between two emails.
pub(super) fn parse_rate(text: &str) -> Result<Duration> {
    let n: f64 = text
        .trim()
        .trim_end_matches("/s")
        .parse()
        .ok()
        // From one email every 100 s to 10,000 a second: slower is a typo,
        // and 1/n of a tiny n overflows a Duration.
        .filter(|n: &f64| n.is_finite() && (0.01..=10_000.0).contains(n))
        .ok_or_else(|| {
            Error::bad_input(format!(
                "--rate {}: not a rate from 0.01/s to 10000/s",
                shown(text)
            ))
        })?;
    Ok(Duration::from_secs_f64(1.0 / n))
}

/// A progress bar on stderr, only where a person can see it.
fn progress_bar(ctx: &Context, total: Option<u64>) -> ProgressBar {
    if ctx.out.quiet || !io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = match total {
        Some(n) => ProgressBar::with_draw_target(Some(n), ProgressDrawTarget::stderr()),
        None => ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr()),
    };
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
fn summarize(ctx: &Context, args: &IssueArgs, c: &Counts, stopped: bool) -> Result<()> {
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
