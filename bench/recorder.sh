#!/usr/bin/env bash
# Recorder benchmark: durable appends/s and ack latency at 1, 8, 64 producers on SQLite and PostgreSQL,
# with the disk's fsync rate measured in the same run. Arguments go to RecorderBench (--seconds N, ...).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
. "$here/bin/jdk.sh"
gatehouse_find_jdk || exit 1
cd "$here"
./mvnw -B -q -DskipTests -Dspotless.check.skip=true -pl bench -am package >/dev/null
exec "$JAVA" --enable-native-access=ALL-UNNAMED -Xmx2g -Dlogback.configurationFile=bench/logback.xml \
  -cp bench/target/gatehouse-bench.jar io.gatehouse.bench.RecorderBench "$@"
