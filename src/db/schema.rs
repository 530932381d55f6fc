//! What `init` adds that belongs to the database as a whole: the file, the
//! users table in an empty database, the index that finds users by email,
//! resetctl's audit table, and the demo users. What a token store needs is
//! the store's to add (see `store`). Nothing of the app's is changed.

use std::fs::OpenOptions;
use std::io::ErrorKind;
use std::os::unix::fs::OpenOptionsExt;
use std::path::Path;
use std::time::Duration;

use super::audit::{AUDIT_COLUMNS, AUDIT_TABLE, NEWER_AUDIT_COLUMNS, create_audit};
use super::dialect::{ColumnKind, Dialect};
use super::{Access, Db, Ident, Location, Matching, Tx};
use crate::error::{Error, Kind, Result};

const DEMO_USERS: [&str; 3] = ["alice", "bob", "carol"];

impl Db {
    /// Creates the file (mode 0600) if it is missing and opens it to be
    /// set up, without checking what it holds. Returns the change made. A
    /// database on a server must exist already: resetctl makes tables in
    /// it, never the database.
    pub fn create(
        at: &Location,
        busy_timeout: Duration,
        schema: &super::Schema,
        spare: Option<super::Spare>,
    ) -> Result<(Db, Option<String>)> {
        let created = match at {
            Location::File(path) => create_file(path)?
                .then(|| format!("Created database file {} (mode 0600)", path.display())),
            Location::Url(_) => None,
        };
        let db = Db::connect(at, Access::ReadWrite, busy_timeout, schema, spare)?;
        if db.conn.is_read_only()? {
            return Err(Error::io(format!("{at} is read-only")));
        }
        Ok((db, created))
    }

    /// Warnings about the layout that do not stop the tool.
    pub fn init_warnings(&self) -> Result<Vec<String>> {
        let tx = self.read();
        let s = tx.schema();
        let mut warnings = Vec::new();
        if let Some(u) = &s.username
            && !tx.has_index_on(&s.table, u, Matching::Any)?
        {
            warnings.push(format!(
                "{}.{u} has no index: finding users by username will scan the table",
                s.table
            ));
        }
        Ok(warnings)
    }
}

/// Creates an empty file readable by its owner only (it will hold password
/// hashes and token hashes). Returns false when it already existed.
fn create_file(path: &Path) -> Result<bool> {
    match OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
    {
        Ok(_) => Ok(true),
        Err(e) if e.kind() == ErrorKind::AlreadyExists => Ok(false),
        Err(e) => Err(Error::io(format!("cannot create {}: {e}", path.display()))),
    }
}

impl Tx<'_> {
    /// The users table: made (with the token columns the README's layout
    /// has) in an empty database, else checked for the app's own columns.
    /// A missing table beside other tables is an error: a mistyped
    /// `schema.table` must not make a second table beside the app's.
    pub fn prepare_users_table(&self) -> Result<Vec<String>> {
        let s = self.schema();
        match self.columns_of(s.table.name())? {
            None if self.has_app_tables()? => Err(Error::config(format!(
                "the database has no table {}",
                s.table
            ))
            .with_hint("check schema.table in the config file; init creates the users table only in an empty database")),
            None => {
                self.batch(&self.create_users_sql())?;
                Ok(vec![format!("Created table {}", s.table)])
            }
            Some(cols) => {
                // The application's own columns are its business: name them,
                // never add them.
                let app_cols = [&s.id, &s.email]
                    .into_iter()
                    .chain(s.password_row.is_none().then_some(&s.password))
                    .chain(s.username.as_ref());
                for col in app_cols {
                    if !cols.contains(&col.name().to_ascii_lowercase()) {
                        return Err(Error::config(format!(
                            "table {} has no column {}; resetctl adds only its token columns",
                            s.table, col
                        ))
                        .with_hint("map the application's column names in the config file's [schema] section"));
                    }
                }
                match self.id_column_problem()? {
                    Some(e) => Err(e),
                    None => Ok(Vec::new()),
                }
            }
        }
    }

    /// Adds a column resetctl owns to the users table, if it is missing.
    pub fn add_owned_column(&self, column: &Ident, kind: ColumnKind) -> Result<Option<String>> {
        let s = self.schema();
        let cols = self.columns_of(s.table.name())?.unwrap_or_default();
        if cols.contains(&column.name().to_ascii_lowercase()) {
            return Ok(None);
        }
        self.batch(&add_column(
            &self.q(&s.table),
            &self.q(column),
            self.dialect(),
            kind,
        ))?;
        Ok(Some(format!("Added column {}.{}", s.table, column)))
    }

    /// An index on one column of the users table, made unless one that
    /// serves the same lookups is there.
    pub fn add_owned_index(
        &self,
        column: &Ident,
        suffix: &str,
        ignoring_case: bool,
    ) -> Result<Option<String>> {
        let s = self.schema();
        let serving = if ignoring_case {
            Matching::IgnoringCase
        } else {
            Matching::Exact
        };
        if self.has_index_on(&s.table, column, serving)? {
            return Ok(None);
        }
        let name = Ident::new(
            "index",
            &format!("resetctl_{}_{}_{suffix}", s.table, column),
        )?;
        let key = self.dialect().index_key(&self.q(column), ignoring_case);
        self.batch(&format!(
            "CREATE INDEX {} ON {} ({key})",
            self.q(&name),
            self.q(&s.table)
        ))?;
        Ok(Some(format!(
            "Created index {name} on {}.{}",
            s.table, column
        )))
    }

    /// Finding a user by email ignoring case never scans the table: apps
    /// such as Django have no index on email at all.
    pub fn prepare_email_index(&self) -> Result<Vec<String>> {
        let (table, email) = (self.schema().table.clone(), self.schema().email.clone());
        let mut made: Vec<String> = self.add_lowered_copy(&table, &email)?.into_iter().collect();
        made.extend(self.add_owned_index(&email, "nocase_idx", true)?);
        Ok(made)
    }

    /// resetctl's audit table: made, or given the columns an older
    /// resetctl's lacks.
    pub fn prepare_audit_table(&self) -> Result<Vec<String>> {
        match self.columns_of(AUDIT_TABLE)? {
            None => {
                self.batch(&create_audit(self.dialect(), self.id_kind()))?;
                Ok(vec![format!("Created table {AUDIT_TABLE}")])
            }
            Some(cols) if AUDIT_COLUMNS.iter().all(|c| cols.contains(*c)) => {
                let mut added = Vec::new();
                for c in NEWER_AUDIT_COLUMNS.iter().filter(|c| !cols.contains(**c)) {
                    self.batch(&add_column(
                        AUDIT_TABLE,
                        c,
                        self.dialect(),
                        ColumnKind::Text,
                    ))?;
                    added.push(*c);
                }
                let mut made = if added.is_empty() {
                    Vec::new()
                } else {
                    vec![format!(
                        "Added column{} {} to {AUDIT_TABLE}",
                        if added.len() == 1 { "" } else { "s" },
                        added.join(", ")
                    )]
                };
                if self.audit_too_narrow()? {
                    self.widen_audit_user_id()?;
                    made.push(format!(
                        "Changed {AUDIT_TABLE}.user_id to text, for user ids that are not integers"
                    ));
                }
                Ok(made)
            }
            Some(_) => Err(Error::config(format!(
                "table {AUDIT_TABLE} exists but is not resetctl's audit table"
            ))),
        }
    }

    /// The users table `init` makes in an empty database.
    fn create_users_sql(&self) -> String {
        let s = self.schema();
        let d = self.dialect();
        let (text, time) = (
            d.column_type(ColumnKind::Text),
            d.column_type(ColumnKind::Time),
        );
        let username = s
            .username
            .as_ref()
            .map(|u| format!("{} {text} UNIQUE,\n  ", self.q(u)))
            .unwrap_or_default();
        format!(
            "CREATE TABLE {} (\n  {} {},\n  {username}{} {text} UNIQUE,\n  {} {text},\n  {} {text},\n  {} {time}\n){}",
            self.q(&s.table),
            self.q(&s.id),
            d.column_type(ColumnKind::Key),
            self.q(&s.email),
            self.q(&s.password),
            self.q(&s.token),
            self.q(&s.expires),
            d.table_options()
        )
    }

    /// alice, bob and carol (`@example.com`), where not there yet.
    pub fn add_demo_users(&self) -> Result<Vec<String>> {
        let s = self.schema();
        let mut added = Vec::new();
        for name in DEMO_USERS {
            let email = format!("{name}@example.com");
            let exists = self.count(
                &format!(
                    "SELECT count(*) FROM {} WHERE {}",
                    self.q(&s.table),
                    self.dialect().equals_ignoring_case(&self.q(&s.email), 1)
                ),
                &[(&email).into()],
            )?;
            if exists > 0 {
                continue;
            }
            let n = match &s.username {
                Some(u) => self.execute(
                    &self.dialect().insert_ignoring(
                        &self.q(&s.table),
                        &format!("{}, {}", self.q(u), self.q(&s.email)),
                        "?1, ?2",
                    ),
                    &[name.into(), (&email).into()],
                ),
                None => self.execute(
                    &format!(
                        "INSERT INTO {} ({}) VALUES (?1)",
                        self.q(&s.table),
                        self.q(&s.email)
                    ),
                    &[(&email).into()],
                ),
            }
            // The app's constraints (a NOT NULL password, say) refuse them.
            .map_err(|e| match e.kind {
                Kind::Config => Error::config(format!(
                    "cannot add demo users to {}: {}",
                    s.table, e.message
                )),
                _ => e,
            })?;
            if n > 0 {
                added.push(name);
            }
        }
        Ok(if added.is_empty() {
            Vec::new()
        } else {
            vec![format!("Added demo users {}", added.join(", "))]
        })
    }
}

/// A column resetctl owns, added to a table (both names quoted).
fn add_column(table: &str, column: &str, d: &dyn Dialect, kind: ColumnKind) -> String {
    format!(
        "ALTER TABLE {table} ADD COLUMN {column} {}",
        d.column_type(kind)
    )
}
