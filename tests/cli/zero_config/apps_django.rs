//! Django and django-allauth sites, made by Django's own migrations and
//! `create_user` on every engine, with no config file: resetctl names the
//! app and what showed it, and Django's (or allauth's) own reset view
//! takes the link it prints.

use super::{
    assert_audit_init_then_issue, audit, db_arg, init_and_doctor, issue, made_by, run_code, stderr,
};
use crate::common::assert_one_line_error;
use crate::common::frameworks::{Allauth, Django, OLD_PASSWORD};
use crate::on_every_engine;

const SECRET: Option<&str> = Some(Django::SECRET);

on_every_engine! {
    fn a_django_site_is_recognised_and_its_reset_view_takes_the_link(backend) {
        let django = Django::new(false);
        let env = made_by(&django, backend, &["alice"]);
        let db = db_arg(&env);
        init_and_doctor(&env, SECRET, "django", "recognised by table auth_user");
        let before = django.row(&db, "alice");

        // Without the app's secret nothing is issued.
        let out = run_code(&env, None, &["issue", "alice"], 78);
        assert_one_line_error(&out.stderr, "needs the app's SECRET_KEY");
        assert_eq!(audit(&env).len(), 1, "{}", stderr(&out));

        let v = issue(&env, SECRET, "alice");
        let link = v["link"].as_str().unwrap().to_string();
        assert!(link.starts_with("https://example.com/reset/MQ/"), "{link}");
        // Django stores nothing: the row is as it was, the audit has the issue.
        assert_eq!(django.row(&db, "alice"), before);
        assert_audit_init_then_issue(&env, "1", "2026-11-24T10:00:00Z", "3d");

        let a = django.confirm(&db, "2026-11-21T10:05:00Z", &link, "new password 22");
        assert!(a.ok, "{}", a.line);
        assert!(django.login(&db, "alice", "new password 22"));
        assert!(!django.login(&db, "alice", OLD_PASSWORD));
        assert_ne!(django.row(&db, "alice")["password"], before["password"]);
        // Used once: Django refuses it again.
        let again = django.confirm(&db, "2026-11-21T10:06:00Z", &link, "another password 3");
        assert!(!again.ok, "{}", again.line);
        assert_eq!(audit(&env).len(), 2);
    }

    fn an_allauth_site_is_recognised_and_its_reset_view_takes_the_link(backend) {
        let allauth = Allauth::new();
        let env = made_by(&allauth, backend, &["alice"]);
        let db = db_arg(&env);
        init_and_doctor(
            &env,
            SECRET,
            "allauth",
            "recognised by tables auth_user and account_emailaddress",
        );
        let before = allauth.row(&db, "alice");

        let v = issue(&env, SECRET, "alice");
        let link = v["link"].as_str().unwrap().to_string();
        assert!(
            link.starts_with("https://example.com/accounts/password/reset/key/1-"),
            "{link}"
        );
        assert_eq!(allauth.row(&db, "alice"), before);
        assert_audit_init_then_issue(&env, "1", "2026-11-24T10:00:00Z", "3d");

        let a = allauth.confirm(&db, "2026-11-21T10:05:00Z", &link, "new password 22");
        assert!(a.ok && a.line.contains("allauth changed the password"), "{}", a.line);
        assert!(allauth.login(&db, "alice", "new password 22"));
        assert!(!allauth.login(&db, "alice", OLD_PASSWORD));
        let again = allauth.confirm(&db, "2026-11-21T10:06:00Z", &link, "another password 3");
        assert!(!again.ok, "{}", again.line);
        let addresses = env.rows("SELECT email FROM account_emailaddress");
        assert_eq!(addresses, [[Some("alice@example.com".to_string())]]);
    }
}

on_every_engine! {
    fn a_django_site_with_the_sites_framework_gets_links_on_its_domain(backend) {
        let django = Django::new(false).with("SITES", "1");
        let env = made_by(&django, backend, &["alice"]);
        let db = db_arg(&env);
        let domain = "SELECT domain FROM django_site WHERE id = 1";
        assert_eq!(env.value(domain).as_deref(), Some("example.com"), "Django's own row");
        // What the site's admin does in the Sites page.
        env.sql("UPDATE django_site SET domain = 'shop.example.org', name = 'Shop' WHERE id = 1");
        init_and_doctor(&env, SECRET, "django", "recognised by table auth_user");
        let out = run_code(&env, SECRET, &["doctor"], 0);
        let text = String::from_utf8_lossy(&out.stdout);
        let want = "Link         https://shop.example.org/reset/{uid}/{token}/ \
                    (site from the django_site row of SITE_ID 1)";
        assert!(text.lines().any(|l| l == want), "want {want:?} in:\n{text}");

        let link = issue(&env, SECRET, "alice")["link"].as_str().unwrap().to_string();
        assert!(link.starts_with("https://shop.example.org/reset/MQ/"), "{link}");
        assert_audit_init_then_issue(&env, "1", "2026-11-24T10:00:00Z", "3d");
        let a = django.confirm(&db, "2026-11-21T10:05:00Z", &link, "new password 22");
        assert!(a.ok, "{}", a.line);
        assert!(django.login(&db, "alice", "new password 22"));
        assert_eq!(env.value(domain).as_deref(), Some("shop.example.org"));
    }
}
