//! A Laravel 8 app's real `.env` (the stock `.env.example` filled in),
//! read by Laravel itself (phpdotenv, config/database.php) and by resetctl
//! with nothing but `--app-env .env`: the same database, the link on
//! APP_URL, the mail through MAIL_* from MAIL_FROM_*, and Laravel's own
//! broker takes the token that arrives by mail.

use std::path::Path;

use super::{json_run, laravel_env_file, run, text, with_app_env};
use crate::common::frameworks::{Laravel, OLD_PASSWORD};
use crate::common::smtp::SmtpServer;
use crate::common::{NOW, TestEnv};
use crate::on_every_engine;

const EMAIL: &str = "dave@corp.co";

/// Laravel 8's broker on its `password_resets` table, booted from `file`.
pub fn laravel_from(file: &Path) -> Laravel {
    Laravel::new("password_resets").with("ENV_FILE", &file.display().to_string())
}

/// Laravel's database argument when its `.env` names the database.
pub fn from_file() -> &'static Path {
    Path::new("-")
}

/// Laravel's reading of its `.env`: connection, database, URL, mail.
fn laravel_reads(laravel: &Laravel) -> serde_json::Value {
    let a = laravel.call(from_file(), None, "env-config", &[]);
    assert!(a.ok, "{}", a.line);
    serde_json::from_str(&a.line).unwrap()
}

on_every_engine! {
    fn laravel_and_resetctl_read_one_env_file_and_laravel_takes_the_mailed_token(backend) {
        let env = TestEnv::empty_on(backend);
        let smtp = SmtpServer::start(&env.path("smtp"), &[]);
        let file = laravel_env_file(&env, smtp.port, &[]);
        let laravel = laravel_from(&file);
        let made = laravel.call(from_file(), None, "create", &[EMAIL, OLD_PASSWORD]);
        assert!(made.ok, "{}", made.line);

        // What Laravel read from the file is what resetctl reads from it.
        let theirs = laravel_reads(&laravel);
        assert_eq!(theirs["app_url"], "https://shop.example.org");
        assert_eq!(theirs["from_name"], "Laravel", "MAIL_FROM_NAME=\"${{APP_NAME}}\"");
        assert_eq!(theirs["from_address"], "shop@example.org");
        assert_eq!(theirs["mail_host"], "127.0.0.1");
        assert_eq!(theirs["mail_port"], smtp.port);
        let init = run(with_app_env(&env, &file), &["init"], 0);
        assert!(text(&init.stdout).contains("Created table resetctl_audit"), "{}", text(&init.stdout));

        let doctor = json_run(with_app_env(&env, &file), &["doctor"], 0);
        assert_eq!(doctor["framework"], "laravel", "{doctor}");
        assert_eq!(doctor["token_store"]["table"], "password_resets");
        assert_eq!(doctor["link"], "https://shop.example.org/reset-password/{token}?email={email}");
        assert_eq!(doctor["link_site"], format!("APP_URL in {}", file.display()));
        assert_eq!(
            doctor["email"]["transport"],
            format!("smtp://127.0.0.1:{}?tls=opportunistic, from Laravel <shop@example.org>", smtp.port)
        );
        let keys = doctor["app_env"]["keys"].to_string();
        for key in ["DB_CONNECTION", "DB_DATABASE", "APP_URL", "MAIL_HOST", "MAIL_PORT", "MAIL_FROM_NAME"] {
            assert!(keys.contains(key), "{key}: {keys}");
        }
        let database = doctor["database"].to_string();
        assert!(database.contains(theirs["database"].as_str().unwrap()), "{database} / {theirs}");
        if env.is_server() {
            assert!(database.contains(&format!("127.0.0.1:{}", theirs["port"])), "{database}");
        }

        let sent = run(with_app_env(&env, &file), &["issue", "--send", EMAIL], 0);
        assert_eq!(
            text(&sent.stdout),
            "Sent a reset link to d***@corp.co for dave <dave@corp.co>, valid until 2026-11-21T11:00:00Z (in 1h).\n"
        );
        assert_eq!(text(&sent.stderr), "", "no example.com warning: the link is on APP_URL");
        let mail = smtp.messages();
        assert_eq!(mail.len(), 1);
        let m = &mail[0];
        assert_eq!(m.header("From"), Some("Laravel <shop@example.org>"), "{}", m.raw);
        let link = m
            .text
            .lines()
            .find(|l| l.starts_with("https://"))
            .unwrap_or_else(|| panic!("no link in:\n{}", m.text));
        let token = link
            .strip_prefix("https://shop.example.org/reset-password/")
            .and_then(|rest| rest.strip_suffix("?email=dave%40corp.co"))
            .unwrap_or_else(|| panic!("{link}"));
        assert!(crate::common::is_token(token), "{link}");

        // Laravel's own broker, booted from the same file, takes it.
        assert!(laravel.token_exists(from_file(), NOW, EMAIL, token));
        let reset = laravel.call(from_file(), Some("2026-11-21T10:30:00Z"), "reset", &[EMAIL, token, "new password 22"]);
        assert!(reset.ok, "{}", reset.line);
        assert!(laravel.check(from_file(), EMAIL, "new password 22"));
        assert!(!laravel.check(from_file(), EMAIL, OLD_PASSWORD));
        assert!(laravel.row(from_file(), EMAIL).contains("reset: none"));

        let audit: Vec<(String, String)> = env
            .audit()
            .into_iter()
            .map(|r| (r.action, r.outcome))
            .collect();
        assert_eq!(
            audit,
            [("init", "ok"), ("issue", "ok"), ("email", "ok")].map(|(a, o)| (a.to_string(), o.to_string())),
        );
        assert!(!env.all_text().contains(token));
    }
}
