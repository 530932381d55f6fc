//! Email: the transport named by a URL, the messages (reset link, password
//! changed), and whether a failure is worth retrying.

use std::fs::OpenOptions;
use std::io::Write;
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::{Duration, Instant, SystemTime};

use crate::clock;
use crate::config::EmailSettings;
use crate::db::User;
use crate::error::{Error, Kind, Result, shown};
use chrono::{DateTime, TimeDelta, Utc};
use lettre::message::header::ContentType;
use lettre::message::{Mailbox, MultiPart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Certificate, Tls, TlsParameters};
use lettre::{Message, SendmailTransport, SmtpTransport, Transport as _};
use rand::TryRngCore;
use rand::rngs::OsRng;

/// Where the transport URL comes from first, before the config file.
pub const SMTP_URL_ENV: &str = "RESETCTL_SMTP_URL";

const DEFAULT_TRANSPORT: &str = "smtp://localhost:25";
const DEFAULT_SUBJECT: &str = "Reset your password";
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

const DEFAULT_TEMPLATE: &str = "Hello {username},

someone asked to reset the password of your account. To choose a new
password, open this link:

{link}

The link works once and expires at {expires_at} (in {ttl}). If you did not
ask for this, ignore this message: your password stays as it is.
";

const CHANGED_SUBJECT: &str = "Your password was changed";
const CHANGED_TEMPLATE: &str = "Hello {username},

the password of your account was changed at {changed_at} with a reset link.

If that was not you, contact support right away.
";

/// The placeholders a reset template may use.
const RESET_PLACEHOLDERS: [&str; 5] = ["username", "email", "link", "expires_at", "ttl"];

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
    fn temporary(reason: impl Into<String>) -> Self {
        SendError {
            temporary: true,
            uncertain: false,
            reason: crate::error::printable(&reason.into()),
        }
    }
    fn permanent(reason: impl Into<String>) -> Self {
        SendError {
            temporary: false,
            uncertain: false,
            reason: crate::error::printable(&reason.into()),
        }
    }
    fn uncertain(reason: impl Into<String>) -> Self {
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

#[derive(Clone)]
enum Transport {
    Smtp(SmtpTransport),
    Sendmail(SendmailTransport),
    File(PathBuf),
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
        let (transport, shown_as) = transport(url, timeout, settings.ca_cert.as_ref())
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

impl Transport {
    fn send(&self, message: &Message, via: &str) -> std::result::Result<(), SendError> {
        match self {
            Transport::Smtp(t) => t
                .send(message)
                .map(drop)
                .map_err(|e| classify_smtp(&e, via)),
            Transport::Sendmail(t) => t.send(message).map_err(|e| {
                let text = error_chain(&e);
                let reason = format!("{via}: {}", one_line(&text));
                // A sendmail that cannot run will not start running by
                // itself; one that ran and refused may be busy or down.
                if text.contains("No such file") || text.contains("Permission denied") {
                    SendError::permanent(reason)
                } else {
                    SendError::temporary(reason)
                }
            }),
            Transport::File(dir) => write_eml(dir, &message.formatted()).map_err(|e| {
                // A full disk or quota empties again; a missing or
                // forbidden folder does not by itself.
                let reason = format!("{via}: {e}");
                match e.raw_os_error() {
                    Some(ENOSPC | EDQUOT | EFBIG) => SendError::temporary(reason),
                    _ => SendError::permanent(reason),
                }
            }),
        }
    }

    fn probe(&self, via: &str) -> std::result::Result<(), SendError> {
        match self {
            Transport::Smtp(t) => match t.test_connection() {
                Ok(true) => Ok(()),
                Ok(false) => Err(SendError::temporary(format!(
                    "{via}: the server did not answer"
                ))),
                Err(e) => Err(classify_smtp(&e, via)),
            },
            Transport::Sendmail(_) => Ok(()),
            Transport::File(dir) => probe_dir(dir)
                .map_err(|e| SendError::permanent(format!("{via}: cannot write there: {e}"))),
        }
    }
}

/// Whether a message could be written into `dir`: a hidden file is made and
/// removed again, so no outbox watcher takes it for a message.
fn probe_dir(dir: &Path) -> std::io::Result<()> {
    let path = dir.join(format!(".resetctl-probe-{}", std::process::id()));
    OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(&path)?;
    std::fs::remove_file(path)
}

/// The errno values of a full disk, an exceeded quota and a file-size
/// limit (Linux; the same numbers on the BSDs for the first and last).
const ENOSPC: i32 = 28;
const EDQUOT: i32 = 122;
const EFBIG: i32 = 27;

/// One message per file, readable by its owner only: it holds a live link.
/// Written under a hidden name and renamed into place, so a watcher of the
/// outbox never reads half a message; a failed write leaves nothing.
fn write_eml(dir: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut name = [0u8; 16];
    OsRng
        .try_fill_bytes(&mut name)
        .map_err(std::io::Error::other)?;
    let name = hex::encode(name);
    let partial = dir.join(format!(".{name}.eml.partial"));
    let write = || -> std::io::Result<()> {
        let mut f = OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(&partial)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        std::fs::rename(&partial, dir.join(format!("{name}.eml")))
    };
    write().inspect_err(|_| {
        let _ = std::fs::remove_file(&partial);
    })
}

/// 4xx, timeouts and unreachable servers may pass; 5xx and TLS trouble will not.
fn classify_smtp(e: &lettre::transport::smtp::Error, via: &str) -> SendError {
    let chain = error_chain(e);
    let text = format!("{via}: {}", one_line(&chain));
    // A certificate the client will not trust surfaces from rustls as an I/O
    // error; retrying will not make it trusted.
    let lower = chain.to_ascii_lowercase();
    // TLS failures (untrusted certificate, TLS spoken to a plain server)
    // surface from rustls as I/O errors; retrying will not fix them. Nor will
    // it fix credentials the server has no way to take.
    let tls_trouble = e.is_tls()
        || [
            "certificate",
            "corrupt message",
            "handshake",
            "peer is incompatible",
            "peer misbehaved",
        ]
        .iter()
        .any(|m| lower.contains(m));
    if e.is_permanent() || e.is_client() || tls_trouble {
        SendError::permanent(text)
    } else if e.is_timeout() {
        // A read that timed out may be the wait for the last reply, after
        // the server had the whole message.
        SendError::uncertain(text)
    } else {
        SendError::temporary(text)
    }
}

fn error_chain(e: &dyn std::error::Error) -> String {
    let mut s = e.to_string();
    let mut source = e.source();
    while let Some(inner) = source {
        let t = inner.to_string();
        if !s.contains(&t) {
            s.push_str(": ");
            s.push_str(&t);
        }
        source = inner.source();
    }
    s
}

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The user's mailbox, with their username as display name, and the address
/// masked for output: `a***@example.com`.
fn recipient(user: &User) -> std::result::Result<(Mailbox, String), SendError> {
    let Some(email) = user.email.as_deref().filter(|e| !e.trim().is_empty()) else {
        return Err(SendError::permanent("the user has no email address"));
    };
    let address = email.trim().parse().map_err(|_| {
        SendError::permanent(format!("{} is not a valid email address", mask(email)))
    })?;
    // A display name holding line breaks or other control characters is
    // dropped rather than passed on: it could never be a header.
    let name = user
        .username
        .clone()
        .filter(|n| !n.chars().any(char::is_control));
    Ok((Mailbox::new(name, address), mask(email)))
}

/// `alice@example.com` -> `a***@example.com`. Only a well-formed address
/// shows its domain: of anything else nothing is shown.
pub fn mask(email: &str) -> String {
    match email.trim().parse::<lettre::Address>() {
        Ok(address) => {
            let first: String = address.user().chars().take(1).collect();
            crate::error::printable(&format!("{first}***@{}", address.domain()))
        }
        Err(_) => "***".to_string(),
    }
}

/// The name used in message bodies, control characters escaped.
fn display_name(user: &User) -> String {
    let name = user
        .username
        .clone()
        .or_else(|| user.email.clone())
        .unwrap_or_else(|| format!("user {}", user.id));
    crate::error::printable(&name)
}

fn html_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

fn read_template(key: &str, path: &PathBuf) -> Result<String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| Error::config(format!("{key}: cannot read {}: {e}", path.display())))?;
    check_template(&text, &RESET_PLACEHOLDERS)
        .map_err(|why| Error::config(format!("{key}: {why}")))?;
    Ok(text)
}

/// Every `{name}` must be a known placeholder; `{{` and `}}` are braces.
pub fn check_template(text: &str, known: &[&str]) -> std::result::Result<(), String> {
    let mut rest = text;
    while let Some(at) = rest.find(['{', '}']) {
        let tail = &rest[at..];
        if tail.starts_with("{{") || tail.starts_with("}}") {
            rest = &tail[2..];
            continue;
        }
        if tail.starts_with('}') {
            return Err("a lone '}' (write '}}' for a brace)".into());
        }
        let Some(end) = tail.find('}') else {
            return Err("a '{' that is never closed (write '{{' for a brace)".into());
        };
        let name = &tail[1..end];
        if !known.contains(&name) {
            return Err(format!(
                "unknown placeholder {{{}}}; known: {}",
                crate::error::clean(name, 30),
                known
                    .iter()
                    .map(|k| format!("{{{k}}}"))
                    .collect::<Vec<_>>()
                    .join(" ")
            ));
        }
        rest = &tail[end + 1..];
    }
    Ok(())
}

/// Replaces each `{name}` by its value, in one pass (a value holding
/// `{link}` is not expanded again).
fn fill(template: &str, names: &[&str], values: &[String]) -> String {
    let mut out = String::with_capacity(template.len() + 256);
    let mut rest = template;
    while let Some(at) = rest.find(['{', '}']) {
        out.push_str(&rest[..at]);
        let tail = &rest[at..];
        if tail.starts_with("{{") || tail.starts_with("}}") {
            out.push_str(&tail[..1]);
            rest = &tail[2..];
            continue;
        }
        let end = tail.find('}').unwrap_or(0);
        match names.iter().position(|n| end > 0 && *n == &tail[1..end]) {
            Some(i) => {
                out.push_str(&values[i]);
                rest = &tail[end + 1..];
            }
            None => {
                out.push_str(&tail[..1]);
                rest = &tail[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// `smtp://[user:pass@]host[:port][?tls=required|opportunistic]`,
/// `smtps://...`, `sendmail[:/path]` or `file:DIR`. Returns the transport
/// and how to name it without the password.
fn transport(
    url: &str,
    timeout: Duration,
    ca_cert: Option<&PathBuf>,
) -> std::result::Result<(Transport, String), String> {
    if url == "sendmail" {
        let found = std::env::var_os("PATH")
            .is_some_and(|p| std::env::split_paths(&p).any(|d| is_executable(&d.join("sendmail"))));
        if !found {
            return Err(
                "sendmail: no sendmail in PATH (name it: sendmail:/path/to/sendmail)".into(),
            );
        }
        return Ok((
            Transport::Sendmail(SendmailTransport::new()),
            "sendmail".into(),
        ));
    }
    if let Some(path) = url.strip_prefix("sendmail:") {
        if !is_executable(Path::new(path)) {
            return Err(format!("sendmail:{path}: no such executable"));
        }
        return Ok((
            Transport::Sendmail(SendmailTransport::new_with_command(path)),
            format!("sendmail:{path}"),
        ));
    }
    if let Some(dir) = url.strip_prefix("file:") {
        let dir = dir.strip_prefix("//").unwrap_or(dir);
        if !std::path::Path::new(dir).is_dir() {
            return Err(format!("file:{dir}: no such directory"));
        }
        return Ok((Transport::File(PathBuf::from(dir)), format!("file:{dir}")));
    }
    let parsed = url::Url::parse(url).map_err(|e| format!("not a transport URL ({e})"))?;
    let implicit_tls = match parsed.scheme() {
        "smtp" => false,
        "smtps" => true,
        other => {
            return Err(format!(
                "unknown scheme {}: use smtp://, smtps://, sendmail or file:DIR",
                shown(other)
            ));
        }
    };
    let host = parsed
        .host_str()
        .filter(|h| !h.is_empty())
        .ok_or("no host in the URL")?
        .trim_matches(['[', ']'])
        .to_string();
    let mut starttls = None;
    for (k, v) in parsed.query_pairs() {
        match (k.as_ref(), v.as_ref()) {
            ("tls", "required") => starttls = Some(true),
            ("tls", "opportunistic") => starttls = Some(false),
            ("tls", "none") => starttls = None,
            _ => return Err(format!("unknown URL parameter {}", shown(&k))),
        }
    }
    if implicit_tls && starttls.is_some() {
        return Err("smtps:// is TLS from the first byte; ?tls= is for smtp://".into());
    }
    let port = parsed.port().unwrap_or(match (implicit_tls, starttls) {
        (true, _) => 465,
        (false, Some(_)) => 587,
        (false, None) => 25,
    });
    let tls_params = || -> std::result::Result<TlsParameters, String> {
        let mut b = TlsParameters::builder(host.clone());
        if let Some(path) = ca_cert {
            let pem = std::fs::read(path)
                .map_err(|e| format!("email.ca_cert: cannot read {}: {e}", path.display()))?;
            let cert = Certificate::from_pem(&pem).map_err(|e| {
                format!(
                    "email.ca_cert: {} is not a PEM certificate ({e})",
                    path.display()
                )
            })?;
            b = b.add_root_certificate(cert);
        }
        b.build_rustls()
            .map_err(|e| format!("TLS setup failed: {e}"))
    };
    let tls = match (implicit_tls, starttls) {
        (true, _) => Tls::Wrapper(tls_params()?),
        (false, Some(true)) => Tls::Required(tls_params()?),
        (false, Some(false)) => Tls::Opportunistic(tls_params()?),
        (false, None) => Tls::None,
    };
    let mut builder = SmtpTransport::builder_dangerous(host.clone())
        .port(port)
        .tls(tls)
        .timeout(Some(timeout));
    if !parsed.username().is_empty() {
        let decode = |s: &str| {
            percent_decode(s).ok_or_else(|| {
                "the user or password in the URL is not valid percent-encoding".to_string()
            })
        };
        let user = decode(parsed.username())?;
        let pass = decode(parsed.password().unwrap_or(""))?;
        builder = builder.credentials(Credentials::new(user, pass));
    }
    let scheme = parsed.scheme();
    let tls_note = match starttls {
        Some(true) => "?tls=required",
        Some(false) => "?tls=opportunistic",
        None => "",
    };
    Ok((
        Transport::Smtp(builder.build()),
        format!("{scheme}://{host}:{port}{tls_note}"),
    ))
}

fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = s.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_addresses() {
        assert_eq!(mask("alice@example.com"), "a***@example.com");
        assert_eq!(mask(" Bob@Example.org "), "B***@Example.org");
        assert_eq!(mask("nonsense"), "***");
        assert_eq!(mask("a@b@evil.example"), "***");
        assert_eq!(mask("x@\u{1b}[2J.example"), "***");
    }

    #[test]
    fn templates() {
        assert!(check_template("Hi {username}, {link} {{literal}}", &RESET_PLACEHOLDERS).is_ok());
        let e = check_template("Hi {user}", &RESET_PLACEHOLDERS).unwrap_err();
        assert!(e.starts_with("unknown placeholder {user}"), "{e}");
        assert!(check_template("Hi {username", &RESET_PLACEHOLDERS).is_err());
        assert!(check_template("a } b", &RESET_PLACEHOLDERS).is_err());
        let out = fill(
            "{username}: {link} {{x}}",
            &["username", "link"],
            &["{link}".to_string(), "L".to_string()],
        );
        assert_eq!(out, "{link}: L {x}");
    }

    #[test]
    fn transport_urls() {
        let t = Duration::from_secs(1);
        let shown = |u: &str| transport(u, t, None).map(|(_, s)| s);
        assert_eq!(shown("smtp://localhost").unwrap(), "smtp://localhost:25");
        assert_eq!(
            shown("smtp://me:s3cret@mail.example.com?tls=required").unwrap(),
            "smtp://mail.example.com:587?tls=required"
        );
        assert_eq!(
            shown("smtps://me:p%40ss@mail.example.com").unwrap(),
            "smtps://mail.example.com:465"
        );
        assert!(
            shown("sendmail:/nonexistent/sendmail")
                .unwrap_err()
                .contains("no such executable")
        );
        for bad in [
            "http://x",
            "smtp://",
            "smtp://h?tls=maybe",
            "smtps://h?tls=required",
            "file:/nonexistent/dir",
            "::",
        ] {
            let e = shown(bad).unwrap_err();
            assert!(!e.contains("s3cret"), "{e}");
        }
    }
}
