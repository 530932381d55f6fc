#!/bin/sh
# The baseline of devise-issue-one-kdf (bench/frameworks.sh): what one
# Devise issue must do at least. OpenSSL derives Devise's key from the
# secret (PBKDF2-HMAC-SHA1, 65,536 rounds, 64 bytes, salt
# "Devise reset_password_token"), then sqlite3 stores a token for one user.
#
#   bench/devise_kdf.sh SECRET DB EMAIL
set -eu
openssl kdf -keylen 64 -kdfopt digest:SHA1 -kdfopt "pass:$1" \
  -kdfopt "salt:Devise reset_password_token" -kdfopt iter:65536 PBKDF2 >/dev/null
sqlite3 "$2" "UPDATE users SET reset_password_token = lower(hex(randomblob(32))), reset_password_sent_at = '2026-11-21 10:00:00.000000' WHERE email = '$3'"
