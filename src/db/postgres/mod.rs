//! PostgreSQL, the second engine: connecting (`target.rs`, `tls.rs`),
//! transactions, statements, reading its catalogue (`catalog.rs`), typed
//! values (`values.rs`) and its errors turned into the README's exit
//! codes. Nothing outside `db` sees a tokio-postgres type.
//!
//! One connection, on a runtime of its own thread: every call blocks until
//! the server answers, except the writes a bulk run queues, which go out
//! together in one pipeline.

mod catalog;
mod commit;
mod dialect;
mod errors;
mod expiry;
mod target;
mod times;
mod tls;
mod values;

use std::cell::{Cell as StdCell, RefCell};
use std::collections::HashMap;
use std::time::Duration;

use futures_util::{StreamExt, future::try_join_all, pin_mut};
use tokio::runtime::Runtime;
use tokio_postgres::{Client, Statement};

use super::{Access, Arg, Row};
use crate::error::{Error, Result};
pub use dialect::Postgres;
pub use target::PgTarget;
use values::{Owned, Value};

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

/// Queued writes are sent once this many wait.
const PIPELINE: usize = 2048;

pub struct Conn {
    rt: Runtime,
    client: Client,
    target: PgTarget,
    busy_timeout: Duration,
    statements: RefCell<HashMap<String, Statement>>,
    queued: RefCell<Vec<(Statement, Vec<Owned>)>>,
    in_write: StdCell<bool>,
}

/// A connection, in a transaction or not: what a `Tx` holds.
pub type Handle<'a> = &'a Conn;

/// One row of a result, converted.
pub struct RowRef<'r>(&'r [Value]);

pub struct Stmt<'t> {
    on: Handle<'t>,
    statement: Statement,
    args: Vec<Owned>,
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

    pub fn handle(&self) -> Handle<'_> {
        self
    }

    /// A standby answers reads only.
    pub fn is_read_only(&self) -> Result<bool> {
        let mut standby = false;
        self.each("SELECT pg_is_in_recovery()", &[], &mut |r| {
            standby = r.flag(0)?;
            Ok(())
        })?;
        Ok(standby)
    }

    /// One transaction, in which resetctl's writers come one at a time:
    /// what a check made inside it found still holds for the write that
    /// depends on it.
    pub fn write<T>(&mut self, f: impl FnOnce(Handle<'_>) -> Result<T>) -> Result<T> {
        self.batch("BEGIN")?;
        self.in_write.set(true);
        let done = self
            .execute(&format!("SELECT pg_advisory_xact_lock({WRITER_LOCK})"), &[])
            .and_then(|_| f(self))
            .and_then(|v| self.flush().map(|()| v));
        self.in_write.set(false);
        match done {
            Ok(v) => {
                self.commit()?;
                Ok(v)
            }
            Err(e) => {
                self.queued.borrow_mut().clear();
                // A lost connection has rolled back by itself.
                let _ = self.batch("ROLLBACK");
                Err(e)
            }
        }
    }

    /// COMMIT, and if the connection fails before its answer comes, what
    /// the server did, found out on a new connection (`commit.rs`). An
    /// error the server answered with is a rollback like any other.
    fn commit(&self) -> Result<()> {
        let mut mark = commit::Mark { xid: None, pid: 0 };
        self.each(commit::MARK, &[], &mut |r| {
            mark = commit::Mark {
                xid: r.opt_int(0)?,
                pid: r.int(1)?,
            };
            Ok(())
        })?;
        match self.rt.block_on(self.client.batch_execute("COMMIT")) {
            Ok(()) => Ok(()),
            Err(e) if e.as_db_error().is_some() => Err(self.err(e)),
            Err(e) => commit::settle(&self.target, self.busy_timeout, &mark, self.err(e)),
        }
    }

    fn err(&self, e: tokio_postgres::Error) -> Error {
        errors::map(e, &self.target, self.busy_timeout)
    }

    /// The statement, prepared once per run: `?N` becomes `$N`.
    fn statement(&self, sql: &str) -> Result<Statement> {
        if let Some(s) = self.statements.borrow().get(sql) {
            return Ok(s.clone());
        }
        let text = numbered(sql);
        let s = self
            .rt
            .block_on(self.client.prepare(&text))
            .map_err(|e| self.err(e))?;
        self.statements
            .borrow_mut()
            .insert(sql.to_string(), s.clone());
        Ok(s)
    }

    /// Sends the queued writes, all at once: the server runs them in order,
    /// and one round trip serves them all.
    fn flush(&self) -> Result<()> {
        let queued = std::mem::take(&mut *self.queued.borrow_mut());
        if queued.is_empty() {
            return Ok(());
        }
        let runs = queued
            .iter()
            .map(|(s, args)| self.client.execute_raw(s, args.iter()));
        self.rt
            .block_on(try_join_all(runs))
            .map(drop)
            .map_err(|e| self.err(e))
    }

    pub fn execute(&self, sql: &str, args: &[Arg<'_>]) -> Result<u64> {
        self.flush()?;
        let s = self.statement(sql)?;
        let owned: Vec<Owned> = args.iter().map(|a| Owned::from(*a)).collect();
        self.rt
            .block_on(self.client.execute_raw(&s, owned.iter()))
            .map_err(|e| self.err(e))
    }

    /// Streams the rows, a few hundred at a time: `f` must not use the
    /// connection (every caller collects what it needs first).
    pub fn each(
        &self,
        sql: &str,
        args: &[Arg<'_>],
        f: &mut dyn FnMut(&Row<'_>) -> Result<()>,
    ) -> Result<()> {
        self.flush()?;
        let s = self.statement(sql)?;
        let owned: Vec<Owned> = args.iter().map(|a| Owned::from(*a)).collect();
        let stream = self
            .rt
            .block_on(self.client.query_raw(&s, owned.iter()))
            .map_err(|e| self.err(e))?;
        pin_mut!(stream);
        // A finished stream must not be polled again: it would read as a
        // closed connection.
        let mut finished = false;
        while !finished {
            let rows = self.rt.block_on(async {
                let mut rows = Vec::with_capacity(256);
                while rows.len() < 256 {
                    match stream.next().await {
                        Some(row) => rows.push(row?),
                        None => {
                            finished = true;
                            break;
                        }
                    }
                }
                Ok::<_, tokio_postgres::Error>(rows)
            });
            let rows = rows.map_err(|e| self.err(e))?;
            let mut values = Vec::new();
            for row in &rows {
                values.clear();
                for i in 0..row.len() {
                    values.push(Value::read(row, i)?);
                }
                f(&Row::from(RowRef(&values)))?;
            }
        }
        Ok(())
    }

    pub fn prepare(&self, sql: &str) -> Result<Stmt<'_>> {
        Ok(Stmt {
            on: self,
            statement: self.statement(sql)?,
            args: Vec::new(),
        })
    }

    pub fn batch(&self, sql: &str) -> Result<()> {
        self.flush()?;
        self.rt
            .block_on(self.client.batch_execute(&numbered(sql)))
            .map_err(|e| self.err(e))
    }
}

impl RowRef<'_> {
    pub fn cell(&self, i: usize) -> Result<super::Cell<'_>> {
        self.0
            .get(i)
            .map(Value::cell)
            .ok_or_else(|| Error::internal(format!("database error: no column {i}")))
    }
}

impl Stmt<'_> {
    pub fn bind(&mut self, n: usize, value: Arg<'_>) -> Result<()> {
        if self.args.len() < n {
            self.args.resize(n, Owned::Null);
        }
        self.args[n - 1] = Owned::from(value);
        Ok(())
    }

    pub fn run(&mut self) -> Result<u64> {
        self.on.flush()?;
        self.on
            .rt
            .block_on(
                self.on
                    .client
                    .execute_raw(&self.statement, self.args.iter()),
            )
            .map_err(|e| self.on.err(e))
    }

    /// Runs later, with the next statement that is not queued or at the
    /// commit: within a transaction, the same as running now.
    pub fn queue(&mut self) -> Result<()> {
        if !self.on.in_write.get() {
            return self.run().map(drop);
        }
        let full = {
            let mut q = self.on.queued.borrow_mut();
            q.push((self.statement.clone(), self.args.clone()));
            q.len() >= PIPELINE
        };
        if full { self.on.flush() } else { Ok(()) }
    }
}

/// `?1` as PostgreSQL writes it, `$1`, outside quoted text.
fn numbered(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len());
    let mut quote: Option<char> = None;
    for c in sql.chars() {
        match (quote, c) {
            (None, '\'' | '"') => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            _ => {}
        }
        out.push(if c == '?' && quote.is_none() { '$' } else { c });
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn numbers_parameters_outside_quotes() {
        assert_eq!(
            super::numbered("SELECT '?1', \"a?\" FROM t WHERE x = ?1 AND y = ?12"),
            "SELECT '?1', \"a?\" FROM t WHERE x = $1 AND y = $12"
        );
    }
}
