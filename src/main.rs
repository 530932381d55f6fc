use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    // A panic message could quote anything in reach; show none of it.
    std::panic::set_hook(Box::new(|info| {
        let place = info
            .location()
            .map(|l| format!(" at {}:{}", l.file(), l.line()))
            .unwrap_or_default();
        eprintln!("resetctl: error: internal error{place}; please report it");
    }));
    match resetctl::run(resetctl::cli::Cli::parse()) {
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
