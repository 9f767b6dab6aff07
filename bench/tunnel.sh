#!/usr/bin/env bash
# Tunnel benchmark (issue 4): throughput and round-trip latency of one TCP stream through the gateway and a
# separate connector process, against a direct TCP connection to the same echo resource, in one run.
# Arguments go to TunnelBench (--seconds N, --warmup N, --streams 1,4).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
. "$here/bin/jdk.sh"
gatehouse_find_jdk || exit 1
cd "$here"
./mvnw -B -q -DskipTests -Dspotless.check.skip=true -pl bench -am package >/dev/null
exec "$JAVA" --enable-native-access=ALL-UNNAMED -Xmx2g ${TUNNEL_BENCH_JAVA_OPTS:-} -Dlogback.configurationFile=bench/logback.xml \
  -cp bench/target/gatehouse-bench.jar io.gatehouse.bench.TunnelBench "$@"
