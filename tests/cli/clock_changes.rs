//! Frameworks that count a token's life on the app's wall clock, across
//! the two clock changes of a year: resetctl judges a Laravel token as
//! Laravel's own broker (Carbon) does at every instant, and a Django link
//! expires once and never comes back, although Django's own check takes
//! it again while a clock turned back repeats an hour.

use std::path::{Path, PathBuf};

use crate::common::TestEnv;
use crate::common::frameworks::{Django, Laravel, framework_app};

/// resetctl's state of USER's token at `at`: active or not.
fn active_at(env: &TestEnv, cfg: &Path, at: &str, user: &str) -> bool {
    env.json_at(cfg, Some(at), &["inspect", user])["state"] == "active"
}

/// Times from `from`, every `step` minutes, `n` of them, as RFC 3339.
fn times(from: &str, step: i64, n: i64) -> Vec<String> {
    let start = chrono::DateTime::parse_from_rfc3339(from).unwrap();
    (0..n)
        .map(|i| {
            (start + chrono::TimeDelta::minutes(i * step))
                .with_timezone(&chrono::Utc)
                .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
        })
        .collect()
}

/// Laravel's broker at each time: does it take the token?
fn laravel_takes(
    laravel: &Laravel,
    db: &Path,
    email: &str,
    token: &str,
    at: &[String],
) -> Vec<bool> {
    let mut args = vec![email, token];
    args.extend(at.iter().map(String::as_str));
    let a = laravel.call(db, None, "exists-at", &args);
    assert!(a.ok, "{}", a.line);
    a.line.lines().map(|l| l.ends_with(" yes")).collect()
}

// Tokens issued by resetctl, and by Laravel itself, in the hours
// around both of Chicago's clock changes of 2026: at every checked instant
// resetctl says active exactly when Laravel's broker takes the token, and
// `redeem` agrees with both.
#[test]
fn laravel_expiry_is_judged_as_carbon_counts_it_across_clock_changes() {
    let laravel = Laravel::new("password_reset_tokens").with("APP_TIMEZONE", "America/Chicago");
    let users = [
        "a@example.com",
        "b@example.com",
        "c@example.com",
        "d@example.com",
    ];
    let config = Laravel::config("timezone = \"America/Chicago\"\n");
    let (env, cfg) = framework_app(&laravel, &users, &config);
    // Autumn: the clock goes from 02:00 CDT back to 01:00 CST at 07:00Z.
    // Spring: from 02:00 CST on to 03:00 CDT at 08:00Z.
    let cases = [
        ("a@example.com", "2026-11-01T06:30:00Z", None),
        ("b@example.com", "2026-11-01T07:30:00Z", Some("30m")),
        ("c@example.com", "2026-03-08T07:30:00Z", None),
    ];
    for (email, issued_at, ttl) in cases {
        let mut args = vec!["issue", email];
        if let Some(t) = ttl {
            args.extend(["--ttl", t]);
        }
        let v = env.json_at(&cfg, Some(issued_at), &args);
        let token = v["token"].as_str().unwrap();
        let checks = times(issued_at, 5, 40);
        let laravel_says = laravel_takes(&laravel, &env.db, email, token, &checks);
        let resetctl_says: Vec<bool> = checks
            .iter()
            .map(|at| active_at(&env, &cfg, at, email))
            .collect();
        assert_eq!(
            resetctl_says, laravel_says,
            "{email} issued at {issued_at}: {checks:?}"
        );
        // What issue said is what Laravel does: the last instant it takes it.
        let until = v["expires_at"].as_str().unwrap();
        let edge = [until.to_string()];
        assert_eq!(
            laravel_takes(&laravel, &env.db, email, token, &edge),
            [true]
        );
        let after = times(until, 1, 2)[1].clone();
        assert_eq!(
            laravel_takes(&laravel, &env.db, email, token, &[after]),
            [false]
        );
    }
    // A token Laravel itself made in the repeated hour.
    let made = laravel
        .call(
            &env.db,
            Some("2026-11-01T07:10:00Z"),
            "issue",
            &["d@example.com"],
        )
        .line;
    let checks = times("2026-11-01T07:10:00Z", 5, 30);
    let laravel_says = laravel_takes(&laravel, &env.db, "d@example.com", &made, &checks);
    let resetctl_says: Vec<bool> = checks
        .iter()
        .map(|at| active_at(&env, &cfg, at, "d@example.com"))
        .collect();
    assert_eq!(resetctl_says, laravel_says, "{checks:?}");
    assert!(laravel_says.contains(&true) && laravel_says.contains(&false));
    // redeem agrees at the instant Laravel still takes it and resetctl's
    // older arithmetic did not (an hour after the issue, in the repeat).
    let out = env
        .cmd_with(&cfg)
        .env("RESETCTL_NOW", "2026-11-01T08:05:00Z")
        .args([
            "redeem",
            "--password-stdin",
            &format!("https://example.com/reset-password/{made}?email=d%40example.com"),
        ])
        .write_stdin("new password 22\n")
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(laravel.check(&env.db, "d@example.com", "new password 22"));
}

/// A Django site on `zone`'s clock with bob, and resetctl set to the same.
fn django_site(zone: &str) -> (Django, TestEnv, PathBuf) {
    let django = Django::new(false).with("TIME_ZONE", zone);
    let config = Django::config(&format!("time_zone = \"{zone}\"\n"));
    let (env, cfg) = framework_app(&django, &["bob"], &config);
    (django, env, cfg)
}

fn redeem_at(env: &TestEnv, cfg: &Path, at: &str, link: &str) -> i32 {
    env.cmd_with(cfg)
        .env("RESETCTL_NOW", at)
        .args(["redeem", "-", "--password-stdin"])
        .write_stdin(format!("{link}\nnew password 22\n"))
        .output()
        .unwrap()
        .status
        .code()
        .unwrap()
}

// A Django link that expired in the first 01:40 of a clock turned
// back stays expired in the second; Django itself takes it again, and
// resetctl says and does otherwise. Links issued inside the repeated hour,
// and across the spring change, live as long as Django lets them.
#[test]
fn a_django_link_never_comes_back_to_life() {
    let (django, env, cfg) = django_site("America/Chicago");
    let out = env
        .cmd_with(&cfg)
        .env("RESETCTL_NOW", "2026-11-01T06:00:00Z")
        .args(["-q", "issue", "--ttl", "30m", "bob"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let link = String::from_utf8(out.stdout).unwrap().trim().to_string();
    assert!(active_at(&env, &cfg, "2026-11-01T06:25:00Z", "bob"));
    for at in [
        "2026-11-01T06:40:00Z",
        "2026-11-01T07:10:00Z",
        "2026-11-01T07:25:00Z",
    ] {
        assert!(!active_at(&env, &cfg, at, "bob"), "{at}");
        assert_eq!(
            env.json_at(&cfg, Some(at), &["inspect", "--token", &link])["state"],
            "expired",
            "{at}"
        );
        assert_eq!(redeem_at(&env, &cfg, at, &link), 77, "{at}");
    }
    // Django's own check would take it at 07:10Z (01:10 CST < 01:30).
    let a = django.call(
        &env.db,
        Some("2026-11-01T07:10:00Z"),
        "confirm",
        &[&link, "p4ssword-x1"],
    );
    assert!(a.ok, "Django's own view takes it again: {}", a.line);

    // Issued at 07:05Z, inside the repeated hour: it lives its 30 minutes.
    let (_django, env, cfg) = django_site("America/Chicago");
    let out = env
        .cmd_with(&cfg)
        .env("RESETCTL_NOW", "2026-11-01T07:05:00Z")
        .args(["-q", "issue", "--ttl", "30m", "bob"])
        .output()
        .unwrap();
    let link = String::from_utf8(out.stdout).unwrap().trim().to_string();
    assert!(active_at(&env, &cfg, "2026-11-01T07:30:00Z", "bob"));
    assert!(!active_at(&env, &cfg, "2026-11-01T07:36:00Z", "bob"));
    assert_eq!(redeem_at(&env, &cfg, "2026-11-01T07:30:00Z", &link), 0);

    // Spring: issued at 01:45 CST, 30 minutes later is 03:15 CDT.
    let (django, env, cfg) = django_site("America/Chicago");
    let v = env.json_at(
        &cfg,
        Some("2026-03-08T07:45:00Z"),
        &["issue", "--ttl", "30m", "bob"],
    );
    assert_eq!(v["expires_at"], "2026-03-08T08:15:00Z");
    let link = v["link"].as_str().unwrap().to_string();
    assert!(active_at(&env, &cfg, "2026-03-08T08:14:59Z", "bob"));
    assert!(!active_at(&env, &cfg, "2026-03-08T08:15:00Z", "bob"));
    let refused = django.call(
        &env.db,
        Some("2026-03-08T08:15:00Z"),
        "confirm",
        &[&link, "p4ssword-x1"],
    );
    assert!(!refused.ok, "{}", refused.line);
    let taken = django.call(
        &env.db,
        Some("2026-03-08T08:14:59Z"),
        "confirm",
        &[&link, "p4ssword-x1"],
    );
    assert!(taken.ok, "{}", taken.line);
}
