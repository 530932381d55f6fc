//! What the app's env file says lies under everything resetctl is told:
//! `--db` and RESETCTL_DB over DATABASE_URL and DB_*, RESETCTL_SMTP_URL
//! over MAIL_*, RESETCTL_BASE_URL and `[token] base_url` over APP_URL,
//! and a whole `[token] link` over all of them.

use std::path::PathBuf;

use super::{init, json_run, run, set_keys, text, with_app_env};
use crate::common::frameworks::{Framework, Laravel, OLD_PASSWORD};
use crate::common::smtp::SmtpServer;
use crate::common::{TestEnv, closed_port};

const EMAIL: &str = "dave@corp.co";

/// A Laravel 8 app on the test's SQLite file (made by Laravel, prepared
/// by `init`), and a `.env` that names another database, APP_URL and a
/// mail server on `mail_port`.
fn app(mail_port: u16) -> (TestEnv, PathBuf) {
    let env = TestEnv::empty();
    Laravel::new("password_resets").create_user(&env.db, EMAIL, OLD_PASSWORD);
    init(&env);
    let file = env.path(".env");
    let keys = [
        ("DATABASE_URL", "sqlite:elsewhere.sqlite".to_string()),
        ("APP_URL", "https://shop.example.org".to_string()),
        ("MAIL_HOST", "127.0.0.1".to_string()),
        ("MAIL_PORT", mail_port.to_string()),
        ("MAIL_FROM_ADDRESS", "shop@example.org".to_string()),
    ];
    let stock = super::laravel8_example().replace(
        "DB_CONNECTION=mysql\n",
        "DATABASE_URL=x\nDB_CONNECTION=mysql\n",
    );
    std::fs::write(&file, set_keys(&stock, &keys)).unwrap();
    (env, file)
}

/// The reset rows Laravel's table holds for EMAIL.
fn reset_rows(env: &TestEnv) -> String {
    env.value(&format!(
        "SELECT count(*) FROM password_resets WHERE email = '{EMAIL}'"
    ))
    .unwrap()
}

#[test]
fn db_flag_and_resetctl_db_win_over_the_files_database() {
    let (env, file) = app(closed_port());
    // Alone, the file names a database that is not there.
    let alone = run(with_app_env(&env, &file), &["inspect", EMAIL], 66);
    assert!(
        text(&alone.stderr).contains("elsewhere.sqlite"),
        "{}",
        text(&alone.stderr)
    );
    assert!(!env.path("elsewhere.sqlite").exists());
    for how in ["--db", "RESETCTL_DB"] {
        let mut c = with_app_env(&env, &file);
        match how {
            "--db" => c.arg("--db").arg(&env.db),
            _ => c.env("RESETCTL_DB", &env.db),
        };
        let doctor = json_run(c, &["doctor"], 0);
        assert_eq!(
            doctor["database"]["path"],
            env.db.display().to_string(),
            "{how}"
        );
        assert_eq!(doctor["framework"], "laravel");
        assert_eq!(
            doctor["link_site"],
            format!("APP_URL in {}", file.display())
        );
        // doctor names only the keys in force.
        let keys = doctor["app_env"]["keys"].to_string();
        assert!(
            !keys.contains("DATABASE_URL") && keys.contains("APP_URL"),
            "{how}: {keys}"
        );
    }
    let issued = json_run(
        with_app_env(&env, &file).arg("--db").arg(&env.db),
        &["issue", EMAIL],
        0,
    );
    assert!(
        issued["link"]
            .as_str()
            .unwrap()
            .starts_with("https://shop.example.org/reset-password/")
    );
    assert_eq!(reset_rows(&env), "1");
    assert!(!env.path("elsewhere.sqlite").exists());
}

#[test]
fn resetctl_smtp_url_wins_over_the_files_mail_server_but_not_its_sender() {
    let (env, file) = app(closed_port());
    let smtp = SmtpServer::start(&env.path("smtp"), &[]);
    let url = format!("smtp://127.0.0.1:{}", smtp.port);
    let c = || {
        let mut c = with_app_env(&env, &file);
        c.arg("--db").arg(&env.db).env("RESETCTL_SMTP_URL", &url);
        c
    };
    let doctor = json_run(c(), &["doctor"], 0);
    assert_eq!(
        doctor["email"]["transport"],
        format!("{url}, from Laravel <shop@example.org>")
    );
    assert_eq!(
        doctor["app_env"]["keys"],
        serde_json::json!(["APP_URL", "MAIL_FROM_ADDRESS", "MAIL_FROM_NAME"]),
        "MAIL_HOST and MAIL_PORT are not in force"
    );
    let sent = run(c(), &["issue", "--send", EMAIL], 0);
    assert!(
        text(&sent.stdout).starts_with("Sent a reset link to d***@corp.co"),
        "{}",
        text(&sent.stdout)
    );
    let mail = smtp.messages();
    assert_eq!(
        mail.len(),
        1,
        "the mail went to RESETCTL_SMTP_URL, not MAIL_PORT"
    );
    assert_eq!(mail[0].header("From"), Some("Laravel <shop@example.org>"));
    assert!(
        mail[0]
            .text
            .contains("https://shop.example.org/reset-password/")
    );
    assert_eq!(reset_rows(&env), "1");
    let actions = super::actions(&env);
    assert_eq!(actions, ["init ok", "issue ok", "email ok"]);
    // Without it, the file's server (nothing listens there) is tried.
    let failed = run(
        with_app_env(&env, &file).arg("--db").arg(&env.db),
        &["issue", "--send", EMAIL],
        75,
    );
    assert!(
        text(&failed.stderr).contains("127.0.0.1"),
        "{}",
        text(&failed.stderr)
    );
    assert_eq!(smtp.messages().len(), 1);
}

#[test]
fn resetctls_own_site_and_a_whole_link_win_over_app_url() {
    let (env, file) = app(closed_port());
    let doctor = |config: Option<&str>, base: Option<&str>| {
        let mut c = with_app_env(&env, &file);
        c.arg("--db").arg(&env.db);
        if let Some(text) = config {
            c.arg("--config").arg(env.config(text));
        }
        if let Some(base) = base {
            c.env("RESETCTL_BASE_URL", base);
        }
        let v = json_run(c, &["doctor"], 0);
        let keys = v["app_env"]["keys"].to_string();
        assert_eq!(
            keys.contains("APP_URL"),
            v["link_site"].to_string().contains("APP_URL"),
            "{keys}"
        );
        (
            v["link"].as_str().unwrap().to_string(),
            v["link_site"].clone(),
        )
    };
    let path = "/reset-password/{token}?email={email}";
    let base_url = "[token]\nbase_url = \"https://config.example.net/app/\"\n";
    let link = "[token]\nlink = \"https://fixed.example.net/r/{token}?e={email}\"\n";
    let cases = [
        (
            None,
            None,
            format!("https://shop.example.org{path}"),
            format!("APP_URL in {}", file.display()),
        ),
        (
            Some(base_url),
            None,
            format!("https://config.example.net/app{path}"),
            "[token] base_url".into(),
        ),
        (
            Some(base_url),
            Some("https://env.example.net"),
            format!("https://env.example.net{path}"),
            "RESETCTL_BASE_URL".into(),
        ),
        (
            None,
            Some("https://env.example.net"),
            format!("https://env.example.net{path}"),
            "RESETCTL_BASE_URL".into(),
        ),
    ];
    for (config, base, want, site) in cases {
        assert_eq!(
            doctor(config, base),
            (want, serde_json::Value::from(site)),
            "{config:?} {base:?}"
        );
    }
    let (fixed, site) = doctor(Some(link), Some("https://env.example.net"));
    assert_eq!(fixed, "https://fixed.example.net/r/{token}?e={email}");
    assert!(site.is_null(), "{site}");
    // The printed link is that link.
    let mut c = with_app_env(&env, &file);
    c.arg("--db")
        .arg(&env.db)
        .arg("--config")
        .arg(env.config(link))
        .env("RESETCTL_BASE_URL", "https://env.example.net");
    let out = run(c, &["issue", EMAIL], 0);
    let stdout = text(&out.stdout);
    let line = stdout.lines().nth(1).unwrap();
    assert!(
        line.starts_with("https://fixed.example.net/r/") && line.ends_with("?e=dave%40corp.co"),
        "{stdout}"
    );
    assert_eq!(text(&out.stderr), "");
    assert_eq!(reset_rows(&env), "1");
}
