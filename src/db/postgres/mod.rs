//! PostgreSQL, an engine for URLs: the URL and its password (`target.rs`),
//! TLS (`tls.rs`), running statements on the one connection (`run.rs`),
//! transactions and a COMMIT whose answer was lost (`commit.rs`), its
//! catalogue (`catalog.rs`), typed values (`values.rs`, `times.rs`), its
//! SQL (`dialect.rs`, `expiry.rs`) and its errors as facts (`errors.rs`).
//! Nothing outside this module sees a tokio-postgres type.
//!
//! One connection, on a runtime of its own thread: every call blocks until
//! the server answers, except the writes a bulk run queues, which go out
//! together in one pipeline.

mod catalog;
mod commit;
mod dialect;
mod errors;
mod expiry;
mod run;
mod target;
mod times;
mod tls;
mod values;

use std::cell::{Cell as StdCell, RefCell};
use std::collections::HashMap;
use std::time::Duration;

use tokio::runtime::Runtime;
use tokio_postgres::{Client, Statement};

use super::dialect::Dialect;
use super::engine::{self, Access, Cells as _, Engine, UrlEngine};
use super::failure::IdColumn;
use super::names::{Ident, Schema};
use super::values::Arg;
use crate::error::{Error, Result};
pub use run::{RowRef, Stmt};
pub use target::PgTarget;
use values::Owned;

/// The engine, and its dialect.
pub struct Postgres;

impl Engine for Postgres {
    const NAME: &'static str = "PostgreSQL";
    type Conn = Conn;
    type Row<'r> = RowRef<'r>;

    fn dialect() -> &'static dyn Dialect {
        &Postgres
    }
}

impl UrlEngine for Postgres {
    type Url = PgTarget;

    fn parse(text: &str) -> Result<PgTarget> {
        PgTarget::parse(text)
    }

    fn open(url: &PgTarget, access: Access, busy_timeout: Duration) -> Result<Conn> {
        Conn::open(url, access, busy_timeout)
    }
}

/// The key every resetctl writer takes a transaction-scoped advisory lock
/// on, so that resetctl's writers queue for each other as they do on
/// SQLite (`BEGIN IMMEDIATE`); the app's sessions are not affected.
const WRITER_LOCK: i64 = 0x7265_7365_7463_746c;

/// JIT off for the session (PostgreSQL 11 and later have it): resetctl's
/// statements scan at most the users table once, and compiling their
/// expiry and fingerprint expressions took longer than running them
/// (seconds for a hundred thousand tokens, against a tenth of that).
const NO_JIT: &str = " SELECT set_config('jit', 'off', false) \
    WHERE current_setting('server_version_num')::int >= 110000;";

pub struct Conn {
    rt: Runtime,
    client: Client,
    target: PgTarget,
    busy_timeout: Duration,
    statements: RefCell<HashMap<String, Statement>>,
    queued: RefCell<Vec<(Statement, Vec<Owned>)>>,
    in_write: StdCell<bool>,
}

impl Conn {
    pub fn open(target: &PgTarget, access: Access, busy_timeout: Duration) -> Result<Conn> {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| Error::internal(format!("cannot start the PostgreSQL client: {e}")))?;
        let config = target.config(busy_timeout.max(Duration::from_secs(5)));
        let connector = tls::connector(target)?;
        let (client, connection) = rt
            .block_on(config.connect(connector))
            .map_err(|e| errors::map(e, target, busy_timeout))?;
        rt.spawn(async move {
            // Its end is seen by the next call, as a closed connection.
            let _ = connection.await;
        });
        let conn = Conn {
            rt,
            client,
            target: target.clone(),
            busy_timeout,
            statements: RefCell::new(HashMap::new()),
            queued: RefCell::new(Vec::new()),
            in_write: StdCell::new(false),
        };
        // Times without a zone are UTC, as resetctl writes them, and times
        // print as ISO text, which expiries are read from; a lock held past
        // the busy timeout ends the statement (55P03, exit 75).
        let lock_ms = busy_timeout.as_millis().max(1);
        let mut settings = format!(
            "SET TIME ZONE 'UTC'; SET DateStyle = 'ISO, YMD'; SET lock_timeout = {lock_ms};"
        );
        if access == Access::ReadOnly {
            settings.push_str(" SET default_transaction_read_only = on;");
        }
        settings.push_str(NO_JIT);
        conn.batch(&settings)?;
        Ok(conn)
    }

    fn err(&self, e: tokio_postgres::Error) -> Error {
        errors::map(e, &self.target, self.busy_timeout)
    }

    /// COMMIT, and if the connection fails before its answer comes, what
    /// the server did, found out on a new connection (`commit.rs`). An
    /// error the server answered with is a rollback like any other.
    fn commit(&self) -> Result<()> {
        let mark = commit::mark(self)?;
        match self.rt.block_on(self.client.batch_execute("COMMIT")) {
            Ok(()) => Ok(()),
            Err(e) if e.as_db_error().is_some() => Err(self.err(e)),
            Err(e) => commit::settle(&self.target, self.busy_timeout, &mark, self.err(e)),
        }
    }
}

impl engine::Connection for Conn {
    type Handle<'a> = &'a Conn;

    fn handle(&self) -> &Conn {
        self
    }

    fn become_writable(&self) -> Result<bool> {
        self.batch("SET default_transaction_read_only = off")?;
        Ok(true)
    }

    /// A standby answers reads only.
    fn is_read_only(&self) -> Result<bool> {
        let mut standby = false;
        self.each("SELECT pg_is_in_recovery()", &[], |r| {
            standby = r.flag(0)?;
            Ok(())
        })?;
        Ok(standby)
    }

    /// One transaction, in which resetctl's writers come one at a time:
    /// what a check made inside it found still holds for the write that
    /// depends on it.
    fn write<'s, T>(&'s mut self, f: impl FnOnce(&'s Conn) -> Result<T>) -> Result<T> {
        let this: &'s Conn = self;
        this.batch("BEGIN")?;
        this.in_write.set(true);
        let done = this
            .execute(&format!("SELECT pg_advisory_xact_lock({WRITER_LOCK})"), &[])
            .and_then(|_| f(this))
            .and_then(|v| this.flush().map(|()| v));
        this.in_write.set(false);
        match done {
            Ok(v) => {
                this.commit()?;
                Ok(v)
            }
            Err(e) => {
                this.queued.borrow_mut().clear();
                // A lost connection has rolled back by itself.
                let _ = this.batch("ROLLBACK");
                Err(e)
            }
        }
    }
}

impl<'a> engine::Handle<'a> for &'a Conn {
    type Engine = Postgres;
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
}
