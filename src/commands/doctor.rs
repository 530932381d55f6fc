//! `doctor`: the reset service checks everything (`service::doctor`);
//! this prints the report, then one error line per problem, and ends with
//! the first problem's exit code.

use crate::cli::DoctorArgs;
use crate::context::Context;
use crate::error::{Error, Result};
use crate::service::doctor;

pub fn run(ctx: &Context, args: &DoctorArgs) -> Result<()> {
    if args.print_config {
        let text = ctx.cfg.to_file();
        return match ctx.out.json {
            true => ctx.out.json(&serde_json::json!({ "config": text })),
            false => ctx.out.line(text.trim_end()),
        };
    }
    let doctor::Checked { report, problems } = doctor::check(ctx, args.smtp)?;
    if ctx.out.json {
        ctx.out.json(&report)?;
    } else if !ctx.out.quiet {
        for line in doctor::describe(&report) {
            ctx.out.line(line)?;
        }
    }
    // One line per problem; the last ends the run as any error does, with
    // the exit code of the first.
    let Some((last, rest)) = problems.split_last() else {
        return Ok(());
    };
    ctx.out.flush()?;
    for e in rest {
        eprintln!("resetctl: error: {}", e.message);
    }
    Err(Error::new(problems[0].kind, last.message.clone()))
}
