"""Exit 0 when Django's own check_password, with Django's default hashers
and nothing added, accepts the password on stdin for the encoded hash in
argv[1]; 1 when it does not."""
import sys

from django.conf import settings

settings.configure()

from django.contrib.auth.hashers import check_password  # noqa: E402

password = sys.stdin.buffer.read().decode("utf-8")
sys.exit(0 if check_password(password, sys.argv[1]) else 1)
