//! MariaDB's and MySQL's errors as the facts `failure` words: the
//! server's error numbers, and what failed below the protocol (the
//! network, TLS).

use std::time::Duration;

use super::Mariadb;
use super::target::MyTarget;
use crate::db::engine::Engine;
use crate::db::failure::{Failure, Site};
use crate::error::Error;

/// What a statement's time limit is, where it is set.
const STATEMENT_LIMIT: &str =
    "the server's max_statement_time (MariaDB) or max_execution_time (MySQL)";

/// Where a refused login's credentials came from.
const CREDENTIALS: &str = "URL or ~/.my.cnf";

pub fn map(e: mysql::Error, t: &MyTarget, busy_timeout: Duration) -> Error {
    classify(&e, t).at(&site(t, busy_timeout))
}

/// The writer lock, held by another resetctl past the busy timeout.
pub fn locked(t: &MyTarget, busy_timeout: Duration) -> Error {
    Failure::Locked.at(&site(t, busy_timeout))
}

fn site(t: &MyTarget, busy_timeout: Duration) -> Site<'_> {
    Site {
        at: t,
        engine: Mariadb::NAME,
        busy_timeout,
    }
}

fn classify(e: &mysql::Error, t: &MyTarget) -> Failure {
    use mysql::DriverError as D;
    match e {
        mysql::Error::MySqlError(m) => server_said(m.code, m.message.clone(), t),
        mysql::Error::TlsError(e) => Failure::TlsFailed(e.to_string()),
        mysql::Error::DriverError(D::TlsNotSupported) => {
            Failure::TlsRefused("the server does not offer TLS, which ssl-mode requires".into())
        }
        // The driver's own words, not its `DriverError { .. }` wrapping.
        mysql::Error::DriverError(d @ D::CouldNotConnect(_)) => Failure::Unreachable(d.to_string()),
        mysql::Error::DriverError(d @ D::ConnectTimeout) => Failure::TimedOut(d.to_string()),
        mysql::Error::DriverError(d @ (D::SetupError | D::UnknownAuthPlugin(_))) => {
            Failure::ConnectionFailed(d.to_string())
        }
        mysql::Error::IoError(_) | mysql::Error::CodecError(_) if tls_below(e) => {
            Failure::TlsFailed(e.to_string())
        }
        mysql::Error::IoError(_) | mysql::Error::CodecError(_) => Failure::ConnectionLost,
        mysql::Error::DriverError(d) => Failure::Unexpected(d.to_string()),
        mysql::Error::UrlError(_)
        | mysql::Error::FromValueError(_)
        | mysql::Error::FromRowError(_) => Failure::Unexpected(e.to_string()),
    }
}

/// Whether rustls refused the handshake below an I/O error: the driver
/// wraps it in its packet codec's error, which it does not export.
fn tls_below(e: &mysql::Error) -> bool {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(s) = source {
        if s.downcast_ref::<rustls::Error>().is_some()
            || s.downcast_ref::<std::io::Error>()
                .and_then(std::io::Error::get_ref)
                .is_some_and(|inner| inner.downcast_ref::<rustls::Error>().is_some())
        {
            return true;
        }
        source = s.source();
    }
    // What rustls says of a certificate it refuses, or of a handshake.
    let text = e.to_string();
    text.contains("peer certificate") || text.contains("received fatal alert")
}

/// The server's error numbers (MariaDB's and MySQL's are the same for
/// these).
fn server_said(code: u16, msg: String, t: &MyTarget) -> Failure {
    match code {
        // ER_LOCK_WAIT_TIMEOUT, ER_LOCK_WAIT_TIMEOUT for metadata.
        1205 => Failure::Locked,
        // ER_QUERY_INTERRUPTED, ER_STATEMENT_TIMEOUT (MariaDB),
        // ER_QUERY_TIMEOUT (MySQL).
        1317 | 1969 | 3024 => Failure::Cancelled {
            detail: msg,
            limit: STATEMENT_LIMIT,
        },
        // ER_ACCESS_DENIED_ERROR, ER_ACCESS_DENIED_NO_PASSWORD_ERROR.
        1045 | 1698 => Failure::LoginRefused {
            detail: msg,
            credentials: CREDENTIALS,
        },
        // ER_BAD_DB_ERROR.
        1049 => Failure::NoSuchDatabase(t.dbname.clone()),
        // ER_DBACCESS_DENIED_ERROR, ER_TABLEACCESS_DENIED_ERROR,
        // ER_COLUMNACCESS_DENIED_ERROR, ER_SPECIFIC_ACCESS_DENIED_ERROR,
        // ER_KILL_DENIED_ERROR.
        1044 | 1142 | 1143 | 1227 | 1095 => Failure::NoPrivilege(msg),
        // ER_NO_SUCH_TABLE, ER_BAD_FIELD_ERROR.
        1146 | 1054 => Failure::NotInitialised(msg),
        // ER_OPTION_PREVENTS_STATEMENT (read_only),
        // ER_CANT_EXECUTE_IN_READ_ONLY_TRANSACTION.
        1290 | 1792 => Failure::ReadOnly(Some(msg)),
        // Duplicate key, NULL in a NOT NULL column, foreign keys, CHECK
        // (MySQL, MariaDB), too long, out of range, a wrong value.
        1062 | 1048 | 1451 | 1452 | 3819 | 4025 | 1406 | 1264 | 1292 | 1366 => {
            Failure::Refused(msg)
        }
        // ER_LOCK_DEADLOCK, ER_CON_COUNT_ERROR, ER_SERVER_SHUTDOWN,
        // ER_TOO_MANY_USER_CONNECTIONS, ER_CONNECTION_KILLED.
        1213 | 1040 | 1053 | 1203 | 1927 => Failure::ServerBusy(msg),
        _ => Failure::Unexpected(format!("{msg} (error {code})")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_server_s_numbers_are_the_documented_exit_codes() {
        let t = MyTarget::parse("mysql://app:pw@h/shop").unwrap();
        let code = |n| {
            server_said(n, "m".into(), &t)
                .at(&site(&t, Duration::from_secs(5)))
                .exit_code()
        };
        assert_eq!(code(1205), 75);
        assert_eq!(code(1213), 75);
        assert_eq!(code(1045), 78);
        assert_eq!(code(1142), 78);
        assert_eq!(code(1049), 66);
        assert_eq!(code(1146), 78);
    }
}
