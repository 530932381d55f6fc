//! The errors a command can end with, and the exit code each one maps to.
//!
//! Every failure that reaches `main` is an [`Error`]; its [`Kind`] alone picks
//! the exit code (the README's "Exit codes" table), so that table lives in one
//! place.

use std::fmt;

use crate::text::{one_line, printable};

/// What went wrong, as far as the exit code is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Command-line usage error.
    Usage,
    /// Bad input data: password rejected, malformed token or duration.
    BadInput,
    /// The database file (or an input file) does not exist.
    NoInput,
    /// No such user.
    NoUser,
    /// Email could not be delivered, permanently.
    Unavailable,
    /// A bug: something that should not happen did.
    Internal,
    /// The database cannot be read or written.
    Io,
    /// Try again later: locked database, rate limit, temporary email failure.
    TempFail,
    /// Invalid, expired or already-used reset token.
    BadToken,
    /// Bad configuration or schema.
    Config,
    /// A bulk run stopped by SIGINT, or by SIGTERM.
    Interrupted,
    Terminated,
}

impl Kind {
    pub const ALL: [Kind; 12] = [
        Kind::Usage,
        Kind::BadInput,
        Kind::NoInput,
        Kind::NoUser,
        Kind::Unavailable,
        Kind::Internal,
        Kind::Io,
        Kind::TempFail,
        Kind::BadToken,
        Kind::Config,
        Kind::Interrupted,
        Kind::Terminated,
    ];

    /// A few words for `--help`'s list of exit codes.
    pub const fn words(self) -> &'static str {
        match self {
            Kind::Usage => "usage",
            Kind::BadInput => "bad input",
            Kind::NoInput => "no database",
            Kind::NoUser => "no such user",
            Kind::Unavailable => "email failed",
            Kind::Internal => "internal",
            Kind::Io => "database unreadable",
            Kind::TempFail => "try again",
            Kind::BadToken => "bad token",
            Kind::Config => "bad config or schema",
            Kind::Interrupted => "stopped by SIGINT",
            Kind::Terminated => "stopped by SIGTERM",
        }
    }

    /// `Exit codes: 0 ok, 2 usage, ...`, from this one table.
    pub fn help() -> String {
        let codes: Vec<String> = Kind::ALL
            .iter()
            .map(|k| format!("{} {}", k.exit_code(), k.words()))
            .collect();
        format!("Exit codes: 0 ok, {}.", codes.join(", "))
    }

    /// The sysexits code of this kind of failure.
    pub const fn exit_code(self) -> u8 {
        match self {
            Kind::Usage => 2,
            Kind::BadInput => 65,
            Kind::NoInput => 66,
            Kind::NoUser => 67,
            Kind::Unavailable => 69,
            Kind::Internal => 70,
            Kind::Io => 74,
            Kind::TempFail => 75,
            Kind::BadToken => 77,
            Kind::Config => 78,
            Kind::Interrupted => 130,
            Kind::Terminated => 143,
        }
    }
}

/// A failure with a one-line message and, optionally, what to do about it.
///
/// Messages never carry a token, a token hash or a password: they are built
/// from fixed text and the names of things, never from secret values.
#[derive(Debug, Clone)]
pub struct Error {
    pub kind: Kind,
    pub message: String,
    pub hint: Option<String>,
    /// Nothing to print: the reader of our output went away (`| head`).
    pub silent: bool,
    /// The change may or may not have been made: a COMMIT went unanswered
    /// and the server could not be asked afterwards. A caller that showed
    /// what it was writing (a link) must not say it does not work.
    pub unknown_outcome: bool,
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// Messages and hints are folded onto one line and their control
    /// characters escaped here, once for all: they quote paths, SMTP replies
    /// and lower layers' words, none of which may reach a terminal raw.
    pub fn new(kind: Kind, message: impl Into<String>) -> Self {
        Error {
            kind,
            message: printable(&one_line(message.into())),
            hint: None,
            silent: false,
            unknown_outcome: false,
        }
    }

    pub fn broken_pipe() -> Self {
        Error {
            silent: true,
            ..Self::io("standard output was closed")
        }
    }

    /// The same failure, its message extended by what the caller knows.
    pub fn adding(mut self, more: impl std::fmt::Display) -> Self {
        self.message = printable(&one_line(format!("{}; {more}", self.message)));
        self
    }

    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(printable(&one_line(hint.into())));
        self
    }

    pub fn usage(message: impl Into<String>) -> Self {
        Self::new(Kind::Usage, message)
    }
    pub fn bad_input(message: impl Into<String>) -> Self {
        Self::new(Kind::BadInput, message)
    }
    pub fn no_user(message: impl Into<String>) -> Self {
        Self::new(Kind::NoUser, message)
    }
    pub fn internal(message: impl Into<String>) -> Self {
        Self::new(Kind::Internal, message)
    }
    pub fn io(message: impl Into<String>) -> Self {
        Self::new(Kind::Io, message)
    }
    pub fn bad_token(message: impl Into<String>) -> Self {
        Self::new(Kind::BadToken, message)
    }
    pub fn config(message: impl Into<String>) -> Self {
        Self::new(Kind::Config, message)
    }

    pub fn exit_code(&self) -> u8 {
        self.kind.exit_code()
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Error {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_has_its_contract_code() {
        let table = [
            (Kind::Usage, 2),
            (Kind::BadInput, 65),
            (Kind::NoInput, 66),
            (Kind::NoUser, 67),
            (Kind::Unavailable, 69),
            (Kind::Internal, 70),
            (Kind::Io, 74),
            (Kind::TempFail, 75),
            (Kind::BadToken, 77),
            (Kind::Config, 78),
            (Kind::Interrupted, 130),
            (Kind::Terminated, 143),
        ];
        for (kind, code) in table {
            assert_eq!(kind.exit_code(), code, "{kind:?}");
            assert_eq!(Error::new(kind, "x").exit_code(), code);
        }
    }

    #[test]
    fn messages_are_folded_onto_one_line_and_escaped() {
        let e = Error::io("first\nsecond\r\n third").with_hint("a\nb");
        assert_eq!(e.message, "first; second; third");
        assert_eq!(e.hint.as_deref(), Some("a; b"));
        let e = Error::io("550 \u{1b}]0;owned\u{7} no").with_hint("\u{1b}[2J");
        assert_eq!(e.message, "550 \\u{1b}]0;owned\\u{7} no");
        assert_eq!(e.hint.as_deref(), Some("\\u{1b}[2J"));
    }
}
