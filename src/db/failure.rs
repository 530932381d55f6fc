//! What went wrong in an engine, as a fact the engine reports (a
//! [`Failure`]), and the one place such facts become the README's
//! messages, hints and exit codes: a lock, a lost connection or a refused
//! login reads the same whichever engine met it, and a new engine only
//! says which fact it met.

use std::fmt::Display;
use std::time::Duration;

use super::names::Schema;
use crate::error::{Error, Kind, Result};
use crate::user::IdKind;

/// Where a failure happened, as its words need it.
pub struct Site<'a> {
    /// The database as shown: a path, or a URL without its password.
    pub at: &'a dyn Display,
    /// The engine as people name it (`SQLite`), for the README's sections.
    pub engine: &'static str,
    pub busy_timeout: Duration,
}

/// A failure, as the engine classified what its driver said. The `String`s
/// are the driver's or the server's own words, shown after resetctl's.
#[derive(Debug)]
pub enum Failure {
    /// Another session held a lock past the busy timeout.
    Locked,
    /// The server cancelled a statement; `limit` says what limits one
    /// statement's time, where it is set.
    Cancelled {
        detail: String,
        limit: &'static str,
    },
    /// The server ended the session (its idle time limits).
    SessionEnded(String),
    /// The server cannot serve now: shutting down, full, or the
    /// transaction lost a deadlock or serialization conflict.
    ServerBusy(String),
    /// The connection was lost mid-run.
    ConnectionLost,
    /// The network failed before the server answered.
    Unreachable(String),
    /// Connecting took longer than the timeout.
    TimedOut(String),
    /// TLS failed: a certificate not trusted, or a broken handshake.
    TlsFailed(String),
    /// The server would not speak TLS that the settings require.
    TlsRefused(String),
    /// Connecting failed for another reason.
    ConnectionFailed(String),
    /// The server refused the login; `credentials` says where they come
    /// from.
    LoginRefused {
        detail: String,
        credentials: &'static str,
    },
    /// The database named does not exist on the server.
    NoSuchDatabase(String),
    /// The role lacks a privilege.
    NoPrivilege(String),
    /// Writing is refused: the file's permissions (no detail), or the
    /// server's word.
    ReadOnly(Option<String>),
    NotADatabase,
    Corrupt,
    CannotOpen,
    /// The file's permissions refuse even reading.
    PermissionDenied,
    /// Reading or writing the file failed (a full disk, say).
    Io(String),
    /// The app's own constraints refused what resetctl writes: its schema
    /// and resetctl's settings do not fit.
    Refused(String),
    /// A table or column resetctl needs is missing: `init` adds it.
    NotInitialised(String),
    /// Anything else.
    Unexpected(String),
}

impl Failure {
    /// The failure as the error a command ends with.
    pub fn at(self, site: &Site<'_>) -> Error {
        let (kind, hint) = self.kind_and_hint(site);
        let e = Error::new(kind, self.message(site));
        match hint {
            Some(hint) => e.with_hint(hint),
            None => e,
        }
    }

    fn message(&self, site: &Site<'_>) -> String {
        let at = site.at;
        match self {
            Failure::Locked => format!(
                "{at} is locked by another process (waited {}s)",
                site.busy_timeout.as_secs_f64()
            ),
            Failure::Cancelled { detail, .. } => format!("{at} cancelled a statement: {detail}"),
            Failure::SessionEnded(m) => format!("{at} ended the session: {m}"),
            Failure::ConnectionLost => format!("the connection to {at} was lost"),
            Failure::Unreachable(m) | Failure::TimedOut(m) => format!("cannot reach {at}: {m}"),
            Failure::TlsFailed(m) => format!("TLS with {at} failed: {m}"),
            Failure::LoginRefused { detail, .. } => {
                format!("{at}: the server refused the login: {detail}")
            }
            Failure::NoSuchDatabase(name) => format!("database {name} does not exist on {at}"),
            Failure::ReadOnly(None) => format!("{at} is read-only"),
            Failure::ReadOnly(Some(m)) => format!("{at} is read-only: {m}"),
            Failure::NotADatabase => format!("{at} is not a {} database", site.engine),
            Failure::Corrupt => format!("{at} is corrupt"),
            Failure::CannotOpen => format!("cannot open {at}"),
            Failure::PermissionDenied => format!("permission denied on {at}"),
            Failure::Io(m) => format!("I/O error on {at}: {m}"),
            Failure::Refused(m) => m.clone(),
            Failure::Unexpected(m) => format!("database error on {at}: {m}"),
            Failure::ServerBusy(m)
            | Failure::TlsRefused(m)
            | Failure::ConnectionFailed(m)
            | Failure::NoPrivilege(m)
            | Failure::NotInitialised(m) => format!("{at}: {m}"),
        }
    }

    /// The exit code's kind, and what to do about it.
    fn kind_and_hint(&self, site: &Site<'_>) -> (Kind, Option<String>) {
        let again = || Some("try again later".to_string());
        match self {
            Failure::Locked | Failure::SessionEnded(_) | Failure::ServerBusy(_) => {
                (Kind::TempFail, again())
            }
            Failure::Cancelled { limit, .. } => (
                Kind::TempFail,
                Some(format!(
                    "try again later; {limit} limits how long one statement may run"
                )),
            ),
            Failure::ConnectionLost => (
                Kind::TempFail,
                Some("try again later; a bulk run resumes with --skip-active".into()),
            ),
            Failure::Unreachable(_) => (
                Kind::TempFail,
                Some("is the server running, and the host and port right?".into()),
            ),
            Failure::TimedOut(_) | Failure::ConnectionFailed(_) => (Kind::TempFail, None),
            Failure::LoginRefused { credentials, .. } => (
                Kind::Config,
                Some(format!("check the user and password ({credentials})")),
            ),
            Failure::NoPrivilege(_) => (
                Kind::Config,
                Some(format!(
                    "the role needs SELECT and UPDATE on the users table, and to own or be granted resetctl_audit (see the README's {} section)",
                    site.engine
                )),
            ),
            Failure::NotInitialised(_) => (
                Kind::Config,
                Some(format!("run: resetctl --db {} init", site.at)),
            ),
            Failure::TlsFailed(_) | Failure::TlsRefused(_) | Failure::Refused(_) => {
                (Kind::Config, None)
            }
            Failure::NoSuchDatabase(_) => (Kind::NoInput, None),
            Failure::ReadOnly(None) => (Kind::Io, Some(READ_ONLY_HINT.into())),
            Failure::ReadOnly(Some(_))
            | Failure::NotADatabase
            | Failure::Corrupt
            | Failure::CannotOpen
            | Failure::PermissionDenied
            | Failure::Io(_) => (Kind::Io, None),
            Failure::Unexpected(_) => (Kind::Internal, None),
        }
    }
}

const READ_ONLY_HINT: &str = "check the file's permissions and its directory's";

/// A database that must be written and cannot be.
pub fn read_only(at: &dyn Display) -> Error {
    Error::io(format!("{at} is read-only")).with_hint(READ_ONLY_HINT)
}

/// A value the driver could not hand over: a bug, not the database's state.
pub fn unreadable(detail: impl Display) -> Error {
    Error::internal(format!("database error: {detail}"))
}

/// What became of a transaction whose COMMIT went unanswered, as the
/// server told a new connection afterwards.
#[derive(Debug)]
pub enum CommitFate {
    Committed,
    RolledBack,
    /// Not known, and why.
    Unknown(String),
}

/// The command's result after a COMMIT went unanswered: it goes on, with a
/// warning, when the transaction committed.
pub fn commit_lost(fate: CommitFate, site: &Site<'_>) -> Result<()> {
    let during = format!("the connection to {} was lost during COMMIT", site.at);
    match fate {
        CommitFate::Committed => {
            crate::output::warning(format!(
                "{during}; asked on a new connection, the server says it committed"
            ));
            Ok(())
        }
        CommitFate::RolledBack => Err(Error::new(
            Kind::TempFail,
            format!("{during}, and the server rolled it back: nothing was changed"),
        )
        .with_hint("try again")),
        CommitFate::Unknown(why) => {
            let mut e = Error::new(
                Kind::TempFail,
                format!("{during}, and whether it committed is unknown ({why})"),
            )
            .with_hint(
                "once the server answers, `resetctl inspect USER` or `list --active` shows what holds a token; issuing again replaces it",
            );
            e.unknown_outcome = true;
            Err(e)
        }
    }
}

/// The users table (or another resetctl must write) is a view.
pub fn view(table: &str) -> Error {
    Error::config(format!(
        "{table} is a view; resetctl needs a table it can update"
    ))
}

/// What the engine knows of the mapped id column: its type, and whether
/// it names one row.
#[derive(Debug)]
pub struct IdColumn {
    pub ty: IdType,
    /// What the type holds; `None` for a type no id is kept in (a real,
    /// a date).
    pub kind: Option<IdKind>,
    /// The primary key, or under a unique index of its own.
    pub unique: bool,
}

/// A column's type, as the engine knows it.
#[derive(Debug)]
pub enum IdType {
    /// Declared, and only a declaration (empty when there is none): the
    /// engine stores whatever a row holds.
    Declared(String),
    /// The type every value has.
    Of(String),
}

impl IdColumn {
    /// Why the id column cannot name one user, if it cannot: anything but
    /// a unique integer, text or UUID would let a token be written onto
    /// several users, or not be found again.
    pub fn problem(&self, s: &Schema) -> Option<Error> {
        if self.kind.is_none() {
            let ty = match &self.ty {
                IdType::Declared(t) if t.is_empty() => "declared without a type".to_string(),
                IdType::Declared(t) => format!("declared {t}"),
                IdType::Of(t) => format!("of type {t}"),
            };
            return Some(Error::config(format!(
                "schema.id: {}.{} is {ty}; resetctl needs user ids that are integers, text or UUIDs",
                s.table, s.id
            )));
        }
        (!self.unique).then(|| {
            Error::config(format!(
                "schema.id: {}.{} is not unique (neither the primary key nor under a unique index of its own)",
                s.table, s.id
            ))
            .with_hint("point schema.id at the table's primary key")
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_fact_has_its_exit_code_and_names_the_database() {
        let site = Site {
            at: &"db.example",
            engine: "Engine",
            busy_timeout: Duration::from_millis(1500),
        };
        let said = || "said".to_string();
        let cases = [
            (Failure::Locked, 75),
            (
                Failure::Cancelled {
                    detail: said(),
                    limit: "a limit",
                },
                75,
            ),
            (Failure::SessionEnded(said()), 75),
            (Failure::ServerBusy(said()), 75),
            (Failure::ConnectionLost, 75),
            (Failure::Unreachable(said()), 75),
            (Failure::TimedOut(said()), 75),
            (Failure::ConnectionFailed(said()), 75),
            (Failure::TlsFailed(said()), 78),
            (Failure::TlsRefused(said()), 78),
            (
                Failure::LoginRefused {
                    detail: said(),
                    credentials: "somewhere",
                },
                78,
            ),
            (Failure::NoPrivilege(said()), 78),
            (Failure::NotInitialised(said()), 78),
            (Failure::NoSuchDatabase("app".into()), 66),
            (Failure::ReadOnly(None), 74),
            (Failure::ReadOnly(Some(said())), 74),
            (Failure::NotADatabase, 74),
            (Failure::Corrupt, 74),
            (Failure::CannotOpen, 74),
            (Failure::PermissionDenied, 74),
            (Failure::Io(said()), 74),
            (Failure::Unexpected(said()), 70),
        ];
        for (failure, code) in cases {
            let shown = format!("{failure:?}");
            let e = failure.at(&site);
            assert_eq!(e.exit_code(), code, "{shown}");
            assert!(e.message.contains("db.example"), "{shown}: {}", e.message);
        }
        let e = Failure::Locked.at(&site);
        assert_eq!(
            e.message,
            "db.example is locked by another process (waited 1.5s)"
        );
        assert_eq!(e.hint.as_deref(), Some("try again later"));
        let e = Failure::NotADatabase.at(&site);
        assert_eq!(e.message, "db.example is not a Engine database");
        assert_eq!(Failure::Refused(said()).at(&site).exit_code(), 78);
    }
}
