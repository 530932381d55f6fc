"""Exit 0 when Python's bcrypt accepts the password on stdin for the hash
in argv[1], 1 when it refuses it."""
import sys

import bcrypt

sys.exit(0 if bcrypt.checkpw(sys.stdin.buffer.read(), sys.argv[1].encode()) else 1)
