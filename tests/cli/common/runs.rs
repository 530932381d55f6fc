//! Running the binary on a test's database: as assert_cmd or std commands,
//! through a shell, on a pseudo-terminal, and for its JSON.

use std::ffi::OsStr;
use std::path::Path;
use std::process::{Child, Command as StdCommand, Stdio};

use assert_cmd::Command;

use super::{NOW, TestEnv, bin, json, tools};

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

impl TestEnv {
    /// `program` in this test's directory, with the environment the binary
    /// gets: this database, NOW, acting as "tester", and nothing of the
    /// developer's shell that would change what it does.
    pub fn command(&self, program: impl AsRef<OsStr>) -> StdCommand {
        let mut c = StdCommand::new(program);
        for var in CLEARED {
            c.env_remove(var);
        }
        c.env("RESETCTL_DB", self.db_value())
            .env("RESETCTL_NOW", NOW)
            .env("USER", "tester")
            .current_dir(self.dir.path());
        c
    }

    /// A bash command line run as `command` runs a program (for pipes,
    /// redirections and limits).
    pub fn sh(&self, script: &str) -> StdCommand {
        let mut c = self.command("bash");
        c.arg("-c").arg(script);
        c
    }

    /// The binary, pointed at this database, at NOW, acting as "tester".
    pub fn cmd(&self) -> Command {
        Command::from_std(self.command(bin()))
    }

    /// The binary as `cmd` gives it, reading this config file.
    pub fn cmd_with(&self, config: &Path) -> Command {
        let mut c = self.cmd();
        c.arg("--config").arg(config);
        c
    }

    /// Same, as a std Command for tests that run processes side by side.
    pub fn std_cmd(&self) -> StdCommand {
        let mut c = self.command(bin());
        c.stdin(Stdio::piped())
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
        let mut c = self.command(tools::python());
        c.arg(tools::support("pty_run.py"));
        for (expect, send) in script {
            c.args([expect, send]);
        }
        let out = c
            .arg("--")
            .args(argv)
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

    /// `resetctl --json ARGS` at NOW, without a config file: it must
    /// succeed; its stdout as JSON.
    #[track_caller]
    pub fn json(&self, args: &[&str]) -> serde_json::Value {
        json_of(self.cmd(), args, 0)
    }

    /// `resetctl --config CFG --json ARGS` at `at` (RFC 3339), or at NOW:
    /// it must succeed; its stdout as JSON.
    #[track_caller]
    pub fn json_at(&self, config: &Path, at: Option<&str>, args: &[&str]) -> serde_json::Value {
        json_of(self.cmd_at(config, at), args, 0)
    }

    /// Same, for a run that must fail with `code` and still print JSON.
    #[track_caller]
    pub fn json_failing_at(
        &self,
        config: &Path,
        at: Option<&str>,
        args: &[&str],
        code: i32,
    ) -> serde_json::Value {
        json_of(self.cmd_at(config, at), args, code)
    }

    /// `resetctl --json ARGS` at NOW, without a config file, for a run
    /// that prints one JSON object a line (several users, a bulk run): it
    /// must succeed; each line as JSON.
    #[track_caller]
    pub fn json_lines(&self, args: &[&str]) -> Vec<serde_json::Value> {
        lines_of(self.cmd(), args)
    }

    /// Same, with a config file, at `at` (RFC 3339) or at NOW.
    #[track_caller]
    pub fn json_lines_at(
        &self,
        config: &Path,
        at: Option<&str>,
        args: &[&str],
    ) -> Vec<serde_json::Value> {
        lines_of(self.cmd_at(config, at), args)
    }

    fn cmd_at(&self, config: &Path, at: Option<&str>) -> Command {
        let mut c = self.cmd_with(config);
        if let Some(at) = at {
            c.env("RESETCTL_NOW", at);
        }
        c
    }

    /// Issues a token to USER through the binary and returns it.
    pub fn issue(&self, user: &str) -> String {
        self.json(&["issue", user])["token"]
            .as_str()
            .unwrap()
            .to_string()
    }
}

#[track_caller]
fn json_of(mut c: Command, args: &[&str], code: i32) -> serde_json::Value {
    let out = c.arg("--json").args(args).output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(code),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    json(&out.stdout)
}

#[track_caller]
fn lines_of(mut c: Command, args: &[&str]) -> Vec<serde_json::Value> {
    let out = c.arg("--json").args(args).output().unwrap();
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| json(l.as_bytes()))
        .collect()
}

/// `redeem TOKEN --password-stdin`, started, with the password written.
pub fn spawn_redeem(env: &TestEnv, token: &str, password: &str) -> Child {
    use std::io::Write;
    let mut child = env
        .std_cmd()
        .args(["redeem", token, "--password-stdin"])
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(format!("{password}\n").as_bytes())
        .unwrap();
    child
}
