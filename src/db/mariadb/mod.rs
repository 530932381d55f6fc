//! MariaDB and MySQL, an engine for URLs: the URL and its password
//! (`target.rs`), running statements on the one connection (`run.rs`),
//! its catalogue (`catalog.rs`), lookups ignoring case under a binary
//! collation (`case.rs`), its SQL (`dialect.rs`, `expiry.rs`) and
//! its errors as facts (`errors.rs`). Nothing outside this module sees a
//! `mysql` type.
//!
//! The session is made to read SQL as the other engines do (`ANSI` quotes
//! and `||`, strict writes), to keep times in UTC whatever the server's
//! `time_zone`, and to give up on a lock after the busy timeout rather
//! than InnoDB's 50 seconds.

mod case;
mod catalog;
mod dialect;
mod errors;
mod expiry;
mod run;
mod target;

use std::cell::RefCell;
use std::collections::HashMap;
use std::time::Duration;

use super::dialect::Dialect;
use super::engine::{self, Access, Cells as _, Engine, UrlEngine};
use super::failure::IdColumn;
use super::names::{Ident, Schema};
use super::values::Arg;
use crate::error::Result;
pub use run::{RowRef, Stmt};
pub use target::MyTarget;

/// The engine, and its dialect.
pub struct Mariadb;

impl Engine for Mariadb {
    const NAME: &'static str = "MariaDB/MySQL";
    type Conn = Conn;
    type Row<'r> = RowRef<'r>;

    fn dialect() -> &'static dyn Dialect {
        &Mariadb
    }
}

impl UrlEngine for Mariadb {
    type Url = MyTarget;

    fn parse(text: &str) -> Result<MyTarget> {
        MyTarget::parse(text)
    }

    fn open(url: &MyTarget, access: Access, busy_timeout: Duration) -> Result<Conn> {
        Conn::open(url, access, busy_timeout)
    }
}

pub struct Conn {
    conn: RefCell<mysql::Conn>,
    statements: RefCell<HashMap<String, run::Prepared>>,
    target: MyTarget,
    busy_timeout: Duration,
    /// The writer lock's name: locks are the server's, so it names the
    /// database.
    lock: String,
}

impl Conn {
    pub fn open(target: &MyTarget, access: Access, busy_timeout: Duration) -> Result<Conn> {
        let conn = run::connect(target, busy_timeout)?;
        let conn = Conn {
            conn: RefCell::new(conn),
            statements: RefCell::new(HashMap::new()),
            target: target.clone(),
            busy_timeout,
            lock: format!("resetctl writer {}", target.dbname),
        };
        // Whole seconds are what InnoDB's lock wait takes; at least one.
        let wait = busy_timeout.as_secs_f64().ceil().max(1.0) as u64;
        let mut settings = format!(
            "SET SESSION sql_mode = 'ANSI,STRICT_TRANS_TABLES,NO_ZERO_IN_DATE,NO_ENGINE_SUBSTITUTION', \
             time_zone = '+00:00', innodb_lock_wait_timeout = {wait}, lock_wait_timeout = {wait}"
        );
        if access == Access::ReadOnly {
            settings.push_str("; SET SESSION TRANSACTION READ ONLY");
        }
        conn.batch(&settings)?;
        Ok(conn)
    }

    fn err(&self, e: mysql::Error) -> crate::error::Error {
        errors::map(e, &self.target, self.busy_timeout)
    }

    /// Takes the writer lock, waiting as long as the busy timeout.
    fn take_lock(&self) -> Result<()> {
        let secs = self.busy_timeout.as_secs_f64();
        let mut got = None;
        self.each(
            "SELECT GET_LOCK(?1, ?2)",
            &[self.lock.as_str().into(), Arg::Text(&format!("{secs:.3}"))],
            |r| {
                got = r.int(0)?;
                Ok(())
            },
        )?;
        match got {
            Some(1) => Ok(()),
            _ => Err(errors::locked(&self.target, self.busy_timeout)),
        }
    }

    fn release_lock(&self) {
        // A lost connection has released it.
        let _ = self.execute("DO RELEASE_LOCK(?1)", &[self.lock.as_str().into()]);
    }
}

impl engine::Connection for Conn {
    type Handle<'a> = &'a Conn;

    fn handle(&self) -> &Conn {
        self
    }

    fn become_writable(&self) -> Result<bool> {
        self.batch("SET SESSION TRANSACTION READ WRITE")?;
        Ok(true)
    }

    /// A replica, or a server an administrator made read-only.
    fn is_read_only(&self) -> Result<bool> {
        let mut read_only = false;
        self.each("SELECT @@read_only", &[], |r| {
            read_only = r.flag(0)?;
            Ok(())
        })?;
        Ok(read_only)
    }

    /// One transaction, under the writer lock: resetctl's writers come
    /// one at a time, as on the other engines, and what a check made
    /// inside it found still holds for the write that depends on it.
    fn write<'s, T>(&'s mut self, f: impl FnOnce(&'s Conn) -> Result<T>) -> Result<T> {
        let this: &'s Conn = self;
        this.take_lock()?;
        let done = this
            .batch("START TRANSACTION")
            .and_then(|()| f(this))
            .and_then(|v| this.batch("COMMIT").map(|()| v));
        if done.is_err() {
            let _ = this.batch("ROLLBACK");
        }
        this.release_lock();
        done
    }
}

impl<'a> engine::Handle<'a> for &'a Conn {
    type Engine = Mariadb;
    type Stmt = Stmt<'a>;

    fn execute(&self, sql: &str, args: &[Arg<'_>]) -> Result<u64> {
        Conn::execute(self, sql, args)
    }

    fn each<F>(&self, sql: &str, args: &[Arg<'_>], f: F) -> Result<()>
    where
        F: FnMut(RowRef<'_>) -> Result<()>,
    {
        Conn::each(self, sql, args, f)
    }

    fn prepare(&self, sql: &str) -> Result<Stmt<'a>> {
        Conn::prepare(self, sql)
    }

    fn batch(&self, sql: &str) -> Result<()> {
        Conn::batch(self, sql)
    }

    fn table(&self, name: &str) -> Result<engine::Table> {
        Conn::table(self, name)
    }

    fn has_index_on(
        &self,
        table: &Ident,
        column: &Ident,
        serving: engine::Matching,
    ) -> Result<bool> {
        Conn::has_index_on(self, table, column, serving)
    }

    fn id_column(&self, s: &Schema) -> Result<Option<IdColumn>> {
        Conn::id_column(self, s)
    }

    fn about(&self) -> Result<engine::About> {
        Conn::about(self)
    }

    fn has_tables_besides(&self, besides: &str) -> Result<bool> {
        Conn::has_tables_besides(self, besides)
    }

    fn shifts_by_zone(&self, table: &str, column: &str) -> Result<bool> {
        Conn::shifts_by_zone(self, table, column)
    }

    fn case_lookup(&self, table: &Ident, column: &Ident) -> Result<engine::CaseLookup> {
        Conn::case_lookup(self, table, column)
    }

    fn add_lowered_copy(&self, table: &Ident, column: &Ident) -> Result<Option<String>> {
        Conn::add_lowered_copy(self, table, column)
    }
}
