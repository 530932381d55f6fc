//! The tests' own MariaDB server, before any resetctl runs on it: it
//! starts, each test gets a fresh database of its own, and the env's SQL
//! access (`sql`, `rows`, `value`, `time_text`) reads on MariaDB as on the
//! other engines. The `mariadb` variants of `on_every_engine!` stand on this.

use crate::common::mariadb::server;
use crate::common::{Backend, TestEnv, insert_users_sql};

fn tables(env: &TestEnv) -> Vec<String> {
    env.rows(
        "SELECT table_name FROM information_schema.tables \
         WHERE table_schema = DATABASE() ORDER BY table_name",
    )
    .into_iter()
    .map(|r| r[0].clone().unwrap())
    .collect()
}

// Proves each env on MariaDB gets its own new, empty database, named in its mysql:// URL.
#[test]
fn each_mariadb_env_gets_a_fresh_empty_database_of_its_own() {
    let a = TestEnv::empty_on(Backend::Mariadb);
    let b = TestEnv::empty_on(Backend::Mariadb);
    assert!(a.is_server() && !a.is_pg());
    assert_eq!(a.backend(), Backend::Mariadb);
    let (name_a, name_b) = (&a.server_db().name, &b.server_db().name);
    assert_ne!(name_a, name_b);
    assert_eq!(
        a.db_value().into_string().unwrap(),
        format!(
            "mysql://resetctl:resetctl-test-pw@127.0.0.1:{}/{name_a}",
            server().port
        )
    );
    assert_eq!(a.value("SELECT DATABASE()").as_ref(), Some(name_a));
    assert_eq!(tables(&a), Vec::<String>::new());
    a.sql("CREATE TABLE only_in_a (id integer PRIMARY KEY)");
    assert_eq!(tables(&a), ["only_in_a"]);
    assert_eq!(tables(&b), Vec::<String>::new());
    assert_eq!(
        a.value(
            "SELECT CONCAT(default_character_set_name, ' ', default_collation_name) \
             FROM information_schema.schemata WHERE schema_name = DATABASE()"
        )
        .as_deref(),
        Some("utf8mb4 utf8mb4_unicode_ci")
    );
}

// Proves the env's SQL on MariaDB takes the tests' portable forms (double-quoted names, ||, UTC times) and reads rows back as text, NULL as None, binary as hex.
#[test]
fn sql_and_rows_round_trip_on_mariadb_in_the_tests_portable_sql() {
    let env = TestEnv::empty_on(Backend::Mariadb);
    env.sql(
        "CREATE TABLE \"users\" (id integer PRIMARY KEY, name varchar(50), \
         expires datetime, at timestamp NULL, raw varbinary(4)); \
         INSERT INTO \"users\" (id, name, expires, at, raw) \
         VALUES (1, 'u' || 1, '2026-11-21 11:00:00', '2026-11-21 11:00:00', X'00ff'), \
         (2, NULL, NULL, NULL, NULL)",
    );
    assert_eq!(
        env.rows(&format!(
            "SELECT id, name, {}, {}, raw FROM users ORDER BY id",
            env.time_text("expires"),
            env.time_text("at")
        )),
        [
            [
                Some("1".to_string()),
                Some("u1".to_string()),
                Some("2026-11-21T11:00:00Z".to_string()),
                Some("2026-11-21T11:00:00Z".to_string()),
                Some("00ff".to_string()),
            ],
            [Some("2".to_string()), None, None, None, None],
        ]
    );
    // A timestamp is kept in UTC: the tests' sessions are at +00:00.
    assert_eq!(
        env.value("SELECT UNIX_TIMESTAMP(at) FROM users WHERE id = 1")
            .as_deref(),
        Some("1795258800")
    );
    assert_eq!(
        env.value("SELECT count(*) FROM users").as_deref(),
        Some("2")
    );
    // Each call is a connection of its own: what one wrote, the next reads.
    env.sql("UPDATE users SET name = 'renamed' WHERE id = 2");
    assert_eq!(
        env.value("SELECT name FROM users WHERE id = 2").as_deref(),
        Some("renamed")
    );
}

// Proves an error in any statement of a batch fails the test, not only in the first.
#[test]
#[should_panic(expected = "no_such_table")]
fn an_error_in_a_later_statement_of_a_mariadb_batch_fails() {
    let env = TestEnv::empty_on(Backend::Mariadb);
    env.sql("CREATE TABLE t (id integer); INSERT INTO no_such_table VALUES (1)");
}

// Proves with_users_on's SQL makes u1..u20000 on MariaDB (INSERT before WITH RECURSIVE, deep recursion).
#[test]
fn the_users_sql_makes_twenty_thousand_users_on_mariadb() {
    let env = TestEnv::empty_on(Backend::Mariadb);
    env.sql(
        "CREATE TABLE users (id integer PRIMARY KEY, username varchar(64) UNIQUE, email varchar(255))",
    );
    env.sql(&insert_users_sql(20_000, Backend::Mariadb));
    assert_eq!(
        env.rows("SELECT count(*), min(username), max(id) FROM users"),
        [[
            Some("20000".to_string()),
            Some("u1".to_string()),
            Some("20000".to_string())
        ]]
    );
    assert_eq!(
        env.value("SELECT email FROM users WHERE id = 20000")
            .as_deref(),
        Some("u20000@example.com")
    );
}
