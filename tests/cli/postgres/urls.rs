//! Database URLs: PostgreSQL's, with the password from the URL,
//! PGPASSWORD or a password file, never shown even when it holds an
//! unencoded `/`, `?` or `#`; and schemes resetctl does not serve.

use std::path::Path;

use super::{db_name, pg_env};
use crate::common::postgres::{PASSWORD, cluster};
use crate::common::{Backend, TestEnv, assert_one_line_error, json};

#[test]
fn postgresql_urls_and_the_password_from_pgpassword_or_a_password_file() {
    let env = pg_env();
    let name = db_name(&env);
    let port = cluster().port;
    // The other scheme, and no password in the URL: PGPASSWORD.
    let bare = format!("postgresql://postgres@127.0.0.1:{port}/{name}?sslmode=disable");
    let out = env
        .cmd()
        .env("RESETCTL_DB", &bare)
        .env("PGPASSWORD", PASSWORD)
        .args(["--json", "issue", "alice"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert_eq!(json(&out.stdout)["user"]["id"], 1);
    // A password file, as libpq reads it (mode 0600).
    let pgpass = env.path("pgpass");
    std::fs::write(
        &pgpass,
        format!("127.0.0.1:{port}:{name}:postgres:{PASSWORD}\n"),
    )
    .unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&pgpass, std::fs::Permissions::from_mode(0o600)).unwrap();
    let out = env
        .cmd()
        .env("RESETCTL_DB", &bare)
        .env("PGPASSFILE", &pgpass)
        .args(["--json", "inspect", "alice"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert_eq!(json(&out.stdout)["state"], "active");
    // The same, from the config file's `database` key.
    let config = env.config(&format!("database = \"{}\"\n", cluster().url(name)));
    let out = env
        .cmd()
        .env_remove("RESETCTL_DB")
        .arg("--config")
        .arg(&config)
        .args(["--json", "list"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert_eq!(json(&out.stdout).as_array().unwrap().len(), 1);
}

/// The names in a directory.
fn names(dir: &Path) -> Vec<String> {
    let mut found: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    found.sort();
    found
}

/// stdout and stderr, together.
fn shown(out: &std::process::Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

// Proves a password with an unencoded '/', '?' or '#' is refused (78) without any part of it in any output.
#[test]
fn a_password_with_unencoded_slash_question_or_hash_is_refused_unseen() {
    let env = TestEnv::demo_on(Backend::Postgres);
    let before = env.bytes();
    let dir_before = names(env.dir.path());
    let port = cluster().port;
    let name = &env.server_db().name;
    let urls = [
        (
            format!("postgres://app:5433/Secret9x@127.0.0.1:{port}/{name}"),
            ["5433", "Secret9x"],
        ),
        (
            format!("postgres://app:Sec/ret9x@127.0.0.1:{port}/{name}"),
            ["Sec/", "ret9x"],
        ),
        (
            format!("postgresql://app:Sec?ret9x@127.0.0.1:{port}/{name}"),
            ["Sec?", "ret9x"],
        ),
        (
            format!("postgres://app:Sec#ret9x@127.0.0.1:{port}/{name}"),
            ["Sec#", "ret9x"],
        ),
    ];
    for (url, parts) in &urls {
        for args in [&["init"][..], &["list"], &["doctor"], &["--json", "doctor"]] {
            let out = env
                .cmd()
                .env("RESETCTL_DB", url)
                .args(args)
                .output()
                .unwrap();
            assert_eq!(out.status.code(), Some(78), "{args:?} {url}: {out:?}");
            assert!(out.stdout.is_empty(), "{out:?}");
            assert_one_line_error(&out.stderr, "percent-encode them: %2F, %3F, %23");
            let text = shown(&out);
            for part in parts.iter().chain(&["Sec", "9x"]) {
                assert!(!text.contains(part), "{part} shown: {text}");
            }
        }
    }
    assert_eq!(env.bytes(), before);
    assert_eq!(names(env.dir.path()), dir_before);
}

// Proves an unserved scheme:// is refused (78) naming the scheme and never taken for a file, and that file: and ./ name files with '://' in them.
#[test]
fn unserved_url_schemes_are_refused_and_file_paths_say_so() {
    let env = TestEnv::empty();
    let secret = "Pw9SecretX";
    let locations = [
        (
            "mssql",
            format!("mssql://app:{secret}@127.0.0.1:1433/appdb"),
        ),
        ("oracle", format!("oracle://app:{secret}@127.0.0.1/appdb")),
        (
            "sqlite",
            format!("sqlite://app:{secret}@localhost/users.db"),
        ),
        ("http", format!("http://app:{secret}@example.com/db")),
        ("odd", "odd://name.db".to_string()),
    ];
    for (scheme, db) in &locations {
        for args in [&["init"][..], &["list"]] {
            let out = env.cmd().arg("--db").arg(db).args(args).output().unwrap();
            assert_eq!(out.status.code(), Some(78), "{db}: {out:?}");
            assert!(out.stdout.is_empty(), "{out:?}");
            assert_one_line_error(&out.stderr, &format!("scheme '{scheme}' are not served"));
            let text = shown(&out);
            assert!(
                text.contains("postgres://, postgresql://, mysql://, mariadb://, and file:"),
                "{text}"
            );
            assert!(!text.contains(secret), "{text}");
        }
        // From the config file too.
        let config = env.config(&format!("database = \"{db}\"\n"));
        let out = env
            .cmd_with(&config)
            .env_remove("RESETCTL_DB")
            .arg("init")
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(78), "{out:?}");
        assert!(!shown(&out).contains(secret));
        std::fs::remove_file(config).unwrap();
    }
    assert!(
        names(env.dir.path()).is_empty(),
        "{:?}",
        names(env.dir.path())
    );
    // file:PATH and ./PATH are files, whatever they hold.
    let out = env
        .cmd()
        .args(["--db", "file:some.db", "init"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert!(
        String::from_utf8_lossy(&out.stdout)
            .starts_with("Created database file some.db (mode 0600)\n")
    );
    assert!(out.stderr.is_empty(), "{out:?}");
    std::fs::create_dir(env.path("odd:")).unwrap();
    let out = env
        .cmd()
        .args(["--db", "./odd://name.db", "init"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert!(out.stderr.is_empty(), "{out:?}");
    assert_eq!(names(env.dir.path()), ["odd:", "some.db"]);
    for file in [env.path("some.db"), env.path("odd:/name.db")] {
        let conn = rusqlite::Connection::open(&file).unwrap();
        let audit: i64 = conn
            .query_row(
                "SELECT count(*) FROM resetctl_audit WHERE action = 'init'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(audit, 1, "{file:?}");
    }
}
