//! A `--send` campaign's emails: paced, each stored once it went out, in a
//! transaction of its own.

use std::time::{Duration, Instant};

use crate::context::Context;
use crate::db::Db;
use crate::error::{Error, Result};
use crate::mail::Mailer;
use crate::service::batch::Campaign;
use crate::service::delivery::{self, Sent};
use crate::service::plan::Plan;
use crate::service::report::{Issued, report};

/// Emails of a `--send` run, paced.
pub(super) struct Sender<'m> {
    pub(super) mailer: Option<&'m Mailer>,
    pub(super) pace: Option<Duration>,
    pub(super) last: Option<Instant>,
}

impl Sender<'_> {
    /// Emails one user's link, then stores the token (or records the
    /// failure) in a transaction of its own. The outer error ends the run;
    /// the inner one is this user's failure.
    pub(super) fn send_one(
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
        let outcome = db.write(|tx| {
            let mailed = Sent {
                user,
                password_check,
                token: &item.token,
                lock: campaign.lock.as_ref(),
            };
            delivery::commit(ctx, tx, plan, mailed, &sent, "", Some(&campaign.run))
        })?;
        report(ctx, campaign.args, item, &outcome, plan)?;
        Ok(sent.map(drop).map_err(|e| delivery::send_failure(user, &e)))
    }
}
