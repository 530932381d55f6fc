//! A row read back and a statement prepared to run many times, whatever
//! the engine: the neutral face of the registry's per-engine types.

use super::failure::unreadable;
use super::registry::{RowRef, Stmt};
use super::values::{Arg, Cell};
use crate::error::Result;

/// One row of a result.
pub struct Row<'r>(pub(super) RowRef<'r>);

/// A statement prepared once and run many times, with the values that do
/// not change bound once.
pub struct Prepared<'t>(pub(super) Stmt<'t>);

impl Row<'_> {
    pub fn cell(&self, i: usize) -> Result<Cell<'_>> {
        self.0.cell(i)
    }

    pub fn int(&self, i: usize) -> Result<i64> {
        match self.cell(i)? {
            Cell::Int(n) => Ok(n),
            other => Err(unreadable(format_args!(
                "column {i} holds {other:?}, not an integer"
            ))),
        }
    }

    pub fn opt_int(&self, i: usize) -> Result<Option<i64>> {
        match self.cell(i)? {
            Cell::Null => Ok(None),
            _ => self.int(i).map(Some),
        }
    }

    pub fn flag(&self, i: usize) -> Result<bool> {
        self.int(i).map(|n| n != 0)
    }

    pub fn opt_text(&self, i: usize) -> Result<Option<String>> {
        self.cell(i).map(Cell::text)
    }

    pub fn text(&self, i: usize) -> Result<String> {
        self.opt_text(i).map(Option::unwrap_or_default)
    }
}

impl Prepared<'_> {
    /// Binds a parameter (counted from 1) for every run until bound again.
    pub fn bind(&mut self, n: usize, value: Arg<'_>) -> Result<()> {
        self.0.bind(n, value)
    }

    /// Runs with the values bound; returns how many rows it changed.
    pub fn run(&mut self) -> Result<u64> {
        self.0.run()
    }

    /// Runs with the values bound, now or, on an engine that can send
    /// many statements at once, together with the next ones (before any
    /// other statement, and before the commit). For the writes of a bulk
    /// batch, whose counts nobody reads.
    pub fn queue(&mut self) -> Result<()> {
        self.0.queue()
    }
}
