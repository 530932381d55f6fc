//! The application's SQLite database: opening it safely, and the error
//! mapping from SQLite's result codes to ours.

mod audit;
mod passwords;
mod schema;
mod survey;
mod users;

use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::{DateTime, Utc};
use rusqlite::functions::FunctionFlags;
use rusqlite::types::{Value, ValueRef};
use rusqlite::{Connection, ErrorCode, OpenFlags, TransactionBehavior};

use crate::clock;
use crate::config::{ExpiresFormat, Schema};
use crate::error::{Error, Kind, Result};

pub use audit::{AuditEntry, AuditFilter, AuditRow, Outcome};
pub use schema::InitReport;
pub use survey::{AuditTable, ColumnCheck, Survey};
use users::Sql;
pub use users::{Lookup, TokenFilter, TokenWriter, User, UserJson, UserRow, password_fingerprint};

/// Whether a command only reads, or may write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    ReadOnly,
    ReadWrite,
}

pub struct Db {
    conn: Connection,
    path: PathBuf,
    busy_timeout: Duration,
    schema: Schema,
    sql: Sql,
}

/// SQL name of the function that turns any stored expiry form into Unix
/// milliseconds (NULL when unreadable), so SQL comparisons are right whatever
/// the form an application wrote.
pub const EXPIRY_MS_FN: &str = "resetctl_expiry_ms";

/// SQL name of [`password_fingerprint`] (user id, password cell), so the
/// "password changed since issue" check runs inside the same statements.
pub const FINGERPRINT_FN: &str = "resetctl_password_fingerprint";

impl Db {
    /// Opens an existing database and checks that it has what the tool needs.
    pub fn open(
        path: &Path,
        access: Access,
        busy_timeout: Duration,
        schema: &Schema,
    ) -> Result<Db> {
        check_file(path)?;
        let db = Self::connect(path, access, busy_timeout, schema)?;
        if access == Access::ReadWrite && db.conn.is_readonly(rusqlite::MAIN_DB).unwrap_or(false) {
            return Err(Error::io(format!("{} is read-only", path.display()))
                .with_hint("check the file's permissions and its directory's"));
        }
        db.check_schema()?;
        Ok(db)
    }

    /// Opens read-only without checking the schema, for `doctor`, which
    /// reports every gap instead of stopping at the first.
    pub fn open_to_survey(path: &Path, busy_timeout: Duration, schema: &Schema) -> Result<Db> {
        check_file(path)?;
        Self::connect(path, Access::ReadOnly, busy_timeout, schema)
    }

    fn connect(path: &Path, access: Access, busy_timeout: Duration, schema: &Schema) -> Result<Db> {
        let flags = match access {
            Access::ReadOnly => OpenFlags::SQLITE_OPEN_READ_ONLY,
            Access::ReadWrite => OpenFlags::SQLITE_OPEN_READ_WRITE,
        } | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn =
            Connection::open_with_flags(path, flags).map_err(|e| map_err(e, path, busy_timeout))?;
        let db = Db {
            conn,
            path: path.to_path_buf(),
            busy_timeout,
            schema: schema.clone(),
            sql: Sql::new(schema),
        };
        db.conn.busy_timeout(busy_timeout).map_err(|e| db.err(e))?;
        db.conn
            .create_scalar_function(
                EXPIRY_MS_FN,
                1,
                FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DETERMINISTIC,
                |ctx| Ok(expiry_of(ctx.get_raw(0)).map(|t| t.timestamp_millis())),
            )
            .map_err(|e| db.err(e))?;
        db.conn
            .create_scalar_function(
                FINGERPRINT_FN,
                2,
                FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DETERMINISTIC,
                |ctx| {
                    // A row whose id is not an integer has no fingerprint:
                    // it is left out by every command, never an error here.
                    let ValueRef::Integer(id) = ctx.get_raw(0) else {
                        return Ok(None);
                    };
                    let hash = match ctx.get_raw(1) {
                        ValueRef::Null => None,
                        ValueRef::Text(b) | ValueRef::Blob(b) => Some(b.to_vec()),
                        ValueRef::Integer(i) => Some(i.to_string().into_bytes()),
                        ValueRef::Real(f) => Some(f.to_string().into_bytes()),
                    };
                    Ok(Some(password_fingerprint(id, hash.as_deref())))
                },
            )
            .map_err(|e| db.err(e))?;
        Ok(db)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// A bigger page cache for this connection only (nothing persistent),
    /// so a bulk batch's scattered index updates need not spill to disk
    /// before its commit.
    pub fn set_cache_kib(&self, kib: u32) -> Result<()> {
        self.conn
            .execute_batch(&format!("PRAGMA cache_size = -{kib}"))
            .map_err(|e| self.err(e))
    }

    /// Runs `f` inside `BEGIN IMMEDIATE`: the write lock is taken up front,
    /// so waiting for it honours busy_timeout (a deferred transaction that
    /// upgrades later fails at once with SQLITE_BUSY), and a check made
    /// inside cannot be invalidated before the write that depends on it.
    pub fn write<T>(&mut self, f: impl FnOnce(&Tx<'_>) -> Result<T>) -> Result<T> {
        let Db {
            conn,
            path,
            busy_timeout,
            schema,
            sql,
        } = self;
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(|e| map_err(e, path, *busy_timeout))?;
        let value = f(&Tx {
            conn: &tx,
            path,
            busy_timeout: *busy_timeout,
            schema,
            sql,
        })?;
        tx.commit().map_err(|e| map_err(e, path, *busy_timeout))?;
        Ok(value)
    }

    /// Reads outside any explicit transaction.
    pub fn read(&self) -> Tx<'_> {
        Tx {
            conn: &self.conn,
            path: &self.path,
            busy_timeout: self.busy_timeout,
            schema: &self.schema,
            sql: &self.sql,
        }
    }

    fn err(&self, e: rusqlite::Error) -> Error {
        map_err(e, &self.path, self.busy_timeout)
    }
}

/// A connection inside (or outside) a transaction, with the queries of
/// `users.rs` and `audit.rs` on it.
pub struct Tx<'a> {
    conn: &'a Connection,
    path: &'a Path,
    busy_timeout: Duration,
    schema: &'a Schema,
    sql: &'a Sql,
}

impl Tx<'_> {
    fn err(&self, e: rusqlite::Error) -> Error {
        map_err(e, self.path, self.busy_timeout)
    }
}

/// An expiry as the application wants it written: text or a number.
pub fn expiry_cell(t: DateTime<Utc>, format: ExpiresFormat) -> Value {
    match format {
        ExpiresFormat::Rfc3339 => Value::Text(clock::rfc3339(t)),
        ExpiresFormat::Sqlite => Value::Text(t.format("%Y-%m-%d %H:%M:%S").to_string()),
        ExpiresFormat::Unix => Value::Integer(t.timestamp()),
        ExpiresFormat::UnixMs => Value::Integer(t.timestamp_millis()),
    }
}

/// Reads an expiry cell of any storage class.
pub fn expiry_of(v: ValueRef<'_>) -> Option<DateTime<Utc>> {
    match v {
        ValueRef::Integer(n) => clock::from_unix_number(n),
        ValueRef::Real(f) if f.is_finite() => clock::from_unix_number(f.trunc() as i64),
        ValueRef::Text(t) => std::str::from_utf8(t).ok().and_then(clock::parse_timestamp),
        _ => None,
    }
}

/// Tells a missing file (66) from a directory or unreadable path (74) before
/// SQLite gets a chance to say something vaguer, or to create the file.
pub fn check_file(path: &Path) -> Result<()> {
    match std::fs::metadata(path) {
        Ok(m) if m.is_dir() => Err(Error::io(format!(
            "{} is a directory, not a database file",
            path.display()
        ))),
        // A FIFO or a device would block SQLite's first read forever.
        Ok(m) if !m.is_file() => Err(Error::io(format!(
            "{} is not a regular file, so it cannot be a database",
            path.display()
        ))),
        Ok(_) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Err(Error::new(
            Kind::NoInput,
            format!("database {} does not exist", path.display()),
        )
        .with_hint(format!(
            "check the path, or create it with: resetctl --db {} init",
            path.display()
        ))),
        Err(e) => Err(Error::io(format!("cannot open {}: {e}", path.display()))),
    }
}

/// SQLite's result codes, turned into the contract's exit codes.
pub fn map_err(e: rusqlite::Error, path: &Path, busy_timeout: Duration) -> Error {
    let p = path.display();
    let rusqlite::Error::SqliteFailure(code, message) = &e else {
        return Error::internal(format!("database error: {e}"));
    };
    match code.code {
        ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked => Error::new(
            Kind::TempFail,
            format!(
                "{p} is locked by another process (waited {}s)",
                busy_timeout.as_secs_f64()
            ),
        )
        .with_hint("try again later"),
        ErrorCode::NotADatabase => Error::io(format!("{p} is not a SQLite database")),
        ErrorCode::DatabaseCorrupt => Error::io(format!("{p} is corrupt")),
        ErrorCode::ReadOnly => Error::io(format!("{p} is read-only"))
            .with_hint("check the file's permissions and its directory's"),
        ErrorCode::CannotOpen => Error::io(format!("cannot open {p}")),
        ErrorCode::PermissionDenied => Error::io(format!("permission denied on {p}")),
        ErrorCode::SystemIoFailure | ErrorCode::DiskFull | ErrorCode::FileLockingProtocolFailed => {
            Error::io(format!("I/O error on {p}: {e}"))
        }
        _ => {
            let msg = message.as_deref().unwrap_or("");
            if msg.starts_with("no such column") || msg.starts_with("no such table") {
                Error::config(format!("{p}: {msg}"))
                    .with_hint(format!("run: resetctl --db {p} init"))
            } else {
                Error::internal(format!("database error on {p}: {e}"))
            }
        }
    }
}
