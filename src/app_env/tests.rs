use std::path::Path;

use super::*;

const LARAVEL_8: &str = include_str!("../../tests/support/app_env/laravel-8.env.example");
const LARAVEL_11: &str = include_str!("../../tests/support/app_env/laravel-11.env.example");

/// The file written into a fresh folder and read back.
fn read(text: &str) -> (tempfile::TempDir, Result<AppEnv>) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(".env");
    std::fs::write(&path, text).unwrap();
    let env = AppEnv::read(&path);
    (dir, env)
}

fn load(text: &str) -> (tempfile::TempDir, AppEnv) {
    let (dir, env) = read(text);
    (dir, env.unwrap_or_else(|e| panic!("{text:?}: {e}")))
}

fn db(text: &str) -> String {
    let (_dir, env) = load(text);
    env.database.expect("a database").value.to_string()
}

fn db_error(text: &str) -> Error {
    let (_dir, env) = read(text);
    let e = env.expect_err(text);
    let shown = format!("{} {:?}", e.message, e.hint);
    assert!(!shown.contains("PW9"), "{shown}");
    e
}

fn transport(text: &str) -> Option<String> {
    let (_dir, env) = load(text);
    env.mail_transport.map(|t| t.value.expose().to_string())
}

#[test]
fn laravel_8_stock_file() {
    let (_dir, env) = load(LARAVEL_8);
    let database = env.database.as_ref().unwrap();
    assert_eq!(
        database.value.to_string(),
        "mysql://root@127.0.0.1:3306/laravel"
    );
    assert_eq!(
        database.keys,
        [
            "DB_CONNECTION",
            "DB_HOST",
            "DB_PORT",
            "DB_DATABASE",
            "DB_USERNAME",
            "DB_PASSWORD"
        ]
    );
    assert_eq!(env.site.as_ref().unwrap().value, "http://localhost");
    let t = env.mail_transport.as_ref().unwrap();
    assert_eq!(t.value.expose(), "smtp://mailhog:1025?tls=opportunistic");
    assert_eq!(
        t.keys,
        ["MAIL_MAILER", "MAIL_HOST", "MAIL_PORT", "MAIL_ENCRYPTION"]
    );
    assert!(env.mail_from.is_none(), "MAIL_FROM_ADDRESS=null");
    assert!(env.secret_key_base.is_none());
    assert_eq!(
        env.keys_used(),
        [
            "DB_CONNECTION",
            "DB_HOST",
            "DB_PORT",
            "DB_DATABASE",
            "DB_USERNAME",
            "DB_PASSWORD",
            "APP_URL",
            "MAIL_MAILER",
            "MAIL_HOST",
            "MAIL_PORT",
            "MAIL_ENCRYPTION"
        ]
    );
}

#[test]
fn laravel_11_stock_file() {
    let (dir, env) = load(LARAVEL_11);
    let database = env.database.as_ref().unwrap();
    let want = dir.path().join("database/database.sqlite");
    assert_eq!(database.value.file(), Some(want.as_path()));
    assert_eq!(database.keys, ["DB_CONNECTION"]);
    assert!(env.mail_transport.is_none(), "MAIL_MAILER=log");
    assert_eq!(env.mail_notes.len(), 1);
    assert!(
        env.mail_notes[0].contains("MAIL_MAILER='log'"),
        "{:?}",
        env.mail_notes
    );
    let from = env.mail_from.as_ref().unwrap();
    assert_eq!(from.value, "Laravel <hello@example.com>");
    assert_eq!(from.keys, ["MAIL_FROM_ADDRESS", "MAIL_FROM_NAME"]);
    assert_eq!(
        env.keys_used(),
        [
            "DB_CONNECTION",
            "APP_URL",
            "MAIL_FROM_ADDRESS",
            "MAIL_FROM_NAME"
        ]
    );
}

#[test]
fn each_db_connection() {
    let (dir, env) = load("DB_CONNECTION=sqlite\nDB_DATABASE=storage/app.db\n");
    let file = env.database.unwrap().value;
    assert_eq!(
        file.file(),
        Some(dir.path().join("storage/app.db").as_path())
    );
    assert_eq!(
        db("DB_CONNECTION=sqlite\nDB_DATABASE=/srv/app.db\n"),
        "/srv/app.db"
    );
    let server = "DB_HOST=db.internal\nDB_DATABASE=app\nDB_USERNAME=u\nDB_PASSWORD=PW9\n";
    for (connection, want) in [
        ("mysql", "mysql://u@db.internal:3306/app"),
        ("mariadb", "mysql://u@db.internal:3306/app"),
        ("pgsql", "postgres://u@db.internal:5432/app"),
    ] {
        let text = format!("DB_CONNECTION={connection}\n{server}");
        assert_eq!(db(&text), want);
        assert_eq!(
            db(&format!("{text}DB_PORT=7\n")),
            want.replace(":3306", ":7").replace(":5432", ":7")
        );
    }
    let e = db_error(&format!("DB_CONNECTION=sqlsrv\n{server}"));
    assert_eq!(e.exit_code(), 78);
    assert!(
        e.message.contains("DB_CONNECTION='sqlsrv'") && e.message.contains("pgsql"),
        "{}",
        e.message
    );
    assert!(e.message.starts_with("app env file "), "{}", e.message);
    let e = db_error("DB_CONNECTION=mysql\nDB_PASSWORD=PW9\n");
    assert!(e.message.contains("DB_DATABASE"), "{}", e.message);
    db_error("DB_CONNECTION=pgsql\nDB_DATABASE=a\nDB_USERNAME=u\nDB_PORT=PW9\n");
    db_error("DB_CONNECTION=sqlite\nDB_DATABASE=:memory:\n");
    let (_dir, env) = load("DB_HOST=x\nDB_DATABASE=y\n");
    assert!(env.database.is_none(), "no DB_CONNECTION, no URL");
}

#[test]
fn server_urls_encode_every_part() {
    let parts = database::ServerParts {
        host: "::1".into(),
        port: 3306,
        database: "my db".into(),
        user: Some("a@b:c".into()),
        password: Some(Zeroizing::new("p%41/ss@:#?w".into())),
    };
    let url = parts.url("mysql").unwrap();
    let parsed = url::Url::parse(&url).unwrap();
    assert_eq!(parsed.host_str(), Some("[::1]"));
    let decoded = |s: &str| crate::text::percent_decoded(s).unwrap();
    assert_eq!(decoded(parsed.username()), "a@b:c");
    assert_eq!(decoded(parsed.password().unwrap()), "p%41/ss@:#?w");
    assert_eq!(decoded(parsed.path()), "/my db");
    assert!(Location::parse(Path::new(url.as_str()), None).is_ok());
}

#[test]
fn database_urls() {
    let (dir, env) = load("DATABASE_URL=sqlite3:db/production.sqlite3?pool=5\n");
    let want = dir.path().join("db/production.sqlite3");
    assert_eq!(env.database.unwrap().value.file(), Some(want.as_path()));
    assert_eq!(db("DATABASE_URL=sqlite:///srv/app.db\n"), "/srv/app.db");
    assert_eq!(db("DATABASE_URL=sqlite:/srv/app.db\n"), "/srv/app.db");
    for (url, want) in [
        ("postgresql://u:PW9@h/app", "postgres://u@h:5432/app"),
        ("pgsql://u:PW9@h:6/app", "postgres://u@h:6/app"),
        ("mysql2://u:PW9@h/app", "mysql://u@h:3306/app"),
        ("mariadb://u:PW9@h/app", "mariadb://u@h:3306/app"),
    ] {
        assert_eq!(db(&format!("DATABASE_URL={url}\n")), want, "{url}");
    }
    let (_dir, env) = load("DB_URL=\"postgres://u@h/b\"\nDB_CONNECTION=sqlite\n");
    let database = env.database.unwrap();
    assert_eq!(database.value.to_string(), "postgres://u@h:5432/b");
    assert_eq!(database.keys, ["DB_URL"]);
    assert_eq!(
        db("DATABASE_URL=postgres://u@one/a\nDB_URL=postgres://u@two/a\n"),
        "postgres://u@one:5432/a"
    );
    assert_eq!(
        db("DATABASE_URL=null\nDB_URL=postgres://u@two/a\n"),
        "postgres://u@two:5432/a"
    );
    let e = db_error("DATABASE_URL=sqlserver://u:PW9@h/app\n");
    assert!(e.message.contains("DATABASE_URL: "), "{}", e.message);
    db_error("DATABASE_URL=sqlite://PW9/app.db\n");
    db_error("DATABASE_URL=sqlite::memory:\n");
}

#[test]
fn mail_transports() {
    let smtp = "MAIL_MAILER=smtp\nMAIL_HOST=mail.example.com\n";
    for (more, want) in [
        ("", "smtp://mail.example.com?tls=opportunistic"),
        (
            "MAIL_PORT=587\nMAIL_ENCRYPTION=tls\n",
            "smtp://mail.example.com:587?tls=required",
        ),
        (
            "MAIL_PORT=465\nMAIL_ENCRYPTION=tls\n",
            "smtps://mail.example.com:465",
        ),
        ("MAIL_PORT=465\n", "smtps://mail.example.com:465"),
        ("MAIL_ENCRYPTION=ssl\n", "smtps://mail.example.com"),
        (
            "MAIL_ENCRYPTION=(null)\n",
            "smtp://mail.example.com?tls=opportunistic",
        ),
        (
            "MAIL_SCHEME=smtps\nMAIL_ENCRYPTION=tls\n",
            "smtps://mail.example.com",
        ),
        (
            "MAIL_SCHEME=smtp\nMAIL_ENCRYPTION=ssl\n",
            "smtp://mail.example.com?tls=opportunistic",
        ),
        (
            "MAIL_SCHEME=null\nMAIL_ENCRYPTION=tls\n",
            "smtp://mail.example.com?tls=required",
        ),
    ] {
        assert_eq!(
            transport(&format!("{smtp}{more}")).as_deref(),
            Some(want),
            "{more}"
        );
    }
}

#[test]
fn mail_credentials_sendmail_and_notes() {
    let smtp = "MAIL_MAILER=smtp\nMAIL_HOST=mail.example.com\n";
    let with_user =
        format!("{smtp}MAIL_USERNAME=me@example.com\nMAIL_PASSWORD=\"p@ss:w%rd PW9\"\n");
    let (_dir, env) = load(&with_user);
    let t = env.mail_transport.unwrap();
    let url = url::Url::parse(t.value.expose()).unwrap();
    let decoded = |s: &str| crate::text::percent_decoded(s).unwrap();
    assert_eq!(decoded(url.username()), "me@example.com");
    assert_eq!(decoded(url.password().unwrap()), "p@ss:w%rd PW9");
    assert!(t.keys.contains(&"MAIL_PASSWORD"));
    assert!(
        !format!("{t:?}").contains("PW9"),
        "Debug hides the password"
    );
    let e = "MAIL_USERNAME=null\nMAIL_PASSWORD=PW9\n";
    assert_eq!(
        transport(&format!("{smtp}{e}")).as_deref(),
        Some("smtp://mail.example.com?tls=opportunistic")
    );
    assert_eq!(
        transport("MAIL_MAILER=sendmail\n").as_deref(),
        Some("sendmail")
    );
    assert_eq!(
        transport("MAIL_DRIVER=sendmail\nMAIL_SENDMAIL_PATH=\"/usr/sbin/sendmail -bs -i\"\n")
            .as_deref(),
        Some("sendmail:/usr/sbin/sendmail")
    );
    for (text, note) in [
        ("MAIL_MAILER=array\n", "MAIL_MAILER='array'"),
        ("MAIL_MAILER=smtp\n", "MAIL_HOST"),
        (
            &format!("{smtp}MAIL_ENCRYPTION=starttls\n") as &str,
            "MAIL_ENCRYPTION='starttls'",
        ),
        (&format!("{smtp}MAIL_SCHEME=ftp\n"), "MAIL_SCHEME='ftp'"),
        (&format!("{smtp}MAIL_PORT=PW9\n"), "MAIL_PORT"),
    ] {
        let (_dir, env) = load(text);
        assert!(env.mail_transport.is_none(), "{text}");
        assert!(env.mail_notes[0].contains(note), "{:?}", env.mail_notes);
        assert!(!env.mail_notes[0].contains("PW9"));
    }
    assert_eq!(transport("MAIL_HOST=x\n"), None);
}

#[test]
fn senders() {
    let from = |text: &str| load(text).1.mail_from.map(|f| f.value);
    assert_eq!(
        from("MAIL_FROM_ADDRESS=a@example.com\n").as_deref(),
        Some("a@example.com")
    );
    let name = "MAIL_FROM_ADDRESS=a@example.com\nMAIL_FROM_NAME=\"Zoë's Café, Inc. \\\"HQ\\\"\"\n";
    let value = from(name).unwrap();
    let mailbox: lettre::message::Mailbox = value.parse().unwrap();
    assert_eq!(mailbox.name.as_deref(), Some("Zoë's Café, Inc. \"HQ\""));
    assert_eq!(mailbox.email.to_string(), "a@example.com");
    let (_dir, env) = load("MAIL_FROM_ADDRESS=not-an-address\n");
    assert!(env.mail_from.is_none());
    assert!(env.mail_notes[0].contains("MAIL_FROM_ADDRESS"));
}

#[test]
fn sites_and_secrets() {
    let site = |text: &str| load(text).1.site.map(|s| (s.value, s.keys));
    assert_eq!(
        site("APP_URL=https://app.example.com/\n"),
        Some(("https://app.example.com".into(), vec!["APP_URL"]))
    );
    let both = "BETTER_AUTH_URL=https://auth.example.com\nAPP_URL=https://app.example.com\n";
    assert_eq!(site(both).unwrap().0, "https://app.example.com");
    let fallback = "APP_URL=null\nBETTER_AUTH_URL=https://auth.example.com//\n";
    assert_eq!(
        site(fallback),
        Some(("https://auth.example.com".into(), vec!["BETTER_AUTH_URL"]))
    );
    assert_eq!(site("APP_URL=ftp://x\n"), None);
    assert_eq!(
        site("APP_URL='https://q.example.com'\n").unwrap().0,
        "https://q.example.com"
    );
    let (_dir, env) = load("SECRET_KEY_BASE=PW9abc\n");
    let secret = env.secret_key_base.as_ref().unwrap();
    assert_eq!(secret.value.expose(), "PW9abc");
    assert!(!format!("{env:?}").contains("PW9"));
    assert!(load("SECRET_KEY_BASE=\n").1.secret_key_base.is_none());
}

#[test]
fn laravel_env_value_rules() {
    let vars = Vars::new(
        [
            ("A", "NULL"),
            ("B", "(empty)"),
            ("C", "'q'"),
            ("D", "\"q'"),
            ("E", "True"),
            ("F", "(false)"),
            ("G", "\"a\nb\""),
        ]
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .to_vec(),
    );
    assert_eq!(vars.env("A"), None);
    assert_eq!(vars.env("B").as_deref(), Some(""));
    assert_eq!(vars.env("C").as_deref(), Some("q"));
    assert_eq!(vars.env("D").as_deref(), Some("\"q'"));
    assert_eq!(vars.env("E").as_deref(), Some("1"));
    assert_eq!(vars.env("F").as_deref(), Some(""));
    assert_eq!(vars.env("G").as_deref(), Some("\"a\nb\""));
    assert_eq!(vars.env("Z"), None);
}

#[test]
fn read_errors() {
    let dir = tempfile::tempdir().unwrap();
    let e = AppEnv::read(&dir.path().join("missing.env")).unwrap_err();
    assert_eq!(e.exit_code(), 66);
    assert!(
        e.message.ends_with("missing.env does not exist"),
        "{}",
        e.message
    );
    let e = AppEnv::read(dir.path()).unwrap_err();
    assert_eq!(e.exit_code(), 66);
    assert!(e.message.ends_with("is a directory"), "{}", e.message);
    let (_dir, e) = read("A=1\n\nDB_PASSWORD=PW9 x\n");
    let e = e.unwrap_err();
    assert_eq!(e.exit_code(), 78);
    assert!(e.message.contains(".env: line 3: "), "{}", e.message);
    assert!(!e.message.contains("PW9"), "{}", e.message);
    let (_dir, e) = read("A=1\nB=PW9\u{0}\n");
    assert!(e.is_ok(), "NUL is a character like another");
    let dir2 = tempfile::tempdir().unwrap();
    let path = dir2.path().join(".env");
    std::fs::write(&path, b"A=1\nB=PW9\xff\n").unwrap();
    let e = AppEnv::read(&path).unwrap_err();
    assert_eq!(e.exit_code(), 78);
    assert!(e.message.contains("line 2: not UTF-8"), "{}", e.message);
}
