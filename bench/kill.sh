#!/usr/bin/env bash
# Kill test (issue 7): `bench/kill.sh [ROUNDS]` (default 20). Clients write through a fail-closed connection of
# a gateway process (the distribution jar, SQLite store) that is killed with SIGKILL at a random moment of every
# round and restarted on the same data directory; then every row in the database must have its command event in
# the log, and `gatehouse audit verify` must accept the log. The database is an embedded PostgreSQL started by
# the harness on a free loopback port. Further arguments go to KillBench (--writers N, --seed N, --postgres-store:
# the gateway on a shared PostgreSQL store instead of SQLite).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
. "$here/bin/jdk.sh"
gatehouse_find_jdk || exit 1
rounds=20
if [ $# -gt 0 ] && [[ $1 =~ ^[0-9]+$ ]]; then
  rounds=$1
  shift
fi
cd "$here"
./mvnw -B -q -DskipTests -Dspotless.check.skip=true -pl cli,bench -am package >/dev/null
exec "$JAVA" --enable-native-access=ALL-UNNAMED -Dlogback.configurationFile=bench/logback.xml \
  -cp bench/target/gatehouse-bench.jar io.gatehouse.bench.KillBench --rounds "$rounds" --jar cli/target/gatehouse.jar "$@"
