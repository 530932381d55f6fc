//! A Better Auth app with no resetctl config: its `.env` names the
//! database (DATABASE_URL) and the site (BETTER_AUTH_URL, which Better
//! Auth itself runs on), and Better Auth's own resetPassword takes the
//! token of the link resetctl prints on that site.

use super::{bare, json_run, run, text, with_app_env};
use crate::common::better_auth::BetterAuth;
use crate::common::frameworks::OLD_PASSWORD;
use crate::common::{NOW, TestEnv};

const EMAIL: &str = "dave@corp.co";
const SITE: &str = "https://auth.shop.example.org";

#[test]
fn the_link_is_on_better_auth_url_and_better_auths_reset_password_takes_it() {
    let env = TestEnv::empty();
    let ba = BetterAuth::new().with("BETTER_AUTH_URL", SITE);
    let db = env.db_value();
    ba.migrate(&db);
    ba.sign_up(&db, NOW, EMAIL, OLD_PASSWORD);
    let file = env.path(".env");
    std::fs::write(
        &file,
        format!(
            "# Better Auth\nBETTER_AUTH_SECRET=\"k3y-for-sessions-only\"\nBETTER_AUTH_URL={SITE}\nDATABASE_URL={}\n",
            env.db.display()
        ),
    )
    .unwrap();
    run(with_app_env(&env, &file), &["init"], 0);

    let doctor = json_run(with_app_env(&env, &file), &["doctor"], 0);
    assert_eq!(doctor["framework"], "better-auth", "{doctor}");
    assert_eq!(
        doctor["link_site"],
        format!("BETTER_AUTH_URL in {}", file.display())
    );
    assert_eq!(
        doctor["app_env"]["keys"],
        serde_json::json!(["DATABASE_URL", "BETTER_AUTH_URL"])
    );
    let words = text(&run(with_app_env(&env, &file), &["doctor"], 0).stdout);
    assert!(
        words.contains(&format!(
            "(site from BETTER_AUTH_URL in {})",
            file.display()
        )),
        "{words}"
    );

    let out = run(with_app_env(&env, &file), &["issue", EMAIL], 0);
    assert_eq!(text(&out.stderr), "", "no example.com warning");
    let link = text(&out.stdout).lines().nth(1).unwrap().to_string();
    let token = link
        .strip_prefix(&format!("{SITE}/api/auth/reset-password/"))
        .and_then(|rest| rest.split('?').next())
        .unwrap_or_else(|| panic!("{link}"))
        .to_string();
    assert_eq!(
        env.value("SELECT count(*) FROM verification").as_deref(),
        Some("1")
    );
    let reset = ba.reset(&db, "2026-11-21T10:30:00Z", &token, "new password 22");
    assert!(reset.ok, "{}", reset.line);
    assert!(
        ba.sign_in(&db, "2026-11-21T10:31:00Z", EMAIL, "new password 22")
            .ok
    );
    assert!(
        !ba.sign_in(&db, "2026-11-21T10:31:00Z", EMAIL, OLD_PASSWORD)
            .ok
    );
    assert_eq!(
        env.value("SELECT count(*) FROM verification").as_deref(),
        Some("0"),
        "Better Auth used the token up"
    );
    let actions = super::actions(&env);
    assert_eq!(actions, ["init ok", "issue ok"]);
    // Without the file, the link is on the example site.
    let mut plain = bare(&env);
    plain.arg("--db").arg(&env.db);
    let doctor = json_run(plain, &["doctor"], 0);
    assert!(
        doctor["link"]
            .as_str()
            .unwrap()
            .starts_with("https://example.com/"),
        "{doctor}"
    );
}
