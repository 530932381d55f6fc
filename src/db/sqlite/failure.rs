//! SQLite's result codes as the facts `db::failure` words.

use std::path::Path;
use std::time::Duration;

use rusqlite::ErrorCode;

use super::Sqlite;
use crate::db::engine::Engine;
use crate::db::failure::{Failure, Site, unreadable};
use crate::error::Error;

pub fn map(e: rusqlite::Error, path: &Path, busy_timeout: Duration) -> Error {
    let rusqlite::Error::SqliteFailure(code, message) = &e else {
        return unreadable(e);
    };
    let failure = match code.code {
        ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked => Failure::Locked,
        ErrorCode::NotADatabase => Failure::NotADatabase,
        ErrorCode::DatabaseCorrupt => Failure::Corrupt,
        ErrorCode::ReadOnly => Failure::ReadOnly(None),
        ErrorCode::CannotOpen => Failure::CannotOpen,
        ErrorCode::PermissionDenied => Failure::PermissionDenied,
        ErrorCode::SystemIoFailure | ErrorCode::DiskFull | ErrorCode::FileLockingProtocolFailed => {
            Failure::Io(e.to_string())
        }
        ErrorCode::ConstraintViolation => Failure::Refused(
            message
                .clone()
                .unwrap_or_else(|| "a constraint failed".into()),
        ),
        _ => match message.as_deref() {
            Some(m) if m.starts_with("no such column") || m.starts_with("no such table") => {
                Failure::NotInitialised(m.to_string())
            }
            _ => Failure::Unexpected(e.to_string()),
        },
    };
    failure.at(&Site {
        at: &path.display(),
        engine: Sqlite::NAME,
        busy_timeout,
    })
}
