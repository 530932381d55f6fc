//! A Django site with the sites framework and no resetctl config: the
//! link goes to the domain of the django_site row of SITE_ID 1 (as
//! Django's own PasswordResetForm does through get_current_site), and
//! Django's PasswordResetConfirmView takes it.

use super::{bare, init, json_run, run, text};
use crate::common::TestEnv;
use crate::common::frameworks::{Django, OLD_PASSWORD};

/// The latest Django with django.contrib.sites, on the test's file.
pub fn django_with_sites() -> Django {
    Django::new(false).with("SITES", "1")
}

/// A site with user erin (erin@corp.co), its django_site row 1 moved to
/// shop.example.org by Django's own migration then SQL, prepared by
/// `init`.
pub fn site() -> (TestEnv, Django) {
    let env = TestEnv::empty();
    let django = django_with_sites();
    let made = django.call(
        &env.db,
        None,
        "create",
        &["erin", "erin@corp.co", OLD_PASSWORD],
    );
    assert!(made.ok, "{}", made.line);
    assert_eq!(
        env.value("SELECT domain FROM django_site WHERE id = 1")
            .as_deref(),
        Some("example.com"),
        "Django's own default site"
    );
    env.sql("UPDATE django_site SET domain = 'shop.example.org', name = 'Shop' WHERE id = 1");
    init(&env);
    (env, django)
}

/// The binary on the site's file with its SECRET_KEY, no config.
pub fn on_site(env: &TestEnv) -> assert_cmd::Command {
    let mut c = bare(env);
    c.arg("--db")
        .arg(&env.db)
        .env("RESETCTL_APP_SECRET", Django::SECRET);
    c
}

#[test]
fn the_link_is_on_the_django_site_domain_and_django_confirms_it() {
    let (env, django) = site();
    let doctor = json_run(on_site(&env), &["doctor"], 0);
    assert_eq!(doctor["framework"], "django", "{doctor}");
    assert_eq!(
        doctor["link"],
        "https://shop.example.org/reset/{uid}/{token}/"
    );
    assert_eq!(doctor["link_site"], "the django_site row of SITE_ID 1");
    let words = text(&run(on_site(&env), &["doctor"], 0).stdout);
    assert!(
        words.contains("Link         https://shop.example.org/reset/{uid}/{token}/ (site from the django_site row of SITE_ID 1)"),
        "{words}"
    );

    let before = django.row(&env.db, "erin");
    let out = run(on_site(&env), &["issue", "erin"], 0);
    assert_eq!(text(&out.stderr), "", "no example.com warning");
    let link = text(&out.stdout).lines().nth(1).unwrap().to_string();
    assert!(
        link.starts_with("https://shop.example.org/reset/MQ/"),
        "{link}"
    );
    assert_eq!(
        django.row(&env.db, "erin"),
        before,
        "issue changes nothing in auth_user"
    );
    let confirmed = django.confirm(&env.db, "2026-11-21T10:30:00Z", &link, "new password 22");
    assert!(confirmed.ok, "{}", confirmed.line);
    assert!(django.login(&env.db, "erin", "new password 22"));
    let actions = super::actions(&env);
    assert_eq!(actions, ["init ok", "issue ok"]);
}
