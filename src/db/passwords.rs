//! The sample of stored password hashes that `[password] format = "auto"`
//! reads to learn which scheme the application verifies.

use super::{Cell, Tx};
use crate::error::Result;
use crate::password::SampleSize;
use crate::user::UserId;
use zeroize::Zeroizing;

/// The password column of the newest users by id that hold a hash: a walk
/// down the id's own index over at most `?1` rows, stopping at the `?2`th
/// hash, so it costs the same on ten users or ten million. Newest, because
/// they carry what the application writes today; holding a hash, because
/// a run of new users without one (SSO sign-ups, invitations, Django's
/// unusable `!` marker) says nothing of what the application writes.
/// The names come quoted.
fn sample_sql(password: &str, table: &str, id: &str) -> String {
    format!(
        "SELECT p FROM (SELECT {password} AS p FROM {table} ORDER BY {id} DESC LIMIT ?1) AS newest \
         WHERE p IS NOT NULL AND p <> '' AND substr(p, 1, 1) <> '!' LIMIT ?2"
    )
}

impl Tx<'_> {
    /// The user's stored password value, as text; `None` without one.
    pub fn password_hash_of(&self, id: &UserId) -> Result<Option<Zeroizing<String>>> {
        let s = self.schema();
        let t = self.q(&s.table);
        let sql = format!(
            "SELECT {} FROM {t} WHERE {t}.{} = ?1",
            super::users::password_of(s, self.dialect()),
            self.q(&s.id)
        );
        let found = self.first(&sql, &[id.into()], |r| Ok(r.cell(0)?.text()))?;
        Ok(found.flatten().map(Zeroizing::new))
    }

    /// Calls `f` with the stored password value of each sampled user, as
    /// text (a blob or number as its text).
    pub fn each_password_sampled(
        &self,
        size: SampleSize,
        f: &mut dyn FnMut(Option<&str>),
    ) -> Result<()> {
        let s = self.schema();
        let password = super::users::password_of(s, self.dialect());
        let sql = sample_sql(&password, &self.q(&s.table), &self.q(&s.id));
        self.each(
            &sql,
            &[(size.rows as i64).into(), (size.hashes as i64).into()],
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
    use crate::db::Schema;
    use crate::password::SAMPLE;

    /// Virtual-machine steps SQLite takes to read the sample from a table
    /// of `users` users whose newest `without` have no hash (NULL, empty or
    /// `!`): the work done, whatever the machine's speed. Also returns
    /// what was read.
    fn steps(create: &str, users: u32, without: u32) -> (i32, Vec<String>) {
        let conn = rusqlite::Connection::open_in_memory().unwrap();
        conn.execute_batch(create).unwrap();
        conn.execute(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?1) \
             INSERT INTO users (id, email, password_hash) SELECT i, i || '@x', \
             CASE WHEN i <= ?1 - ?2 THEN 'h' || i \
             ELSE (CASE i % 3 WHEN 0 THEN NULL WHEN 1 THEN '' ELSE '!unusable' END) END FROM n",
            [users, without],
        )
        .unwrap();
        let s = Schema::default();
        let sql = sample_sql(s.password.name(), s.table.name(), s.id.name());
        let mut stmt = conn.prepare(&sql).unwrap();
        let values: Vec<String> = stmt
            .query_map([SAMPLE.rows as i64, SAMPLE.hashes as i64], |r| r.get(0))
            .unwrap()
            .map(Result::unwrap)
            .collect();
        (stmt.get_status(StatementStatus::VmStep), values)
    }

    const TABLES: [&str; 2] = [
        // The id is the rowid, or an ordinary column under a unique index.
        "CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT, password_hash TEXT)",
        "CREATE TABLE users (id INTEGER NOT NULL UNIQUE, email TEXT, password_hash TEXT)",
    ];

    #[test]
    fn the_sample_costs_the_same_on_any_table_size() {
        for create in TABLES {
            let (small, values) = steps(create, 2_000, 0);
            assert_eq!(values.len(), SAMPLE.hashes);
            assert_eq!(values[0], "h2000", "newest first");
            let (big, _) = steps(create, 300_000, 0);
            assert_eq!(
                small, big,
                "{create}: {small} steps on 2,000 users, {big} on 300,000"
            );
        }
    }

    #[test]
    fn newest_rows_without_a_hash_are_passed_over_at_a_bounded_cost() {
        for create in TABLES {
            // 50,000 new users without a password over older ones with one:
            // the sample is the newest hashes, whatever lies below them.
            let (small, values) = steps(create, 60_000, 50_000);
            assert_eq!(values.len(), SAMPLE.hashes);
            assert_eq!(values[0], "h10000");
            assert!(values.iter().all(|v| v.starts_with('h')));
            let (big, _) = steps(create, 300_000, 50_000);
            assert_eq!(small, big, "{create}: {small} steps, then {big}");
            // No hash among the newest 100,000: the walk stops there, on
            // a table of 150,000 users as of 300,000.
            let (small, values) = steps(create, 150_000, 120_000);
            assert!(values.is_empty(), "{values:?}");
            let (big, _) = steps(create, 300_000, 250_000);
            assert_eq!(small, big, "{create}: {small} steps, then {big}");
        }
    }
}

#[cfg(test)]
mod password_row_tests {
    use super::sample_sql;
    use crate::db::users::password_of;
    use crate::db::{Dialect, Ident, PasswordRow, Schema};

    /// A Better Auth-like layout: the password on the user's credential
    /// account, whose accountId is the user's id too.
    #[test]
    fn a_password_kept_in_another_table_is_read_from_the_users_row_there() {
        let conn = rusqlite::Connection::open_in_memory().unwrap();
        conn.execute_batch(
            "CREATE TABLE \"user\" (id text PRIMARY KEY, email text);
             CREATE TABLE account (id text, accountId text, providerId text, userId text, password text);
             INSERT INTO \"user\" VALUES ('a', 'a@x'), ('b', 'b@x'), ('c', 'c@x');
             INSERT INTO account VALUES ('1', 'a', 'credential', 'a', 'pa'),
               ('2', 'gh-1', 'github', 'b', 'not-a-password'), ('3', 'b', 'credential', 'b', 'pb'),
               ('4', 'x', 'credential', 'c', 'wrong-account-id');",
        )
        .unwrap();
        let k = Ident::known;
        let s = Schema {
            table: k("user"),
            password: k("password"),
            password_row: Some(PasswordRow {
                table: k("account"),
                user: k("userId"),
                also_user: vec![k("accountId")],
                fixed: vec![(k("providerId"), "credential")],
            }),
            ..Schema::default()
        };
        let d: &dyn Dialect = &crate::db::sqlite::Sqlite;
        let sql = sample_sql(&password_of(&s, d), &d.q(&s.table), &d.q(&s.id));
        let mut stmt = conn.prepare(&sql).unwrap();
        let values: Vec<String> = stmt
            .query_map([10, 10], |r| r.get(0))
            .unwrap()
            .map(Result::unwrap)
            .collect();
        assert_eq!(values, ["pb", "pa"]);
        assert!(
            s.check().is_ok(),
            "no password column on the users table to clash"
        );
    }
}
