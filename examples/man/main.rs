//! Writes the man pages into the directory given: resetctl.1 and one page per
//! subcommand (resetctl-issue.1, ...), generated from the CLI definition.
//! completions/generate.sh runs it into man/; tests/cli/man.rs checks the
//! committed pages against the same generator (pages.rs).
//!
//! A dev-only example rather than a subcommand: the command line is fixed,
//! and the shipped binary need not carry a man page generator.

mod pages;

fn main() -> std::io::Result<()> {
    let Some(dir) = std::env::args_os().nth(1) else {
        eprintln!("usage: cargo run --example man -- DIR");
        std::process::exit(2);
    };
    for (name, page) in pages::pages()? {
        std::fs::write(std::path::Path::new(&dir).join(name), page)?;
    }
    Ok(())
}
