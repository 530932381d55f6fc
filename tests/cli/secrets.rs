//! Secrets stay secret: every command run with known secrets, and every
//! output, the audit table and every mail scanned for them; help, usage
//! errors and config errors that never show a secret they were given.

use crate::common::smtp::SmtpServer;
use crate::common::{TestEnv, assert_one_line_error, json, sha256_hex};

const PASSWORD: &str = "Known-Passw0rd-42";

const SMTP_PASSWORD: &str = "Smtp-Secret-9";

#[test]
fn no_command_shows_a_token_its_hash_or_a_password_where_it_must_not() {
    let env = TestEnv::demo();
    let server = SmtpServer::start(
        env.dir.path(),
        &["--auth", &format!("mailer:{SMTP_PASSWORD}")],
    );
    let cfg = env.config(&format!(
        "[email]\nfrom = \"Support <support@example.com>\"\ntransport = \"smtp://mailer:{SMTP_PASSWORD}@127.0.0.1:{}\"\n[limits]\nissue = \"off\"\n",
        server.port
    ));
    let run = |args: &[&str], stdin: &str| {
        let out = env
            .cmd_with(&cfg)
            .args(args)
            .write_stdin(stdin.to_string())
            .output()
            .unwrap();
        (
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    // The one place the contract prints a token: issue without --send.
    let (printed, _) = run(&["--json", "issue", "alice"], "");
    let token = json(printed.as_bytes())["token"]
        .as_str()
        .unwrap()
        .to_string();
    let hash = sha256_hex(&token);

    let mut outputs = Vec::new();
    let mut scan = |args: &[&str], stdin: &str| outputs.push((args.join(" "), run(args, stdin)));
    scan(&["inspect", "alice"], "");
    scan(&["--json", "inspect", "alice"], "");
    scan(&["inspect", "--token", "-"], &format!("{token}\n"));
    scan(
        &["--json", "inspect", "--token", "-"],
        &format!("https://example.com/reset-password?token={token}\n"),
    );
    scan(&["list"], "");
    scan(&["--json", "list"], "");
    scan(
        &["redeem", "-", "--password-stdin"],
        &format!("{token}\nshort\n"),
    );
    scan(
        &["redeem", "-", "--password-stdin", "--notify"],
        &format!("{token}\n{PASSWORD}\n"),
    );
    scan(
        &["redeem", "-", "--password-stdin"],
        &format!("{token}\n{PASSWORD}\n"),
    );
    scan(
        &["--json", "redeem", &token, "--password-stdin"],
        &format!("{PASSWORD}\n"),
    );
    scan(&["issue", "--send", "bob"], "");
    scan(&["--json", "issue", "--send", "carol"], "");
    scan(&["issue", &token], "");
    scan(&["audit"], "");
    scan(&["--json", "audit", "--limit", "0"], "");
    scan(&["revoke", "--all", "--yes"], "");
    scan(&["purge"], "");
    scan(&["--json", "issue", "--all", "--send", "--skip-active"], "");

    let audit = env
        .conn()
        .query_row("SELECT group_concat(coalesce(detail,'') || '|' || coalesce(subject,'') || '|' || coalesce(reason,'') || '|' || coalesce(expires,'') || '|' || coalesce(password_check,''), '\n') FROM resetctl_audit", [], |r| r.get::<_, String>(0))
        .unwrap();
    let stored_hash = env.password_hash(1).unwrap();
    let mut places: Vec<(String, String)> = outputs
        .into_iter()
        .flat_map(|(cmd, (out, err))| {
            [
                (format!("stdout of {cmd}"), out),
                (format!("stderr of {cmd}"), err),
            ]
        })
        .collect();
    places.push(("the audit table".into(), audit));
    for (i, m) in server.messages().into_iter().enumerate() {
        // A reset mail carries its own token by design; never the password,
        // a hash, or another user's token.
        places.push((format!("mail {i}"), m.raw.replace(&m.token_if_any(), "")));
    }
    for (place, text) in &places {
        for (what, secret) in [
            ("the token", token.as_str()),
            ("the token's hash", hash.as_str()),
            ("the password", PASSWORD),
            ("the password hash", stored_hash.as_str()),
            ("the SMTP password", SMTP_PASSWORD),
        ] {
            assert!(!text.contains(secret), "{what} appears in {place}:\n{text}");
        }
    }
    assert!(places.len() > 35, "{} places scanned", places.len());
}

const DB_PASSWORD: &str = "Db-Pa55word-7f3c";

const CONFIG_SECRET: &str = "Cfg-Secret-91ab";

// Proves --help (top level and subcommands) names env variables, never their values.
#[test]
fn help_names_environment_variables_without_their_values() {
    let env = TestEnv::demo();
    for args in [&["--help"][..], &["issue", "--help"], &["redeem", "--help"]] {
        let out = env
            .cmd()
            .env(
                "RESETCTL_DB",
                format!("postgres://app:{DB_PASSWORD}@db.internal/app"),
            )
            .env("RESETCTL_CONFIG", format!("/etc/{CONFIG_SECRET}.toml"))
            .args(args)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{args:?}");
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(!text.contains(DB_PASSWORD), "{args:?}:\n{text}");
        assert!(!text.contains(CONFIG_SECRET), "{args:?}:\n{text}");
        assert!(text.contains("RESETCTL_DB"), "{args:?}:\n{text}");
        assert!(text.contains("RESETCTL_CONFIG"), "{args:?}:\n{text}");
    }
}

// Proves a usage error never echoes what was typed, yet names the CLI's own flags.
#[test]
fn usage_errors_never_echo_what_was_typed() {
    let env = TestEnv::demo();
    let token = env.issue("alice");
    let before = env.bytes();
    let devise = "-Zx3abcdefghijklmnop";
    let cases: [(&[&str], &str, &str); 10] = [
        (&["redeem", &token, &token], &token, "unexpected argument"),
        (&["inspect", "alice", &token], &token, "unexpected argument"),
        (
            &["inspect", "--token", &token, "bob", &token],
            &token,
            "unexpected argument",
        ),
        (
            &["redeem", "--password=hunter2x", &token],
            "hunter2x",
            "unexpected argument",
        ),
        (
            &["issue", "--by", "nosuch", "alice"],
            "nosuch",
            "'--by <BY>'",
        ),
        (&["inspect", devise], "-Z", "unexpected argument"),
        (&["revoke", devise], "-Z", "unexpected argument"),
        (&["isue", "alice"], "isue", "unrecognized subcommand"),
        (
            &["--color", "sometimes", "list"],
            "sometimes",
            "'--color <WHEN>'",
        ),
        (&["list", "--colr=never"], "colr", "unexpected argument"),
    ];
    for (args, secret, shown) in cases {
        let out = env.cmd().args(args).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert_one_line_error(&out.stderr, shown);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!stderr.contains(secret), "{args:?}:\n{stderr}");
        assert!(!stderr.contains(&token), "{args:?}:\n{stderr}");
        assert!(stderr.contains("not shown"), "{args:?}:\n{stderr}");
        assert!(out.stdout.is_empty(), "{args:?}");
    }
    // The words that help stay: a similar flag, the choices, the usage.
    let out = env.cmd().args(["list", "--colr=never"]).output().unwrap();
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("hint: a similar argument exists: '--color'")
    );
    let out = env
        .cmd()
        .args(["--color", "sometimes", "list"])
        .output()
        .unwrap();
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("[possible values: auto, always, never]")
    );
    let out = env.cmd().args(["redeem", &token, &token]).output().unwrap();
    assert!(
        String::from_utf8_lossy(&out.stderr)
            .contains("hint: usage: resetctl redeem [OPTIONS] <TOKEN>")
    );
    // A token given as the USER of `inspect --token` is refused by resetctl
    // itself (65), without echo, as any token where a USER belongs.
    let out = env
        .cmd()
        .args(["inspect", "--token", &token, &token])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(65));
    assert_one_line_error(&out.stderr, "not a user");
    assert!(!String::from_utf8_lossy(&out.stderr).contains(&token));
    assert_eq!(env.bytes(), before);
}

// Proves a config error on a secret-bearing or unknown key names it, never its value.
#[test]
fn config_errors_never_quote_a_secret_value() {
    let env = TestEnv::demo();
    let before = env.bytes();
    let cases = [
        (
            "[django]\nsecret_key_fallbacks = \"FALLBACK-SECRET\"\n",
            "FALLBACK-SECRET",
            "(django.secret_key_fallbacks): invalid type: string, expected a sequence",
        ),
        (
            "[django]\nsecret_key_fallbacks = [918273645]\n",
            "918273645",
            "(django.secret_key_fallbacks): invalid type: integer, expected a string",
        ),
        (
            "[django]\nsecret_key_fallbacks = [\n  \"old-key\",\n  918273645,\n]\n",
            "918273645",
            "line 4 (django.secret_key_fallbacks)",
        ),
        (
            "[django]\nsecret_key = 918273645\n",
            "918273645",
            "(django.secret_key): invalid type: integer, expected a string",
        ),
        (
            "django = {\n  secret_key = 918273645,\n}\n",
            "918273645",
            "(django.secret_key)",
        ),
        (
            "django = \"DJANGO-SECRET\"\n",
            "DJANGO-SECRET",
            "(django): invalid type: string",
        ),
        (
            "[devise]\nsecret_key_base = 918273645\n",
            "918273645",
            "(devise.secret_key_base)",
        ),
        (
            "[devise]\npepper = 918.273645\n",
            "918.273645",
            "(devise.pepper)",
        ),
        (
            "database = 918273645\n",
            "918273645",
            "(database): invalid type: integer",
        ),
        (
            "[email]\ntransport = 918273645\n",
            "918273645",
            "(email.transport)",
        ),
        // Syntax errors on a secret's line: an unterminated string, a bad
        // escape, a multi-line string never closed, text after the value.
        (
            "[django]\nsecret_key = \"SECRET-abc\n",
            "SECRET-abc",
            "(django.secret_key): invalid basic string",
        ),
        (
            "[django]\nsecret_key = \"SECRET-\\qabc\"\n",
            "SECRET-",
            "(django.secret_key): missing escaped value",
        ),
        (
            "[email]\ntransport = \"\"\"smtp://u:SECRET-pw@mail\nport = 25\n",
            "SECRET-pw",
            "(email.transport)",
        ),
        (
            "[django]\nsecret_key = \"SECRET-\\\"x\" tail\n",
            "SECRET-",
            "(django.secret_key): unexpected key or value",
        ),
    ];
    for (config, secret, want) in cases {
        let cfg = env.config(config);
        let out = env.cmd_with(&cfg).arg("list").output().unwrap();
        assert_eq!(out.status.code(), Some(78), "{config}");
        assert_one_line_error(&out.stderr, want);
        for stream in [&out.stdout, &out.stderr] {
            let text = String::from_utf8_lossy(stream);
            assert!(!text.contains(secret), "{config}:\n{text}");
        }
    }
    // Other keys keep their words, value and all.
    let cfg = env.config("[password]\nmin_length = \"eight\"\n");
    let out = env.cmd_with(&cfg).arg("list").output().unwrap();
    assert_eq!(out.status.code(), Some(78));
    assert_one_line_error(
        &out.stderr,
        "line 2 (password.min_length): invalid type: string \"eight\", expected usize",
    );
    assert_eq!(env.bytes(), before);
}
