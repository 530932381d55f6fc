#!/usr/bin/env python3
"""A real SMTP server on 127.0.0.1 for resetctl's email tests (aiosmtpd).

usage: smtp_server.py --maildir DIR [--auth USER:PASS] [--tls-dir DIR]
                      [--starttls | --implicit-tls]
                      [--reply-rcpt "550 ..."] [--reply-data "451 ..."]
                      [--reject ADDRESS] [--delay-data SECONDS]
                      [--reply-late SECONDS]
       smtp_server.py --silent | --drip

Listens on a free port, prints "PORT <n>" once ready, and serves until
killed or until its standard input closes. Accepted messages are written to
the Maildir DIR, and the number of connections so far to DIR/../connections.
--reject refuses one recipient with 550, accepting the others. --delay-data
takes that long over a message before it stores it and answers, like a
slow or busy server; --reply-late stores the message at once and only then
waits that long to answer, so the message is kept whether or not the client
is still there to hear the answer. --tls-dir makes a throwaway CA and a certificate for
localhost/127.0.0.1 there (ca.pem is what a client must trust). --silent
accepts connections and never says a word, like a hung server; --drip sends
its greeting one byte every half second, forever.
"""
import argparse
import asyncio
import mailbox
import os
import socket
import ssl
import sys
import threading
import time


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve_silently(drip=False):
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    held = []

    def trickle(conn):
        greeting = b"220-" + b"slow " * 10000
        try:
            for i in range(len(greeting)):
                conn.sendall(greeting[i:i + 1])
                time.sleep(0.5)
        except OSError:
            pass

    def accept():
        while True:
            conn, _ = listener.accept()
            held.append(conn)
            if drip:
                threading.Thread(target=trickle, args=(conn,), daemon=True).start()

    threading.Thread(target=accept, daemon=True).start()
    return listener.getsockname()[1]


def tls_context(directory):
    import trustme

    os.makedirs(directory, exist_ok=True)
    ca = trustme.CA()
    cert = ca.issue_cert("localhost", "127.0.0.1")
    ca.cert_pem.write_to_path(os.path.join(directory, "ca.pem"))
    chain = os.path.join(directory, "server.pem")
    key = os.path.join(directory, "server.key")
    cert.private_key_pem.write_to_path(key)
    with open(chain, "wb") as f:
        for blob in cert.cert_chain_pems:
            f.write(blob.bytes())
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(chain, key)
    return context


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--maildir")
    p.add_argument("--auth")
    p.add_argument("--tls-dir")
    p.add_argument("--starttls", action="store_true")
    p.add_argument("--implicit-tls", action="store_true")
    p.add_argument("--reply-rcpt")
    p.add_argument("--reply-data")
    p.add_argument("--reject")
    p.add_argument("--delay-data", type=float, default=0.0)
    p.add_argument("--reply-late", type=float, default=0.0)
    p.add_argument("--silent", action="store_true")
    p.add_argument("--drip", action="store_true")
    args = p.parse_args()

    if args.silent or args.drip:
        port = serve_silently(drip=args.drip)
    else:
        from aiosmtpd.controller import Controller
        from aiosmtpd.smtp import AuthResult

        box = mailbox.Maildir(args.maildir, create=True)

        counter = os.path.join(os.path.dirname(os.path.abspath(args.maildir)), "connections")
        connections = [0]

        class Handler:
            async def handle_EHLO(self, server, session, envelope, hostname, responses):
                if not getattr(session, "counted", False):
                    session.counted = True
                    connections[0] += 1
                    with open(counter, "w") as f:
                        f.write(str(connections[0]))
                session.host_name = hostname
                return responses

            async def handle_RCPT(self, server, session, envelope, address, options):
                if args.reply_rcpt:
                    return args.reply_rcpt
                if args.reject and address.lower() == args.reject.lower():
                    return "550 5.1.1 <%s>: recipient rejected" % address
                envelope.rcpt_tos.append(address)
                return "250 OK"

            async def handle_DATA(self, server, session, envelope):
                if args.delay_data:
                    await asyncio.sleep(args.delay_data)
                if args.reply_data:
                    return args.reply_data
                box.add(envelope.original_content or envelope.content)
                if args.reply_late:
                    await asyncio.sleep(args.reply_late)
                return "250 Message accepted for delivery"

        params = {}
        context = tls_context(args.tls_dir) if args.tls_dir else None
        if args.starttls:
            params.update(tls_context=context, require_starttls=True)
        if args.auth:
            user, password = args.auth.split(":", 1)

            def authenticator(server, session, envelope, mechanism, auth_data):
                ok = auth_data.login == user.encode() and auth_data.password == password.encode()
                return AuthResult(success=ok, handled=False)

            params.update(authenticator=authenticator, auth_required=True, auth_require_tls=False)
        port = free_port()
        controller = Controller(
            Handler(),
            hostname="127.0.0.1",
            port=port,
            ssl_context=context if args.implicit_tls else None,
            server_hostname="localhost",
            **params,
        )
        controller.start()

    print(f"PORT {port}", flush=True)
    sys.stdin.read()


main()
