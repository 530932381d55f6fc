//! Email: the `[email]` settings, the messages resetctl sends (the reset
//! link, the password-changed notice), and whether a failure is worth
//! retrying. How a message travels is `transport.rs`'s business; what it
//! says, `message.rs`'s.

mod message;
mod transport;

use std::path::PathBuf;
use std::sync::mpsc;
use std::time::{Duration, Instant, SystemTime};

use chrono::{DateTime, TimeDelta, Utc};
use lettre::Message;
use lettre::message::header::ContentType;
use lettre::message::{Mailbox, MultiPart};

use crate::clock;
use crate::error::{Error, Kind, Result};
use crate::text::shown;
use crate::user::User;
use message::{
    CHANGED_SUBJECT, CHANGED_TEMPLATE, DEFAULT_TEMPLATE, RESET_PLACEHOLDERS, display_name, fill,
    html_escape, read_template, recipient,
};
use transport::Transport;

pub use message::{check_template, mask};

/// Where the transport URL comes from first, before the config file.
pub const SMTP_URL_ENV: &str = "RESETCTL_SMTP_URL";

const DEFAULT_TRANSPORT: &str = "smtp://localhost:25";
const DEFAULT_SUBJECT: &str = "Reset your password";
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

/// The `[email]` section.
#[derive(Debug, Clone, Default)]
pub struct EmailSettings {
    pub transport: Option<String>,
    pub from: Option<String>,
    pub subject: Option<String>,
    pub template: Option<PathBuf>,
    pub html_template: Option<PathBuf>,
    /// An extra CA certificate (PEM) for a private mail server.
    pub ca_cert: Option<PathBuf>,
    pub timeout: Option<Duration>,
}

impl EmailSettings {
    /// Whether mail was set up at all, in the file or the environment.
    pub fn is_configured(&self) -> bool {
        self.transport.is_some()
            || self.from.is_some()
            || self.subject.is_some()
            || self.template.is_some()
            || self.html_template.is_some()
            || self.ca_cert.is_some()
            || self.timeout.is_some()
            || std::env::var_os(SMTP_URL_ENV).is_some_and(|v| !v.is_empty())
    }

    /// `smtp://user:pass@host`: a password in the configured URL.
    pub fn has_credentials(&self) -> bool {
        self.transport.as_deref().is_some_and(|url| {
            url.split_once("://")
                .map(|(_, rest)| rest.split(['/', '?']).next().unwrap_or("").contains('@'))
                .unwrap_or(false)
        })
    }
}

/// A failed delivery: worth retrying later (75), or not (69). `uncertain`
/// when it stopped at a point where the server may already hold the
/// message (a timeout once the connection was made).
#[derive(Debug)]
pub struct SendError {
    pub temporary: bool,
    pub uncertain: bool,
    pub reason: String,
}

impl SendError {
    /// The reason quotes the server's own reply: escaped here, before it
    /// can reach a terminal or the audit trail.
    pub(super) fn temporary(reason: impl Into<String>) -> Self {
        SendError {
            temporary: true,
            uncertain: false,
            reason: crate::text::printable(&reason.into()),
        }
    }
    pub(super) fn permanent(reason: impl Into<String>) -> Self {
        SendError {
            temporary: false,
            uncertain: false,
            reason: crate::text::printable(&reason.into()),
        }
    }
    pub(super) fn uncertain(reason: impl Into<String>) -> Self {
        SendError {
            uncertain: true,
            ..SendError::temporary(reason)
        }
    }

    pub fn kind(&self) -> Kind {
        if self.temporary {
            Kind::TempFail
        } else {
            Kind::Unavailable
        }
    }

    /// "temporary failure: ..." for messages and the audit trail.
    pub fn describe(&self) -> String {
        let what = match (self.uncertain, self.temporary) {
            (true, _) => "delivery uncertain (the server may have the message)",
            (false, true) => "temporary failure",
            (false, false) => "permanent failure",
        };
        format!("{what}: {}", self.reason)
    }
}

pub struct Mailer {
    transport: Transport,
    /// The transport without credentials, for messages.
    shown_as: String,
    from: Mailbox,
    subject: String,
    template: String,
    html_template: Option<String>,
    /// The whole of one delivery, not each read.
    timeout: Duration,
}
/// What a reset message says.
pub struct ResetMail<'a> {
    pub user: &'a User,
    pub link: &'a str,
    pub expires: DateTime<Utc>,
    pub ttl: TimeDelta,
    pub date: DateTime<Utc>,
}

impl Mailer {
    /// Builds the mailer from `[email]` and RESETCTL_SMTP_URL. Every problem
    /// is a configuration error (78) naming the key; none shows a password.
    pub fn new(settings: &EmailSettings) -> Result<Mailer> {
        let from_env = std::env::var(SMTP_URL_ENV).ok().filter(|v| !v.is_empty());
        let (key, url) = match (&from_env, &settings.transport) {
            (Some(v), _) => (SMTP_URL_ENV, v.as_str()),
            (None, Some(v)) => ("email.transport", v.as_str()),
            (None, None) => ("email.transport", DEFAULT_TRANSPORT),
        };
        let timeout = settings.timeout.unwrap_or(DEFAULT_TIMEOUT);
        let (transport, shown_as) = transport::parse(url, timeout, settings.ca_cert.as_ref())
            .map_err(|why| Error::config(format!("{key}: {why}")))?;
        let from = match &settings.from {
            Some(f) => f.parse::<Mailbox>().map_err(|e| {
                Error::config(format!(
                    "email.from = {}: not an email address ({e})",
                    shown(f)
                ))
            })?,
            None => {
                return Err(
                    Error::config("email.from is not set; mail needs a sender").with_hint(
                        "set from = \"Support <support@example.com>\" in the [email] section",
                    ),
                );
            }
        };
        let template = match &settings.template {
            Some(path) => read_template("email.template", path)?,
            None => DEFAULT_TEMPLATE.to_string(),
        };
        let html_template = settings
            .html_template
            .as_ref()
            .map(|p| read_template("email.html_template", p))
            .transpose()?;
        Ok(Mailer {
            transport,
            shown_as,
            from,
            subject: settings
                .subject
                .clone()
                .unwrap_or_else(|| DEFAULT_SUBJECT.into()),
            template,
            html_template,
            timeout,
        })
    }

    /// How long one delivery may take, start to end.
    pub fn timeout(&self) -> Duration {
        self.timeout
    }

    /// Sends the reset link, giving up at `by`. Returns the address,
    /// masked, as it may be shown.
    pub fn send_reset(
        &self,
        mail: &ResetMail<'_>,
        by: Instant,
    ) -> std::result::Result<String, SendError> {
        let (to, masked) = recipient(mail.user)?;
        let values = |escape: fn(&str) -> String| {
            let v = [
                display_name(mail.user),
                mail.user.email.clone().unwrap_or_default(),
                mail.link.to_string(),
                clock::rfc3339(mail.expires),
                clock::format_duration(mail.ttl),
            ];
            v.map(|s| escape(&s))
        };
        let text = fill(
            &self.template,
            &RESET_PLACEHOLDERS,
            &values(|s| s.to_string()),
        );
        let html = self
            .html_template
            .as_ref()
            .map(|t| fill(t, &RESET_PLACEHOLDERS, &values(html_escape)));
        let message = self.message(to, &self.subject, mail.date, text, html)?;
        self.deliver(&message, by)?;
        Ok(masked)
    }

    /// Tells the user their password was changed (never the password).
    pub fn send_changed(
        &self,
        user: &User,
        at: DateTime<Utc>,
    ) -> std::result::Result<String, SendError> {
        let (to, masked) = recipient(user)?;
        let text = fill(
            CHANGED_TEMPLATE,
            &["username", "changed_at"],
            &[display_name(user), clock::rfc3339(at)],
        );
        let message = self.message(to, CHANGED_SUBJECT, at, text, None)?;
        self.deliver(&message, Instant::now() + self.timeout)?;
        Ok(masked)
    }

    fn message(
        &self,
        to: Mailbox,
        subject: &str,
        date: DateTime<Utc>,
        text: String,
        html: Option<String>,
    ) -> std::result::Result<Message, SendError> {
        let builder = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(subject)
            .date(SystemTime::from(date))
            .message_id(None);
        let built = match html {
            Some(html) => builder.multipart(MultiPart::alternative_plain_html(text, html)),
            None => builder.header(ContentType::TEXT_PLAIN).body(text),
        };
        built.map_err(|e| SendError::permanent(format!("cannot build the message: {e}")))
    }

    /// Delivers by `by` at the latest: lettre's own timeout bounds each
    /// read, so a server dripping a byte at a time would hold us forever.
    /// The work runs on a thread that is given up at the deadline; its
    /// socket's own timeouts close the connection soon after, and the
    /// process's end closes it for good. A message given up on this way may
    /// already be with the server: uncertain, never "not sent".
    fn deliver(&self, message: &Message, by: Instant) -> std::result::Result<(), SendError> {
        let (done, result) = mpsc::channel();
        let transport = self.transport.clone();
        let message = message.clone();
        let via = self.shown_as.clone();
        std::thread::spawn(move || {
            let _ = done.send(transport.send(&message, &via));
        });
        match result.recv_timeout(by.saturating_duration_since(Instant::now())) {
            Ok(outcome) => outcome,
            Err(_) => Err(SendError::uncertain(format!(
                "{}: no answer within {}s",
                self.shown_as,
                self.timeout.as_secs_f64()
            ))),
        }
    }

    /// The transport (never its password) and the sender, for people.
    pub fn describe(&self) -> String {
        format!("{}, from {}", self.shown_as, self.from)
    }

    /// Checks that the mail server answers (connect, EHLO, STARTTLS and
    /// AUTH as configured, QUIT), sending nothing: before anything is
    /// issued under `--no-enumerate`, where a failure later would tell
    /// known users from unknown ones, and for `doctor --smtp`.
    pub fn probe(&self) -> std::result::Result<(), SendError> {
        let (done, result) = mpsc::channel();
        let transport = self.transport.clone();
        let via = self.shown_as.clone();
        std::thread::spawn(move || {
            let _ = done.send(transport.probe(&via));
        });
        result.recv_timeout(self.timeout).unwrap_or_else(|_| {
            Err(SendError::temporary(format!(
                "{}: no answer within {}s",
                self.shown_as,
                self.timeout.as_secs_f64()
            )))
        })
    }
}
