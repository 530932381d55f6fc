//! `issue USER...`, `issue --all`, `issue --from FILE|-`: the reset service
//! does the work (see `service`), asked in its own terms.

use crate::cli::IssueArgs;
use crate::context::Context;
use crate::error::Result;
use crate::service::IssueRequest;

pub fn run(ctx: &Context, args: &IssueArgs) -> Result<()> {
    crate::service::issue(ctx, &request(args))
}

fn request(a: &IssueArgs) -> IssueRequest {
    IssueRequest {
        users: a.users.clone(),
        by: a.by,
        all: a.all,
        from: a.from.clone(),
        skip_active: a.skip_active,
        dry_run: a.dry_run,
        batch: a.batch,
        rate: a.rate.clone(),
        ttl: a.ttl.clone(),
        link: a.link.clone(),
        no_enumerate: a.no_enumerate,
        force: a.force,
        lock: a.lock,
        send: a.send,
        print: a.print,
        qr: a.qr,
    }
}
