//! Statements on the one connection: each prepared once per run and kept,
//! rows streamed a few hundred at a time, and the writes a bulk run queues
//! sent together in one pipeline, before any other statement and before
//! the commit.

use futures_util::{StreamExt, future::try_join_all, pin_mut};
use tokio_postgres::Statement;

use super::Conn;
use super::values::{Owned, Value};
use crate::db::engine::Cells;
use crate::db::failure::unreadable;
use crate::db::values::{Arg, Cell};
use crate::error::Result;

/// Queued writes are sent once this many wait.
const PIPELINE: usize = 2048;

/// One row of a result, converted.
#[derive(Clone, Copy)]
pub struct RowRef<'r>(&'r [Value]);

pub struct Stmt<'t> {
    on: &'t Conn,
    statement: Statement,
    args: Vec<Owned>,
}

impl Conn {
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
    pub(super) fn flush(&self) -> Result<()> {
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

    pub(super) fn execute(&self, sql: &str, args: &[Arg<'_>]) -> Result<u64> {
        self.flush()?;
        let s = self.statement(sql)?;
        let owned: Vec<Owned> = args.iter().map(|a| Owned::from(*a)).collect();
        self.rt
            .block_on(self.client.execute_raw(&s, owned.iter()))
            .map_err(|e| self.err(e))
    }

    /// Streams the rows, a few hundred at a time: `f` must not use the
    /// connection (every caller collects what it needs first).
    pub(super) fn each<F>(&self, sql: &str, args: &[Arg<'_>], mut f: F) -> Result<()>
    where
        F: FnMut(RowRef<'_>) -> Result<()>,
    {
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
                f(RowRef(&values))?;
            }
        }
        Ok(())
    }

    pub(super) fn prepare(&self, sql: &str) -> Result<Stmt<'_>> {
        Ok(Stmt {
            on: self,
            statement: self.statement(sql)?,
            args: Vec::new(),
        })
    }

    pub(super) fn batch(&self, sql: &str) -> Result<()> {
        self.flush()?;
        self.rt
            .block_on(self.client.batch_execute(&numbered(sql)))
            .map_err(|e| self.err(e))
    }
}

impl Cells for RowRef<'_> {
    fn cell(&self, i: usize) -> Result<Cell<'_>> {
        self.0
            .get(i)
            .map(Value::cell)
            .ok_or_else(|| unreadable(format_args!("no column {i}")))
    }
}

impl crate::db::engine::Statement for Stmt<'_> {
    fn bind(&mut self, n: usize, value: Arg<'_>) -> Result<()> {
        if self.args.len() < n {
            self.args.resize(n, Owned::Null);
        }
        self.args[n - 1] = Owned::from(value);
        Ok(())
    }

    fn run(&mut self) -> Result<u64> {
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
    fn queue(&mut self) -> Result<()> {
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
