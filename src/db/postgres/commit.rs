//! A COMMIT that got no answer: the connection failed while it was sent or
//! before the server's reply came back, so the transaction may be durable
//! or not. Left there, a bulk run would drop links of tokens that are live
//! (and `--skip-active` would then pass those users by for good), and a
//! single issue would call a working link failed. The server knows: asked
//! on a new connection by the transaction's id, it says whether that
//! transaction committed, once the old session can no longer commit it.

use std::time::{Duration, Instant};

use super::Conn;
use super::target::PgTarget;
use crate::db::{Access, Arg};
use crate::error::{Error, Kind, Result};

/// Read in the round trip before COMMIT: the transaction's id (NULL when
/// it wrote nothing) and the session's server process.
pub const MARK: &str = "SELECT txid_current_if_assigned(), pg_backend_pid()";

/// Who was committing what.
pub struct Mark {
    pub xid: Option<i64>,
    pub pid: i64,
}

enum Fate {
    Committed,
    RolledBack,
    Unknown(String),
}

/// What became of the transaction `mark` names, as the caller's result:
/// `lost` is the error the COMMIT met.
pub fn settle(target: &PgTarget, busy_timeout: Duration, mark: &Mark, lost: Error) -> Result<()> {
    // Nothing written, nothing to lose.
    let Some(xid) = mark.xid else {
        return Err(lost);
    };
    let during = format!("the connection to {target} was lost during COMMIT");
    match fate(target, busy_timeout, xid, mark.pid) {
        Fate::Committed => {
            crate::output::warning(format!(
                "{during}; asked on a new connection, the server says it committed"
            ));
            Ok(())
        }
        Fate::RolledBack => Err(Error::new(
            Kind::TempFail,
            format!("{during}, and the server rolled it back: nothing was changed"),
        )
        .with_hint("try again")),
        Fate::Unknown(why) => {
            let mut e = Error::new(
                Kind::TempFail,
                format!("{during}, and whether it committed is unknown ({why})"),
            )
            .with_hint(
                "once the server answers, `resetctl inspect USER` or `list --active` shows what holds a token; issuing again replaces it",
            );
            e.unknown_outcome = true;
            Err(e)
        }
    }
}

/// Asks on a new connection. A transaction still in progress belongs to
/// the old session, which may yet commit it: that session is ended first,
/// so the answer cannot change after it is given.
fn fate(target: &PgTarget, busy_timeout: Duration, xid: i64, pid: i64) -> Fate {
    let conn = match Conn::open(target, Access::ReadWrite, busy_timeout) {
        Ok(c) => c,
        Err(e) => return Fate::Unknown(format!("the server cannot be asked: {}", e.message)),
    };
    let until = Instant::now() + busy_timeout.max(Duration::from_secs(1));
    let mut ended = false;
    loop {
        let status = match status(&conn, xid) {
            Ok(s) => s,
            Err(e) => return Fate::Unknown(e.message),
        };
        match status.as_deref() {
            Some("committed") => return Fate::Committed,
            Some("aborted") => return Fate::RolledBack,
            Some("in progress") if Instant::now() < until => {
                if !ended {
                    if let Err(e) = end_session(&conn, pid, xid) {
                        return Fate::Unknown(e.message);
                    }
                    ended = true;
                }
                std::thread::sleep(Duration::from_millis(50));
            }
            Some("in progress") => {
                return Fate::Unknown("the old session still holds it open".into());
            }
            _ => return Fate::Unknown("the server no longer knows the transaction".into()),
        }
    }
}

fn status(conn: &Conn, xid: i64) -> Result<Option<String>> {
    let mut status = None;
    conn.each("SELECT txid_status(?1)", &[Arg::Int(xid)], &mut |r| {
        status = r.opt_text(0)?;
        Ok(())
    })?;
    Ok(status)
}

/// Ends the old session, only while it still runs this transaction: a
/// process id alone may since have gone to another session.
fn end_session(conn: &Conn, pid: i64, xid: i64) -> Result<()> {
    conn.each(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
         WHERE pid = ?1 AND backend_xid::text::bigint = ?2 % 4294967296",
        &[Arg::Int(pid), Arg::Int(xid)],
        &mut |_| Ok(()),
    )
}
