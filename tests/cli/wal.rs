//! SQLite databases in WAL mode: read-only commands leave no -wal or -shm
//! file behind, and a WAL database that cannot be written is still read.

use crate::common::TestEnv;

/// The demo database, with a token for alice, switched to WAL and closed:
/// no `-wal` or `-shm` file beside it.
fn wal_database() -> (TestEnv, String) {
    let env = TestEnv::demo();
    let token = env.issue("alice");
    let conn = env.conn();
    let mode: String = conn
        .query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))
        .unwrap();
    assert_eq!(mode, "wal");
    drop(conn);
    assert_eq!(beside(&env), Vec::<String>::new());
    (env, token)
}

/// The `-wal` and `-shm` files beside the database.
fn beside(env: &TestEnv) -> Vec<String> {
    ["-wal", "-shm"]
        .iter()
        .map(|s| format!("users.db{s}"))
        .filter(|name| env.path(name).exists())
        .collect()
}

// Proves read-only commands leave no -wal/-shm beside a WAL database, bytes unchanged.
#[test]
fn read_only_commands_leave_no_wal_or_shm_files() {
    let (env, token) = wal_database();
    let before = env.bytes();
    let cases: [(&[&str], &str); 5] = [
        (&["doctor"], "journal mode wal"),
        (&["list"], "alice"),
        (&["inspect", "alice"], "active"),
        (&["inspect", "--token", &token], "alice"),
        (&["audit"], "issue"),
    ];
    for (args, shown) in cases {
        let out = env.cmd().args(args).output().unwrap();
        assert_eq!(
            out.status.code(),
            Some(0),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(
            String::from_utf8_lossy(&out.stdout).contains(shown),
            "{args:?}"
        );
        assert_eq!(beside(&env), Vec::<String>::new(), "{args:?} left them");
        assert_eq!(env.bytes(), before, "{args:?} changed the database");
    }
    // Still WAL, and the token still works.
    assert_eq!(env.value("PRAGMA journal_mode"), Some("wal".into()));
    assert!(env.token_row(1).0.is_some());
}

// Proves a WAL database whose file cannot be written is still listed, unchanged.
#[test]
fn a_read_only_wal_database_is_still_listed() {
    use std::os::unix::fs::PermissionsExt;
    let (env, _token) = wal_database();
    let before = env.bytes();
    std::fs::set_permissions(&env.db, std::fs::Permissions::from_mode(0o400)).unwrap();
    // Permissions do not bind root: run as nobody then, the file nobody's.
    // The directory stays writable, as a WAL reader needs for its `-shm`.
    let root = std::fs::OpenOptions::new()
        .write(true)
        .open(&env.db)
        .is_ok();
    if root {
        std::os::unix::fs::chown(&env.db, Some(65534), Some(65534)).unwrap();
    }
    std::fs::set_permissions(env.dir.path(), std::fs::Permissions::from_mode(0o777)).unwrap();
    let mut c = if root {
        let mut c = assert_cmd::Command::new("setpriv");
        c.args([
            "--reuid=65534",
            "--regid=65534",
            "--clear-groups",
            crate::common::bin(),
        ]);
        c
    } else {
        assert_cmd::Command::new(crate::common::bin())
    };
    let out = c
        .env("RESETCTL_DB", &env.db)
        .env("RESETCTL_NOW", crate::common::NOW)
        .env("USER", "tester")
        .arg("list")
        .output()
        .unwrap();
    std::fs::set_permissions(env.dir.path(), std::fs::Permissions::from_mode(0o700)).unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("alice"));
    assert_eq!(env.bytes(), before);
}
