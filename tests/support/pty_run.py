#!/usr/bin/env python3
"""Runs a command on a pseudo-terminal, as a person at a terminal would.

usage: pty_run.py [EXPECT SEND]... -- COMMAND [ARG]...

Waits for each EXPECT to appear in what the command wrote, then types SEND
and Enter. An EXPECT starting with "(hidden)" is a password prompt: the rest
is the text to wait for, and SEND is typed only once the program has turned
the terminal's echo off (so a program that fails to hide it is caught, and one
that does is never raced). Prints all the command wrote to the terminal and exits with its
exit status. Gives up after 30 seconds. The terminal is 120 columns wide, or
PTY_COLS.
"""
import fcntl
import os
import pty
import select
import struct
import sys
import termios
import time


def echo_on(fd):
    return bool(termios.tcgetattr(fd)[3] & termios.ECHO)


def main():
    args = sys.argv[1:]
    split = args.index("--")
    pairs, command = args[:split], args[split + 1:]
    script = list(zip(pairs[0::2], pairs[1::2]))

    cols = int(os.environ.get("PTY_COLS", "120"))
    size = struct.pack("HHHH", 40, cols, 0, 0)
    pid, fd = pty.fork()
    if pid == 0:
        # Sized before the command starts: set from the parent, a command
        # that asks at once could see no size yet (it happened under load).
        fcntl.ioctl(1, termios.TIOCSWINSZ, size)
        os.execvp(command[0], command)
    fcntl.ioctl(fd, termios.TIOCSWINSZ, size)

    seen = b""
    searched = 0
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if script:
            expect, send = script[0]
            hidden = expect.startswith("(hidden)")
            text = expect[len("(hidden)"):] if hidden else expect
            at = seen.find(text.encode(), searched)
            if at >= 0 and (not hidden or not echo_on(fd)):
                searched = at + len(text)
                os.write(fd, send.encode() + b"\n")
                script.pop(0)
                continue
        ready, _, _ = select.select([fd], [], [], 0.1)
        if not ready:
            continue
        try:
            chunk = os.read(fd, 4096)
        except OSError:
            break
        if not chunk:
            break
        seen += chunk
    else:
        os.kill(pid, 9)
        sys.stdout.write(seen.decode(errors="replace"))
        sys.exit("pty_run.py: timed out")

    _, status = os.waitpid(pid, 0)
    sys.stdout.write(seen.decode(errors="replace"))
    sys.exit(os.waitstatus_to_exitcode(status))


main()
