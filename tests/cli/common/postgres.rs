//! A PostgreSQL cluster of the tests' own: made with `initdb` in a temp dir,
//! listening on 127.0.0.1 on a free port, with TLS on, started once per test
//! binary and stopped (its directory removed) when the binary exits. Each
//! test gets a database of its own.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

use super::servers;

pub const PASSWORD: &str = "cluster-pw-5e1f";

pub struct Cluster {
    pub port: u16,
    pub dir: PathBuf,
    /// The CA that signed the server's certificate (for localhost and
    /// 127.0.0.1).
    pub ca: PathBuf,
}

/// The cluster, started by the first test that needs it.
pub fn cluster() -> &'static Cluster {
    static CLUSTER: OnceLock<Cluster> = OnceLock::new();
    CLUSTER.get_or_init(Cluster::start)
}

/// Debian's server binaries: the newest /usr/lib/postgresql/N/bin.
fn bin_dir() -> PathBuf {
    let mut found: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| {
            let n = e.file_name().to_str()?.parse().ok()?;
            let bin = e.path().join("bin");
            bin.join("initdb").is_file().then_some((n, bin))
        })
        .collect();
    found.sort();
    found.pop().map(|(_, b)| b).unwrap_or_else(|| {
        panic!(
            "PostgreSQL's server (initdb) is missing: run scripts/test-env to install it (scripts/test installs, then tests)"
        )
    })
}

impl Cluster {
    // The server and its watchdog outlive this process on purpose: the
    // watchdog reaps the server once the test binary has exited.
    #[allow(clippy::zombie_processes)]
    fn start() -> Cluster {
        let bin = bin_dir();
        let dir = servers::directory_with_certificate("resetctl-pg", "postgres");
        let pwfile = dir.join("pw");
        std::fs::write(&pwfile, PASSWORD).unwrap();
        let data = dir.join("data");
        let out = as_postgres(&bin.join("initdb"))
            .arg("-D")
            .arg(&data)
            .args([
                "-U",
                "postgres",
                "-E",
                "UTF8",
                "--locale=C",
                "--auth-local=trust",
                "--auth-host=scram-sha-256",
            ])
            .arg(format!("--pwfile={}", pwfile.display()))
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "initdb failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let port = super::closed_port();
        let log = std::fs::File::create(dir.join("server.log")).unwrap();
        let server = as_postgres(&bin.join("postgres"))
            .arg("-D")
            .arg(&data)
            .args(["-p", &port.to_string(), "-k"])
            .arg(&dir)
            .args([
                "-c",
                "listen_addresses=127.0.0.1",
                "-c",
                "fsync=off",
                "-c",
                "synchronous_commit=off",
                "-c",
                "full_page_writes=off",
                "-c",
                "max_connections=300",
                "-c",
                "ssl=on",
                "-c",
                "timezone=UTC",
                // Each login is logged, with whether it is encrypted.
                "-c",
                "log_connections=on",
            ])
            .arg("-c")
            .arg(format!(
                "ssl_cert_file={}",
                dir.join("server.crt").display()
            ))
            .arg("-c")
            .arg(format!("ssl_key_file={}", dir.join("server.key").display()))
            .stdin(Stdio::null())
            .stdout(log.try_clone().unwrap())
            .stderr(log)
            .spawn()
            .unwrap();
        servers::watch(server.id(), "INT", &dir);
        let cluster = Cluster {
            port,
            ca: dir.join("ca.pem"),
            dir,
        };
        let deadline = Instant::now() + Duration::from_secs(60);
        while cluster.try_admin().is_err() {
            assert!(
                Instant::now() < deadline,
                "the PostgreSQL server did not start: {}",
                std::fs::read_to_string(cluster.dir.join("server.log")).unwrap_or_default()
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        cluster
    }

    /// What the server logged.
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.join("server.log")).unwrap_or_default()
    }

    /// `postgres://` URL of database `db`, without TLS.
    pub fn url(&self, db: &str) -> String {
        format!(
            "postgres://postgres:{PASSWORD}@127.0.0.1:{}/{db}?sslmode=disable",
            self.port
        )
    }

    fn try_admin(&self) -> Result<postgres::Client, postgres::Error> {
        self.client("postgres")
    }

    pub fn client(&self, db: &str) -> Result<postgres::Client, postgres::Error> {
        postgres::Client::connect(&self.url(db), postgres::NoTls)
    }

    /// A new, empty database.
    pub fn new_database(&self) -> String {
        static NEXT: AtomicU32 = AtomicU32::new(1);
        let name = format!("t{}", NEXT.fetch_add(1, Ordering::SeqCst));
        self.try_admin()
            .unwrap()
            .batch_execute(&format!("CREATE DATABASE {name}"))
            .unwrap();
        name
    }
}

fn as_postgres(program: &Path) -> Command {
    servers::as_user("postgres", program)
}
