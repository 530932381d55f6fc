//! A corpus of hostile input, one table: argv, stdin, config and database.
//! Every case must end with a documented exit code, a one-line error, no
//! panic, and the database exactly as it was (a full dump compared).

use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::PermissionsExt;

use crate::common::{NOW, TestEnv, assert_one_line_error, bin};

/// Everything in the database, schema and rows, as text.
fn dump(env: &TestEnv) -> String {
    let conn =
        rusqlite::Connection::open_with_flags(&env.db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
            .unwrap();
    let mut out = String::new();
    let mut stmt = conn
        .prepare("SELECT type, name, coalesce(sql, '') FROM sqlite_schema ORDER BY name")
        .unwrap();
    let objects: Vec<(String, String, String)> = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    for (kind, name, sql) in objects {
        out.push_str(&format!("{kind} {name}: {sql}\n"));
        if kind == "table" {
            let mut rows = conn
                .prepare(&format!("SELECT * FROM \"{name}\" ORDER BY rowid"))
                .unwrap();
            let n = rows.column_count();
            let mut q = rows.query([]).unwrap();
            while let Some(r) = q.next().unwrap() {
                let cells: Vec<String> = (0..n)
                    .map(|i| format!("{:?}", r.get::<_, rusqlite::types::Value>(i).unwrap()))
                    .collect();
                out.push_str(&cells.join("|"));
                out.push('\n');
            }
        }
    }
    out
}

enum Setup {
    /// The demo database with a token for alice.
    Demo,
    /// The demo database, then this config file (written 0600).
    Config(&'static str),
    /// The demo database, then its file replaced by these bytes.
    Bytes(fn(Vec<u8>) -> Vec<u8>),
    /// A fresh database made with this SQL.
    Sql(&'static str),
}

struct Case {
    name: &'static str,
    setup: Setup,
    args: Vec<std::ffi::OsString>,
    stdin: Vec<u8>,
    code: i32,
}

fn case(name: &'static str, setup: Setup, args: &[&str], stdin: &[u8], code: i32) -> Case {
    Case {
        name,
        setup,
        args: args.iter().map(Into::into).collect(),
        stdin: stdin.to_vec(),
        code,
    }
}

fn corpus() -> Vec<Case> {
    let long = "x".repeat(100_000);
    let leak = |s: String| -> &'static str { Box::leak(s.into_boxed_str()) };
    let long: &'static str = leak(long);
    let long_hex: &'static str = leak("f".repeat(100_000));
    let mut c = vec![
        // argv: SQL metacharacters and odd text where a USER goes.
        case("sql quote", Setup::Demo, &["issue", "alice' OR '1'='1"], b"", 67),
        case("sql comment", Setup::Demo, &["issue", "x'; DROP TABLE users; --"], b"", 67),
        case("sql union", Setup::Demo, &["inspect", "' UNION SELECT password_hash FROM users --"], b"", 67),
        case("sql wildcard", Setup::Demo, &["revoke", "%"], b"", 67),
        case("sql underscore", Setup::Demo, &["revoke", "_lice"], b"", 67),
        case("sql double quote", Setup::Demo, &["issue", "\"users\""], b"", 67),
        case("sql semicolon id", Setup::Demo, &["issue", "--by", "id", "1;2"], b"", 67),
        case("huge id", Setup::Demo, &["issue", "99999999999999999999999999"], b"", 67),
        case("negative id", Setup::Demo, &["issue", "--by", "id", "-1"], b"", 2),
        case("100 KB user", Setup::Demo, &["issue", long], b"", 67),
        case("100 KB email", Setup::Demo, &["inspect", leak(format!("{long}@example.com"))], b"", 67),
        case("100 KB reason", Setup::Demo, &["--reason", long, "issue", "bob"], b"", 2),
        case("100 KB actor", Setup::Demo, &["--actor", long, "issue", "bob"], b"", 2),
        case("100 KB ttl", Setup::Demo, &["issue", "--ttl", long, "bob"], b"", 65),
        case("100 KB link", Setup::Demo, &["issue", "--link", long, "bob"], b"", 2),
        case("100 KB token", Setup::Demo, &["redeem", long_hex, "--password-stdin"], b"password123\n", 65),
        case("100 KB since", Setup::Demo, &["audit", "--since", long], b"", 65),
        case("rtl override", Setup::Demo, &["issue", "alice\u{202e}moc.elpmaxe"], b"", 67),
        case("zero width", Setup::Demo, &["issue", "al\u{200b}ice"], b"", 67),
        case("emoji", Setup::Demo, &["issue", "🦀@example.com"], b"", 67),
        case("combining", Setup::Demo, &["issue", "alic\u{0065}\u{0301}"], b"", 67),
        case("fullwidth", Setup::Demo, &["issue", "ａｌｉｃｅ"], b"", 67),
        case("control chars", Setup::Demo, &["issue", "ali\x07ce\x1b[2J"], b"", 67),
        case("empty user", Setup::Demo, &["issue", ""], b"", 67),
        case("token as user", Setup::Demo, &["inspect", leak("ab".repeat(32))], b"", 65),
        case("half token", Setup::Demo, &["redeem", "0123456789abcdef0123", "--password-stdin"], b"password123\n", 65),
        case("token with g", Setup::Demo, &["redeem", leak(format!("{}g", "a".repeat(63))), "--password-stdin"], b"x\n", 65),
        case("empty link param", Setup::Demo, &["redeem", "https://x/?token=", "--password-stdin"], b"x\n", 65),
        case("unknown token", Setup::Demo, &["inspect", "--token", leak("0".repeat(64))], b"", 77),
        case("negative duration", Setup::Demo, &["purge", "--older-than=-5m"], b"", 65),
        case("duration overflow", Setup::Demo, &["purge", "--older-than", "99999999999999999999w"], b"", 65),
        case("bad by", Setup::Demo, &["issue", "--by", "phone", "alice"], b"", 2),
        case("bad color", Setup::Demo, &["--color", "rainbow", "list"], b"", 2),
        case("bad action", Setup::Demo, &["audit", "--action", "drop"], b"", 2),
        case("bad limit", Setup::Demo, &["audit", "--limit", "-1"], b"", 2),
        // stdin.
        case("binary password", Setup::Demo, &["redeem", "-", "--password-stdin"], b"TOKEN\n\xff\xfe\x00\x01binary!!\n", 65),
        case("short password no newline", Setup::Demo, &["redeem", "-", "--password-stdin"], b"TOKEN\nshort", 65),
        case("10 MB password", Setup::Demo, &["redeem", "-", "--password-stdin"], b"TOKEN\nBIG", 65),
        case("10 MB token line", Setup::Demo, &["redeem", "-", "--password-stdin"], b"BIG", 65),
        case("empty stdin", Setup::Demo, &["redeem", "-", "--password-stdin"], b"", 65),
        case("binary token line", Setup::Demo, &["inspect", "--token", "-"], b"\x00\x01\x02\xff\n", 65),
        case("binary user list", Setup::Demo, &["issue", "--from", "-"], b"\xff\xfe\xfd\n", 67),
        // config.
        case("config bad identifier", Setup::Config("[schema]\ntable = \"users\\\"; --\"\n"), &["list"], b"", 78),
        case("config wrong type", Setup::Config("busy_timeout = 5\n"), &["list"], b"", 78),
        case("config unknown key", Setup::Config("[schema]\ncolumn = \"x\"\n"), &["list"], b"", 78),
        case("config unknown section", Setup::Config("[users]\nx = 1\n"), &["list"], b"", 78),
        case("config bad format", Setup::Config("[password]\nformat = \"md5\"\n"), &["list"], b"", 78),
        case("config not toml", Setup::Config("[[[[\n"), &["list"], b"", 78),
        case("config binary", Setup::Config("\u{0}\u{1}\u{2}"), &["list"], b"", 78),
        case("config missing column", Setup::Config("[schema]\nemail = \"mail\"\n"), &["list"], b"", 78),
        case("config limit nonsense", Setup::Config("[limits]\nissue = \"-3/15m\"\n"), &["issue", "bob"], b"", 78),
        // database.
        case("junk file", Setup::Bytes(|_| b"GIF89a not a database at all".repeat(100)), &["list"], b"", 74),
        case("truncated file", Setup::Bytes(|b| b[..b.len() / 3].to_vec()), &["issue", "bob"], b"", 74),
        case("flipped header", Setup::Bytes(|mut b| {
            b[0] ^= 0xff;
            b
        }), &["list"], b"", 74),
        case("no users table", Setup::Sql("CREATE TABLE accounts (id INTEGER PRIMARY KEY)"), &["list"], b"", 78),
        case("users is a view", Setup::Sql(
            "CREATE TABLE people (id INTEGER PRIMARY KEY, username TEXT, email TEXT, password_hash TEXT, password_reset_token TEXT, password_reset_expires TEXT);
             CREATE VIEW users AS SELECT * FROM people;"
        ), &["issue", "alice"], b"", 78),
        case("real ids", Setup::Sql(
            "CREATE TABLE users (id REAL PRIMARY KEY, username TEXT, email TEXT, password_hash TEXT, password_reset_token TEXT, password_reset_expires TEXT)"
        ), &["init"], b"", 78),
    ];
    c.push(case("non-utf8 argv", Setup::Demo, &[], b"", 2));
    c.last_mut().unwrap().args = vec![
        "issue".into(),
        std::ffi::OsStr::from_bytes(b"al\xffice").to_owned(),
    ];
    c
}

#[test]
fn hostile_corpus() {
    let cases = corpus();
    assert!(cases.len() >= 50, "{} cases", cases.len());
    let mut wrong = Vec::new();
    for case in cases {
        let env = match case.setup {
            Setup::Sql(sql) => {
                let env = TestEnv::empty();
                env.conn().execute_batch(sql).unwrap();
                env
            }
            _ => TestEnv::demo(),
        };
        let token = match case.setup {
            Setup::Sql(_) => "0".repeat(64),
            _ => env.issue("alice"),
        };
        let mut cmd = env.cmd();
        match case.setup {
            Setup::Config(text) => {
                cmd.arg("--config").arg(env.config(text));
            }
            Setup::Bytes(f) => std::fs::write(&env.db, f(std::fs::read(&env.db).unwrap())).unwrap(),
            _ => {}
        }
        let stdin = match case.stdin.as_slice() {
            b"BIG" => vec![b'x'; 10 << 20],
            b"TOKEN\nBIG" => [format!("{token}\n").into_bytes(), vec![b'p'; 10 << 20]].concat(),
            s => String::from_utf8_lossy(s)
                .replace("TOKEN", &token)
                .into_bytes(),
        };
        let stdin = if case.name == "binary password" {
            [
                format!("{token}\n").into_bytes(),
                b"\xff\xfe\x00\x01binary!!\n".to_vec(),
            ]
            .concat()
        } else {
            stdin
        };
        let readable = !matches!(case.setup, Setup::Bytes(_));
        let before = if readable { dump(&env) } else { String::new() };
        let bytes = std::fs::read(&env.db).unwrap();
        let out = cmd.args(&case.args).write_stdin(stdin).output().unwrap();
        if out.status.code() != Some(case.code) {
            wrong.push(format!(
                "{}: got {:?}: {}",
                case.name,
                out.status.code(),
                String::from_utf8_lossy(&out.stderr)
            ));
            continue;
        }
        if case.args.first().is_some_and(|a| a == "issue")
            && case.args.iter().any(|a| a == "--from")
        {
            // Bulk runs list each failure and a summary, then end with the error.
            let text = String::from_utf8_lossy(&out.stderr);
            assert!(
                text.lines()
                    .last()
                    .unwrap()
                    .starts_with("resetctl: error: "),
                "{}: {text}",
                case.name
            );
            assert!(!text.contains("panicked"));
        } else {
            assert_one_line_error(&out.stderr, "");
        }
        if readable {
            assert_eq!(dump(&env), before, "{}: the database changed", case.name);
        }
        if case.code != 77 {
            assert_eq!(
                std::fs::read(&env.db).unwrap(),
                bytes,
                "{}: the file changed",
                case.name
            );
        }
    }
    assert!(
        wrong.is_empty(),
        "unexpected exit codes:\n{}",
        wrong.join("\n")
    );
}

#[test]
fn read_only_directory_and_locked_database() {
    // A database in a directory nobody but root may write, run as nobody:
    // SQLite cannot make its journal, so a write is refused (74).
    let env = TestEnv::demo();
    env.issue("alice");
    std::fs::set_permissions(&env.db, std::fs::Permissions::from_mode(0o666)).unwrap();
    std::fs::set_permissions(env.dir.path(), std::fs::Permissions::from_mode(0o555)).unwrap();
    let before = dump(&env);
    let out = std::process::Command::new("setpriv")
        .args([
            "--reuid=65534",
            "--regid=65534",
            "--clear-groups",
            bin(),
            "issue",
            "bob",
        ])
        .env("RESETCTL_DB", &env.db)
        .env("RESETCTL_NOW", NOW)
        .output()
        .unwrap();
    std::fs::set_permissions(env.dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    assert_eq!(
        out.status.code(),
        Some(74),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_one_line_error(&out.stderr, "");
    assert_eq!(dump(&env), before);

    // Locked by another process's exclusive transaction past busy_timeout.
    let cfg = env.config("busy_timeout = \"1s\"\n");
    let app = env.conn();
    app.execute_batch("BEGIN EXCLUSIVE").unwrap();
    let out = env.cmd_with(&cfg).args(["issue", "bob"]).output().unwrap();
    app.execute_batch("ROLLBACK").unwrap();
    assert_eq!(out.status.code(), Some(75));
    assert_one_line_error(&out.stderr, "locked by another process (waited 1s)");
    assert_eq!(dump(&env), before);
}
