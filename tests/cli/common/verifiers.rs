//! Password-hash verifiers nobody here wrote, each run as its own process
//! on what resetctl stored: the libraries applications check logins with.

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Stdio};

use super::tools;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verifier {
    /// Python's `bcrypt` (PyPI).
    PythonBcrypt,
    /// PHP's `password_verify` (Debian's php-cli), what Laravel calls.
    Php,
    /// Ruby's `BCrypt::Password` (Debian's ruby-bcrypt), what Devise uses.
    Ruby,
    /// Node's `bcryptjs` (npm).
    NodeBcryptjs,
    /// Django's `check_password`, stock (no argon2-cffi).
    Django,
}

pub const BCRYPT_VERIFIERS: [Verifier; 4] = [
    Verifier::PythonBcrypt,
    Verifier::Php,
    Verifier::Ruby,
    Verifier::NodeBcryptjs,
];

/// Whether `verifier` accepts `password` for `hash`. The password goes in
/// on stdin, byte for byte; anything but a yes or a no fails the test.
#[track_caller]
pub fn accepts(verifier: Verifier, hash: &str, password: &str) -> bool {
    let script = |name: &str| tools::support(&format!("verify/{name}"));
    let (program, script, node_path): (PathBuf, PathBuf, Option<PathBuf>) = match verifier {
        Verifier::PythonBcrypt => (tools::python(), script("bcrypt_check.py"), None),
        Verifier::Php => (tools::program("php"), script("bcrypt_check.php"), None),
        Verifier::Ruby => (tools::program("ruby"), script("bcrypt_check.rb"), None),
        Verifier::NodeBcryptjs => (
            tools::program("node"),
            script("bcrypt_check.js"),
            Some(tools::node_modules()),
        ),
        Verifier::Django => (tools::stock_django(), script("django_check.py"), None),
    };
    let mut cmd = Command::new(program);
    cmd.arg(script)
        .arg(hash)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    if let Some(p) = node_path {
        cmd.env("NODE_PATH", p);
    }
    let mut child = cmd.spawn().unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(password.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    match out.status.code() {
        Some(0) => true,
        Some(1) => false,
        _ => panic!(
            "{verifier:?} failed on {hash}: {}",
            String::from_utf8_lossy(&out.stderr)
        ),
    }
}
