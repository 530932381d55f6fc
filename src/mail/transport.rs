//! How a message travels: the transport a URL names (SMTP, SMTPS,
//! sendmail, a `file:` outbox), a probe that sends nothing, and whether a
//! failure is worth retrying.

use std::fs::OpenOptions;
use std::io::Write;
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Certificate, Tls, TlsParameters};
use lettre::{Message, SendmailTransport, SmtpTransport, Transport as _};
use rand::TryRngCore;
use rand::rngs::OsRng;

use super::SendError;
use crate::text::shown;

#[derive(Clone)]
pub(super) enum Transport {
    Smtp(SmtpTransport),
    Sendmail(SendmailTransport),
    File(PathBuf),
}
impl Transport {
    pub(super) fn send(&self, message: &Message, via: &str) -> std::result::Result<(), SendError> {
        match self {
            Transport::Smtp(t) => t
                .send(message)
                .map(drop)
                .map_err(|e| classify_smtp(&e, via)),
            Transport::Sendmail(t) => t.send(message).map_err(|e| {
                let text = error_chain(&e);
                let reason = format!("{via}: {}", squeeze(&text));
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

    pub(super) fn probe(&self, via: &str) -> std::result::Result<(), SendError> {
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
    let text = format!("{via}: {}", squeeze(&chain));
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

/// Lower layers' words, whitespace squeezed onto one line.
fn squeeze(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// `smtp://[user:pass@]host[:port][?tls=required|opportunistic]`,
/// `smtps://...`, `sendmail[:/path]` or `file:DIR`. Returns the transport
/// and how to name it without the password.
pub(super) fn parse(
    url: &str,
    timeout: Duration,
    ca_cert: Option<&PathBuf>,
) -> std::result::Result<(Transport, String), String> {
    match local(url)? {
        Some(found) => Ok(found),
        None => smtp(url, timeout, ca_cert),
    }
}

/// A transport on this machine: sendmail, or an outbox folder.
fn local(url: &str) -> std::result::Result<Option<(Transport, String)>, String> {
    if url == "sendmail" {
        let found = std::env::var_os("PATH")
            .is_some_and(|p| std::env::split_paths(&p).any(|d| is_executable(&d.join("sendmail"))));
        if !found {
            return Err(
                "sendmail: no sendmail in PATH (name it: sendmail:/path/to/sendmail)".into(),
            );
        }
        return Ok(Some((
            Transport::Sendmail(SendmailTransport::new()),
            "sendmail".into(),
        )));
    }
    if let Some(path) = url.strip_prefix("sendmail:") {
        if !is_executable(Path::new(path)) {
            return Err(format!("sendmail:{path}: no such executable"));
        }
        return Ok(Some((
            Transport::Sendmail(SendmailTransport::new_with_command(path)),
            format!("sendmail:{path}"),
        )));
    }
    if let Some(dir) = url.strip_prefix("file:") {
        let dir = dir.strip_prefix("//").unwrap_or(dir);
        if !std::path::Path::new(dir).is_dir() {
            return Err(format!("file:{dir}: no such directory"));
        }
        return Ok(Some((
            Transport::File(PathBuf::from(dir)),
            format!("file:{dir}"),
        )));
    }
    Ok(None)
}

/// Where an SMTP URL points and how it asks for TLS.
struct SmtpServer {
    host: String,
    port: u16,
    /// `smtps://`: TLS from the first byte.
    implicit_tls: bool,
    /// `?tls=`: STARTTLS required, opportunistic, or not at all.
    starttls: Option<bool>,
}

impl SmtpServer {
    fn of(parsed: &url::Url) -> std::result::Result<SmtpServer, String> {
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
        Ok(SmtpServer {
            host,
            port,
            implicit_tls,
            starttls,
        })
    }

    /// The TLS lettre is to use, trusting `ca_cert` besides the system's.
    fn tls(&self, ca_cert: Option<&PathBuf>) -> std::result::Result<Tls, String> {
        let params = || -> std::result::Result<TlsParameters, String> {
            let mut b = TlsParameters::builder(self.host.clone());
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
        Ok(match (self.implicit_tls, self.starttls) {
            (true, _) => Tls::Wrapper(params()?),
            (false, Some(true)) => Tls::Required(params()?),
            (false, Some(false)) => Tls::Opportunistic(params()?),
            (false, None) => Tls::None,
        })
    }

    /// The URL as shown: without the user and password.
    fn shown(&self, scheme: &str) -> String {
        let tls_note = match self.starttls {
            Some(true) => "?tls=required",
            Some(false) => "?tls=opportunistic",
            None => "",
        };
        format!("{scheme}://{}:{}{tls_note}", self.host, self.port)
    }
}

/// `smtp://` or `smtps://`, with the credentials the URL carries.
fn smtp(
    url: &str,
    timeout: Duration,
    ca_cert: Option<&PathBuf>,
) -> std::result::Result<(Transport, String), String> {
    let parsed = url::Url::parse(url).map_err(|e| format!("not a transport URL ({e})"))?;
    let server = SmtpServer::of(&parsed)?;
    let mut builder = SmtpTransport::builder_dangerous(server.host.clone())
        .port(server.port)
        .tls(server.tls(ca_cert)?)
        .timeout(Some(timeout));
    if !parsed.username().is_empty() {
        let decode = |s: &str| {
            crate::text::percent_decoded(s).ok_or_else(|| {
                "the user or password in the URL is not valid percent-encoding".to_string()
            })
        };
        let user = decode(parsed.username())?;
        let pass = decode(parsed.password().unwrap_or(""))?;
        builder = builder.credentials(Credentials::new(user, pass));
    }
    Ok((
        Transport::Smtp(builder.build()),
        server.shown(parsed.scheme()),
    ))
}

fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn transport_urls() {
        let t = Duration::from_secs(1);
        let shown = |u: &str| parse(u, t, None).map(|(_, s)| s);
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
