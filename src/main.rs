use std::process::ExitCode;

use clap::Parser;
use resetctl::cli::{Cli, usage_error};

fn main() -> ExitCode {
    // A panic message could quote anything in reach; show none of it, and end
    // with the contract's code for a bug (70), not Rust's 101.
    std::panic::set_hook(Box::new(|info| {
        let place = info
            .location()
            .map(|l| format!(" at {}:{}", l.file(), l.line()));
        eprintln!(
            "resetctl: error: internal error{}; please report it",
            place.unwrap_or_default()
        );
        std::process::exit(70);
    }));
    let result = match Cli::try_parse() {
        Ok(cli) => resetctl::run(cli),
        // --help and --version: clap prints them and exits 0.
        Err(e) if !e.use_stderr() => e.exit(),
        Err(e) => Err(usage_error(&e)),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            if !e.silent {
                eprintln!("resetctl: error: {}", e.message);
                if let Some(hint) = &e.hint {
                    eprintln!("hint: {hint}");
                }
            }
            ExitCode::from(e.exit_code())
        }
    }
}
