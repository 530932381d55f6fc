//! A TCP proxy in front of the test cluster that loses one COMMIT, as a
//! network that fails at the worst moment would: resetctl connects to it
//! without TLS, it relays bytes both ways, and it reads what the client
//! sends message by message, watching for the simple query `COMMIT` (a
//! `Q` message: tokio-postgres's `batch_execute("COMMIT")`). The chosen
//! COMMIT either reaches the server, whose answer is then dropped with the
//! connection, or never leaves the proxy. Every other connection passes
//! through untouched, unless the proxy is told to refuse them once it has
//! struck (a server that cannot be reached again).

use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, mpsc};
use std::time::Duration;

use super::postgres::{PASSWORD, cluster};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// The server gets the COMMIT and answers it; the answer is dropped
    /// and both connections closed.
    AnswerLost,
    /// Both connections are closed instead of passing the COMMIT on.
    NeverSent,
}

struct Plan {
    nth: usize,
    fault: Fault,
    refuse_after: bool,
    commits: AtomicUsize,
    struck: AtomicBool,
}

pub struct CommitProxy {
    port: u16,
    plan: Arc<Plan>,
}

impl CommitProxy {
    /// Loses the `nth` COMMIT (from 1, over all connections) by `fault`;
    /// with `refuse_after`, every connection after that is closed at once.
    pub fn start(nth: usize, fault: Fault, refuse_after: bool) -> CommitProxy {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let plan = Arc::new(Plan {
            nth,
            fault,
            refuse_after,
            commits: AtomicUsize::new(0),
            struck: AtomicBool::new(false),
        });
        let shared = plan.clone();
        std::thread::spawn(move || {
            for client in listener.incoming().flatten() {
                if shared.refuse_after && shared.struck.load(Ordering::SeqCst) {
                    drop(client);
                    continue;
                }
                let plan = shared.clone();
                std::thread::spawn(move || relay(client, &plan));
            }
        });
        CommitProxy { port, plan }
    }

    /// A URL for database `db` through the proxy.
    pub fn url(&self, db: &str) -> String {
        format!(
            "postgres://postgres:{PASSWORD}@127.0.0.1:{}/{db}?sslmode=disable",
            self.port
        )
    }

    /// Whether the chosen COMMIT came by.
    pub fn struck(&self) -> bool {
        self.plan.struck.load(Ordering::SeqCst)
    }
}

fn relay(client: TcpStream, plan: &Plan) {
    let Ok(server) = TcpStream::connect(("127.0.0.1", cluster().port)) else {
        return;
    };
    let swallow = Arc::new(AtomicBool::new(false));
    let (answered, answer) = mpsc::channel();
    {
        let (mut from, mut to) = (server.try_clone().unwrap(), client.try_clone().unwrap());
        let swallow = swallow.clone();
        std::thread::spawn(move || {
            let mut buf = [0u8; 16 * 1024];
            while let Ok(n @ 1..) = from.read(&mut buf) {
                if swallow.load(Ordering::SeqCst) {
                    let _ = answered.send(());
                } else if to.write_all(&buf[..n]).is_err() {
                    break;
                }
            }
            let _ = to.shutdown(Shutdown::Both);
        });
    }
    let (mut from, mut to) = (client.try_clone().unwrap(), server.try_clone().unwrap());
    // The startup message is the one without a type byte.
    let Some(startup) = read_message(&mut from, false) else {
        return;
    };
    if to.write_all(&startup).is_err() {
        return;
    }
    while let Some(msg) = read_message(&mut from, true) {
        let is_commit = msg[0] == b'Q' && &msg[5..] == b"COMMIT\0";
        if is_commit && plan.commits.fetch_add(1, Ordering::SeqCst) + 1 == plan.nth {
            plan.struck.store(true, Ordering::SeqCst);
            if plan.fault == Fault::AnswerLost {
                swallow.store(true, Ordering::SeqCst);
                let _ = to.write_all(&msg);
                // CommandComplete is only sent once the commit is durable.
                let _ = answer.recv_timeout(Duration::from_secs(10));
            }
            break;
        }
        if to.write_all(&msg).is_err() {
            break;
        }
    }
    let _ = client.shutdown(Shutdown::Both);
    let _ = server.shutdown(Shutdown::Both);
}

/// One whole frontend message: `[type] length(4) body`.
fn read_message(from: &mut TcpStream, typed: bool) -> Option<Vec<u8>> {
    let head = if typed { 5 } else { 4 };
    let mut msg = vec![0u8; head];
    from.read_exact(&mut msg).ok()?;
    let len = u32::from_be_bytes(msg[head - 4..head].try_into().unwrap()) as usize;
    msg.resize(head - 4 + len, 0);
    from.read_exact(&mut msg[head..]).ok()?;
    Some(msg)
}
