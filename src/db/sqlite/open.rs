//! Opening a SQLite file so that a command that only reads leaves the
//! directory as it found it. A read-only connection to a WAL database makes
//! the `-wal` and `-shm` files on its first read and cannot remove them when
//! it closes; the last read-write connection to close checkpoints and
//! removes both. So a reader opens read-write when it can, with every write
//! refused twice over: `PRAGMA query_only`, and an authorizer that lets
//! through nothing but reads (query_only alone still lets `PRAGMA
//! journal_mode = ...` rewrite the file and `ATTACH` create one).

use std::path::{Path, PathBuf};

use rusqlite::hooks::{AuthAction, AuthContext, Authorization};
use rusqlite::{Connection, OpenFlags};

use crate::db::engine::Access;

/// Opens an existing file (never creating one) for `access`.
pub(super) fn connect(path: &Path, access: Access) -> rusqlite::Result<Connection> {
    match access {
        Access::ReadWrite => {
            Connection::open_with_flags(path, flags(OpenFlags::SQLITE_OPEN_READ_WRITE))
        }
        // Another connection (the app's) has the database open: it removes
        // the files when it closes, and a writer here would gain nothing.
        Access::ReadOnly if wal_file(path).exists() => read_only(path),
        Access::ReadOnly => match reading_writer(path) {
            Ok(Some(conn)) => Ok(conn),
            // Writing refused (a read-only file or directory), or anything
            // odd: the plain read-only open, and its errors, as before.
            Ok(None) | Err(_) => read_only(path),
        },
    }
}

fn flags(access: OpenFlags) -> OpenFlags {
    access | OpenFlags::SQLITE_OPEN_NO_MUTEX
}

fn read_only(path: &Path) -> rusqlite::Result<Connection> {
    Connection::open_with_flags(path, flags(OpenFlags::SQLITE_OPEN_READ_ONLY))
}

/// The `-wal` file SQLite would use: beside the file a symlink points to.
fn wal_file(path: &Path) -> PathBuf {
    let real = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    let mut name = real.into_os_string();
    name.push("-wal");
    PathBuf::from(name)
}

/// A read-write connection that can only read; `None` when the file itself
/// cannot be written (SQLite then opens it read-only of its own accord).
fn reading_writer(path: &Path) -> rusqlite::Result<Option<Connection>> {
    let conn = Connection::open_with_flags(path, flags(OpenFlags::SQLITE_OPEN_READ_WRITE))?;
    if conn.is_readonly(rusqlite::MAIN_DB)? {
        return Ok(None);
    }
    conn.pragma_update(None, "query_only", true)?;
    // The first read makes the `-wal` and `-shm` files of a WAL database:
    // in a directory that cannot be written, it fails here, not later.
    conn.query_row("SELECT count(*) FROM sqlite_schema", [], |_| Ok(()))?;
    conn.authorizer(Some(|ctx: AuthContext<'_>| {
        if only_reads(&ctx.action) {
            Authorization::Allow
        } else {
            Authorization::Deny
        }
    }));
    Ok(Some(conn))
}

/// Undoes `reading_writer`'s guards, for the command that goes on writing
/// on the connection that recognised the app.
pub(super) fn allow_writes(conn: &Connection) -> rusqlite::Result<()> {
    conn.authorizer(None::<fn(AuthContext<'_>) -> Authorization>);
    conn.pragma_update(None, "query_only", false)
}

/// What a reader's statements may do: select, read, call functions, and
/// read the pragmas resetctl asks about (the catalogue takes a table or an
/// index name; the journal mode, none).
fn only_reads(action: &AuthAction<'_>) -> bool {
    match action {
        AuthAction::Select
        | AuthAction::Read { .. }
        | AuthAction::Function { .. }
        | AuthAction::Recursive
        | AuthAction::Transaction { .. }
        | AuthAction::Savepoint { .. } => true,
        AuthAction::Pragma {
            pragma_name,
            pragma_value,
        } => match pragma_value {
            None => *pragma_name == "journal_mode",
            Some(_) => matches!(
                *pragma_name,
                "table_info" | "index_list" | "index_info" | "index_xinfo"
            ),
        },
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wal_database() -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("app.db");
        let conn = Connection::open(&path).unwrap();
        conn.execute_batch(
            "PRAGMA journal_mode = WAL; CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT);
             CREATE INDEX users_name ON users (name); INSERT INTO users VALUES (1, 'ann');",
        )
        .unwrap();
        drop(conn);
        assert!(!wal_file(&path).exists());
        (dir, path)
    }

    #[test]
    fn a_reader_reads_and_leaves_no_wal_files() {
        let (dir, path) = wal_database();
        let before = std::fs::read(&path).unwrap();
        let conn = connect(&path, Access::ReadOnly).unwrap();
        assert!(!conn.is_readonly(rusqlite::MAIN_DB).unwrap());
        let name: String = conn
            .query_row("SELECT name FROM users WHERE id = 1", [], |r| r.get(0))
            .unwrap();
        assert_eq!(name, "ann");
        let mode: String = conn
            .query_row("PRAGMA journal_mode", [], |r| r.get(0))
            .unwrap();
        assert_eq!(mode, "wal");
        conn.query_row(
            "SELECT count(*) FROM pragma_index_list('users') \
             JOIN pragma_index_xinfo(pragma_index_list.name) \
             JOIN pragma_table_info('users')",
            [],
            |_| Ok(()),
        )
        .unwrap();
        drop(conn);
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, ["app.db"]);
        assert_eq!(std::fs::read(&path).unwrap(), before);
    }

    #[test]
    fn a_reader_can_write_nothing() {
        let (dir, path) = wal_database();
        let before = std::fs::read(&path).unwrap();
        let conn = connect(&path, Access::ReadOnly).unwrap();
        let attached = dir.path().join("other.db");
        for sql in [
            "INSERT INTO users VALUES (2, 'bob')",
            "UPDATE users SET name = 'x'",
            "DELETE FROM users",
            "CREATE TABLE t (a)",
            "CREATE TEMP TABLE t (a)",
            "DROP INDEX users_name",
            "ALTER TABLE users ADD COLUMN c",
            "PRAGMA journal_mode = DELETE",
            "PRAGMA user_version = 7",
            "PRAGMA query_only = OFF",
            "PRAGMA wal_checkpoint(TRUNCATE)",
            "PRAGMA optimize",
            "REINDEX",
            "ANALYZE",
            "VACUUM",
            "BEGIN IMMEDIATE",
            &format!("ATTACH '{}' AS other", attached.display()),
        ] {
            assert!(conn.execute_batch(sql).is_err(), "{sql} was allowed");
        }
        drop(conn);
        assert!(!attached.exists());
        assert!(!wal_file(&path).exists());
        assert_eq!(std::fs::read(&path).unwrap(), before);
    }

    #[test]
    fn with_a_wal_file_present_the_reader_is_read_only() {
        let (_dir, path) = wal_database();
        // The app has the database open: its `-wal` file exists.
        let app = Connection::open(&path).unwrap();
        app.query_row("SELECT count(*) FROM users", [], |_| Ok(()))
            .unwrap();
        assert!(wal_file(&path).exists());
        let conn = connect(&path, Access::ReadOnly).unwrap();
        assert!(conn.is_readonly(rusqlite::MAIN_DB).unwrap());
        conn.query_row("SELECT count(*) FROM users", [], |_| Ok(()))
            .unwrap();
        // Named through a symlink elsewhere: the `-wal` is the target's.
        let elsewhere = tempfile::tempdir().unwrap();
        let link = elsewhere.path().join("link.db");
        std::os::unix::fs::symlink(&path, &link).unwrap();
        let conn = connect(&link, Access::ReadOnly).unwrap();
        assert!(conn.is_readonly(rusqlite::MAIN_DB).unwrap());
    }
}
