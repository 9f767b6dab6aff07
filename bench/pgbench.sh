#!/usr/bin/env bash
# PostgreSQL through the gateway (issue 5): pgbench -S at 1, 8, 32 clients, simple and prepared protocol, against
# direct PostgreSQL, the gateway (fail-closed and best-effort connections, SQLite store, in the harness JVM) and
# pgbouncer (session mode); then 1,000 idle connections through the gateway with its RSS. Everything runs on
# loopback and is started and stopped by the harness. Arguments go to PgBench (--seconds N, --clients 1,8,32,
# --modes simple,prepared, --targets ..., --warmup S, --jit-warmup S, --idle N). Extra JVM flags: PGBENCH_JAVA_OPTS.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
. "$here/bin/jdk.sh"
gatehouse_find_jdk || exit 1

# pgbench (postgresql-client) and pgbouncer are the reference clients and proxy; install them when missing.
missing=()
command -v pgbench >/dev/null 2>&1 || missing+=(postgresql-client)
command -v pgbouncer >/dev/null 2>&1 || [ -x /usr/sbin/pgbouncer ] || missing+=(pgbouncer)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "pgbench.sh: missing ${missing[*]}; install them (apt-get install -y ${missing[*]}) or run as root" >&2
    exit 1
  fi
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi
export PATH="$PATH:/usr/sbin"
ulimit -n 65536 2>/dev/null || true # 1,000 idle clients: a socket each, plus one upstream each

cd "$here"
./mvnw -B -q -DskipTests -Dspotless.check.skip=true -pl bench -am package >/dev/null
# No -Xmx: the JVM defaults, as the gatehouse launcher uses them. shellcheck disable=SC2086 (a list of flags)
exec "$JAVA" --enable-native-access=ALL-UNNAMED ${PGBENCH_JAVA_OPTS:-} \
  -Dlogback.configurationFile=bench/logback.xml \
  -cp bench/target/gatehouse-bench.jar io.gatehouse.bench.PgBench "$@"
