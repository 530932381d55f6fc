//! resetctl: password-reset tokens in an application's database. The README
//! has a map of these modules ("Architecture").

pub mod app_env;
pub mod audit;
pub mod cli;
pub mod clock;
mod commands;
pub mod config;
mod context;
pub mod db;
pub mod error;
mod input;
pub mod mail;
pub mod output;
pub mod password;
pub mod rate;
pub mod secret;
mod service;
pub mod signals;
pub mod store;
pub mod text;
pub mod token;
pub mod user;
pub mod user_id;
mod user_list;

pub use context::Context;

/// Runs one parsed command line.
pub fn run(cli: cli::Cli) -> error::Result<()> {
    signals::survive_file_size_limit()?;
    // Completions need no database, config or clock.
    if let cli::Command::Completions(args) = &cli.command {
        return commands::completions(args.shell);
    }
    let ctx = Context::from_cli(&cli)?;
    commands::run(&ctx, &cli.command)?;
    ctx.out.flush()
}
