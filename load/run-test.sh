#!/usr/bin/env bash
# load/run-test.sh NAME [--with-failures[=seed|gray]] [--allow-remote] [built-in runner options...]
# Runs load/scenarios/NAME.json with k6 (load/k6/NAME.js) when k6 is on PATH, else with the built-in
# runner (load/src/main.ts). ARCHAICS_LOAD_ENGINE=k6|builtin picks one. See load/README.md.
set -euo pipefail

usage() {
  echo "usage: $0 NAME [--with-failures[=seed|gray]] [--allow-remote] [--json --vus N --duration 20s --rate N ... (built-in runner only)]" >&2
  echo "fault sets: seed (the default: db timeout, product error), gray (db latency inside the deadline, product 503 on /cart/add)" >&2
  echo "scenarios: $(cd "$(dirname "$0")/scenarios" && ls ./*.json | sed 's#^\./##; s#\.json$##' | tr '\n' ' ')" >&2
  exit 2
}

[ $# -ge 1 ] || usage
NAME=$1
shift
case "$NAME" in -*|'') usage ;; esac

ROOT=$(cd "$(dirname "$0")/.." && pwd)
[ -f "$ROOT/load/scenarios/$NAME.json" ] || { echo "no scenario $NAME" >&2; usage; }

WITH_FAILURES=0
FAULT_SET=seed
ALLOW_REMOTE=0
EXTRA=()
for arg in "$@"; do
  case "$arg" in
    --with-failures) WITH_FAILURES=1 ;;
    --with-failures=seed|--with-failures=gray) WITH_FAILURES=1 FAULT_SET=${arg#--with-failures=} ;;
    --with-failures=*) echo "unknown fault set ${arg#--with-failures=}" >&2; usage ;;
    --allow-remote) ALLOW_REMOTE=1 ;;
    *) EXTRA+=("$arg") ;;
  esac
done

# The chaos token is looked up from where the user stands (CHAOS_TOKEN, else $ARCHAICS_HOME/chaos-token,
# else .archaics/chaos-token); the runner itself runs from the repository root, where tsx is installed.
if [ -z "${CHAOS_TOKEN:-}" ]; then
  case "${ARCHAICS_HOME:-}" in
    '') [ -d "$PWD/.archaics" ] && export ARCHAICS_HOME="$PWD/.archaics" || export ARCHAICS_HOME="$ROOT/.archaics" ;;
    /*) ;;
    *) export ARCHAICS_HOME="$PWD/$ARCHAICS_HOME" ;;
  esac
fi
cd "$ROOT"

runner() {
  node --import tsx "$ROOT/load/src/main.ts" "$@"
}

ENGINE=${ARCHAICS_LOAD_ENGINE:-}
if [ -z "$ENGINE" ]; then
  if command -v k6 >/dev/null 2>&1; then ENGINE=k6; else ENGINE=builtin; fi
fi

if [ "$ENGINE" = builtin ]; then
  ARGS=(run "$NAME")
  [ "$WITH_FAILURES" = 1 ] && ARGS+=(--with-failures --set "$FAULT_SET")
  [ "$ALLOW_REMOTE" = 1 ] && ARGS+=(--allow-remote)
  # The runner injects and resets faults itself, also on Ctrl-C and on a failed run.
  exec node --import tsx "$ROOT/load/src/main.ts" "${ARGS[@]}" ${EXTRA[@]+"${EXTRA[@]}"}
fi

[ "$ENGINE" = k6 ] || { echo "ARCHAICS_LOAD_ENGINE must be k6 or builtin" >&2; exit 2; }
[ ${#EXTRA[@]} -eq 0 ] || { echo "with k6, only --with-failures[=seed|gray] and --allow-remote are taken (got: ${EXTRA[*]})" >&2; exit 2; }
REMOTE_FLAG=()
[ "$ALLOW_REMOTE" = 1 ] && REMOTE_FLAG=(--allow-remote)

if [ "$WITH_FAILURES" = 1 ]; then
  reset_failures() {
    trap - EXIT INT TERM
    runner reset-failures --set "$FAULT_SET" ${REMOTE_FLAG[@]+"${REMOTE_FLAG[@]}"} || echo "run-test: reset failed; the faults expire by themselves" >&2
  }
  trap reset_failures EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
  runner inject-failures "$NAME" --set "$FAULT_SET" ${REMOTE_FLAG[@]+"${REMOTE_FLAG[@]}"}
fi

status=0
k6 run -e "ALLOW_REMOTE=$ALLOW_REMOTE" "$ROOT/load/k6/$NAME.js" || status=$?
exit "$status"
