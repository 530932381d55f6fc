//! What a bulk run does when a batch's links cannot be shown: its tokens
//! taken back (or, for a store that keeps nothing, each user marked for
//! a new link), and a commit whose outcome is unknown named in the error.

use crate::audit::{Action, Outcome};
use crate::context::Context;
use crate::db::Db;
use crate::error::{Error, Result};
use crate::service::batch::{Campaign, Judged, Source};
use crate::service::plan::Plan;
use crate::service::report::{Delivery, Issued, report};
use crate::service::request::IssueRequest;
use crate::user::UserId;
use crate::user_list::Entry;

/// Where a batch starts: the last id before it, or its first line.
pub(super) enum Start {
    After(Option<UserId>),
    Line(u64),
}

pub(super) fn batch_start(source: &Source, lines: Option<&[Entry]>) -> Start {
    match (source, lines.and_then(<[Entry]>::first)) {
        (_, Some(Entry::Line { line_no, .. } | Entry::TooLong { line_no })) => {
            Start::Line(*line_no)
        }
        (Source::All { after }, _) => Start::After(after.clone()),
        (Source::Lines(_), None) => Start::Line(0),
    }
}

/// A batch whose commit went unanswered, with a server that could not be
/// asked afterwards: its users may hold tokens whose links were never
/// printed, and `--skip-active` would pass them by. The error names them.
pub(super) fn unsettled(e: Error, start: &Start, source: &Source) -> Error {
    if !e.unknown_outcome {
        return e;
    }
    let who = match (start, source) {
        (Start::After(None), Source::All { after }) => {
            format!("users with ids up to {}", shown_id(after.as_ref()))
        }
        (Start::After(Some(from)), Source::All { after }) => format!(
            "users with ids above {} up to {}",
            shown_id(Some(from)),
            shown_id(after.as_ref())
        ),
        (Start::Line(n), _) => format!("this batch's users (listed from line {n})"),
        (Start::After(_), Source::Lines(_)) => "this batch's users".to_string(),
    };
    e.adding(format!(
        "{who} may hold tokens whose links were not printed: issue to them again, not with --skip-active"
    ))
}

/// An id in a message, printable whatever the app keeps in it.
fn shown_id(id: Option<&UserId>) -> String {
    id.map_or_else(String::new, |id| crate::text::printable(&id.text()))
}

/// Writes out a committed batch's links, and sees them read when stdout
/// is a pipe.
pub(super) fn print_batch(
    ctx: &Context,
    args: &IssueRequest,
    plan: &Plan,
    judged: &[Judged],
) -> Result<()> {
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
pub(super) fn take_back(
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
                Some(kept) => n += u64::from(kept.take_back(tx, &u.id, token)?),
                None => {
                    withdraw(ctx, tx, campaign, u)?;
                    left += 1;
                }
            }
        }
        for undo in &campaign.undo {
            undo.undo(ctx, tx)?;
        }
        let unlocked = match campaign.undo.len() {
            0 => String::new(),
            k => format!(", and {k} locks (their old passwords put back)"),
        };
        let mut audit = ctx.audit(Action::Revoke, Outcome::Ok);
        audit.detail = Some(format!(
            "{n} tokens{unlocked} of bulk run {} taken back: their links could not be written{}",
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
        Ok(left) => left_live(ctx, campaign, left, why),
        Err(e) => e,
    }
}

/// The error when links of a store that keeps nothing were left live.
fn left_live(ctx: &Context, campaign: &Campaign<'_>, left: u64, why: Error) -> Error {
    let until = campaign
        .record
        .audit
        .expires
        .as_deref()
        .unwrap_or("their expiry");
    Error::new(
        why.kind,
        format!(
            "{}; {left} links of the last batch cannot be taken back (framework = \"{}\" keeps nothing): any that were seen work until {until} unless the user's password, last login or email changes, and a resume with --skip-active issues new ones to them",
            why.message,
            ctx.cfg.store.framework.name(),
        ),
    )
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
    audit.user_id = Some(user.id.clone());
    audit.subject = Some(user.label());
    audit.run = Some(campaign.run.clone());
    audit.detail = Some(
        "its link could not be written out, and a link this store derives cannot be taken back"
            .to_string(),
    );
    tx.record(&audit)
}
