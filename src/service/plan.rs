//! What every token of one issue run shares: its lifetime, its expiry,
//! the link template, and the issue entry each token gets in the audit.

use chrono::{DateTime, TimeDelta, Utc};

use super::request::IssueRequest;
use crate::audit::{Action, Outcome};
use crate::clock::{self, format_duration, parse_duration};
use crate::context::Context;
use crate::error::{Error, Result};
use crate::store::IssueRecord;
use crate::store::settings::EXAMPLE_SITE;
use crate::token::{HEX_LEN, Token};
use crate::user::User;

pub struct Plan {
    pub ttl: TimeDelta,
    /// The expiry stores write their tokens for.
    pub expires: DateTime<Utc>,
    /// When the tokens stop working in the app's own code: `expires`,
    /// unless a clock change moves the framework's wall clock. What is
    /// shown and audited.
    pub until: DateTime<Utc>,
    pub expires_text: String,
    pub template: String,
    /// Whether the links still point at the built-in example host, and
    /// whether that was said already: once a run.
    on_example_host: bool,
    warned: std::cell::Cell<bool>,
}

impl Plan {
    /// From `--ttl` and `--link` over the configuration. Everything that
    /// can be wrong with them is found here, before anything is issued.
    pub fn new(ctx: &Context, args: &IssueRequest) -> Result<Plan> {
        let ttl = match &args.ttl {
            Some(t) => parse_duration(t)?,
            None => ctx.cfg.ttl,
        };
        if ttl <= TimeDelta::zero() || ttl > ctx.cfg.max_ttl {
            let framework = &ctx.cfg.store.framework;
            let why = match framework.defaults().lifetime {
                Some(l) if ttl > l => format!(
                    ": framework = \"{}\" lets a token live {} at most, so it would refuse the token before the link said",
                    framework.name(),
                    format_duration(l)
                ),
                _ => String::new(),
            };
            return Err(Error::bad_input(format!(
                "--ttl must be more than 0s and at most {}{why}",
                format_duration(ctx.cfg.max_ttl)
            )));
        }
        let template = args.link.clone().unwrap_or_else(|| ctx.cfg.link.clone());
        if let Some(why) = ctx.store.link_problem(&template) {
            return Err(Error::usage(why)
                .with_hint("e.g. --link 'https://app.example/reset?token={token}'"));
        }
        // A link too long for a QR code is found before anything is issued:
        // every link of a run is the template around one token.
        if args.qr.is_some() {
            crate::output::qr_code(&template.replace("{token}", &"0".repeat(HEX_LEN)))?;
        }
        // Whole seconds, so every stored form (text or number) says the same.
        let expires = DateTime::from_timestamp((ctx.now + ttl).timestamp(), 0)
            .ok_or_else(|| Error::bad_input("--ttl takes the expiry out of range"))?;
        let until = ctx.store.effective_expiry(expires, ctx.now);
        Ok(Plan {
            ttl,
            expires,
            until,
            expires_text: clock::rfc3339(until),
            on_example_host: on_example_host(&template),
            template,
            warned: std::cell::Cell::new(false),
        })
    }

    /// The issue entry each token of the run gets, `note` appended to its
    /// detail, marked as a bulk run's with `run`.
    pub fn record(&self, ctx: &Context, note: &str, run: Option<&str>) -> IssueRecord {
        let mut audit = ctx.audit(Action::Issue, Outcome::Ok);
        audit.detail = Some(format!(
            "expires {} (ttl {}){note}",
            self.expires_text,
            format_duration(self.ttl)
        ));
        audit.expires = Some(self.expires_text.clone());
        audit.run = run.map(str::to_string);
        IssueRecord {
            audit,
            expires: self.expires,
        }
    }

    /// The link for a token (a user is `None` for a decoy).
    pub fn link(&self, ctx: &Context, token: &Token, user: Option<&User>) -> String {
        if self.on_example_host
            && !self.warned.get()
            && let Some(email) = user.and_then(|u| u.email.as_deref())
            && !is_example_address(email)
        {
            self.warned.set(true);
            ctx.out.warn(
                "the link points at example.com, the built-in example site, and this user's address is real: set the app's site ([token] base_url, RESETCTL_BASE_URL, or APP_URL through --app-env) or the whole link ([token] link)",
            );
        }
        ctx.store.link(&self.template, token, user)
    }
}

/// A link on the host every default link starts on: no app's own.
fn on_example_host(template: &str) -> bool {
    let example = EXAMPLE_SITE.trim_start_matches("https://");
    url::Url::parse(template)
        .ok()
        .and_then(|u| u.host_str().map(str::to_ascii_lowercase))
        .is_some_and(|h| h.strip_prefix("www.").unwrap_or(&h) == example)
}

/// An address on a domain kept for examples and tests (RFC 2606, 6761):
/// a demo database's users, for whom an example link is no mistake.
fn is_example_address(email: &str) -> bool {
    let domain = email
        .rsplit_once('@')
        .map_or("", |(_, d)| d)
        .trim_end_matches('.')
        .to_ascii_lowercase();
    ["example.com", "example.org", "example.net", "localhost"].contains(&domain.as_str())
        || [
            ".example",
            ".test",
            ".invalid",
            ".localhost",
            ".example.com",
        ]
        .iter()
        .any(|tld| domain.ends_with(tld))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_links_on_the_example_host_and_real_addresses_draw_the_warning() {
        assert!(on_example_host(
            "https://example.com/reset-password?token={token}"
        ));
        assert!(on_example_host("http://www.EXAMPLE.com/r/{token}"));
        assert!(!on_example_host("https://app.example.org/r/{token}"));
        assert!(!on_example_host("https://shop.example.com/r/{token}"));
        assert!(is_example_address("alice@example.com"));
        assert!(is_example_address("bob@mail.example.com"));
        assert!(is_example_address("carol@shop.test"));
        assert!(!is_example_address("dave@gmail.com"));
        assert!(!is_example_address("no-at-sign"));
    }
}
