//! The command line: every flag and argument, with its help text.

use std::path::PathBuf;

use clap::{ArgGroup, Args, Parser, Subcommand};

use crate::audit::Action;
use crate::output::{ColorChoice, QrWhen};
use crate::user::Lookup;

mod usage;
pub use usage::usage_error;

#[derive(Debug, Parser)]
#[command(
    name = "resetctl",
    version,
    about = "Issue, inspect, list, revoke, purge and redeem password-reset tokens in an application's user database (SQLite, PostgreSQL or MariaDB/MySQL)",
    after_help = format!(
        "{}\nRESETCTL_NOW (RFC 3339) replaces the clock, for tests.",
        crate::error::Kind::help()
    )
)]
pub struct Cli {
    /// The application's database: a SQLite file, or a postgres:// or mysql:// URL
    // The value may be a URL holding a password: help names the variable only.
    #[arg(
        long,
        global = true,
        env = "RESETCTL_DB",
        hide_env_values = true,
        value_name = "PATH"
    )]
    pub db: Option<PathBuf>,

    /// Config file (TOML); see the README for its keys
    #[arg(
        long,
        global = true,
        env = "RESETCTL_CONFIG",
        hide_env_values = true,
        value_name = "PATH"
    )]
    pub config: Option<PathBuf>,

    /// The app's own env file (.env): its database, site, mail and secret, under resetctl's own settings
    #[arg(
        long,
        global = true,
        env = "RESETCTL_APP_ENV",
        hide_env_values = true,
        value_name = "PATH"
    )]
    pub app_env: Option<PathBuf>,

    /// Print results as JSON
    #[arg(long, global = true)]
    pub json: bool,

    /// Print nothing but results and errors
    #[arg(short, long, global = true)]
    pub quiet: bool,

    /// When to colour output (NO_COLOR is honoured under auto)
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto, value_name = "WHEN")]
    pub color: ColorChoice,

    /// Who is acting, for the audit trail [default: $SUDO_USER, else $USER]
    #[arg(long, global = true, value_name = "NAME")]
    pub actor: Option<String>,

    /// Why (a ticket number, say), recorded with every change this command makes
    #[arg(long, global = true, value_name = "TEXT")]
    pub reason: Option<String>,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create the database or add resetctl's columns, index and audit table
    #[command(
        after_help = "Examples:\n  resetctl --db demo.db init --demo\n  resetctl --db /var/lib/app/users.db init"
    )]
    Init(InitArgs),
    /// Issue a reset token and print the reset link
    #[command(
        after_help = "Examples:\n  resetctl issue alice@example.com\n  resetctl issue --send --reason TICKET-42 bob\n  resetctl issue --all --skip-active --send --rate 20/s --reason INCIDENT-7"
    )]
    Issue(IssueArgs),
    /// Show a user's token state, or which user a token belongs to
    #[command(
        after_help = "Examples:\n  resetctl inspect alice\n  resetctl inspect --token -  < token.txt\n  resetctl --json inspect 42"
    )]
    Inspect(InspectArgs),
    /// List outstanding tokens
    #[command(
        after_help = "Examples:\n  resetctl list\n  resetctl list --expired\n  resetctl --json list --active"
    )]
    List(ListArgs),
    /// Revoke users' tokens, or every token
    #[command(
        after_help = "Examples:\n  resetctl revoke alice\n  resetctl revoke --all --yes --reason INCIDENT-7"
    )]
    Revoke(RevokeArgs),
    /// Clear expired tokens (for cron)
    #[command(
        after_help = "Examples:\n  resetctl -q purge\n  resetctl purge --older-than 7d\n  resetctl -q purge --audit-older-than 365d"
    )]
    Purge(PurgeArgs),
    /// Set a new password with a reset token
    #[command(
        after_help = "Examples:\n  resetctl redeem 'https://example.com/reset-password?token=...'\n  printf '%s\\n%s\\n' \"$TOKEN\" \"$PASSWORD\" | resetctl redeem - --password-stdin"
    )]
    Redeem(RedeemArgs),
    /// Show the audit trail, newest first
    #[command(
        after_help = "Examples:\n  resetctl audit --user alice\n  resetctl audit --action redeem --since 24h\n  resetctl --json audit --limit 0"
    )]
    Audit(AuditArgs),
    /// Check the configuration against the database and mail server, changing nothing
    #[command(
        after_help = "Says what every other command would do: the database and its kind, the table and each mapped column, the token store, the password scheme redeem writes (and, under format = \"auto\", from which hashes), the link and the mail transport. Exit 0 when all is in place; otherwise the code of the first problem, with one error line per problem.\n\nExamples:\n  resetctl --config app.toml doctor\n  resetctl --config app.toml doctor --smtp\n  resetctl --json doctor | jq .password\n  resetctl --db app.db doctor --print-config > resetctl.toml"
    )]
    Doctor(DoctorArgs),
    /// Print the shell completion script for SHELL (bash, zsh, fish, elvish, powershell)
    #[command(
        after_help = "Examples:\n  resetctl completions bash > /etc/bash_completion.d/resetctl\n  resetctl completions zsh > \"${fpath[1]}/_resetctl\"\n  resetctl completions fish > ~/.config/fish/completions/resetctl.fish"
    )]
    Completions(CompletionsArgs),
}

#[derive(Debug, Args)]
pub struct DoctorArgs {
    /// Also connect to the mail server (EHLO, STARTTLS and AUTH as configured, QUIT); nothing is sent
    #[arg(long)]
    pub smtp: bool,

    /// Print the settings in force as a config file (--config takes it as it is; secrets are never written) and nothing else
    #[arg(long, conflicts_with = "smtp")]
    pub print_config: bool,
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// bash, zsh, fish, elvish or powershell
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

#[derive(Debug, Args)]
pub struct InitArgs {
    /// Also add the sample users alice, bob and carol (@example.com)
    #[arg(long)]
    pub demo: bool,
}

#[derive(Debug, Args)]
#[command(group(ArgGroup::new("who").required(true).args(["users", "all", "from"])))]
#[command(group(ArgGroup::new("bulk").args(["all", "from"])))]
pub struct IssueArgs {
    /// Users by email, username or numeric id
    #[arg(value_name = "USER")]
    pub users: Vec<String>,

    /// Bulk: every user (a forced reset campaign)
    #[arg(long, conflicts_with_all = ["users", "from"])]
    pub all: bool,

    /// Bulk: the users listed in FILE, one per line (- for stdin; blank lines and # comments skipped)
    #[arg(long, value_name = "FILE", conflicts_with = "users")]
    pub from: Option<String>,

    /// Bulk: leave users that hold a live token alone (to resume a run)
    #[arg(long, requires = "bulk")]
    pub skip_active: bool,

    /// Bulk: only count what would be issued, skipped and failed
    #[arg(long, requires = "bulk")]
    pub dry_run: bool,

    /// Bulk: users per transaction; fewer hold the app's writers off for less time [default: 40000, with --send 100]
    #[arg(long, value_name = "N", requires = "bulk", value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
    pub batch: Option<u32>,

    /// Bulk with --send: at most N emails per second (e.g. 10/s)
    #[arg(long, value_name = "N/s", requires = "send", requires = "bulk")]
    pub rate: Option<String>,

    /// Read USER as this kind of name instead of guessing
    #[arg(long, value_enum)]
    pub by: Option<Lookup>,

    /// How long the token lives: 90s, 15m, 1h, 2d [default: 1h, at most 7d]
    #[arg(long, value_name = "DURATION")]
    pub ttl: Option<String>,

    /// Link template; {token} is replaced by the token
    #[arg(long, value_name = "URL")]
    pub link: Option<String>,

    /// Answer an unknown user like a known one (exit 0, nothing issued, audited); not with bulk runs
    #[arg(long, conflicts_with = "bulk")]
    pub no_enumerate: bool,

    /// Issue even past the rate limit (needs --reason; audited)
    #[arg(long)]
    pub force: bool,

    /// Also lock the account: the old password stops working and the sessions the app keeps in its database end (needs --reason)
    #[arg(long, conflicts_with = "no_enumerate")]
    pub lock: bool,

    /// Email the link to the user instead of printing it
    #[arg(long)]
    pub send: bool,
    /// With --send, also print the link
    #[arg(long, requires = "send")]
    pub print: bool,

    /// Also draw the link as a QR code: on a terminal, or anywhere with --qr=always
    #[arg(long, value_enum, num_args = 0..=1, require_equals = true, default_missing_value = "auto", value_name = "WHEN")]
    pub qr: Option<QrWhen>,
}

#[derive(Debug, Args)]
#[command(group(ArgGroup::new("what").required(true).multiple(true).args(["user", "token"])))]
pub struct InspectArgs {
    /// The user by email, username or numeric id (with --token: whose token
    /// it is, for a bare Laravel or Django token)
    #[arg(value_name = "USER")]
    pub user: Option<String>,

    /// Look up a token (or link; - reads it from stdin) instead of a user
    // A Devise token may begin with `-`.
    #[arg(long, value_name = "TOKEN", allow_hyphen_values = true)]
    pub token: Option<String>,

    /// Read USER as this kind of name instead of guessing
    #[arg(long, value_enum)]
    pub by: Option<Lookup>,
}

#[derive(Debug, Args)]
pub struct ListArgs {
    /// Only tokens that can still be redeemed
    #[arg(long, conflicts_with = "expired")]
    pub active: bool,

    /// Only tokens past their expiry
    #[arg(long)]
    pub expired: bool,
}

#[derive(Debug, Args)]
#[command(group(ArgGroup::new("what").required(true).args(["users", "all"])))]
pub struct RevokeArgs {
    /// Users by email, username or numeric id
    #[arg(value_name = "USER")]
    pub users: Vec<String>,

    /// Revoke every outstanding token
    #[arg(long)]
    pub all: bool,

    /// Do not ask for confirmation (needed for --all without a terminal)
    #[arg(long, short = 'y')]
    pub yes: bool,

    /// Read USER as this kind of name instead of guessing
    #[arg(long, value_enum)]
    pub by: Option<Lookup>,
}

#[derive(Debug, Args)]
pub struct PurgeArgs {
    /// Only tokens expired at least this long ago
    #[arg(long, value_name = "DURATION", default_value = "0s")]
    pub older_than: String,

    /// Also delete audit entries older than this (each user's newest issue and email are kept)
    #[arg(long, value_name = "DURATION")]
    pub audit_older_than: Option<String>,
}

#[derive(Debug, Args)]
pub struct RedeemArgs {
    /// The token, or a whole reset link; - reads it from the first line of stdin
    #[arg(value_name = "TOKEN", allow_hyphen_values = true)]
    pub token: String,

    /// Whose token it is, for a bare token whose framework keys tokens by
    /// user (Laravel, Django); a whole link says it itself
    #[arg(long, value_name = "USER")]
    pub user: Option<String>,

    /// Read --user as this kind of name instead of guessing
    #[arg(long, value_enum, requires = "user")]
    pub by: Option<Lookup>,

    /// Read the new password from the next line of stdin instead of prompting
    #[arg(long)]
    pub password_stdin: bool,

    /// Email the user that their password was changed (a failure only warns)
    #[arg(long)]
    pub notify: bool,
}

#[derive(Debug, Args)]
pub struct AuditArgs {
    /// Only entries about this user (email, username or id)
    #[arg(long, value_name = "USER")]
    pub user: Option<String>,

    /// Only entries of this action
    #[arg(long, value_enum)]
    pub action: Option<Action>,

    /// Only entries since a time (RFC 3339) or a duration ago (24h, 7d)
    #[arg(long, value_name = "WHEN")]
    pub since: Option<String>,

    /// At most this many entries; 0 for all
    #[arg(long, value_name = "N", default_value_t = 100)]
    pub limit: usize,
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    #[test]
    fn cli_definition_is_consistent() {
        super::Cli::command().debug_assert();
    }
}
