//! What the tests' database servers share: a directory with a certificate
//! from the tests' own CA, owned by the server's system user when the tests
//! run as root, server commands run as that user, and a watchdog that stops
//! the server once the test binary is gone.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use super::tools;

pub fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| o.stdout.trim_ascii() == b"0")
}

/// A server command, run as `user` when the tests run as root (the
/// servers refuse root).
pub fn as_user(user: &str, program: &Path) -> Command {
    if is_root() {
        let mut c = Command::new("setpriv");
        c.arg(format!("--reuid={user}"))
            .arg(format!("--regid={user}"))
            .args(["--clear-groups", "--"])
            .arg(program);
        c
    } else {
        Command::new(program)
    }
}

/// A new directory (kept: the watchdog removes it) holding `ca.pem` and
/// the server's `server.crt` and `server.key` (mode 0600) for localhost
/// and 127.0.0.1, owned by `user` when the tests run as root.
pub fn directory_with_certificate(prefix: &str, user: &str) -> PathBuf {
    let dir = tempfile::Builder::new()
        .prefix(prefix)
        .tempdir()
        .unwrap()
        .keep();
    let made = Command::new(tools::python())
        .arg("-c")
        .arg(
            "import sys, trustme\n\
             ca = trustme.CA()\n\
             cert = ca.issue_cert('localhost', '127.0.0.1')\n\
             d = sys.argv[1]\n\
             ca.cert_pem.write_to_path(d + '/ca.pem')\n\
             cert.private_key_pem.write_to_path(d + '/server.key')\n\
             cert.cert_chain_pems[0].write_to_path(d + '/server.crt')\n",
        )
        .arg(&dir)
        .status()
        .unwrap();
    assert!(made.success(), "could not make the server's certificate");
    set_mode(&dir.join("server.key"), 0o600);
    if is_root() {
        let status = Command::new("chown")
            .arg("-R")
            .arg(format!("{user}:{user}"))
            .arg(&dir)
            .status()
            .unwrap();
        assert!(status.success());
    }
    dir
}

pub fn set_mode(path: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

/// Outlives this process by a moment: once the test binary is gone, sends
/// the server `signal` (its clean shutdown), then KILL, and removes `dir`.
// The watchdog outlives this process on purpose.
#[allow(clippy::zombie_processes)]
pub fn watch(server: u32, signal: &str, dir: &Path) {
    Command::new("sh")
        .arg("-c")
        .arg(
            "while kill -0 \"$1\" 2>/dev/null; do sleep 0.5; done; \
             kill -\"$3\" \"$2\"; sleep 2; kill -KILL \"$2\" 2>/dev/null; rm -rf \"$4\"",
        )
        .args([
            "watchdog",
            &std::process::id().to_string(),
            &server.to_string(),
            signal,
        ])
        .arg(dir)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
}
