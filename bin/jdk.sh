# Sourced by ./gatehouse and ./test: finds a JDK >= 21 and exports JAVA_HOME and JAVA.
# Order: $JAVA_HOME, then `java` on PATH, then /usr/lib/jvm/* (GATEHOUSE_JVM_DIR overrides that directory).
# When none fits, it names what it found.
gatehouse_min_java=21

_gh_java_major() { # $1 = path to a java binary; prints its major version or nothing
  local v
  v=$("$1" -version 2>&1 | sed -n 's/.*version "\([0-9][0-9.]*\).*".*/\1/p' | head -n 1)
  [ -n "$v" ] || return 0
  case "$v" in 1.*) v=${v#1.}; echo "${v%%.*}" ;; *) echo "${v%%.*}" ;; esac
}

_gh_try_home() { # $1 = candidate JDK home, $2 = how we found it
  local home=$1 how=$2 major
  if [ ! -x "$home/bin/java" ]; then _gh_seen+=("$how: $home (no bin/java)"); return 1; fi
  major=$(_gh_java_major "$home/bin/java")
  if [ -z "$major" ] || [ "$major" -lt "$gatehouse_min_java" ]; then _gh_seen+=("$how: $home (Java ${major:-unknown})"); return 1; fi
  if [ ! -x "$home/bin/javac" ]; then _gh_seen+=("$how: $home (Java $major, a JRE without javac)"); return 1; fi
  export JAVA_HOME=$home JAVA="$home/bin/java"
  return 0
}

gatehouse_find_jdk() {
  _gh_seen=()
  if [ -n "${JAVA_HOME:-}" ] && _gh_try_home "$JAVA_HOME" "JAVA_HOME"; then return 0; fi
  if command -v java >/dev/null 2>&1; then
    local onpath
    onpath=$(readlink -f "$(command -v java)")
    if _gh_try_home "$(dirname "$(dirname "$onpath")")" "java on PATH"; then return 0; fi
  fi
  local candidate jvm_dir=${GATEHOUSE_JVM_DIR:-/usr/lib/jvm}
  for candidate in $(ls -d "$jvm_dir"/*/ 2>/dev/null | sort -rV); do
    candidate=${candidate%/}
    [ -L "$candidate" ] && continue
    if _gh_try_home "$candidate" "$jvm_dir"; then return 0; fi
  done
  {
    echo "gatehouse needs a JDK ${gatehouse_min_java} or newer, and found none that fits:"
    if [ ${#_gh_seen[@]} -eq 0 ]; then echo "  (no JAVA_HOME, no java on PATH, nothing under $jvm_dir)"; fi
    local s; for s in "${_gh_seen[@]}"; do echo "  - $s"; done
    echo "Install one (e.g. Temurin 21 or 25) and set JAVA_HOME to it."
  } >&2
  return 1
}
