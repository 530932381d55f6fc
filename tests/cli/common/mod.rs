//! The test environment: a fresh temp dir with its own database, the real
//! binary with a fixed clock and a clean environment, and direct SQL access
//! to check what the binary left behind.

pub mod frameworks;
pub mod smtp;
pub mod tools;
pub mod verifiers;

use std::path::{Path, PathBuf};
use std::process::{Command as StdCommand, Stdio};

use assert_cmd::Command;
use rusqlite::{Connection, OptionalExtension};
use sha2::{Digest, Sha256};
use tempfile::TempDir;

/// The fixed "now" of every test run.
pub const NOW: &str = "2026-11-21T10:00:00Z";
/// NOW + 1h, the default expiry.
pub const NOW_PLUS_1H: &str = "2026-11-21T11:00:00Z";

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

pub struct TestEnv {
    pub dir: TempDir,
    pub db: PathBuf,
}

impl TestEnv {
    /// An empty temp dir; the database path does not exist yet.
    pub fn empty() -> TestEnv {
        let dir = tempfile::Builder::new()
            .prefix("resetctl-test")
            .tempdir()
            .unwrap();
        let db = dir.path().join("users.db");
        TestEnv { dir, db }
    }

    /// A database made by `init --demo`: alice (1), bob (2), carol (3).
    pub fn demo() -> TestEnv {
        let env = TestEnv::empty();
        env.cmd().args(["init", "--demo"]).assert().success();
        env
    }

    /// An initialised database with `n` users u1..un (u1@example.com ...).
    pub fn with_users(n: u32) -> TestEnv {
        let env = TestEnv::empty();
        env.cmd().arg("init").assert().success();
        env.conn()
            .execute(
                "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?1) \
                 INSERT INTO users (id, username, email) SELECT i, 'u' || i, 'u' || i || '@example.com' FROM n",
                [n],
            )
            .unwrap();
        env
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

    /// The binary, pointed at this database, at NOW, acting as "tester".
    pub fn cmd(&self) -> Command {
        let mut c = Command::new(bin());
        for var in CLEARED {
            c.env_remove(var);
        }
        c.env("RESETCTL_DB", &self.db)
            .env("RESETCTL_NOW", NOW)
            .env("USER", "tester")
            .current_dir(self.dir.path());
        c
    }

    /// The binary as `cmd` gives it, reading this config file.
    pub fn cmd_with(&self, config: &Path) -> Command {
        let mut c = self.cmd();
        c.arg("--config").arg(config);
        c
    }

    /// Same, as a std Command for tests that run processes side by side.
    pub fn std_cmd(&self) -> StdCommand {
        let mut c = StdCommand::new(bin());
        for var in CLEARED {
            c.env_remove(var);
        }
        c.env("RESETCTL_DB", &self.db)
            .env("RESETCTL_NOW", NOW)
            .env("USER", "tester")
            .current_dir(self.dir.path())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        c
    }

    /// Runs the binary on a pseudo-terminal (see tests/support/pty_run.py),
    /// answering prompts: `script` is (expected text, line to type) pairs.
    pub fn on_terminal(&self, script: &[(&str, &str)], args: &[&str]) -> (i32, String) {
        let mut argv = vec![bin()];
        argv.extend(args);
        self.terminal(script, &argv)
    }

    /// Same, for a shell command line (for redirections).
    pub fn on_terminal_sh(&self, script: &[(&str, &str)], line: &str) -> (i32, String) {
        self.terminal(script, &["sh", "-c", line])
    }

    fn terminal(&self, script: &[(&str, &str)], argv: &[&str]) -> (i32, String) {
        let helper = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/support/pty_run.py");
        let mut c = StdCommand::new(tools::python());
        c.arg(helper);
        for (expect, send) in script {
            c.args([expect, send]);
        }
        c.arg("--").args(argv);
        for var in CLEARED {
            c.env_remove(var);
        }
        let out = c
            .env("RESETCTL_DB", &self.db)
            .env("RESETCTL_NOW", NOW)
            .env("USER", "tester")
            .current_dir(self.dir.path())
            .stdin(Stdio::null())
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout).into_owned();
        assert!(
            !String::from_utf8_lossy(&out.stderr).contains("timed out"),
            "terminal session timed out:\n{text}"
        );
        (out.status.code().unwrap_or(-1), text)
    }

    pub fn conn(&self) -> Connection {
        Connection::open(&self.db).unwrap()
    }

    /// The database file's bytes, to show a command changed nothing at all.
    pub fn bytes(&self) -> Vec<u8> {
        std::fs::read(&self.db).unwrap()
    }

    /// (token column, expires column) of a user.
    pub fn token_row(&self, id: i64) -> (Option<String>, Option<String>) {
        self.conn()
            .query_row(
                "SELECT password_reset_token, password_reset_expires FROM users WHERE id = ?1",
                [id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .unwrap()
    }

    pub fn password_hash(&self, id: i64) -> Option<String> {
        self.conn()
            .query_row("SELECT password_hash FROM users WHERE id = ?1", [id], |r| {
                r.get(0)
            })
            .optional()
            .unwrap()
            .flatten()
    }

    /// Every audit row as (action, outcome, user_id, actor, reason, detail), oldest first.
    pub fn audit(&self) -> Vec<AuditRow> {
        let conn = self.conn();
        let mut stmt = conn
            .prepare("SELECT action, outcome, user_id, actor, reason, detail, subject FROM resetctl_audit ORDER BY id")
            .unwrap();
        stmt.query_map([], |r| {
            Ok(AuditRow {
                action: r.get(0)?,
                outcome: r.get(1)?,
                user_id: r.get(2)?,
                actor: r.get(3)?,
                reason: r.get(4)?,
                detail: r.get(5)?,
                subject: r.get(6)?,
            })
        })
        .unwrap()
        .map(Result::unwrap)
        .collect()
    }

    /// Every cell of every table, as text: for scanning for secrets.
    pub fn all_text(&self) -> String {
        let conn = self.conn();
        let mut out = String::new();
        for table in ["users", "resetctl_audit"] {
            let mut stmt = conn.prepare(&format!("SELECT * FROM {table}")).unwrap();
            let n = stmt.column_count();
            let mut rows = stmt.query([]).unwrap();
            while let Some(r) = rows.next().unwrap() {
                for i in 0..n {
                    let v: rusqlite::types::Value = r.get(i).unwrap();
                    out.push_str(&format!("{v:?}|"));
                }
                out.push('\n');
            }
        }
        out
    }

    /// Issues a token to USER through the binary and returns it.
    pub fn issue(&self, user: &str) -> String {
        let out = self.cmd().args(["--json", "issue", user]).output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        v["token"].as_str().unwrap().to_string()
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

/// Variables of the developer's shell that would change what the binary does.
const CLEARED: [&str; 8] = [
    "RESETCTL_DB",
    "RESETCTL_NOW",
    "RESETCTL_CONFIG",
    "SUDO_USER",
    "USER",
    "LOGNAME",
    "NO_COLOR",
    "RUST_BACKTRACE",
];

/// A port on 127.0.0.1 with nothing listening: a mail server that is down.
pub fn closed_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
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
