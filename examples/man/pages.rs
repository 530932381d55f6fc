//! The man pages, rendered in memory from the CLI definition.

use clap::CommandFactory;

/// Each page's file name and roff text: resetctl.1 first, then one page per
/// visible subcommand.
pub fn pages() -> std::io::Result<Vec<(String, Vec<u8>)>> {
    // As clap_mangen::generate_to does: no `help` subcommand page, and the
    // command built so subcommands know their full names (resetctl-issue).
    let mut cli = resetctl::cli::Cli::command().disable_help_subcommand(true);
    cli.build();
    // Subcommands carry no version of their own; without this their pages'
    // footers would read "issue " instead of naming the program.
    let source = format!("resetctl {}", cli.get_version().unwrap_or_default());
    let subcommands = cli.get_subcommands().filter(|s| !s.is_hide_set()).cloned();
    let commands: Vec<clap::Command> = std::iter::once(cli.clone()).chain(subcommands).collect();
    let mut pages = Vec::new();
    for command in commands {
        let man = clap_mangen::Man::new(command).source(source.clone());
        let mut page = Vec::new();
        man.render(&mut page)?;
        pages.push((man.get_filename(), page));
    }
    Ok(pages)
}
