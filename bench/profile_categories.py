"""Groups `perf script -F period,ip,sym` samples (with call chains) by what
each was doing for a user, for bench/profile.sh.

A sample takes the category of the first frame, from the sampled function
outwards, that a rule names: SHA-256 done while storing a token counts as
SHA-256, the SQLite work under the audit writer as the audit INSERT.
"""

import re
import sys
from collections import Counter

RULES = [
    ("fsync (kernel)", r"fsync|fdatasync"),
    ("random bytes", r"os_random|next_token|getrandom|rand_core|ChaCha"),
    ("SHA-256 of the token", r"sha2::|Sha256|digest_blocks"),
    ("password fingerprint (SQL function)", r"password::fingerprint"),
    ("JSON output", r"serde_json|service::report|Stdout|stdio"),
    ("audit INSERT (row, its indexes, label)", r"AuditWriter|User::label"),
    ("COMMIT (journal, page writes)", r"execute_batch|sqlite3PagerCommit|sqlite3BtreeCommit"),
    ("token UPDATE (row and token index)", r"RowColumns as resetctl::store::TokenStore>::store"),
    ("reading users (SELECT of a batch)", r"page_after|Fetched::read"),
    ("counting ids before the run (SELECT)", r"count_bad_ids|Tx>::each"),
    ("the rest of the per-user plan (Rust)", r"judge_batch|batch::judge"),
]
COMPILED = [(name, re.compile(pattern)) for name, pattern in RULES]


def samples(lines):
    """Yields (period, [symbols from the leaf outwards]) per sample."""
    period, frames = None, []
    for line in lines:
        if not line.strip():
            if period is not None:
                yield period, frames
            period, frames = None, []
        elif period is None:
            period = int(line.split()[-1]) if line.split()[-1].isdigit() else 1
        else:
            parts = line.split(None, 1)
            frames.append(parts[1].rsplit(" (", 1)[0] if len(parts) > 1 else "?")
    if period is not None:
        yield period, frames


def category(frames):
    for frame in frames:
        for name, rule in COMPILED:
            if rule.search(frame):
                return name
    return "other: " + (frames[0][:60] if frames else "?")


def main():
    users = int(sys.argv[1])
    totals, all_ns = Counter(), 0
    for period, frames in samples(sys.stdin):
        totals[category(frames)] += period
        all_ns += period
    print(f"{'category':<44} {'share':>6} {'CPU s':>7} {'us/user':>8}")
    others = 0
    for name, ns in totals.most_common():
        if name.startswith("other") and ns / all_ns < 0.01:
            others += ns
            continue
        print(f"{name:<44} {100 * ns / all_ns:5.1f}% {ns / 1e9:7.2f} {ns / 1e3 / users:8.2f}")
    if others:
        print(f"{'other (each under 1%)':<44} {100 * others / all_ns:5.1f}% {others / 1e9:7.2f} {others / 1e3 / users:8.2f}")
    print(f"{'all samples':<44} {100.0:5.1f}% {all_ns / 1e9:7.2f} {all_ns / 1e3 / users:8.2f}")


main()
