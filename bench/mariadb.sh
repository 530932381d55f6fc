#!/usr/bin/env bash
# resetctl on MariaDB against the mariadb client doing the same work, in
# one run, as ratios.
#
#   bench/mariadb.sh [USERS] [RUNS]      (defaults: 1000000 users, 5 runs)
#
# RESETCTL_BENCH_BIN=path uses that binary instead of building a release one.
#
# Starts a MariaDB server of its own (mariadb-install-db in bench/work, as
# the mysql user when run as root, on a free port on 127.0.0.1; stopped on
# exit), makes a users table of USERS users prepared by `resetctl init`
# (10% with an outstanding token), then times:
#
#   my-issue-one    issue one user         mariadb: the UPDATE of that row,
#                                          found by email, with its sha256
#   my-inspect-one  inspect one user       mariadb: SELECT of that row
#   my-issue-all    issue --all            mariadb: one UPDATE of every row
#   my-list-json    list --json            mariadb: the same rows as JSON
#
# and the peak RSS of issue --all and list --json. Needs hyperfine and
# Debian's mariadb-server (which brings the mariadb client).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
users=${1:-1000000}
runs=${2:-5}
bench_start mariadb mariadbd mariadb-install-db
quick=$(quick_runs "$runs")
mid=$((users / 2))

dir=$(mktemp -d "$PWD/$work/my.XXXXXX")
as_my=()
if [ "$(id -u)" -eq 0 ]; then
  as_my=(setpriv --reuid=mysql --regid=mysql --clear-groups --)
  chown mysql:mysql "$dir"
fi
"${as_my[@]}" mariadb-install-db --no-defaults --datadir="$dir/data" \
  --auth-root-authentication-method=normal --skip-test-db >/dev/null
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
# Durable settings as a server ships them: every commit is flushed.
"${as_my[@]}" mariadbd --no-defaults --datadir="$dir/data" --port="$port" \
  --bind-address=127.0.0.1 --socket="$dir/sock" --pid-file="$dir/pid" \
  --skip-log-bin --innodb-buffer-pool-size=512M --log-error="$dir/err.log" &
server=$!
trap 'kill -TERM $server 2>/dev/null; wait $server 2>/dev/null; rm -rf "$dir"' EXIT
root=(mariadb --no-defaults -uroot --socket="$dir/sock")
for _ in $(seq 300); do "${root[@]}" -e 'SELECT 1' >/dev/null 2>&1 && break; sleep 0.1; done
"${root[@]}" -e "CREATE DATABASE bench; CREATE USER bench@'%' IDENTIFIED BY 'bench-pw';
  GRANT ALL ON bench.* TO bench@'%'"
sql=(mariadb --no-defaults -ubench -pbench-pw -h127.0.0.1 -P"$port" --ssl=0 bench)

echo "making $users users ..." >&2
"${sql[@]}" -e "CREATE TABLE users (id bigint AUTO_INCREMENT PRIMARY KEY,
  username varchar(100) UNIQUE, email varchar(255) UNIQUE, password_hash varchar(255))
  CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"
"${sql[@]}" -e "INSERT INTO users (id, username, email, password_hash)
  SELECT seq, concat('u', seq), concat('u', seq, '@example.com'),
    '\$argon2id\$v=19\$m=19456,t=2,p=1\$+VXzjpa6ayIpWUraX/kqUw\$UXECXMr0QdShJYr7tlvatGeovWcs+Ir3tfeDSZLORCY'
  FROM seq_1_to_$users"
cfg=$work/my-bench.toml
printf '[limits]\nissue = "off"\n' > "$cfg"
export RESETCTL_DB="mysql://bench:bench-pw@127.0.0.1:$port/bench?ssl-mode=DISABLED"
"$bin" --config "$cfg" init >/dev/null
# 10% of users hold a token, as after a campaign.
"${sql[@]}" -e "UPDATE users SET password_reset_token = sha2(id, 256),
  password_reset_expires = utc_timestamp(6) + interval 1 hour WHERE id % 10 = 0; ANALYZE TABLE users" >/dev/null

r="$bin --config $cfg"
one="u$mid@example.com"
bench my-issue-one "$quick" \
  "${sql[*]} -e \"UPDATE users SET password_reset_token = sha2(uuid(), 256), password_reset_expires = utc_timestamp(6) + interval 1 hour WHERE email = '$one'\"" \
  "$r -q issue $one"
bench my-inspect-one "$quick" \
  "${sql[*]} -e \"SELECT id, username, email, password_reset_expires FROM users WHERE email = '$one'\"" \
  "$r inspect $one"
bench my-list-json "$runs" \
  "${sql[*]} -N -e \"SELECT json_arrayagg(json_object('id', id, 'username', username, 'email', email, 'expires_at', password_reset_expires)) FROM users WHERE password_reset_token IS NOT NULL\"" \
  "$r --json list"
bench my-issue-all "$runs" \
  "${sql[*]} -e \"UPDATE users SET password_reset_token = sha2(concat(id, rand()), 256), password_reset_expires = utc_timestamp(6) + interval 1 hour\"" \
  "$r -q issue --all"

rss_issue=$( { /usr/bin/time -f %M $r --json issue --all >/dev/null; } 2>&1 | tail -1)
rss_list=$( { /usr/bin/time -f %M $r --json list >/dev/null; } 2>&1 | tail -1)

echo
machine
echo "MariaDB: $("${sql[@]}" -N -e 'SELECT VERSION()'), $users users, $runs runs ($quick for single-user scenarios)."
echo
table my-issue-one=1.5 my-inspect-one=1.5 my-list-json=1.5 my-issue-all=2.0
echo
echo "Peak RSS: issue --all $((rss_issue / 1024)) MB, list --json $((rss_list / 1024)) MB (target < 64 MB)."
