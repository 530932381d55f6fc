//! Rows kept in bulk and cleared: `issue --all` writes rows Better Auth
//! accepts, `purge` deletes only rows Better Auth refuses by then (and no
//! other kind of verification row), and `doctor` describes the store.

use super::App;
use crate::common::NOW;
use crate::on_every_engine;

const USERS: [&str; 3] = ["a@example.com", "b@example.com", "c@example.com"];

on_every_engine! {
    fn better_auth_accepts_every_token_of_a_bulk_issue(backend) {
        let app = App::new(backend, &USERS, "", &[]);
        let db = app.db();
        let lines = app.env.json_lines_at(&app.cfg, None, &["issue", "--all"]);
        assert_eq!(lines.len(), 3);
        let rows = app.rows();
        assert_eq!(rows.len(), 3, "{rows:?}");
        for r in &rows {
            assert_eq!(r[3].as_deref(), Some("2026-11-21T11:00:00.000Z"));
            assert_eq!(r[4].as_deref(), Some("2026-11-21T10:00:00.000Z"));
        }
        for (i, line) in lines.iter().enumerate() {
            let token = line["token"].as_str().unwrap();
            assert!(rows.iter().any(|r| r[1].as_deref() == Some(&format!("reset-password:{token}"))));
            let a = app.ba.reset(&db, "2026-11-21T10:10:00Z", token, &format!("bulk password {i}"));
            assert!(a.ok, "{}", a.line);
        }
        assert!(app.rows().is_empty());
        // A second run replaces each user's row: still one each.
        app.env.json_lines_at(&app.cfg, None, &["issue", "--all"]);
        app.env.json_lines_at(&app.cfg, Some("2026-11-21T10:01:00Z"), &["issue", "--all"]);
        assert_eq!(app.rows().len(), 3);
    }

    fn purge_deletes_only_reset_rows_better_auth_refuses_by_then(backend) {
        let app = App::new(backend, &USERS[..2], "", &[]);
        let db = app.db();
        // Another kind of verification row, long expired: not a reset row.
        app.env.sql(&format!(
            "INSERT INTO \"verification\" (\"id\", \"identifier\", \"value\", \"expiresAt\", \"createdAt\", \"updatedAt\") \
             VALUES ('other00000000000000000000000000x', 'email-verification-x', '{}', {t}, {t}, {t})",
            app.ids[0],
            t = match backend {
                crate::common::Backend::Mariadb => "'2020-01-01 00:00:00.000'",
                _ => "'2020-01-01T00:00:00.000Z'",
            }
        ));
        app.issue(None, USERS[0]);
        let (late, _) = app.issue(Some("2026-11-21T10:30:00Z"), USERS[1]);
        // At the very expiry of the first, Better Auth still accepts it: kept.
        let v = app.env.json_at(&app.cfg, Some("2026-11-21T11:00:00Z"), &["purge"]);
        assert_eq!(v, serde_json::json!({"purged": 0}));
        assert_eq!(app.rows().len(), 3);
        let v = app.env.json_at(&app.cfg, Some("2026-11-21T11:15:00Z"), &["purge"]);
        assert_eq!(v, serde_json::json!({"purged": 1}));
        let rows = app.rows();
        assert_eq!(rows.len(), 2, "{rows:?}");
        assert!(rows.iter().any(|r| r[1].as_deref() == Some("email-verification-x")));
        assert_eq!(app.state(Some("2026-11-21T11:15:00Z"), USERS[0]), "none");
        let a = app.ba.reset(&db, "2026-11-21T11:15:00Z", &late, "late password 1");
        assert!(a.ok, "{}", a.line);
    }

    fn doctor_describes_the_better_auth_store(backend) {
        let app = App::new(backend, &USERS[..1], "store_identifier = \"hashed\"\n", &[]);
        let out = app.env.cmd_with(&app.cfg).arg("doctor").output().unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        assert_eq!(out.status.code(), Some(0), "{text}{}", String::from_utf8_lossy(&out.stderr));
        assert!(text.contains("Framework    better-auth"), "{text}");
        assert!(
            text.contains("SHA-256 of reset-password:<token> in verification.identifier"),
            "{text}"
        );
        assert!(text.contains("a token lives 1h"), "{text}");
        assert!(text.contains("better-auth-scrypt"), "{text}");
        assert!(
            text.contains("https://example.com/api/auth/reset-password/{token}?callbackURL=%2Freset-password"),
            "{text}"
        );
        let v = app.env.json_at(&app.cfg, Some(NOW), &["doctor"]);
        assert_eq!(v["framework"], "better-auth");
        assert_eq!(v["token_store"]["storage"], "sha256");
        assert_eq!(v["token_store"]["table"], "verification");
        assert_eq!(app.rows().len(), 0, "doctor wrote nothing");
    }
}
