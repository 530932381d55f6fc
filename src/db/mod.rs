//! The application's database, whatever engine holds it. Everything above
//! this module speaks through the engine-neutral types here: `Db` and `Tx`
//! (transactions, `tx.rs`), `Arg` and `Cell` (values bound and read back),
//! `Row` and `Prepared` (a row, a statement run many times), `Dialect`
//! (the SQL that differs between engines) and `Location` (a file, or a
//! server's URL). Nothing above `db` knows which engine it speaks to.
//!
//! The engines sit behind the traits of `engine.rs`: each is a module
//! (`sqlite/`, `postgres/`) that opens its databases, runs statements,
//! reads its catalogue and writes its SQL, and reports what went wrong as
//! a fact that `failure.rs` words. `registry.rs` lists them with the URL
//! schemes each serves; `dispatch.rs` turns the list into the types that
//! hand each call to the engine in use.

mod audit;
mod catalog;
mod dialect;
mod dispatch;
mod engine;
mod failure;
mod ids;
mod location;
mod mariadb;
mod names;
mod passwords;
mod postgres;
mod registry;
mod row;
mod schema;
mod sqlite;
mod survey;
mod tx;
mod users;
mod values;

use std::time::Duration;

use crate::error::Result;
use registry::Conn;
use users::UserSql;

pub use audit::{AUDIT_TABLE, AuditWriter, IssueTrace, LAST_ANY, LAST_OK, NTH_RECENT_ISSUE};
pub use catalog::{Catalog, Spare};
pub use dialect::{ArrayColumn, ColumnKind, Dialect, Elements};
pub use engine::{About, Access, CaseLookup, Matching};
pub use ids::{AuditId, id_text};
pub use location::Location;
pub use names::{Ident, PasswordRow, Schema, Sessions};
pub use row::{Prepared, Row};
pub use survey::{AuditTable, ColumnCheck, StoreColumn, Survey};
pub use users::{Fetched, UserRow, user_columns};
pub use values::{Arg, Cell};

pub struct Db {
    conn: Conn,
    location: Location,
    names: Names,
}

/// The mapped names, the engine's dialect, what the id column is, and the
/// user statements built from them once.
struct Names {
    schema: Schema,
    dialect: &'static dyn Dialect,
    /// As the catalogue said when the connection opened (`None`: no such
    /// column yet).
    id_column: Option<failure::IdColumn>,
    ids: crate::user::IdKind,
    users: UserSql,
    /// What the catalogue that recognised the app said of the tables, for
    /// the checks before the command: forgotten at the first write, which
    /// may change them.
    known: Option<catalog::Tables>,
}

/// The database inside (or outside) a transaction.
#[derive(Clone, Copy)]
pub struct Tx<'a> {
    conn: registry::Handle<'a>,
    names: &'a Names,
}

/// A table or column name from the config file: an identifier, and not
/// one an engine keeps for itself, so that one config serves every
/// engine.
pub fn app_name(key: &str, name: &str) -> Result<Ident> {
    let ident = Ident::new(key, name)?;
    if registry::kept(name) {
        return Err(Ident::invalid(key, name));
    }
    Ok(ident)
}

impl Db {
    pub fn dialect(&self) -> &'static dyn Dialect {
        self.names.dialect
    }

    /// Opens an existing database and checks that it has what the tool
    /// needs: the app's mapped columns, `store_columns`, and the audit table.
    pub fn open(
        at: &Location,
        access: Access,
        busy_timeout: Duration,
        schema: &Schema,
        store_columns: &[StoreColumn<'_>],
        spare: Option<Spare>,
    ) -> Result<Db> {
        let db = Db::connect(at, access, busy_timeout, schema, spare)?;
        if access == Access::ReadWrite && db.conn.is_read_only()? {
            return Err(failure::read_only(at));
        }
        db.check_schema(store_columns)?;
        Ok(db)
    }

    /// Opens read-only without checking the schema, for `doctor`, which
    /// reports every gap instead of stopping at the first.
    pub fn open_to_survey(
        at: &Location,
        busy_timeout: Duration,
        schema: &Schema,
        spare: Option<Spare>,
    ) -> Result<Db> {
        Db::connect(at, Access::ReadOnly, busy_timeout, schema, spare)
    }

    fn connect(
        at: &Location,
        access: Access,
        busy_timeout: Duration,
        schema: &Schema,
        spare: Option<Spare>,
    ) -> Result<Db> {
        let spare = match spare {
            Some(s) if access == Access::ReadOnly || s.conn.become_writable()? => Some(s),
            _ => None,
        };
        let (conn, known) = match (spare, at) {
            (Some(Spare { conn, tables }), _) => (conn, tables),
            (None, Location::File(path)) => {
                location::check_file(path)?;
                (Conn::open_file(path, access, busy_timeout)?, None)
            }
            (None, Location::Url(url)) => (url.open(access, busy_timeout)?, None),
        };
        let dialect = conn.dialect();
        // Every statement on users depends on what the ids are.
        let id_column = conn.handle().id_column(schema)?;
        let ids = id_column.as_ref().and_then(|c| c.kind).unwrap_or_default();
        Ok(Db {
            conn,
            location: at.clone(),
            names: Names {
                users: UserSql::new(schema, dialect, ids),
                schema: schema.clone(),
                dialect,
                id_column,
                ids,
                known,
            },
        })
    }

    /// Where the database is, as shown in messages (never a password).
    pub fn location(&self) -> &Location {
        &self.location
    }

    /// The statements that find one user or one user's history, by name,
    /// for the test that checks each is served by an index.
    #[cfg(test)]
    pub fn lookup_statements(&self) -> Vec<(&'static str, String)> {
        let u = &self.names.users;
        let mut all = vec![
            ("by id", u.by_id.clone()),
            (
                "by email ignoring case",
                u.by_email(&self.names.schema, self.names.dialect, &CaseLookup::Column),
            ),
            ("page of users (bulk)", u.page.clone()),
            ("last audit row", LAST_OK.to_string()),
            ("last audit row of any outcome", LAST_ANY.to_string()),
            ("rate limit, user", NTH_RECENT_ISSUE[0].to_string()),
            ("rate limit, name as typed", NTH_RECENT_ISSUE[1].to_string()),
        ];
        all.extend(u.by_username.clone().map(|s| ("by username", s)));
        all
    }

    /// Settings for this connection alone (nothing persistent) that suit a
    /// bulk run: its batches touch many pages before they commit.
    pub fn tune_for_bulk(&self) -> Result<()> {
        self.conn.tune_for_bulk()
    }

    /// Runs `f` in a transaction that holds the write lock from its start:
    /// waiting for it honours the busy timeout, and a check made inside
    /// cannot be invalidated before the write that depends on it.
    pub fn write<T>(&mut self, f: impl FnOnce(&Tx<'_>) -> Result<T>) -> Result<T> {
        self.names.known = None;
        let names = &self.names;
        self.conn.write(|conn| f(&Tx { conn, names }))
    }

    /// Reads outside any explicit transaction.
    pub fn read(&self) -> Tx<'_> {
        Tx {
            conn: self.conn.handle(),
            names: &self.names,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn columns(db: &Db, table: &str) -> Vec<String> {
        let mut names: Vec<_> = db
            .read()
            .columns_of(table)
            .unwrap()
            .unwrap()
            .into_iter()
            .collect();
        names.sort();
        names
    }

    #[test]
    fn a_command_goes_on_with_the_catalogues_connection_and_forgets_it_at_the_first_write() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("app.db");
        let other = rusqlite::Connection::open(&path).unwrap();
        other
            .execute_batch("CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT)")
            .unwrap();
        let at = Location::File(path.clone());
        let wait = Duration::from_secs(1);
        let spare = Catalog::read(&at, wait).unwrap().into_spare();
        let mut db = Db::connect(&at, Access::ReadWrite, wait, &Schema::default(), spare).unwrap();
        // The checks before the command read what the catalogue said,
        // whatever the case of the name: no statement is run for them.
        other
            .execute_batch("ALTER TABLE users ADD COLUMN age INTEGER")
            .unwrap();
        assert_eq!(columns(&db, "USERS"), ["email", "id"]);
        // The reader's guards are gone: the same connection writes, and
        // from then on the database itself is asked.
        db.write(|tx| tx.batch("ALTER TABLE users ADD COLUMN name TEXT"))
            .unwrap();
        assert_eq!(columns(&db, "users"), ["age", "email", "id", "name"]);
    }

    #[test]
    fn names_an_engine_keeps_are_refused_whatever_the_engine() {
        assert!(app_name("schema.table", "members").is_ok());
        for kept in ["sqlite_users", "SQLite_x"] {
            let e = app_name("schema.table", kept).unwrap_err();
            assert_eq!(e.exit_code(), 78);
            assert!(
                e.message.ends_with("is not a valid SQL identifier"),
                "{}",
                e.message
            );
        }
    }
}
