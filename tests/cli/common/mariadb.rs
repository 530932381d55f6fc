//! A MariaDB server of the tests' own: made with `mariadb-install-db` in a
//! temp dir, listening on 127.0.0.1 on a free port, started once per test
//! binary by the first test that needs it and stopped (its directory
//! removed) when the binary exits. Each test gets a database of its own.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

use mysql::prelude::Queryable;
use mysql::{Conn, OptsBuilder};

use super::servers;

/// The account resetctl and the tests log in with (ALL on *.*).
pub const USER: &str = "resetctl";
pub const PASSWORD: &str = "resetctl-test-pw";

/// What each of the tests' own connections runs first, so that the tests'
/// portable SQL (double-quoted names, `||` concatenation, times in UTC)
/// means on MariaDB what it means on the other two engines; and deep
/// enough recursion for `with_users_on`'s generated users.
const SESSION: [&str; 3] = [
    "SET SESSION sql_mode = 'ANSI,STRICT_TRANS_TABLES,NO_ENGINE_SUBSTITUTION'",
    "SET time_zone = '+00:00'",
    "SET SESSION max_recursive_iterations = 1000000",
];

pub struct Server {
    pub port: u16,
    pub dir: PathBuf,
    /// The CA that signed the server's certificate (for localhost and
    /// 127.0.0.1).
    pub ca: PathBuf,
}

/// The server, started by the first test that needs it.
pub fn server() -> &'static Server {
    static SERVER: OnceLock<Server> = OnceLock::new();
    SERVER.get_or_init(Server::start)
}

/// One of Debian's server programs (`mariadbd` is in /usr/sbin, which a
/// user's PATH often lacks).
fn program(name: &str) -> PathBuf {
    std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).collect::<Vec<_>>())
        .unwrap_or_default()
        .into_iter()
        .chain(["/usr/sbin".into(), "/usr/bin".into()])
        .map(|dir| dir.join(name))
        .find(|p| p.is_file())
        .unwrap_or_else(|| {
            panic!(
                "MariaDB's server ({name}) is missing: run scripts/test-env to install it (scripts/test installs, then tests)"
            )
        })
}

impl Server {
    // The server and its watchdog outlive this process on purpose: the
    // watchdog reaps the server once the test binary has exited.
    #[allow(clippy::zombie_processes)]
    fn start() -> Server {
        let install_db = program("mariadb-install-db");
        let mariadbd = program("mariadbd");
        let dir = servers::directory_with_certificate("resetctl-mariadb", "mysql");
        let data = dir.join("data");
        let out = as_mysql(&install_db)
            .arg("--no-defaults")
            .arg(format!("--datadir={}", data.display()))
            .args(["--auth-root-authentication-method=normal", "--skip-test-db"])
            .stdin(Stdio::null())
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "mariadb-install-db failed: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        let port = super::closed_port();
        let mut server = as_mysql(&mariadbd)
            .arg("--no-defaults")
            .arg(format!("--datadir={}", data.display()))
            .arg(format!("--port={port}"))
            .arg("--bind-address=127.0.0.1")
            .arg(format!("--socket={}", dir.join("sock").display()))
            .arg(format!("--pid-file={}", dir.join("pid").display()))
            .args(["--skip-log-bin", "--innodb-flush-log-at-trx-commit=0"])
            .arg(format!("--log-error={}", dir.join("err.log").display()))
            // TLS offered, from the tests' CA; and a zone that is not UTC,
            // so every test shows times are written and read as meant
            // whatever the server's zone.
            .arg(format!("--ssl-cert={}", dir.join("server.crt").display()))
            .arg(format!("--ssl-key={}", dir.join("server.key").display()))
            .arg(format!("--ssl-ca={}", dir.join("ca.pem").display()))
            .arg("--default-time-zone=+05:00")
            // Per-login row counts for the index tests, on from the start
            // rather than turned on mid-run with other sessions open: a run
            // in which two tests turned it on saw the server segfault (a
            // null pointer).
            .arg("--userstat=1")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        servers::watch(server.id(), "TERM", &dir);
        let server_db = Server {
            port,
            ca: dir.join("ca.pem"),
            dir,
        };
        server_db.wait_until_up(&mut server);
        let mut admin = server_db.admin().unwrap();
        for sql in [
            format!("CREATE USER '{USER}'@'%' IDENTIFIED BY '{PASSWORD}'"),
            format!("GRANT ALL ON *.* TO '{USER}'@'%'"),
        ] {
            admin
                .query_drop(&sql)
                .unwrap_or_else(|e| panic!("{sql}: {e}"));
        }
        server_db
    }

    /// Waits until the server takes logins; fails at once if it exits.
    fn wait_until_up(&self, server: &mut Child) {
        let deadline = Instant::now() + Duration::from_secs(60);
        while let Err(e) = self.admin() {
            let exited = server.try_wait().unwrap();
            assert!(
                exited.is_none() && Instant::now() < deadline,
                "the MariaDB server did not start ({}; {exited:?}): {}",
                e,
                self.log()
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// What the server logged.
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.join("err.log")).unwrap_or_default()
    }

    /// `mysql://` URL of database `db`.
    pub fn url(&self, db: &str) -> String {
        format!("mysql://{USER}:{PASSWORD}@127.0.0.1:{}/{db}", self.port)
    }

    /// root, through the server's socket.
    pub fn admin(&self) -> mysql::Result<Conn> {
        Conn::new(
            OptsBuilder::new()
                .socket(Some(self.dir.join("sock").to_str().unwrap()))
                .user(Some("root"))
                .tcp_connect_timeout(Some(Duration::from_secs(5))),
        )
    }

    /// A connection to database `db` over TCP, as the tests' user, with the
    /// tests' session settings.
    pub fn client(&self, db: &str) -> mysql::Result<Conn> {
        Conn::new(
            OptsBuilder::new()
                .ip_or_hostname(Some("127.0.0.1"))
                .tcp_port(self.port)
                .prefer_socket(false)
                .user(Some(USER))
                .pass(Some(PASSWORD))
                .db_name(Some(db))
                .init(SESSION.to_vec()),
        )
    }

    /// A new, empty database.
    pub fn new_database(&self) -> String {
        static NEXT: AtomicU32 = AtomicU32::new(1);
        let name = format!("t_{}", NEXT.fetch_add(1, Ordering::SeqCst));
        self.admin()
            .unwrap()
            .query_drop(format!(
                "CREATE DATABASE {name} CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"
            ))
            .unwrap();
        name
    }
}

/// Runs `sql` (one statement or several) on `conn`: every row of every
/// result set, each cell as text (NULL as None, binary strings as hex, as
/// the SQLite side shows blobs). An error in any statement is an error.
pub fn rows(conn: &mut Conn, sql: &str) -> mysql::Result<Vec<Vec<Option<String>>>> {
    use mysql::consts::ColumnType::*;
    let mut out = Vec::new();
    let mut result = conn.query_iter(sql)?;
    while let Some(set) = result.iter() {
        for row in set {
            let row = row?;
            let columns = row.columns();
            let cells = row.unwrap();
            out.push(
                cells
                    .into_iter()
                    .zip(columns.iter())
                    .map(|(v, c)| match v {
                        mysql::Value::NULL => None,
                        mysql::Value::Bytes(b) => {
                            let binary = c.character_set() == 63
                                && matches!(
                                    c.column_type(),
                                    MYSQL_TYPE_BLOB
                                        | MYSQL_TYPE_TINY_BLOB
                                        | MYSQL_TYPE_MEDIUM_BLOB
                                        | MYSQL_TYPE_LONG_BLOB
                                        | MYSQL_TYPE_STRING
                                        | MYSQL_TYPE_VAR_STRING
                                        | MYSQL_TYPE_VARCHAR
                                );
                            Some(if binary {
                                hex::encode(b)
                            } else {
                                String::from_utf8(b).unwrap_or_else(|e| hex::encode(e.into_bytes()))
                            })
                        }
                        // The text protocol sends every value as bytes.
                        other => Some(other.as_sql(true)),
                    })
                    .collect(),
            );
        }
    }
    Ok(out)
}

fn as_mysql(program: &Path) -> Command {
    super::servers::as_user("mysql", program)
}
