# Sourced by the other scripts: finds a JDK >= 25 and exports JAVA_HOME and PATH.
# Order: $JAVA_HOME if it is new enough, then /usr/lib/jvm/*, newest first.
# Stops with a clear message when there is none (the machine's default java is 17).

erl_java_major() {  # prints the major version of the java binary $1, or nothing
  "$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = \([0-9]*\).*/\1/p' | head -n 1
}

erl_find_jdk() {
  local cand major
  for cand in "${JAVA_HOME:-}" $(ls -d /usr/lib/jvm/* 2>/dev/null | sort -rV); do
    [ -n "$cand" ] && [ -x "$cand/bin/java" ] && [ -x "$cand/bin/javac" ] || continue
    major=$(erl_java_major "$cand/bin/java")
    if [ -n "$major" ] && [ "$major" -ge 25 ]; then
      echo "$cand"
      return 0
    fi
  done
  return 1
}

if ! ERL_JDK=$(erl_find_jdk); then
  echo "error: no JDK >= 25 found (looked at JAVA_HOME='${JAVA_HOME:-}' and /usr/lib/jvm/*)." >&2
  echo "       The engine needs JDK 25 (FFM, Vector API). Install one (e.g. Temurin 25) or set JAVA_HOME to it." >&2
  exit 2
fi
export JAVA_HOME="$ERL_JDK"
export PATH="$JAVA_HOME/bin:$PATH"
