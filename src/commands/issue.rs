//! `issue USER...`, `issue --all`, `issue --from FILE|-`: the reset service
//! does the work (see `service`).

use crate::cli::IssueArgs;
use crate::context::Context;
use crate::error::Result;

pub fn run(ctx: &Context, args: &IssueArgs) -> Result<()> {
    crate::service::issue(ctx, args)
}
