//! The outside parts the tests drive (a Python with the SMTP server and
//! bcrypt, stock Django, PHP, Ruby, Node's bcryptjs, msmtp) and where
//! scripts/test-env put them. A test that lacks one fails with one line
//! naming the command that installs it.

use std::path::{Path, PathBuf};

/// What scripts/test-env fills: target/test-env, or $RESETCTL_TEST_ENV.
pub fn env_dir() -> PathBuf {
    std::env::var_os("RESETCTL_TEST_ENV")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("target/test-env"))
}

#[track_caller]
fn need(path: PathBuf, what: &str) -> PathBuf {
    assert!(
        path.exists(),
        "{what} is missing ({}): run scripts/test-env to install it (scripts/test installs, then tests)",
        path.display()
    );
    path
}

/// The tests' Python: aiosmtpd and trustme (the SMTP server), bcrypt,
/// Django with argon2-cffi.
#[track_caller]
pub fn python() -> PathBuf {
    need(
        env_dir().join("py/bin/python"),
        "the tests' Python environment",
    )
}

/// Stock Django, the latest release, without argon2-cffi.
#[track_caller]
pub fn stock_django() -> PathBuf {
    need(env_dir().join("django/bin/python"), "stock Django")
}

/// Stock Django 4.2 LTS, without argon2-cffi.
#[track_caller]
pub fn stock_django42() -> PathBuf {
    need(env_dir().join("django42/bin/python"), "stock Django 4.2")
}

/// Node's module folder holding bcryptjs.
#[track_caller]
pub fn node_modules() -> PathBuf {
    need(
        env_dir().join("node/node_modules/bcryptjs"),
        "bcryptjs for Node",
    );
    env_dir().join("node/node_modules")
}

/// A program from a Debian package, found on PATH.
#[track_caller]
pub fn program(name: &str) -> PathBuf {
    let found = std::env::var_os("PATH").and_then(|p| {
        std::env::split_paths(&p)
            .map(|d| d.join(name))
            .find(|f| f.is_file())
    });
    need(found.unwrap_or_else(|| PathBuf::from(name)), name)
}

/// A file under tests/support.
pub fn support(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/support")
        .join(name)
}

#[test]
fn a_missing_part_fails_with_one_line_naming_the_installer() {
    let panic = std::panic::catch_unwind(|| need(PathBuf::from("/nonexistent/python"), "X"))
        .expect_err("a missing part fails the test");
    let message = panic.downcast_ref::<String>().cloned().unwrap_or_default();
    assert_eq!(message.lines().count(), 1, "{message}");
    assert!(message.contains("run scripts/test-env"), "{message}");
}
