//! Better Auth's dates where the server shifts them by each session's
//! time zone (`Tx::shifts_by_zone`: MariaDB's and MySQL's `timestamp(3)`,
//! what Better Auth's migrations make there). Its driver writes the Node
//! process's wall clock, UTC, as text the server reads in the session's
//! zone, which Better Auth leaves at the server's default; so resetctl
//! writes and reads the UTC wall clock in that zone too, and Better Auth
//! reads back the very instants resetctl meant. Elsewhere a date is the
//! instant itself.

use super::BetterAuth;
use crate::db::{Ident, Tx};
use crate::error::Result;

impl BetterAuth {
    /// `expr`, a date of `table.column` in SQL, as Better Auth reads it:
    /// its UTC wall clock.
    pub(super) fn date_read(
        &self,
        tx: &Tx<'_>,
        table: &Ident,
        column: &Ident,
        expr: &str,
    ) -> Result<String> {
        Ok(if self.shifted(tx, table, column)? {
            tx.dialect().read_in_app_zone(expr, None)
        } else {
            expr.to_string()
        })
    }

    /// `value`, a UTC time in SQL (a bound `Arg::Millis`), as this session
    /// writes it into `table.column` for Better Auth to read it back as is.
    pub(super) fn date_written(
        &self,
        tx: &Tx<'_>,
        table: &Ident,
        column: &Ident,
        value: &str,
    ) -> Result<String> {
        Ok(if self.shifted(tx, table, column)? {
            tx.dialect().write_in_app_zone(value, None)
        } else {
            value.to_string()
        })
    }

    /// Asked once a run for each column: its type does not change under it.
    fn shifted(&self, tx: &Tx<'_>, table: &Ident, column: &Ident) -> Result<bool> {
        let key = (table.name().to_string(), column.name().to_string());
        if let Some(known) = self.shifted.borrow().get(&key) {
            return Ok(*known);
        }
        let shifted = tx.shifts_by_zone(table, column.name())?;
        self.shifted.borrow_mut().insert(key, shifted);
        Ok(shifted)
    }
}
