//! Bulk issue (`issue --all`, `issue --from FILE|-`): a forced reset
//! campaign. Users stream through in batches, each batch one transaction,
//! so memory stays flat and a crash leaves every user either untouched or
//! with a whole token and expiry.

use std::fs::File;
use std::io::{self, BufRead, BufReader, IsTerminal};
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use serde_json::json;

use super::State;
use super::issue::{Issued, Plan, deliver, failure_kind, issue_token, report};
use crate::Context;
use crate::cli::IssueArgs;
use crate::db::{Access, Db};
use crate::error::{Error, Kind, Result, shown};
use crate::input::{self, Line};
use crate::mail::Mailer;

/// Users per transaction: large enough that commits (each with its fsyncs)
/// are not the cost, small enough that the write lock is held for tens of
/// milliseconds, not seconds.
const BATCH: usize = 5000;
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
    plan: &'a Plan,
    mark: String,
    /// Users come from a list, where one may appear twice.
    listed: bool,
}

/// What became of one USER.
enum Judged {
    Issue(Issued),
    Skip,
    Fail(Error),
}

/// One USER of the run: a row already read (`--all`), or a line to look up.
enum Entry {
    Row(crate::db::UserRow),
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
    let campaign = Campaign {
        args,
        plan,
        // Marks this run's issues in the audit trail, to know a user listed twice.
        mark: format!(
            "; bulk run {}",
            &crate::token::Token::generate()?.expose()[..12]
        ),
        listed: matches!(source, Source::Lines { .. }),
    };
    let mut counts = Counts::default();
    let mut failures: Vec<Kind> = Vec::new();
    let mut last_send: Option<Instant> = None;

    loop {
        let entries = next_batch(&db, &mut source)?;
        if entries.is_empty() {
            break;
        }
        let n = entries.len() as u64;
        let ctx_ref = &*ctx;
        let outcome = |db: &mut Db| -> Result<Vec<Judged>> {
            if args.dry_run {
                return judge_batch(ctx_ref, &db.read(), &campaign, entries, false);
            }
            db.write(|tx| judge_batch(ctx_ref, tx, &campaign, entries, true))
        };
        for judged in outcome(&mut db)? {
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

/// The next users to handle, without holding any lock.
fn next_batch(db: &Db, source: &mut Source) -> Result<Vec<Entry>> {
    match source {
        Source::All { after } => {
            let rows = db.read().page_after(*after, BATCH)?;
            if let Some(last) = rows.last() {
                *after = last.user.id;
            }
            Ok(rows.into_iter().map(Entry::Row).collect())
        }
        Source::Lines { reader, line_no } => {
            let mut entries = Vec::new();
            while entries.len() < BATCH {
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
    }
}

fn skip_rest_of_line(reader: &mut Box<dyn BufRead>) -> Result<()> {
    let mut sink = Vec::new();
    reader
        .read_until(b'\n', &mut sink)
        .map(drop)
        .map_err(|e| Error::io(format!("cannot read the user list: {e}")))
}

/// Decides each user of a batch and, when `write`, issues.
fn judge_batch(
    ctx: &Context,
    tx: &crate::db::Tx<'_>,
    run: &Campaign<'_>,
    entries: Vec<Entry>,
    write: bool,
) -> Result<Vec<Judged>> {
    let (args, plan) = (run.args, run.plan);
    let mut out = Vec::with_capacity(entries.len());
    for entry in entries {
        let (row, input) = match entry {
            Entry::Row(row) => {
                let input = row.user.id.to_string();
                (row, input)
            }
            Entry::TooLong { line_no } => {
                out.push(Judged::Fail(Error::bad_input(format!(
                    "line {line_no}: too long for a USER"
                ))));
                continue;
            }
            Entry::Line { line_no, text } => match ctx.resolve(tx, &text, args.by) {
                Ok(row) => (row, text),
                Err(e) if matches!(e.kind, Kind::NoUser | Kind::BadInput) => {
                    out.push(Judged::Fail(Error::new(
                        e.kind,
                        format!("line {line_no}: {}", e.message),
                    )));
                    continue;
                }
                Err(e) => return Err(e),
            },
        };
        let state = State::of(&row, ctx.now);
        if args.skip_active && matches!(state, State::Active(_)) && delivered(tx, args, &row)? {
            out.push(Judged::Skip);
            continue;
        }
        // A user listed twice keeps the token this run already handed out:
        // the run's mark is on their newest issue.
        if run.listed
            && tx
                .last_ok(row.user.id, "issue")?
                .and_then(|r| r.detail)
                .is_some_and(|d| d.ends_with(&run.mark))
        {
            out.push(Judged::Skip);
            continue;
        }
        let token = if write {
            issue_token(ctx, tx, &row, plan, &run.mark)?
        } else {
            crate::token::Token::generate()?
        };
        out.push(Judged::Issue(Issued {
            input,
            user: Some(row.user),
            token,
        }));
    }
    Ok(out)
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
