#!/usr/bin/env bash
# Store faults on a REAL full filesystem (issue 7; root only, a manual check next to StoreFaultTest, which
# emulates the full disk with RLIMIT_FSIZE so that it runs unprivileged). In a private mount namespace the
# gateway (distribution jar, SQLite store) gets its data directory on a 4 MiB tmpfs; two psql sessions stay
# open across the outage, one on a fail-closed and one on a best-effort connection; the tmpfs is filled
# (ENOSPC, SQLite reports SQLITE_FULL) and emptied again. Prints what each client saw, /healthz, the rows the
# database holds and `gatehouse audit verify`. The database is a PostgreSQL you name (PGHOST, PGPORT, PGUSER
# with trust or PGPASSWORD; default 127.0.0.1:5432 postgres): the script creates and drops the database
# gatehouse_store_full there.
set -u
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
if [ "$(id -u)" -ne 0 ]; then
  echo "store-full.sh: needs root (mounts a tmpfs in a private mount namespace)" >&2
  exit 1
fi
if [ -z "${GATEHOUSE_STORE_FULL_NS:-}" ]; then # re-run in a private mount namespace: the mount dies with it
  . "$here/bin/jdk.sh"
  gatehouse_find_jdk || exit 1
  (cd "$here" && ./mvnw -B -q -DskipTests -Dspotless.check.skip=true -pl cli -am package >/dev/null) || exit 1
  GATEHOUSE_STORE_FULL_NS=1 JAVA="$JAVA" exec unshare -m "$0" "$@"
fi
export PGHOST=${PGHOST:-127.0.0.1} PGPORT=${PGPORT:-5432} PGUSER=${PGUSER:-postgres}
db=gatehouse_store_full
work=$(mktemp -d /tmp/gatehouse-store-full.XXXXXX)
D=$work/fs LOG=$work/gateway.log JAR=$work/gatehouse.jar
cp "$here/cli/target/gatehouse.jar" "$JAR" # the build may change under us; this run keeps its own copy
mkdir -p "$D" && mount -t tmpfs -o size=4m tmpfs "$D"
psql -d postgres -qc "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db" && psql -d $db -qc 'CREATE TABLE t (v text)' || exit 1

"$JAVA" -Xmx256m --enable-native-access=ALL-UNNAMED -jar "$JAR" gateway --data "$D/data" \
  --api-port 0 --pg-port 0 --tunnel-port 0 >/dev/null 2>"$LOG" &
gw=$!
for _ in $(seq 1 240); do grep -q "PostgreSQL listening" "$LOG" && break; sleep 0.5; done
api=$(sed -n 's/.*API listening on https:\/\/127.0.0.1:\([0-9]*\).*/\1/p' "$LOG")
pg=$(sed -n 's/.*PostgreSQL listening on 127.0.0.1:\([0-9]*\).*/\1/p' "$LOG")
export GATEHOUSE_URL=https://127.0.0.1:$api GATEHOUSE_CA=$D/data/tls/ca.crt XDG_CONFIG_HOME=$work/home
GATEHOUSE_TOKEN=$(cat "$D/data/initial-admin-token")
export GATEHOUSE_TOKEN
gh() { "$JAVA" --enable-native-access=ALL-UNNAMED -jar "$JAR" "$@"; }
health() { curl -sk "https://127.0.0.1:$api/healthz"; }
gh identities create agent --kind agent >/dev/null
token=$(gh tokens create agent)
gh connections add fc --type postgres --target "$PGHOST:$PGPORT" --username "$PGUSER" --database $db >/dev/null
gh connections add be --type postgres --target "$PGHOST:$PGPORT" --username "$PGUSER" --database $db \
  --durability best-effort >/dev/null
gh grants add agent fc >/dev/null && gh grants add agent be >/dev/null
client() { PGPASSWORD=$token psql "host=127.0.0.1 port=$pg dbname=$1 user=agent sslmode=disable" -qAt "${@:2}"; }

# Two sessions that stay open across the outage, fed statements through FIFOs.
mkfifo "$work/fc.in" "$work/be.in"
client fc <"$work/fc.in" >"$work/fc.out" 2>&1 &
client be <"$work/be.in" >"$work/be.out" 2>&1 &
exec 3>"$work/fc.in" 4>"$work/be.in"
echo "INSERT INTO t VALUES ('fc-before');" >&3
echo "INSERT INTO t VALUES ('be-before');" >&4
sleep 2
dd if=/dev/zero of="$D/filler" bs=16k 2>/dev/null
echo "filesystem: $(df -h "$D" | tail -1)"
echo "INSERT INTO t VALUES ('fc-full');" >&3
sleep 4
for i in 1 2 3 4 5; do echo "INSERT INTO t VALUES ('be-full-$i');" >&4; done
sleep 2
echo "new fail-closed session while full: $(client fc -c "INSERT INTO t VALUES ('fc-new-full')" 2>&1)"
echo "healthz while full: $(health)"
rm "$D/filler"
for _ in $(seq 1 120); do health | grep -q '"status":"ok"' && break; sleep 0.5; done
echo "healthz after freeing space: $(health)"
echo "INSERT INTO t VALUES ('be-after');" >&4
echo "new fail-closed session after: $(client fc -c "INSERT INTO t VALUES ('fc-after')" 2>&1 && echo ok)"
exec 3>&- 4>&-
sleep 1
echo "open fail-closed session saw: $(tr '\n' ' ' <"$work/fc.out")"
echo "open best-effort session saw: $(tr '\n' ' ' <"$work/be.out")(nothing: no error)"
kill -TERM $gw
wait $gw
echo "rows in the database: $(psql -d $db -Atc "SELECT string_agg(v, ' ' ORDER BY v) FROM t")"
gh audit verify --data "$D/data"
echo "audit verify exit $?"
echo "store errors in the gateway log:"
grep -o "not written: .*" "$LOG" | sed 's/store at [^:]*: //' | sort | uniq -c
psql -d postgres -qc "DROP DATABASE $db"
umount "$D" && rm -rf "$work"
