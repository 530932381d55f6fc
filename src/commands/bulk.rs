//! Bulk issue (`issue --all`, `issue --from FILE|-`): a forced reset
//! campaign. Users stream through in batches, each batch one transaction,
//! so memory stays flat and a crash leaves every user either untouched or
//! with a whole token and expiry.

use std::collections::HashSet;
use std::fs::File;
use std::io::{self, BufRead, BufReader, IsTerminal};
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use serde_json::json;

use super::State;
use super::issue::{Issued, Issuer, Plan, deliver, failure_kind, report};
use crate::Context;
use crate::cli::IssueArgs;
use crate::db::{Access, UserRow};
use crate::error::{Error, Kind, Result, shown};
use crate::input::{self, Line};
use crate::mail::Mailer;
use crate::token::TokenSource;

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
/// A line of `--from` longer than this is not a USER.
const MAX_LINE: usize = 4096;

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
    Lines {
        reader: Box<dyn BufRead>,
        line_no: u64,
    },
}

/// What every batch of one run shares.
struct Campaign<'a> {
    args: &'a IssueArgs,
    mark: String,
    /// Users come from a list, where one may appear twice.
    listed: bool,
    batch: usize,
    issuer: Issuer<'a>,
    tokens: TokenSource,
}

/// What became of one USER.
enum Judged {
    Issue(Issued),
    Skip,
    Fail(Error),
}

/// One line of `--from`, read before the batch's transaction begins, so a
/// slow producer on stdin never holds the write lock.
enum Entry {
    Line {
        line_no: u64,
        text: String,
    },
    /// A line longer than any USER: reported, not looked up.
    TooLong {
        line_no: u64,
    },
}

pub(super) fn run(
    ctx: &mut Context,
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
        Some(path) => Source::Lines {
            reader: open_list(path)?,
            line_no: 0,
        },
    };
    let total = match source {
        Source::All { .. } => Some(db.read().count_users()?),
        Source::Lines { .. } => None,
    };
    let progress = progress_bar(ctx, total);
    // Marks this run's issues in the audit trail, to know a user listed twice.
    let mark = format!(
        "; bulk run {}",
        &crate::token::Token::generate()?.expose()[..12]
    );
    let mut campaign = Campaign {
        args,
        issuer: Issuer::new(ctx, plan, &mark),
        mark,
        listed: matches!(source, Source::Lines { .. }),
        batch: match args.batch {
            Some(n) => n as usize,
            None if args.send => SEND_BATCH,
            None => BATCH,
        },
        tokens: TokenSource::new(),
    };
    let mut counts = Counts::default();
    let mut failures: Vec<Kind> = Vec::new();
    let mut last_send: Option<Instant> = None;
    let mut last_commit: Option<Instant> = None;

    loop {
        let lines = match &mut source {
            Source::Lines { reader, line_no } => {
                let lines = read_lines(reader, line_no, campaign.batch)?;
                if lines.is_empty() {
                    break;
                }
                Some(lines)
            }
            Source::All { .. } => None,
        };
        let ctx_ref = &*ctx;
        let judged = if args.dry_run {
            judge_batch(ctx_ref, &db.read(), &mut campaign, &mut source, lines)?
        } else {
            if let Some(at) = last_commit {
                std::thread::sleep(LOCK_GAP.saturating_sub(at.elapsed()));
            }
            let judged =
                db.write(|tx| judge_batch(ctx_ref, tx, &mut campaign, &mut source, lines))?;
            last_commit = Some(Instant::now());
            judged
        };
        if judged.is_empty() {
            break;
        }
        let n = judged.len() as u64;
        for judged in judged {
            let item = match judged {
                Judged::Issue(item) => item,
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
            if args.dry_run {
                counts.issued += 1;
                continue;
            }
            if let (Some(every), Some(_)) = (pace, mailer) {
                if let Some(last) = last_send {
                    std::thread::sleep(every.saturating_sub(last.elapsed()));
                }
                last_send = Some(Instant::now());
            }
            let (delivery, failure) = deliver(ctx, &mut db, mailer, args, &item, plan)?;
            match failure {
                Some((_, e)) => {
                    counts.failed += 1;
                    failures.push(e.kind);
                    progress.suspend(|| ctx.out.warn(&e.message));
                }
                None => counts.issued += 1,
            }
            report(ctx, args, &item, &delivery, plan)?;
        }
        ctx.out.flush()?;
        progress.inc(n);
    }
    progress.finish_and_clear();
    summarize(ctx, args, &counts)?;
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

/// Up to `max` USER lines, skipping blanks and comments.
fn read_lines(reader: &mut Box<dyn BufRead>, line_no: &mut u64, max: usize) -> Result<Vec<Entry>> {
    let mut entries = Vec::new();
    while entries.len() < max {
        *line_no += 1;
        let text = match input::read_line(reader, MAX_LINE) {
            Ok(Line::Eof) => break,
            Ok(Line::TooLong) => {
                // The rest of an overlong line is not another USER.
                skip_rest_of_line(reader)?;
                entries.push(Entry::TooLong { line_no: *line_no });
                continue;
            }
            Ok(Line::Text(t)) => String::from_utf8_lossy(&t).trim().to_string(),
            Err(e) => return Err(Error::io(format!("cannot read the user list: {e}"))),
        };
        if text.is_empty() || text.starts_with('#') {
            continue;
        }
        entries.push(Entry::Line {
            line_no: *line_no,
            text,
        });
    }
    Ok(entries)
}

fn skip_rest_of_line(reader: &mut Box<dyn BufRead>) -> Result<()> {
    let mut sink = Vec::new();
    reader
        .read_until(b'\n', &mut sink)
        .map(drop)
        .map_err(|e| Error::io(format!("cannot read the user list: {e}")))
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
    let mut batch = Batch::new(lines.as_ref().map_or(run.batch, Vec::len), run.args.dry_run);
    if let Some(lines) = lines {
        for entry in lines {
            match entry {
                Entry::TooLong { line_no } => batch.judged.push(Judged::Fail(Error::bad_input(
                    format!("line {line_no}: too long for a USER"),
                ))),
                Entry::Line { line_no, text } => match ctx.resolve(tx, &text, run.args.by) {
                    Ok(row) => judge(ctx, tx, run, &mut batch, row, text)?,
                    Err(e) if matches!(e.kind, Kind::NoUser | Kind::BadInput) => batch.judged.push(
                        Judged::Fail(Error::new(e.kind, format!("line {line_no}: {}", e.message))),
                    ),
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
            let Some(Judged::Issue(Issued {
                user: Some(user), ..
            })) = batch.judged.get(w.at)
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
    /// The writes to make (none in a dry run).
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
    fn new(users: usize, dry_run: bool) -> Batch {
        Batch {
            judged: Vec::with_capacity(users),
            writes: Vec::with_capacity(if dry_run { 0 } else { users }),
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
    if !args.dry_run {
        batch.writes.push(Pending {
            stored: run.issuer.stored(&token),
            password_check: row.password_fingerprint,
            at: batch.judged.len(),
        });
    }
    batch.judged.push(Judged::Issue(Issued {
        input,
        user: Some(row.user),
        token,
    }));
    Ok(())
}

/// A user listed twice keeps the token this run already handed out: in
/// this batch, or in an earlier one, whose mark is on their newest issue.
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
        .and_then(|r| r.detail)
        .is_some_and(|d| d.ends_with(&run.mark)))
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

fn open_list(path: &str) -> Result<Box<dyn BufRead>> {
    if path == "-" {
        return Ok(Box::new(BufReader::new(io::stdin())));
    }
    match File::open(path) {
        Ok(f) if f.metadata().is_ok_and(|m| m.is_dir()) => Err(Error::io(format!(
            "{} is a directory, not a list of users",
            shown(path)
        ))),
        Ok(f) => Ok(Box::new(BufReader::new(f))),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Err(Error::new(
            Kind::NoInput,
            format!("the user list {} does not exist", shown(path)),
        )),
        Err(e) => Err(Error::io(format!("cannot read {}: {e}", shown(path)))),
    }
}

/// `--rate 10/s` (or `10`): the least time between two emails.
pub(super) fn parse_rate(text: &str) -> Result<Duration> {
    let n: f64 = text
        .trim()
        .trim_end_matches("/s")
        .parse()
        .ok()
        .filter(|n: &f64| n.is_finite() && *n > 0.0 && *n <= 10_000.0)
        .ok_or_else(|| Error::bad_input(format!("--rate {}: not a rate like 10/s", shown(text))))?;
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
fn summarize(ctx: &mut Context, args: &IssueArgs, c: &Counts) -> Result<()> {
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
        "Issued {}, skipped {}, failed {}.",
        c.issued, c.skipped, c.failed
    ));
    Ok(())
}
