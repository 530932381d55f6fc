//! Signals. A file-size limit (SIGXFSZ) would kill the process mid-write;
//! caught instead, the write fails and the command ends with 74 like any
//! other write error. SIGINT and SIGTERM are caught only while a bulk run
//! is going, so it can stop between batches; a second one ends it at once.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use signal_hook::consts::{SIGINT, SIGTERM, SIGXFSZ};
use signal_hook::{SigId, flag, low_level};

use crate::error::{Error, Kind, Result};

/// For the whole run: writes past a file-size limit fail instead of
/// killing the process.
pub fn survive_file_size_limit() -> Result<()> {
    flag::register(SIGXFSZ, Arc::new(AtomicBool::new(false)))
        .map(drop)
        .map_err(|e| Error::internal(format!("cannot catch SIGXFSZ: {e}")))
}

/// SIGINT and SIGTERM, caught while this lives.
pub struct Stop {
    signal: Arc<AtomicUsize>,
    ids: Vec<SigId>,
}

impl Stop {
    pub fn catch() -> Result<Stop> {
        let signal = Arc::new(AtomicUsize::new(0));
        let caught = Arc::new(AtomicBool::new(false));
        let mut ids = Vec::new();
        let mut register = || -> std::io::Result<()> {
            for (sig, code) in [(SIGINT, 130), (SIGTERM, 143)] {
                // Registered first, so it sees whether a signal came before.
                ids.push(flag::register_conditional_shutdown(
                    sig,
                    code,
                    caught.clone(),
                )?);
                ids.push(flag::register(sig, caught.clone())?);
                ids.push(flag::register_usize(sig, signal.clone(), sig as usize)?);
            }
            Ok(())
        };
        register().map_err(|e| Error::internal(format!("cannot catch signals: {e}")))?;
        Ok(Stop { signal, ids })
    }

    /// The error to end with, once a signal asked the run to stop.
    pub fn requested(&self) -> Option<Error> {
        let (kind, name) = match self.signal.load(Ordering::SeqCst) {
            0 => return None,
            n if n == SIGTERM as usize => (Kind::Terminated, "SIGTERM"),
            _ => (Kind::Interrupted, "SIGINT"),
        };
        Some(Error::new(kind, format!("stopped by {name}")))
    }
}

impl Drop for Stop {
    fn drop(&mut self) {
        for id in self.ids.drain(..) {
            low_level::unregister(id);
        }
    }
}
