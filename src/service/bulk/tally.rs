//! How far a bulk run got: the counts, the progress bar a person sees,
//! and the closing summary.

use std::io::{self, IsTerminal};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use serde_json::json;

use crate::context::Context;
use crate::error::Result;
use crate::service::request::IssueRequest;

#[derive(Default)]
pub(super) struct Counts {
    pub(super) issued: u64,
    pub(super) skipped: u64,
    pub(super) failed: u64,
}

/// A progress bar on stderr, only where a person can see it.
pub(super) fn progress_bar(ctx: &Context, total: Option<u64>) -> ProgressBar {
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
pub(super) fn summarize(
    ctx: &Context,
    args: &IssueRequest,
    c: &Counts,
    stopped: bool,
) -> Result<()> {
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
