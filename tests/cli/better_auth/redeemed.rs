//! `redeem` of tokens Better Auth's own request made: the password it
//! writes is the one Better Auth's sign-in takes, the token is used up,
//! and sessions end when the app says so, as Better Auth's reset does.

use super::{App, iso};
use crate::common::better_auth::BetterAuth;
use crate::common::frameworks::OLD_PASSWORD;
use crate::common::{Backend, NOW};
use crate::on_every_engine;

const ALICE: &str = "alice@example.com";
const AT: &str = "2026-11-21T10:05:00Z";
const NEW: &str = "a brand new password";

/// Better Auth's request, with a session signed in first; resetctl
/// redeems the token (the whole link) at AT.
fn redeem_better_auths_token(backend: Backend, how: &str, revoke: bool) {
    let app = App::new(
        backend,
        &[ALICE],
        &format!("store_identifier = \"{how}\"\nrevoke_sessions_on_password_reset = {revoke}\n"),
        &[
            ("STORE_IDENTIFIER", how),
            (
                "REVOKE_SESSIONS_ON_PASSWORD_RESET",
                if revoke { "true" } else { "false" },
            ),
        ],
    );
    let db = app.db();
    let signed_in = app.ba.sign_in(&db, NOW, ALICE, OLD_PASSWORD);
    assert!(signed_in.ok, "{}", signed_in.line);
    let cookie = BetterAuth::field(&signed_in, "cookie");
    let sessions = app.ba.sessions(&db, NOW, ALICE);
    assert!(sessions >= 1);
    let asked = app.ba.request_reset(&db, NOW, ALICE);
    assert!(asked.ok, "{}", asked.line);
    let link = BetterAuth::field(&asked, "url");
    let token = BetterAuth::field(&asked, "token");
    // resetctl sees Better Auth's row (a plain one; a hashed one it made
    // itself is not told from its other rows until the token is shown).
    if how == "plain" {
        assert_eq!(app.state(Some(AT), ALICE), "active");
    }
    let (code, out, err) = app.redeem(AT, &link, NEW);
    assert_eq!(code, Some(0), "{how}: {err}");
    assert!(
        out.contains("Password changed for alice@example.com"),
        "{out}"
    );
    assert!(
        app.rows().is_empty(),
        "the row is used up: {:?}",
        app.rows()
    );
    // Better Auth's sign-in takes the new password, not the old.
    assert!(app.ba.sign_in(&db, AT, ALICE, NEW).ok);
    assert!(!app.ba.sign_in(&db, AT, ALICE, OLD_PASSWORD).ok);
    let b = app.env.backend();
    let account = app.env.rows(&format!(
        "SELECT \"password\", {} FROM \"account\" WHERE \"userId\" = '{}' AND \"providerId\" = 'credential'",
        iso(b, "updatedAt"),
        app.ids[0]
    ));
    assert_eq!(account.len(), 1, "{account:?}");
    let hash = account[0][0].as_deref().unwrap();
    assert!(hash.len() == 161 && hash.as_bytes()[32] == b':', "{hash}");
    assert_eq!(account[0][1].as_deref(), Some("2026-11-21T10:05:00.000Z"));
    // Sessions: all gone when the app revokes them; kept otherwise.
    assert_eq!(app.ba.session_valid(&db, AT, &cookie), !revoke, "{how}");
    let left = app.ba.sessions(&db, AT, ALICE);
    if revoke {
        assert_eq!(left, 1, "only the sign-in just above");
    } else {
        assert_eq!(left, sessions + 1, "and the sign-in just above");
    }
    // Used once: a second redeem, and Better Auth itself, refuse the token.
    let (code, _, err) = app.redeem(AT, &token, "another password 1");
    assert_eq!(code, Some(77), "{err}");
    let again = app.ba.reset(&db, AT, &token, "another password 1");
    assert!(
        !again.ok && again.line.contains("INVALID_TOKEN"),
        "{}",
        again.line
    );
}

on_every_engine! {
    fn redeem_takes_better_auths_plain_token_and_ends_sessions_when_configured(backend) {
        redeem_better_auths_token(backend, "plain", true);
    }

    fn redeem_takes_better_auths_plain_token_and_keeps_sessions_by_default(backend) {
        redeem_better_auths_token(backend, "plain", false);
    }

    fn redeem_takes_better_auths_hashed_token(backend) {
        redeem_better_auths_token(backend, "hashed", true);
    }

    fn redeem_makes_the_credential_account_when_there_is_none(backend) {
        let app = App::new(backend, &[ALICE], "", &[]);
        let db = app.db();
        app.env.sql("DELETE FROM \"account\"");
        let (token, _) = app.issue(None, ALICE);
        let (code, _, err) = app.redeem(AT, &token, NEW);
        assert_eq!(code, Some(0), "{err}");
        let rows = app.env.rows(&format!(
            "SELECT \"id\", \"accountId\", \"userId\", {} FROM \"account\" WHERE \"providerId\" = 'credential'",
            iso(app.env.backend(), "createdAt")
        ));
        assert_eq!(rows.len(), 1, "{rows:?}");
        assert_eq!(rows[0][0].as_deref().map(str::len), Some(32));
        assert_eq!(rows[0][1].as_deref(), Some(app.ids[0].as_str()));
        assert_eq!(rows[0][2].as_deref(), Some(app.ids[0].as_str()));
        assert_eq!(rows[0][3].as_deref(), Some("2026-11-21T10:05:00.000Z"));
        assert!(app.ba.sign_in(&db, AT, ALICE, NEW).ok);
    }
}
