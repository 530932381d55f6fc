//! The sample of stored password hashes that `[password] format = "auto"`
//! reads to learn which scheme the application verifies.

use super::{Cell, Schema, Tx};
use crate::error::Result;

/// The password column of the newest users by id: a walk down the id's
/// own index that stops after `?1` rows, so it costs the same on ten users
/// or ten million. Newest, because they carry what the application writes
/// today.
fn sample_sql(s: &Schema) -> String {
    format!(
        "SELECT {} FROM {} ORDER BY {} DESC LIMIT ?1",
        s.password.q(),
        s.table.q(),
        s.id.q()
    )
}

impl Tx<'_> {
    /// Calls `f` with the stored password value of each of the newest `n`
    /// users, as text (a blob or number as its text; NULL as `None`).
    pub fn each_password_sampled(&self, n: usize, f: &mut dyn FnMut(Option<&str>)) -> Result<()> {
        self.each(
            &sample_sql(self.schema()),
            &[(n as i64).into()],
            &mut |row| {
                // Borrowed, not copied: this runs for every sampled row.
                match row.cell(0)? {
                    Cell::Text(bytes) => f(Some(&String::from_utf8_lossy(bytes))),
                    other => f(other.text().as_deref()),
                }
                Ok(())
            },
        )
    }
}

#[cfg(test)]
mod tests {
    use rusqlite::StatementStatus;

    use super::*;

    /// Virtual-machine steps SQLite takes to read a 1,000-row sample from a
    /// table of `users` users: the work done, whatever the machine's speed.
    fn steps(create: &str, users: u32) -> i32 {
        let conn = rusqlite::Connection::open_in_memory().unwrap();
        conn.execute_batch(create).unwrap();
        conn.execute(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?1) \
             INSERT INTO users (id, email, password_hash) SELECT i, i || '@x', 'h' || i FROM n",
            [users],
        )
        .unwrap();
        let mut stmt = conn.prepare(&sample_sql(&Schema::default())).unwrap();
        let values: Vec<String> = stmt
            .query_map([1000], |r| r.get(0))
            .unwrap()
            .map(Result::unwrap)
            .collect();
        assert_eq!(values.len(), 1000);
        assert_eq!(values[0], format!("h{users}"), "newest first");
        stmt.get_status(StatementStatus::VmStep)
    }

    #[test]
    fn the_sample_costs_the_same_on_any_table_size() {
        for create in [
            // The id is the rowid, or an ordinary column under a unique index.
            "CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT, password_hash TEXT)",
            "CREATE TABLE users (id INTEGER NOT NULL UNIQUE, email TEXT, password_hash TEXT)",
        ] {
            let small = steps(create, 2_000);
            let big = steps(create, 300_000);
            assert_eq!(
                small, big,
                "{create}: {small} steps on 2,000 users, {big} on 300,000"
            );
        }
    }
}
