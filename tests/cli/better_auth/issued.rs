//! Tokens resetctl issued, judged by Better Auth's own `resetPassword`:
//! accepted up to and including `expiresAt`, refused a millisecond later,
//! and refused once revoked or replaced; in plain and hashed storage.

use base64ct::{Base64UrlUnpadded, Encoding};
use sha2::{Digest, Sha256};

use super::App;
use crate::common::NOW;
use crate::common::frameworks::OLD_PASSWORD;
use crate::on_every_engine;

const ALICE: &str = "alice@example.com";
const BOB: &str = "bob@example.com";

/// Better Auth's hashed identifier: unpadded base64url of the SHA-256.
fn hashed(token: &str) -> String {
    let digest = Sha256::digest(format!("reset-password:{token}").as_bytes());
    Base64UrlUnpadded::encode_string(&digest)
}

/// The issue, its row and Better Auth's judgement at and after expiry,
/// with `store_identifier` as given to both.
fn accepted_until_expiry(backend: crate::common::Backend, how: &str) {
    let app = App::new(
        backend,
        &[ALICE, BOB],
        &format!("store_identifier = \"{how}\"\n"),
        &[("STORE_IDENTIFIER", how)],
    );
    let db = app.db();
    let (token, link) = app.issue(None, ALICE);
    assert_eq!(
        link,
        format!(
            "https://example.com/api/auth/reset-password/{token}?callbackURL=%2Freset-password"
        )
    );
    assert_eq!(token.len(), 24);
    assert!(token.bytes().all(|b| b.is_ascii_alphanumeric()));
    let (bob_token, _) = app.issue(None, BOB);
    let rows = app.rows();
    assert_eq!(rows.len(), 2, "{rows:?}");
    let row = rows
        .iter()
        .find(|r| r[2].as_deref() == Some(&app.ids[0]))
        .unwrap();
    let identifier = match how {
        "plain" => format!("reset-password:{token}"),
        _ => hashed(&token),
    };
    assert_eq!(row[1].as_deref(), Some(identifier.as_str()), "{how}");
    let id = row[0].as_deref().unwrap();
    assert!(
        id.len() == 32 && id.bytes().all(|b| b.is_ascii_alphanumeric()),
        "{id}"
    );
    assert_eq!(row[3].as_deref(), Some("2026-11-21T11:00:00.000Z"));
    assert_eq!(row[4].as_deref(), Some("2026-11-21T10:00:00.000Z"));
    // Better Auth reads the dates back as the instants written.
    let seen = app.ba.verifications(&db);
    assert!(
        seen.iter()
            .any(|r| r["expiresAt"] == "2026-11-21T11:00:00.000Z"),
        "{seen:?}"
    );
    // resetctl: still active at the very second, expired after it.
    assert_eq!(app.state(Some("2026-11-21T11:00:00Z"), BOB), "active");
    assert_eq!(app.state(Some("2026-11-21T11:00:01Z"), BOB), "expired");
    // Better Auth accepts at expiresAt itself...
    let a = app.ba.reset(
        &db,
        "2026-11-21T11:00:00.000Z",
        &token,
        "alice new password",
    );
    assert!(a.ok, "{how}: {}", a.line);
    assert!(
        app.ba
            .sign_in(&db, "2026-11-21T11:00:01Z", ALICE, "alice new password")
            .ok
    );
    assert!(
        !app.ba
            .sign_in(&db, "2026-11-21T11:00:01Z", ALICE, OLD_PASSWORD)
            .ok
    );
    // ...and refuses a millisecond later.
    let b = app.ba.reset(
        &db,
        "2026-11-21T11:00:00.001Z",
        &bob_token,
        "bob new password",
    );
    assert!(
        !b.ok && b.line.contains("INVALID_TOKEN"),
        "{how}: {}",
        b.line
    );
    assert!(
        app.ba
            .sign_in(&db, "2026-11-21T11:00:01Z", BOB, OLD_PASSWORD)
            .ok
    );
    assert!(
        app.rows().is_empty(),
        "used and cleaned up: {:?}",
        app.rows()
    );
    assert_eq!(app.state(Some("2026-11-21T11:00:01Z"), ALICE), "none");
}

on_every_engine! {
    fn better_auth_accepts_a_plain_token_until_expires_at_and_refuses_it_after(backend) {
        accepted_until_expiry(backend, "plain");
    }

    fn better_auth_accepts_a_hashed_token_until_expires_at_and_refuses_it_after(backend) {
        accepted_until_expiry(backend, "hashed");
    }

    fn a_replaced_or_revoked_token_is_refused_by_better_auth(backend) {
        for how in ["plain", "hashed"] {
            let app = App::new(
                backend,
                &[ALICE],
                &format!("store_identifier = \"{how}\"\n"),
                &[("STORE_IDENTIFIER", how)],
            );
            let db = app.db();
            // Better Auth's own request first. A plain row says it is a
            // reset row, and resetctl's issue replaces it; a hashed one
            // Better Auth made cannot be told from its other hashed rows,
            // and is left alone.
            let own = app.ba.request_reset(&db, NOW, ALICE);
            assert!(own.ok, "{}", own.line);
            let own = crate::common::better_auth::BetterAuth::field(&own, "token");
            let (first, _) = app.issue(None, ALICE);
            let (second, _) = app.issue(Some("2026-11-21T10:01:00Z"), ALICE);
            let kept = usize::from(how == "hashed");
            assert_eq!(app.rows().len(), 1 + kept, "{how}: {:?}", app.rows());
            let mut refused = vec![&first];
            if how == "plain" {
                refused.push(&own);
            }
            for t in refused {
                let a = app.ba.reset(&db, "2026-11-21T10:02:00Z", t, "a new password 1");
                assert!(!a.ok && a.line.contains("INVALID_TOKEN"), "{how}: {}", a.line);
            }
            // revoke deletes resetctl's row; Better Auth refuses its token.
            let out = app.env.cmd_with(&app.cfg).args(["revoke", ALICE]).output().unwrap();
            assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
            assert_eq!(app.rows().len(), kept, "{how}: {:?}", app.rows());
            let a = app.ba.reset(&db, "2026-11-21T10:02:00Z", &second, "a new password 1");
            assert!(!a.ok && a.line.contains("INVALID_TOKEN"), "{how}: {}", a.line);
            assert!(app.ba.sign_in(&db, "2026-11-21T10:03:00Z", ALICE, OLD_PASSWORD).ok);
            if how == "hashed" {
                let a = app.ba.reset(&db, "2026-11-21T10:04:00Z", &own, "a new password 2");
                assert!(a.ok, "Better Auth's own hashed row survives: {}", a.line);
            }
        }
    }
}
