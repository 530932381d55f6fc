//! Secrets stay secret: every command run with known secrets, and every
//! output, the audit table and every mail scanned for them.

use crate::common::smtp::SmtpServer;
use crate::common::{TestEnv, json, sha256_hex};

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
