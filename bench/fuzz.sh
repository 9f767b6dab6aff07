#!/usr/bin/env bash
# Fuzzes every decoder of untrusted input for MINUTES each (issue 7, part 4) and prints one line per target:
# minutes run, executions, crashes found, corpus size. Usage: bench/fuzz.sh MINUTES [TARGET...]
#
# Each target is a Jazzer @FuzzTest run in fuzzing mode through its JUnit integration (jazzer-junit, the
# version pinned in pom.xml): JAZZER_FUZZ=1 turns replay into fuzzing, and JAZZER_MAX_DURATION (Jazzer's
# max_duration setting as an environment variable) overrides @FuzzTest(maxDuration) for that run. Only one
# fuzz test can fuzz per JVM, so every target is its own Maven run. A finding is written by Jazzer as
# crash-<sha1> into the target's seed directory (src/test/resources/.../<Class>Inputs/<method>/), where a
# normal build replays it once committed; the generated corpus stays in <module>/.cifuzz-corpus/ (ignored).
# Full logs: bench/results/fuzz-<target>.log. Fuzzing mode needs a few GB of memory per run.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
. "$here/bin/jdk.sh"
gatehouse_find_jdk || exit 1
cd "$here"

if [ $# -lt 1 ] || ! [[ $1 =~ ^[0-9]+$ ]] || [ "$1" -lt 1 ]; then
  echo "usage: bench/fuzz.sh MINUTES [MODULE:CLASS#METHOD ...]" >&2
  exit 2
fi
minutes=$1
shift

# module:test class (as surefire's -Dtest)#method:seed directory under src/test/resources
all_targets=(
  "wire:DecoderFuzzTest#startupDecoder:io/gatehouse/wire/pg/DecoderFuzzTestInputs/startupDecoder"
  "wire:DecoderFuzzTest#frontendDecoderNormalPhase:io/gatehouse/wire/pg/DecoderFuzzTestInputs/frontendDecoderNormalPhase"
  "wire:DecoderFuzzTest#frontendDecoderAuthenticationPhases:io/gatehouse/wire/pg/DecoderFuzzTestInputs/frontendDecoderAuthenticationPhases"
  "wire:DecoderFuzzTest#backendDecoder:io/gatehouse/wire/pg/DecoderFuzzTestInputs/backendDecoder"
  "wire:DecoderFuzzTest#parameterRenderer:io/gatehouse/wire/pg/DecoderFuzzTestInputs/parameterRenderer"
  "audit:bundle.BundleCodecFuzzTest#read:io/gatehouse/audit/bundle/BundleCodecFuzzTestInputs/read"
  "audit:EventCodecFuzzTest#decode:io/gatehouse/audit/EventCodecFuzzTestInputs/decode"
  "audit:note.NoteVerifierFuzzTest#verify:io/gatehouse/audit/note/NoteVerifierFuzzTestInputs/verify"
)
targets=()
if [ $# -eq 0 ]; then
  targets=("${all_targets[@]}")
else
  for wanted in "$@"; do
    found=
    for t in "${all_targets[@]}"; do
      case "$t" in "$wanted":*) targets+=("$t"); found=1 ;; esac
    done
    [ -n "$found" ] || { echo "unknown target '$wanted'; known: ${all_targets[*]%%:io/*}" >&2; exit 2; }
  done
fi

mkdir -p bench/results
# Compile once up front, so every target's minutes are spent fuzzing.
./mvnw -B -q -o -Dspotless.check.skip=true -pl wire,audit test-compile >/dev/null

printf '%-52s %8s %14s %8s %8s %s\n' target minutes executions crashes corpus status
status_all=0
for t in "${targets[@]}"; do
  IFS=: read -r module test seeds <<<"$t"
  name="${test##*.}"
  log="bench/results/fuzz-${name//#/-}.log"
  seed_dir="$module/src/test/resources/$seeds"
  crashes_before=$(find "$seed_dir" -maxdepth 1 -name 'crash-*' 2>/dev/null | wc -l)
  start=$(date +%s)
  set +e
  JAZZER_FUZZ=1 JAZZER_MAX_DURATION="${minutes}m" ./mvnw -B -o -Dspotless.check.skip=true -pl "$module" test \
    -Dtest="$test" -Dsurefire.failIfNoSpecifiedTests=false >"$log" 2>&1
  rc=$?
  set -e
  elapsed=$(( $(date +%s) - start )) # includes Maven's start; libFuzzer's own figure is preferred below
  # libFuzzer's own summary: "Done N runs in S second(s)" and the last status line "... corp: N/SIZE ...".
  executions=$(sed -n 's/^Done \([0-9]*\) runs in .*/\1/p' "$log" | tail -n 1)
  seconds=$(sed -n 's/^Done [0-9]* runs in \([0-9]*\) second.*/\1/p' "$log" | tail -n 1)
  corpus=$(grep -o 'corp: [0-9]*' "$log" | tail -n 1 | sed 's/corp: //')
  crashes_after=$(find "$seed_dir" -maxdepth 1 -name 'crash-*' 2>/dev/null | wc -l)
  crashes=$(( crashes_after - crashes_before ))
  if [ $rc -ne 0 ] && [ "$crashes" -eq 0 ]; then
    # A failure Jazzer did not save as a crash file (e.g. the JVM died): report it as one.
    crashes=1
  fi
  status=ok
  [ $rc -eq 0 ] || { status="FAILED (see $log)"; status_all=1; }
  printf '%-52s %8s %14s %8s %8s %s\n' "$module:$test" "$(awk -v s="${seconds:-$elapsed}" 'BEGIN{printf "%.1f", s/60}')" \
    "${executions:-?}" "$crashes" "${corpus:-?}" "$status"
done
exit $status_all
