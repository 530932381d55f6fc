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
use crate::db::engine::Access;
use crate::db::engine::Cells as _;
use crate::db::failure::{self, CommitFate};
use crate::db::values::Arg;
use crate::error::{Error, Result};

/// Who was committing what.
pub struct Mark {
    xid: Option<i64>,
    pid: i64,
}

/// Read in the round trip before COMMIT: the transaction's id (NULL when
/// it wrote nothing) and the session's server process.
pub fn mark(conn: &Conn) -> Result<Mark> {
    let mut mark = Mark { xid: None, pid: 0 };
    conn.each(
        "SELECT txid_current_if_assigned(), pg_backend_pid()",
        &[],
        |r| {
            mark = Mark {
                xid: r.int(0)?,
                pid: r.int(1)?.unwrap_or_default(),
            };
            Ok(())
        },
    )?;
    Ok(mark)
}

/// What became of the transaction `mark` names, as the caller's result:
/// `lost` is the error the COMMIT met.
pub fn settle(target: &PgTarget, busy_timeout: Duration, mark: &Mark, lost: Error) -> Result<()> {
    // Nothing written, nothing to lose.
    let Some(xid) = mark.xid else {
        return Err(lost);
    };
    let fate = fate(target, busy_timeout, xid, mark.pid);
    failure::commit_lost(fate, &super::errors::site(target, busy_timeout))
}

/// Asks on a new connection. A transaction still in progress belongs to
/// the old session, which may yet commit it: that session is ended first,
/// so the answer cannot change after it is given.
fn fate(target: &PgTarget, busy_timeout: Duration, xid: i64, pid: i64) -> CommitFate {
    let conn = match Conn::open(target, Access::ReadWrite, busy_timeout) {
        Ok(c) => c,
        Err(e) => return CommitFate::Unknown(format!("the server cannot be asked: {}", e.message)),
    };
    let until = Instant::now() + busy_timeout.max(Duration::from_secs(1));
    let mut ended = false;
    loop {
        let status = match status(&conn, xid) {
            Ok(s) => s,
            Err(e) => return CommitFate::Unknown(e.message),
        };
        match status.as_deref() {
            Some("committed") => return CommitFate::Committed,
            Some("aborted") => return CommitFate::RolledBack,
            Some("in progress") if Instant::now() < until => {
                if !ended {
                    if let Err(e) = end_session(&conn, pid, xid) {
                        return CommitFate::Unknown(e.message);
                    }
                    ended = true;
                }
                std::thread::sleep(Duration::from_millis(50));
            }
            Some("in progress") => {
                return CommitFate::Unknown("the old session still holds it open".into());
            }
            _ => return CommitFate::Unknown("the server no longer knows the transaction".into()),
        }
    }
}

fn status(conn: &Conn, xid: i64) -> Result<Option<String>> {
    let mut status = None;
    conn.each("SELECT txid_status(?1)", &[Arg::Int(xid)], |r| {
        status = r.text(0)?;
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
        |_| Ok(()),
    )
}
