#!/usr/bin/env bash
# What a fail-closed statement waits for at one client, the recorder alone (no PostgreSQL, no pgbench): the
# embedded store with its commit journal (session commits its own record / hands it to the writer thread) and
# without it, side by side with the disk's fsync reference, in alternating rounds. Arguments go to
# CommitLatency (--statements N, --rounds R).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
. "$here/bin/jdk.sh"
gatehouse_find_jdk || exit 1
cd "$here"
./mvnw -B -q -DskipTests -Dspotless.check.skip=true -pl bench -am package >/dev/null
exec "$JAVA" --enable-native-access=ALL-UNNAMED -Dlogback.configurationFile=bench/logback.xml \
  -cp bench/target/gatehouse-bench.jar io.gatehouse.bench.CommitLatency "$@"
