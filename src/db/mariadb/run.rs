//! Statements on the one connection: `?N` parameters rewritten as the
//! server's `?` in order of use, each statement prepared once per run and
//! kept, and rows read one at a time.

use mysql::consts::CapabilityFlags;
use mysql::prelude::Queryable;
use mysql::{Params, Value as MyValue};

use super::Conn;
use super::target::{MyTarget, SslMode};
use crate::db::engine::Cells;
use crate::db::failure::unreadable;
use crate::db::values::{Arg, Cell};
use crate::error::Result;

/// One row of a result, converted.
#[derive(Clone, Copy)]
pub struct RowRef<'r>(&'r [Value]);

/// A column's value as read, owned for the length of the row.
#[derive(Debug, Clone)]
pub enum Value {
    Null,
    Int(i64),
    Real(f64),
    Text(Vec<u8>),
}

/// A statement as the server takes it, and which of resetctl's numbered
/// parameters fills each of its `?` in turn.
#[derive(Clone)]
pub(super) struct Prepared {
    statement: mysql::Statement,
    order: Vec<usize>,
}

pub struct Stmt<'t> {
    on: &'t Conn,
    prepared: Prepared,
    args: Vec<MyValue>,
    /// Array parameters, by number, zipped into one at each run.
    arrays: Vec<(usize, Array)>,
}

/// An array parameter's elements, as JSON values.
type Array = Vec<serde_json::Value>;

/// Connects, with TLS as `ssl-mode` says. `PREFERRED` falls back to a
/// plain connection only when the server offers no TLS at all.
pub fn connect(t: &MyTarget, busy_timeout: std::time::Duration) -> Result<mysql::Conn> {
    let password = t.password();
    let base = mysql::OptsBuilder::new()
        .ip_or_hostname(Some(t.host.clone()))
        .tcp_port(t.port)
        .user(Some(t.user.clone()))
        .pass(password.as_ref().map(|p| p.as_str().to_string()))
        .db_name(Some(t.dbname.clone()))
        .prefer_socket(false)
        .tcp_connect_timeout(Some(busy_timeout.max(std::time::Duration::from_secs(5))))
        .stmt_cache_size(Some(0))
        // Rows matched, not rows changed: an UPDATE that writes what a row
        // already holds still counts it, as on the other engines.
        .additional_capabilities(CapabilityFlags::CLIENT_FOUND_ROWS);
    let tls = |verify_chain: bool, verify_name: bool| {
        mysql::SslOpts::default()
            .with_root_cert_path(t.ssl_ca.clone())
            .with_danger_accept_invalid_certs(!verify_chain)
            .with_danger_skip_domain_validation(!verify_name)
    };
    let opts = match t.ssl {
        SslMode::Disabled => base,
        SslMode::Preferred | SslMode::Required => base.ssl_opts(tls(false, false)),
        SslMode::VerifyCa => base.ssl_opts(tls(true, false)),
        SslMode::VerifyIdentity => base.ssl_opts(tls(true, true)),
    };
    match mysql::Conn::new(opts.clone()) {
        Err(mysql::Error::DriverError(mysql::DriverError::TlsNotSupported))
            if t.ssl == SslMode::Preferred =>
        {
            mysql::Conn::new(opts.ssl_opts(None::<mysql::SslOpts>))
        }
        other => other,
    }
    .map_err(|e| super::errors::map(e, t, busy_timeout))
}

impl Conn {
    /// The statement, prepared once per connection.
    fn prepared(&self, sql: &str) -> Result<Prepared> {
        if let Some(p) = self.statements.borrow().get(sql) {
            return Ok(p.clone());
        }
        let (text, order) = positional(sql);
        let statement = self.conn.borrow_mut().prep(text).map_err(|e| self.err(e))?;
        let p = Prepared { statement, order };
        self.statements
            .borrow_mut()
            .insert(sql.to_string(), p.clone());
        Ok(p)
    }

    pub(super) fn execute(&self, sql: &str, args: &[Arg<'_>]) -> Result<u64> {
        let p = self.prepared(sql)?;
        let mut stmt = Stmt {
            on: self,
            prepared: p,
            args: Vec::new(),
            arrays: Vec::new(),
        };
        for (i, a) in args.iter().enumerate() {
            crate::db::engine::Statement::bind(&mut stmt, i + 1, *a)?;
        }
        crate::db::engine::Statement::run(&mut stmt)
    }

    fn run(&self, p: &Prepared, values: &[MyValue]) -> Result<u64> {
        let mut conn = self.conn.borrow_mut();
        conn.exec_drop(&p.statement, params(&p.order, values))
            .map_err(|e| self.err(e))?;
        Ok(conn.affected_rows())
    }

    /// Reads the rows one at a time: `f` must not use the connection
    /// (every caller collects what it needs first).
    pub(super) fn each<F>(&self, sql: &str, args: &[Arg<'_>], mut f: F) -> Result<()>
    where
        F: FnMut(RowRef<'_>) -> Result<()>,
    {
        let p = self.prepared(sql)?;
        let values: Vec<MyValue> = args.iter().map(|a| to_value(*a)).collect();
        let mut conn = self.conn.borrow_mut();
        let rows = conn
            .exec_iter(&p.statement, params(&p.order, &values))
            .map_err(|e| self.err(e))?;
        let mut cells = Vec::new();
        for row in rows {
            let row = row.map_err(|e| self.err(e))?;
            cells.clear();
            // Each cell cloned out of the row: the driver's `Row::unwrap`
            // panics on a cell taken before.
            cells.extend(
                (0..row.len()).map(|i| row.as_ref(i).cloned().map_or(Value::Null, Value::from)),
            );
            f(RowRef(&cells))?;
        }
        Ok(())
    }

    pub(super) fn prepare(&self, sql: &str) -> Result<Stmt<'_>> {
        Ok(Stmt {
            on: self,
            prepared: self.prepared(sql)?,
            args: Vec::new(),
            arrays: Vec::new(),
        })
    }

    /// Statements that take no values, one after another.
    pub(super) fn batch(&self, sql: &str) -> Result<()> {
        self.conn
            .borrow_mut()
            .query_drop(sql)
            .map_err(|e| self.err(e))
    }
}

fn params(order: &[usize], values: &[MyValue]) -> Params {
    if order.is_empty() {
        return Params::Empty;
    }
    Params::Positional(
        order
            .iter()
            .map(|n| values.get(n - 1).cloned().unwrap_or(MyValue::NULL))
            .collect(),
    )
}

/// A bound value. A time goes as a date and time, in the session's zone,
/// UTC: the server refuses RFC 3339 text for a `DATETIME` or `TIMESTAMP`
/// column.
fn to_value(a: Arg<'_>) -> MyValue {
    use chrono::{Datelike, Timelike};
    match a {
        Arg::Null => MyValue::NULL,
        Arg::Int(n) => MyValue::Int(n),
        Arg::Text(s) => MyValue::Bytes(s.as_bytes().to_vec()),
        Arg::Bytes(b) => MyValue::Bytes(b.to_vec()),
        Arg::Millis(t) => to_value(Arg::Time(crate::clock::to_millis(t))),
        Arg::Time(t) => MyValue::Date(
            u16::try_from(t.year()).unwrap_or(0),
            t.month() as u8,
            t.day() as u8,
            t.hour() as u8,
            t.minute() as u8,
            t.second() as u8,
            t.nanosecond() / 1000,
        ),
        // Bound by `Stmt::bind`, zipped.
        Arg::Ints(_) | Arg::Texts(_) => MyValue::NULL,
    }
}

impl From<MyValue> for Value {
    fn from(v: MyValue) -> Value {
        match v {
            MyValue::NULL => Value::Null,
            MyValue::Int(n) => Value::Int(n),
            MyValue::UInt(n) => i64::try_from(n).map_or(Value::Real(n as f64), Value::Int),
            MyValue::Float(f) => Value::Real(f.into()),
            MyValue::Double(f) => Value::Real(f),
            MyValue::Bytes(b) => Value::Text(b),
            // As the server writes it as text: a `TIMESTAMP` in the
            // session's zone, UTC; a `DATETIME` as stored, with no zone.
            MyValue::Date(y, mo, d, h, mi, s, us) => {
                let frac = if us == 0 {
                    String::new()
                } else {
                    format!(".{us:06}")
                };
                Value::Text(
                    format!("{y:04}-{mo:02}-{d:02} {h:02}:{mi:02}:{s:02}{frac}").into_bytes(),
                )
            }
            MyValue::Time(neg, d, h, mi, s, us) => Value::Text(
                format!(
                    "{}{}:{mi:02}:{s:02}.{us:06}",
                    if neg { "-" } else { "" },
                    u64::from(d) * 24 + u64::from(h)
                )
                .into_bytes(),
            ),
        }
    }
}

impl Cells for RowRef<'_> {
    fn cell(&self, i: usize) -> Result<Cell<'_>> {
        match self.0.get(i) {
            Some(Value::Null) => Ok(Cell::Null),
            Some(Value::Int(n)) => Ok(Cell::Int(*n)),
            Some(Value::Real(f)) => Ok(Cell::Real(*f)),
            Some(Value::Text(b)) => Ok(Cell::Text(b)),
            None => Err(unreadable(format_args!("no column {i}"))),
        }
    }
}

impl crate::db::engine::Statement for Stmt<'_> {
    fn bind(&mut self, n: usize, value: Arg<'_>) -> Result<()> {
        if self.args.len() < n {
            self.args.resize(n, MyValue::NULL);
        }
        self.args[n - 1] = to_value(value);
        let array: Option<Array> = match value {
            Arg::Ints(v) => Some(v.iter().map(|n| (*n).into()).collect()),
            Arg::Texts(v) => Some(v.iter().map(|s| (*s).into()).collect()),
            _ => None,
        };
        self.arrays.retain(|(k, _)| *k != n);
        if let Some(a) = array {
            self.arrays.push((n, a));
            self.arrays.sort_by_key(|(k, _)| *k);
        }
        Ok(())
    }

    /// With array parameters, their elements go as one JSON array of rows
    /// in the first of them, as `Dialect::rows_of_arrays` reads them.
    fn run(&mut self) -> Result<u64> {
        if let Some((first, _)) = self.arrays.first() {
            let len = self.arrays.iter().map(|(_, a)| a.len()).max().unwrap_or(0);
            let rows: Vec<serde_json::Value> = (0..len)
                .map(|i| {
                    self.arrays
                        .iter()
                        .map(|(_, a)| a.get(i).cloned().unwrap_or_default())
                        .collect()
                })
                .collect();
            self.args[first - 1] =
                MyValue::Bytes(serde_json::Value::from(rows).to_string().into_bytes());
        }
        self.on.run(&self.prepared, &self.args)
    }
}

/// `?1 ... ?N` as the server's `?`, outside quoted text and names, and
/// which numbered parameter each `?` stands for: a statement may use one
/// twice, or out of order.
fn positional(sql: &str) -> (String, Vec<usize>) {
    let mut out = String::with_capacity(sql.len());
    let mut order = Vec::new();
    let mut quote: Option<char> = None;
    let mut chars = sql.chars().peekable();
    while let Some(c) = chars.next() {
        match (quote, c) {
            (None, '\'' | '"' | '`') => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            _ => {}
        }
        out.push(c);
        if c == '?' && quote.is_none() {
            let mut n = 0usize;
            while let Some(d) = chars.peek().and_then(|d| d.to_digit(10)) {
                n = n * 10 + d as usize;
                chars.next();
            }
            order.push(n.max(1));
        }
    }
    (out, order)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbered_parameters_become_positional_in_order_of_use() {
        let (text, order) =
            positional("SELECT '?1', `a?` FROM t WHERE x = ?2 AND y = ?1 OR z = ?2");
        assert_eq!(
            text,
            "SELECT '?1', `a?` FROM t WHERE x = ? AND y = ? OR z = ?"
        );
        assert_eq!(order, [2, 1, 2]);
    }
}
