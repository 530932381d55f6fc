//! One file per subcommand: each turns its arguments into calls on the
//! service, the token store or the database, and says what happened.

mod audit;
mod doctor;
mod init;
mod inspect;
mod issue;
mod list;
mod purge;
mod redeem;
mod revoke;

use crate::cli::Command;
use crate::context::Context;
use crate::error::Result;

pub fn run(ctx: &Context, command: &Command) -> Result<()> {
    match command {
        Command::Init(args) => init::run(ctx, args),
        Command::Issue(args) => issue::run(ctx, args),
        Command::Inspect(args) => inspect::run(ctx, args),
        Command::List(args) => list::run(ctx, args),
        Command::Revoke(args) => revoke::run(ctx, args),
        Command::Purge(args) => purge::run(ctx, args),
        Command::Redeem(args) => redeem::run(ctx, args),
        Command::Audit(args) => audit::run(ctx, args),
        Command::Doctor(args) => doctor::run(ctx, args),
        Command::Completions(args) => completions(args.shell),
    }
}

/// `completions SHELL`: the script clap_complete generates from the CLI.
pub fn completions(shell: clap_complete::Shell) -> Result<()> {
    let mut out = Vec::new();
    clap_complete::generate(
        shell,
        &mut <crate::cli::Cli as clap::CommandFactory>::command(),
        "resetctl",
        &mut out,
    );
    std::io::Write::write_all(&mut std::io::stdout().lock(), &out)
        .map_err(crate::output::stdout_error)
}
