//! A real SMTP server (tests/support/smtp_server.py, aiosmtpd) on 127.0.0.1,
//! and the messages it received.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Output, Stdio};

use super::TestEnv;

/// The sender of the mail tests' config.
pub const FROM: &str = "Example Support <support@example.com>";

/// Writes resetctl's config for mail from FROM through `transport`, with
/// `extra` lines after the [email] keys, and returns its path.
pub fn mail_config(env: &TestEnv, transport: &str, extra: &str) -> PathBuf {
    env.config(&format!(
        "[email]\nfrom = \"{FROM}\"\ntransport = \"{transport}\"\n{extra}"
    ))
}

/// `issue --send ARGS` with this config.
pub fn send(env: &TestEnv, config: &Path, args: &[&str]) -> Output {
    env.cmd_with(config)
        .arg("issue")
        .arg("--send")
        .args(args)
        .output()
        .unwrap()
}

pub struct SmtpServer {
    child: Child,
    _stdin: ChildStdin,
    pub port: u16,
    pub maildir: PathBuf,
    pub tls_dir: PathBuf,
}

impl SmtpServer {
    /// Starts the server with extra flags (see the script), in `dir`.
    pub fn start(dir: &Path, flags: &[&str]) -> SmtpServer {
        std::fs::create_dir_all(dir).unwrap();
        let maildir = dir.join("maildir");
        let tls_dir = dir.join("tls");
        let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/support/smtp_server.py");
        let mut child = Command::new(super::tools::python())
            .arg(script)
            .arg("--maildir")
            .arg(&maildir)
            .arg("--tls-dir")
            .arg(&tls_dir)
            .args(flags)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let stdin = child.stdin.take().unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let port = line
            .strip_prefix("PORT ")
            .and_then(|p| p.trim().parse().ok())
            .unwrap_or_else(|| {
                panic!("the SMTP server did not start (is aiosmtpd installed?): {line:?}")
            });
        SmtpServer {
            child,
            _stdin: stdin,
            port,
            maildir,
            tls_dir,
        }
    }

    /// Every message received, parsed, oldest first.
    pub fn messages(&self) -> Vec<Received> {
        let new = self.maildir.join("new");
        let mut files: Vec<PathBuf> = std::fs::read_dir(&new)
            .map(|d| d.map(|e| e.unwrap().path()).collect())
            .unwrap_or_default();
        files.sort_by_key(|p| std::fs::metadata(p).and_then(|m| m.modified()).unwrap());
        files
            .iter()
            .map(|f| Received::parse(&std::fs::read(f).unwrap()))
            .collect()
    }
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A message as a mail client would read it: headers, and the bodies with
/// their transfer encoding (quoted-printable, base64) undone.
#[derive(Debug)]
pub struct Received {
    pub raw: String,
    pub headers: Vec<(String, String)>,
    pub text: String,
    pub html: Option<String>,
}

impl Received {
    pub fn parse(raw: &[u8]) -> Received {
        let mail = mailparse::parse_mail(raw).unwrap();
        let headers = mail
            .headers
            .iter()
            .map(|h| (h.get_key(), h.get_value()))
            .collect();
        let mut text = String::new();
        let mut html = None;
        let mut parts = vec![&mail];
        while let Some(part) = parts.pop() {
            if !part.subparts.is_empty() {
                parts.extend(part.subparts.iter());
                continue;
            }
            match part.ctype.mimetype.as_str() {
                "text/html" => html = Some(part.get_body().unwrap().replace("\r\n", "\n")),
                _ => text = part.get_body().unwrap().replace("\r\n", "\n"),
            }
        }
        Received {
            raw: String::from_utf8_lossy(raw).into_owned(),
            headers,
            text,
            html,
        }
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The token of the reset link in the body, or "" for a mail without one.
    pub fn token_if_any(&self) -> String {
        if self.text.contains("token=") {
            self.token()
        } else {
            String::new()
        }
    }

    /// The token of the first reset link in the plain-text body.
    pub fn token(&self) -> String {
        let at = self.text.find("token=").expect("a reset link in the body") + "token=".len();
        self.text[at..at + 64].to_string()
    }
}
