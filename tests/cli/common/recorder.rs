//! A plain TCP listener that plays a PostgreSQL server without TLS which
//! asks for the password in clear text, and keeps every byte clients send
//! it: what a client told to verify its server must never hand over.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// The code of the message asking for TLS (libpq's SSLRequest).
const SSL_REQUEST: u32 = 80_877_103;

pub struct Recorder {
    pub port: u16,
    seen: Arc<Mutex<Vec<u8>>>,
}

impl Recorder {
    pub fn start() -> Recorder {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let seen = Arc::new(Mutex::new(Vec::new()));
        let kept = seen.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let kept = kept.clone();
                std::thread::spawn(move || serve(stream, &kept));
            }
        });
        Recorder { port, seen }
    }

    /// Every byte received so far, from every client.
    pub fn seen(&self) -> Vec<u8> {
        self.seen.lock().unwrap().clone()
    }
}

fn serve(mut s: TcpStream, seen: &Mutex<Vec<u8>>) {
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    let read = |s: &mut TcpStream, typed: bool| -> Option<Vec<u8>> {
        let head = if typed { 5 } else { 4 };
        let mut msg = vec![0u8; head];
        s.read_exact(&mut msg).ok()?;
        let len = u32::from_be_bytes(msg[head - 4..].try_into().unwrap()) as usize;
        msg.resize(head - 4 + len.max(4), 0);
        s.read_exact(&mut msg[head..]).ok()?;
        seen.lock().unwrap().extend_from_slice(&msg);
        Some(msg)
    };
    // "No TLS here", to every request for it; then ask for the password.
    let mut first = read(&mut s, false);
    while let Some(msg) = &first {
        if msg.len() != 8 || u32::from_be_bytes(msg[4..8].try_into().unwrap()) != SSL_REQUEST {
            break;
        }
        if s.write_all(b"N").is_err() {
            return;
        }
        first = read(&mut s, false);
    }
    if first.is_none() || s.write_all(&[b'R', 0, 0, 0, 8, 0, 0, 0, 3]).is_err() {
        return;
    }
    let _ = read(&mut s, true);
}
