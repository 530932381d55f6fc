//! PostgreSQL's errors as the facts `failure` words: SQLSTATEs, a closed
//! connection, and what failed below the protocol (the network, TLS).

use std::time::Duration;

use tokio_postgres::error::SqlState;

use super::Postgres;
use super::target::PgTarget;
use crate::db::engine::Engine;
use crate::db::failure::{Failure, Site};
use crate::error::Error;

/// What a statement's time limit is, where it is set.
const STATEMENT_LIMIT: &str =
    "the server's statement_timeout (for the role, the database, or the URL's options)";

/// Where a refused login's credentials came from.
const CREDENTIALS: &str = "URL, PGPASSWORD or ~/.pgpass";

pub fn map(e: tokio_postgres::Error, t: &PgTarget, busy_timeout: Duration) -> Error {
    classify(&e, t).at(&site(t, busy_timeout))
}

/// The server, as failures name it.
pub fn site(t: &PgTarget, busy_timeout: Duration) -> Site<'_> {
    Site {
        at: t,
        engine: Postgres::NAME,
        busy_timeout,
    }
}

fn classify(e: &tokio_postgres::Error, t: &PgTarget) -> Failure {
    if let Some(db) = e.as_db_error() {
        return server_said(db.code(), db.message().to_string(), t);
    }
    if e.is_closed() {
        return Failure::ConnectionLost;
    }
    below_the_protocol(e)
}

fn server_said(code: &SqlState, msg: String, t: &PgTarget) -> Failure {
    let is = |states: &[SqlState]| states.contains(code);
    if is(&[SqlState::LOCK_NOT_AVAILABLE]) {
        Failure::Locked
    } else if is(&[SqlState::QUERY_CANCELED]) {
        // statement_timeout, or a cancel from an administrator: the same
        // statement may well pass when the server is less busy.
        Failure::Cancelled {
            detail: msg,
            limit: STATEMENT_LIMIT,
        }
    } else if is(&[
        SqlState::IDLE_IN_TRANSACTION_SESSION_TIMEOUT,
        SqlState::IDLE_SESSION_TIMEOUT,
    ]) {
        Failure::SessionEnded(msg)
    } else if is(&[
        SqlState::INVALID_PASSWORD,
        SqlState::INVALID_AUTHORIZATION_SPECIFICATION,
    ]) {
        Failure::LoginRefused {
            detail: msg,
            credentials: CREDENTIALS,
        }
    } else if is(&[SqlState::INVALID_CATALOG_NAME]) {
        Failure::NoSuchDatabase(t.dbname.clone())
    } else if is(&[SqlState::UNDEFINED_TABLE, SqlState::UNDEFINED_COLUMN]) {
        Failure::NotInitialised(msg)
    } else if is(&[SqlState::INSUFFICIENT_PRIVILEGE]) {
        Failure::NoPrivilege(msg)
    } else if is(&[SqlState::READ_ONLY_SQL_TRANSACTION]) {
        Failure::ReadOnly(Some(msg))
    } else if is(&[
        SqlState::UNIQUE_VIOLATION,
        SqlState::NOT_NULL_VIOLATION,
        SqlState::CHECK_VIOLATION,
        SqlState::FOREIGN_KEY_VIOLATION,
    ]) {
        Failure::Refused(msg)
    } else if is(&[
        SqlState::ADMIN_SHUTDOWN,
        SqlState::CRASH_SHUTDOWN,
        SqlState::CANNOT_CONNECT_NOW,
        SqlState::TOO_MANY_CONNECTIONS,
        SqlState::T_R_DEADLOCK_DETECTED,
        SqlState::T_R_SERIALIZATION_FAILURE,
    ]) {
        Failure::ServerBusy(msg)
    } else {
        Failure::Unexpected(msg)
    }
}

/// The network, or TLS.
fn below_the_protocol(e: &tokio_postgres::Error) -> Failure {
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        if let Some(io) = s.downcast_ref::<std::io::Error>() {
            if io
                .get_ref()
                .is_some_and(|inner| inner.downcast_ref::<rustls::Error>().is_some())
            {
                return Failure::TlsFailed(io.to_string());
            }
            return Failure::Unreachable(io.to_string());
        }
        if s.downcast_ref::<rustls::Error>().is_some() {
            return Failure::TlsFailed(s.to_string());
        }
        source = s.source();
    }
    let text = e.to_string();
    if text.contains("timed out") {
        Failure::TimedOut(text)
    } else if text.contains("TLS") || text.contains("tls") {
        Failure::TlsRefused(text)
    } else {
        Failure::ConnectionFailed(text)
    }
}
