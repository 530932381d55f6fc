//! Where results and diagnostics go: results to stdout (text or JSON),
//! everything else to stderr, colour only where it can be seen.

use std::cell::RefCell;
use std::io::{self, BufWriter, IsTerminal, Stdout, Write};

use comfy_table::presets::NOTHING;
use comfy_table::{Cell, Color, ContentArrangement, Table};

use crate::error::{Error, Result};

/// When `--qr` draws.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum QrWhen {
    /// only when stdout is a terminal
    Auto,
    /// whatever stdout is
    Always,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

/// A warning on stderr, shown even under `-q`, for the layers that hold
/// no `Output` (the database's, recovering from a lost connection).
pub fn warning(text: impl std::fmt::Display) {
    eprintln!(
        "resetctl: warning: {}",
        crate::text::printable(&text.to_string())
    );
}

pub struct Output {
    pub json: bool,
    pub quiet: bool,
    color: bool,
    /// Shared, so a command can print from inside a database transaction
    /// (links are out before their tokens commit) while holding the context.
    stdout: RefCell<BufWriter<Stdout>>,
}

impl Output {
    pub fn new(json: bool, quiet: bool, choice: ColorChoice) -> Output {
        let color = match choice {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => {
                std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                    && io::stdout().is_terminal()
            }
        };
        Output {
            json,
            quiet,
            color,
            // Streams of JSON lines are the bulk of some runs' work; 64 KiB
            // writes keep system calls out of the per-row cost.
            stdout: RefCell::new(BufWriter::with_capacity(64 * 1024, io::stdout())),
        }
    }

    /// A line of result on stdout.
    pub fn line(&self, text: impl std::fmt::Display) -> Result<()> {
        writeln!(self.stdout.borrow_mut(), "{text}").map_err(stdout_error)
    }

    /// One JSON value on one line of stdout.
    pub fn json(&self, value: &impl serde::Serialize) -> Result<()> {
        let mut out = self.stdout.borrow_mut();
        serde_json::to_writer(&mut *out, value).map_err(|e| stdout_error(e.into()))?;
        out.write_all(b"\n").map_err(stdout_error)
    }

    /// Streams a JSON array, one element at a time, so memory stays flat
    /// whatever the number of rows.
    pub fn json_array(&self) -> JsonArray<'_> {
        JsonArray { out: self, n: 0 }
    }

    /// A result in words on stdout, unless `-q`.
    pub fn say(&self, text: impl std::fmt::Display) -> Result<()> {
        if self.quiet { Ok(()) } else { self.line(text) }
    }

    /// A progress or informational message on stderr, unless `-q`.
    pub fn note(&self, text: impl std::fmt::Display) {
        if !self.quiet {
            eprintln!("{text}");
        }
    }

    /// A warning on stderr, shown even under `-q`.
    pub fn warn(&self, text: impl std::fmt::Display) {
        warning(text);
    }

    /// A table in the plain, column-aligned style of admin tools, fitted to
    /// the terminal's width when there is one.
    pub fn table(&self, header: &[&str]) -> Table {
        let mut t = Table::new();
        t.load_preset(NOTHING)
            .set_content_arrangement(ContentArrangement::Dynamic)
            .set_header(header.iter().map(Cell::new));
        // comfy-table fits itself to the terminal stdout is on, if any; it
        // styles only cells given a colour, and those only when colour is on.
        // A terminal that reports no width (some pseudo-terminals) is
        // treated as none, not as zero columns to squeeze into.
        if t.width() == Some(0) {
            t.force_no_tty();
        }
        if self.color {
            t.enforce_styling();
        }
        t
    }

    pub fn print_table(&self, t: &Table) -> Result<()> {
        for line in t.lines() {
            self.line(line.trim_end())?;
        }
        Ok(())
    }

    /// A token state, coloured when colour is on.
    pub fn state_cell(&self, state: &str) -> Cell {
        let cell = Cell::new(state);
        if !self.color {
            return cell;
        }
        match state {
            "active" => cell.fg(Color::Green),
            "expired" => cell.fg(Color::Red),
            _ => cell,
        }
    }

    pub fn flush(&self) -> Result<()> {
        self.stdout.borrow_mut().flush().map_err(stdout_error)
    }

    /// Flushes, then, when stdout is a pipe, waits until the reader has
    /// read it all: a reader that stops early (`| head`) leaves lines in
    /// the pipe that nobody sees. Fails like a closed pipe if the reader
    /// goes away with lines unread.
    pub fn flush_and_wait_until_read(&self) -> Result<()> {
        use rustix::event::{PollFd, PollFlags, Timespec, poll};
        use std::os::fd::AsFd;
        use std::os::unix::fs::FileTypeExt;

        self.flush()?;
        let stdout = io::stdout();
        let fd = stdout.as_fd();
        let is_pipe = fd
            .try_clone_to_owned()
            .map(std::fs::File::from)
            .and_then(|f| f.metadata())
            .is_ok_and(|m| m.file_type().is_fifo());
        if !is_pipe {
            return Ok(());
        }
        let tick = Timespec {
            tv_sec: 0,
            tv_nsec: 50_000_000,
        };
        // Neither can block for long: the poll asks for no event, so it
        // returns on the reader's end (an error on the pipe) or the tick.
        while rustix::io::ioctl_fionread(fd).unwrap_or(0) > 0 {
            let mut fds = [PollFd::new(&fd, PollFlags::empty())];
            let _ = poll(&mut fds, Some(&tick));
            if fds[0].revents().intersects(PollFlags::ERR | PollFlags::HUP) {
                return Err(Error::broken_pipe());
            }
        }
        Ok(())
    }
}

pub struct JsonArray<'a> {
    out: &'a Output,
    n: u64,
}

impl JsonArray<'_> {
    pub fn push(&mut self, value: &impl serde::Serialize) -> Result<()> {
        let sep: &[u8] = if self.n == 0 { b"[\n" } else { b",\n" };
        let mut out = self.out.stdout.borrow_mut();
        out.write_all(sep).map_err(stdout_error)?;
        serde_json::to_writer(&mut *out, value).map_err(|e| stdout_error(e.into()))?;
        self.n += 1;
        Ok(())
    }

    pub fn finish(self) -> Result<()> {
        let end: &[u8] = if self.n == 0 { b"[]\n" } else { b"\n]\n" };
        self.out
            .stdout
            .borrow_mut()
            .write_all(end)
            .map_err(stdout_error)
    }
}

/// The link as a QR code of Unicode half blocks, light on dark as a phone
/// camera reads it from a terminal, with its quiet zone.
pub fn qr_code(link: &str) -> Result<String> {
    let code = qrcode::QrCode::new(link.as_bytes())
        .map_err(|e| Error::bad_input(format!("the link cannot be drawn as a QR code: {e}")))?;
    Ok(code
        .render::<qrcode::render::unicode::Dense1x2>()
        .dark_color(qrcode::render::unicode::Dense1x2::Light)
        .light_color(qrcode::render::unicode::Dense1x2::Dark)
        .build())
}

pub(crate) fn stdout_error(e: io::Error) -> Error {
    if e.kind() == io::ErrorKind::BrokenPipe {
        Error::broken_pipe()
    } else {
        Error::io(format!("cannot write to standard output: {e}"))
    }
}
