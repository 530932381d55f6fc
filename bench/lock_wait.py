# The app's side of a bulk run: write one row again and again, as an app
# serving logins would, until DONE exists; then print the longest wait for
# the write lock, the 99th percentile (both in ms), and the number of writes.
#
#   bench/lock_wait.py DB DONE
import os
import sqlite3
import sys
import time

db, done = sys.argv[1:]
conn = sqlite3.connect(db, timeout=300, isolation_level=None)
waits = []
while not os.path.exists(done):
    start = time.monotonic()
    conn.execute("BEGIN IMMEDIATE")
    conn.execute("UPDATE users SET username = username WHERE id = 1")
    conn.execute("COMMIT")
    waits.append(time.monotonic() - start)
    time.sleep(0.01)
waits.sort()
if not waits:
    # The run ended before the app's first write: nothing waited.
    print("0 0 0")
    sys.exit(0)
print(f"{waits[-1] * 1000:.0f} {waits[int(len(waits) * 0.99)] * 1000:.0f} {len(waits)}")
