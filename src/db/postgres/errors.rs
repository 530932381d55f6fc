//! PostgreSQL's failures as the README's exit codes: a lock held past the
//! busy timeout, a statement or session cut off by one of the server's own
//! time limits, a server that is down or a lost connection 75, a refused
//! login 78, a missing database 66. Messages name the server by its URL
//! without the password.

use std::time::Duration;

use tokio_postgres::error::SqlState;

use super::target::PgTarget;
use crate::error::{Error, Kind};

pub fn map(e: tokio_postgres::Error, t: &PgTarget, busy_timeout: Duration) -> Error {
    if let Some(db) = e.as_db_error() {
        let code = db.code();
        let msg = db.message();
        let again = |m: String| Error::new(Kind::TempFail, m).with_hint("try again later");
        return match code {
            c if *c == SqlState::LOCK_NOT_AVAILABLE => again(format!(
                "{t} is locked by another process (waited {}s)",
                busy_timeout.as_secs_f64()
            )),
            // statement_timeout, or a cancel from an administrator: the
            // same statement may well pass when the server is less busy.
            c if *c == SqlState::QUERY_CANCELED => again(format!(
                "{t} cancelled a statement: {msg}"
            ))
            .with_hint(
                "try again later; the server's statement_timeout (for the role, the database, or the URL's options) limits how long one statement may run",
            ),
            c if *c == SqlState::IDLE_IN_TRANSACTION_SESSION_TIMEOUT
                || *c == SqlState::IDLE_SESSION_TIMEOUT =>
            {
                again(format!("{t} ended the session: {msg}"))
            }
            c if *c == SqlState::INVALID_PASSWORD
                || *c == SqlState::INVALID_AUTHORIZATION_SPECIFICATION =>
            {
                Error::config(format!("{t}: the server refused the login: {msg}"))
                    .with_hint("check the user and password (URL, PGPASSWORD or ~/.pgpass)")
            }
            c if *c == SqlState::INVALID_CATALOG_NAME => Error::new(
                Kind::NoInput,
                format!("database {} does not exist on {t}", t.dbname),
            ),
            c if *c == SqlState::UNDEFINED_TABLE || *c == SqlState::UNDEFINED_COLUMN => {
                Error::config(format!("{t}: {msg}"))
                    .with_hint(format!("run: resetctl --db {t} init"))
            }
            c if *c == SqlState::INSUFFICIENT_PRIVILEGE => {
                Error::config(format!("{t}: {msg}")).with_hint(
                    "the role needs SELECT and UPDATE on the users table, and to own or be granted resetctl_audit (see the README's PostgreSQL section)",
                )
            }
            c if *c == SqlState::READ_ONLY_SQL_TRANSACTION => {
                Error::io(format!("{t} is read-only: {msg}"))
            }
            // The app's own constraints refusing what resetctl writes.
            c if *c == SqlState::UNIQUE_VIOLATION
                || *c == SqlState::NOT_NULL_VIOLATION
                || *c == SqlState::CHECK_VIOLATION
                || *c == SqlState::FOREIGN_KEY_VIOLATION =>
            {
                Error::config(msg.to_string())
            }
            c if *c == SqlState::ADMIN_SHUTDOWN
                || *c == SqlState::CRASH_SHUTDOWN
                || *c == SqlState::CANNOT_CONNECT_NOW
                || *c == SqlState::TOO_MANY_CONNECTIONS
                || *c == SqlState::T_R_DEADLOCK_DETECTED
                || *c == SqlState::T_R_SERIALIZATION_FAILURE =>
            {
                again(format!("{t}: {msg}"))
            }
            _ => Error::internal(format!("database error on {t}: {msg}")),
        };
    }
    if e.is_closed() {
        return Error::new(Kind::TempFail, format!("the connection to {t} was lost"))
            .with_hint("try again later; a bulk run resumes with --skip-active");
    }
    // Below the protocol: the network, or TLS.
    let mut source = std::error::Error::source(&e);
    while let Some(s) = source {
        if let Some(io) = s.downcast_ref::<std::io::Error>() {
            if io
                .get_ref()
                .is_some_and(|inner| inner.downcast_ref::<rustls::Error>().is_some())
            {
                return Error::config(format!("TLS with {t} failed: {io}"));
            }
            return Error::new(Kind::TempFail, format!("cannot reach {t}: {io}"))
                .with_hint("is the server running, and the host and port right?");
        }
        if s.downcast_ref::<rustls::Error>().is_some() {
            return Error::config(format!("TLS with {t} failed: {s}"));
        }
        source = s.source();
    }
    let text = e.to_string();
    if text.contains("timed out") {
        return Error::new(Kind::TempFail, format!("cannot reach {t}: {text}"));
    }
    if text.contains("TLS") || text.contains("tls") {
        return Error::config(format!("{t}: {text}"));
    }
    Error::new(Kind::TempFail, format!("{t}: {text}"))
}
