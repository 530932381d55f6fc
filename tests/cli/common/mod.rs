//! The test environment: a fresh temp dir with its own database, the real
//! binary with a fixed clock and a clean environment, and direct SQL access
//! to check what the binary left behind.

pub mod better_auth;
pub mod frameworks;
pub mod mariadb;
pub mod postgres;
pub mod proxy;
pub mod recorder;
mod runs;
pub mod servers;
pub mod sessions;
pub mod smtp;
pub mod tools;
pub mod verifiers;

pub use runs::spawn_redeem;

use std::ffi::OsString;
use std::path::PathBuf;

use rusqlite::Connection;
use sha2::{Digest, Sha256};
use tempfile::TempDir;

/// The fixed "now" of every test run.
pub const NOW: &str = "2026-11-21T10:00:00Z";
/// NOW + 1h, the default expiry.
pub const NOW_PLUS_1H: &str = "2026-11-21T11:00:00Z";

/// The config lines that turn the issue rate limit off, for tests that
/// issue to one user more often than it allows.
pub const NO_LIMIT: &str = "[limits]\nissue = \"off\"\n";

/// A password hash as an application using Argon2 writes it (argon2-cffi,
/// for the password "the app password").
pub const APP_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$+VXzjpa6ayIpWUraX/kqUw$UXECXMr0QdShJYr7tlvatGeovWcs+Ir3tfeDSZLORCY";

/// The binary under test: this build's, or the one `RESETCTL_TEST_BIN`
/// names, to run a test against another build (say, the one before a fix,
/// to see the test fail there).
pub fn bin() -> &'static str {
    static BIN: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
        std::env::var("RESETCTL_TEST_BIN")
            .unwrap_or_else(|_| env!("CARGO_BIN_EXE_resetctl").to_string())
    });
    &BIN
}

/// The database engine a test runs against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
    Mariadb,
}

impl Backend {
    /// A database server (PostgreSQL, MariaDB), not a file.
    pub fn is_server(self) -> bool {
        self != Backend::Sqlite
    }
}

/// One test body, run on each engine: `on_every_engine! { fn name(backend) { ... } }`
/// makes `name::sqlite`, `name::postgres` and `name::mariadb`.
#[macro_export]
macro_rules! on_every_engine {
    ($($(#[$meta:meta])* fn $name:ident($backend:ident) $body:block)*) => {$(
        mod $name {
            #[allow(unused_imports)]
            use super::*;
            fn body($backend: $crate::common::Backend) $body
            $(#[$meta])*
            #[test]
            fn sqlite() {
                body($crate::common::Backend::Sqlite)
            }
            $(#[$meta])*
            #[test]
            fn postgres() {
                body($crate::common::Backend::Postgres)
            }
            $(#[$meta])*
            #[test]
            fn mariadb() {
                body($crate::common::Backend::Mariadb)
            }
        }
    )*};
}

/// A test's own database on a server engine.
#[derive(Debug, Clone)]
pub struct ServerDb {
    pub backend: Backend,
    /// The database's name on the server.
    pub name: String,
    /// What RESETCTL_DB says to reach it.
    pub url: String,
}

pub struct TestEnv {
    pub dir: TempDir,
    pub db: PathBuf,
    /// On PostgreSQL and MariaDB: the test's own database.
    pub server: Option<ServerDb>,
}

impl TestEnv {
    /// An empty temp dir; the database path does not exist yet.
    pub fn empty() -> TestEnv {
        TestEnv::empty_on(Backend::Sqlite)
    }

    /// Same, on `backend`: on a server a new, empty database.
    pub fn empty_on(backend: Backend) -> TestEnv {
        let dir = tempfile::Builder::new()
            .prefix("resetctl-test")
            .tempdir()
            .unwrap();
        let db = dir.path().join("users.db");
        let server = match backend {
            Backend::Sqlite => None,
            Backend::Postgres => {
                let cluster = postgres::cluster();
                let name = cluster.new_database();
                let url = cluster.url(&name);
                Some(ServerDb { backend, name, url })
            }
            Backend::Mariadb => {
                let server = mariadb::server();
                let name = server.new_database();
                let url = server.url(&name);
                Some(ServerDb { backend, name, url })
            }
        };
        TestEnv { dir, db, server }
    }

    /// A database made by `init --demo`: alice (1), bob (2), carol (3).
    pub fn demo() -> TestEnv {
        TestEnv::demo_on(Backend::Sqlite)
    }

    pub fn demo_on(backend: Backend) -> TestEnv {
        let env = TestEnv::empty_on(backend);
        env.cmd().args(["init", "--demo"]).assert().success();
        env
    }

    /// An initialised database with `n` users u1..un (u1@example.com ...).
    pub fn with_users(n: u32) -> TestEnv {
        TestEnv::with_users_on(n, Backend::Sqlite)
    }

    pub fn with_users_on(n: u32, backend: Backend) -> TestEnv {
        let env = TestEnv::empty_on(backend);
        env.cmd().arg("init").assert().success();
        env.sql(&insert_users_sql(n, backend));
        env
    }

    /// The engine this env's database is on.
    pub fn backend(&self) -> Backend {
        self.server.as_ref().map_or(Backend::Sqlite, |s| s.backend)
    }

    /// On PostgreSQL (for what only PostgreSQL has).
    pub fn is_pg(&self) -> bool {
        self.backend() == Backend::Postgres
    }

    /// On a server (PostgreSQL or MariaDB), not a SQLite file.
    pub fn is_server(&self) -> bool {
        self.backend().is_server()
    }

    /// The test's own database on its server; panics on SQLite.
    #[track_caller]
    pub fn server_db(&self) -> &ServerDb {
        self.server
            .as_ref()
            .expect("a database on a server, not SQLite")
    }

    /// What RESETCTL_DB says: the file, or the URL.
    pub fn db_value(&self) -> OsString {
        match &self.server {
            Some(s) => s.url.clone().into(),
            None => self.db.clone().into(),
        }
    }

    /// Runs SQL statements that work on every engine.
    #[track_caller]
    pub fn sql(&self, sql: &str) {
        match self.backend() {
            Backend::Postgres => postgres::cluster()
                .client(&self.server_db().name)
                .unwrap()
                .batch_execute(sql)
                .unwrap_or_else(|e| panic!("{sql}: {e}")),
            Backend::Mariadb => {
                let mut conn = mariadb::server().client(&self.server_db().name).unwrap();
                mariadb::rows(&mut conn, sql).unwrap_or_else(|e| panic!("{sql}: {e}"));
            }
            Backend::Sqlite => self
                .conn()
                .execute_batch(sql)
                .unwrap_or_else(|e| panic!("{sql}: {e}")),
        }
    }

    /// Every row of a query, each cell as text (NULL as None).
    #[track_caller]
    pub fn rows(&self, sql: &str) -> Vec<Vec<Option<String>>> {
        match self.backend() {
            Backend::Mariadb => {
                let mut conn = mariadb::server().client(&self.server_db().name).unwrap();
                mariadb::rows(&mut conn, sql).unwrap_or_else(|e| panic!("{sql}: {e}"))
            }
            Backend::Postgres => {
                let mut client = postgres::cluster().client(&self.server_db().name).unwrap();
                client
                    .simple_query(sql)
                    .unwrap_or_else(|e| panic!("{sql}: {e}"))
                    .into_iter()
                    .filter_map(|m| match m {
                        ::postgres::SimpleQueryMessage::Row(r) => {
                            Some((0..r.len()).map(|i| r.get(i).map(str::to_string)).collect())
                        }
                        _ => None,
                    })
                    .collect()
            }
            Backend::Sqlite => {
                let conn = self.conn();
                let mut stmt = conn.prepare(sql).unwrap_or_else(|e| panic!("{sql}: {e}"));
                let n = stmt.column_count();
                stmt.query_map([], |r| {
                    (0..n)
                        .map(|i| {
                            Ok(match r.get::<_, rusqlite::types::Value>(i)? {
                                rusqlite::types::Value::Null => None,
                                rusqlite::types::Value::Integer(v) => Some(v.to_string()),
                                rusqlite::types::Value::Real(v) => Some(v.to_string()),
                                rusqlite::types::Value::Text(v) => Some(v),
                                rusqlite::types::Value::Blob(v) => Some(hex::encode(v)),
                            })
                        })
                        .collect()
                })
                .unwrap()
                .map(Result::unwrap)
                .collect()
            }
        }
    }

    /// The one value a query gives.
    #[track_caller]
    pub fn value(&self, sql: &str) -> Option<String> {
        let rows = self.rows(sql);
        assert_eq!(rows.len(), 1, "{sql}: {rows:?}");
        rows[0][0].clone()
    }

    /// A time column as RFC 3339 UTC, as resetctl shows it, on any engine
    /// (the tests' MariaDB sessions are at +00:00).
    pub fn time_text(&self, column: &str) -> String {
        match self.backend() {
            Backend::Postgres => {
                format!("to_char({column} AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')")
            }
            Backend::Mariadb => format!("DATE_FORMAT({column}, '%Y-%m-%dT%H:%i:%sZ')"),
            Backend::Sqlite => column.to_string(),
        }
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// Writes `resetctl.toml` (mode 0600) and returns its path.
    pub fn config(&self, text: &str) -> PathBuf {
        use std::os::unix::fs::PermissionsExt;
        let path = self.path("resetctl.toml");
        std::fs::write(&path, text).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
        path
    }

    pub fn conn(&self) -> Connection {
        Connection::open(&self.db).unwrap()
    }

    /// The database file's bytes, to show a command changed nothing at all.
    /// On a server, every row of the users and audit tables.
    pub fn bytes(&self) -> Vec<u8> {
        if self.is_server() {
            return self.all_text().into_bytes();
        }
        std::fs::read(&self.db).unwrap()
    }

    /// (token column, expires column) of a user.
    pub fn token_row(&self, id: i64) -> (Option<String>, Option<String>) {
        let row = self.rows(&format!(
            "SELECT password_reset_token, {} FROM users WHERE id = {id}",
            self.time_text("password_reset_expires")
        ));
        (row[0][0].clone(), row[0][1].clone())
    }

    pub fn password_hash(&self, id: i64) -> Option<String> {
        self.rows(&format!("SELECT password_hash FROM users WHERE id = {id}"))
            .pop()
            .and_then(|mut r| r.remove(0))
    }

    /// Every audit row as (action, outcome, user_id, actor, reason, detail), oldest first.
    pub fn audit(&self) -> Vec<AuditRow> {
        self.rows(
            "SELECT action, outcome, user_id, actor, reason, detail, subject FROM resetctl_audit ORDER BY id",
        )
        .into_iter()
        .map(|r| AuditRow {
            action: r[0].clone().unwrap(),
            outcome: r[1].clone().unwrap(),
            user_id: r[2].as_ref().map(|v| v.parse().unwrap()),
            actor: r[3].clone().unwrap(),
            reason: r[4].clone(),
            detail: r[5].clone(),
            subject: r[6].clone(),
        })
        .collect()
    }

    /// Every cell of every table, as text: for scanning for secrets, and to
    /// show a command changed nothing.
    pub fn all_text(&self) -> String {
        let mut out = String::new();
        for table in ["users", "resetctl_audit"] {
            for row in self.rows(&format!("SELECT * FROM {table} ORDER BY 1")) {
                for v in row {
                    out.push_str(&format!("{v:?}|"));
                }
                out.push('\n');
            }
        }
        out
    }
}

/// The SQL that adds users u1..un (u1@example.com ...) to `users` on
/// `backend`.
pub fn insert_users_sql(n: u32, backend: Backend) -> String {
    let with =
        format!("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {n})");
    let insert = "INSERT INTO users (id, username, email)";
    let select = "SELECT i, 'u' || i, 'u' || i || '@example.com' FROM n";
    // SQLite and PostgreSQL take the WITH first; MariaDB only after the
    // INSERT.
    match backend {
        Backend::Mariadb => format!("{insert} {with} {select}"),
        Backend::Sqlite | Backend::Postgres => format!("{with} {insert} {select}"),
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditRow {
    pub action: String,
    pub outcome: String,
    pub user_id: Option<i64>,
    pub actor: String,
    pub reason: Option<String>,
    pub detail: Option<String>,
    pub subject: Option<String>,
}

/// A port on 127.0.0.1 with nothing listening: a mail server that is down.
pub fn closed_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A token as resetctl prints it: 64 lowercase hex characters.
pub fn is_token(s: &str) -> bool {
    s.len() == 64 && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

pub fn sha256_hex(s: &str) -> String {
    hex::encode(Sha256::digest(s.as_bytes()))
}

/// Parses stdout as one JSON value.
#[track_caller]
pub fn json(out: &[u8]) -> serde_json::Value {
    serde_json::from_slice(out)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(out)))
}

/// The stderr of a failed command: exactly one `resetctl: error:` line,
/// optionally followed by one `hint:` line.
#[track_caller]
pub fn assert_one_line_error(stderr: &[u8], contains: &str) {
    let text = String::from_utf8_lossy(stderr);
    let lines: Vec<&str> = text.lines().collect();
    assert!(
        !lines.is_empty() && lines.len() <= 2,
        "want 1-2 lines, got:\n{text}"
    );
    assert!(lines[0].starts_with("resetctl: error: "), "{text}");
    assert!(lines[0].contains(contains), "want {contains:?} in:\n{text}");
    if lines.len() == 2 {
        assert!(lines[1].starts_with("hint: "), "{text}");
    }
    assert!(
        !text.contains("panicked") && !text.contains("RUST_BACKTRACE"),
        "{text}"
    );
}
