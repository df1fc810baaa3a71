#!/usr/bin/env bash
# Gives the anomaly detector something to see: injects the faults of a scenario (db and
# auth failing, a gray slow db, or product's edges broken), drives bounded traffic (login,
# products, cart) at the local stack, then resets every service, also on Ctrl-C or an
# error. Traffic goes to 127.0.0.1/localhost only; every loop is bounded.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

usage() {
  cat <<'EOF'
usage: scripts/generate_errors.sh [options]

Injects the faults of a scenario for the fault window, sends traffic for the traffic
window, then resets every service (also on Ctrl-C).

  --scenario NAME     which faults (default classic):
                        classic    db timeout on 40% of requests, auth error on 30%
                        gray       db latency 400 ms ±50% (slow but inside product's
                                   deadline), product error 503 on /cart/add for 30%
                        partition  product's calls to db refused on 50% of requests
                                   (partition), its calls to auth unanswered on 20%
                                   (blackhole, they end at its deadline)
  --seconds N         traffic window in seconds (default 60, 1..600)
  --fault-seconds N   fault window in seconds (default 90, 1..3600); the faults clear
                      themselves after it even if this script is killed with -9
  --workers N         concurrent traffic loops (default 4, 1..16)
  -h, --help          show this help

Needs the stack (npm start). Reads ARCHAICS_HOME (default <repo>/.archaics),
ARCHAICS_PORT_OFFSET, CHAOS_TOKEN, AUTH_SERVICE_URL, PRODUCT_SERVICE_URL, DB_SERVICE_URL.
EOF
}

SCENARIO=classic
TRAFFIC_S=60
FAULT_S=90
WORKERS=4
MAX_ITERATIONS=2000 # per worker: a hard stop whatever the clock says

number_arg() { # name value min max
  if ! [[ "$2" =~ ^[0-9]+$ ]] || (($2 < $3 || $2 > $4)); then
    echo "generate_errors.sh: $1 must be a whole number $3..$4, got \"$2\"" >&2
    exit 2
  fi
}

while (($# > 0)); do
  case "$1" in
    --scenario)
      case "${2:-}" in
        classic | gray | partition) SCENARIO="$2" && shift 2 ;;
        *) echo "generate_errors.sh: --scenario must be one of classic, gray, partition, got \"${2:-}\"" >&2 && exit 2 ;;
      esac
      ;;
    --seconds) number_arg --seconds "${2:-}" 1 600 && TRAFFIC_S="$2" && shift 2 ;;
    --fault-seconds) number_arg --fault-seconds "${2:-}" 1 3600 && FAULT_S="$2" && shift 2 ;;
    --workers) number_arg --workers "${2:-}" 1 16 && WORKERS="$2" && shift 2 ;;
    -h | --help) usage && exit 0 ;;
    *) echo "generate_errors.sh: unknown argument \"$1\" (see --help)" >&2 && exit 2 ;;
  esac
done

for tool in curl node; do
  command -v "$tool" >/dev/null || { echo "generate_errors.sh: $tool is needed" >&2; exit 1; }
done

# The same state folder and ports as `npm start` in the repository, wherever this runs from.
export ARCHAICS_HOME="${ARCHAICS_HOME:-$ROOT/.archaics}"
OFFSET="${ARCHAICS_PORT_OFFSET:-0}"
number_arg ARCHAICS_PORT_OFFSET "$OFFSET" 0 57000

local_url() { # variable canonical-port
  local url="${!1:-http://127.0.0.1:$(($2 + OFFSET))}"
  url="${url%/}"
  if ! [[ "$url" =~ ^http://(127\.[0-9]+\.[0-9]+\.[0-9]+|localhost)(:[0-9]+)?$ ]]; then
    echo "generate_errors.sh: $1=$url is not on this machine; this script only sends traffic to 127.0.0.1/localhost" >&2
    exit 2
  fi
  echo "$url"
}
AUTH="$(local_url AUTH_SERVICE_URL 8001)"
DB="$(local_url DB_SERVICE_URL 8002)"
PRODUCT="$(local_url PRODUCT_SERVICE_URL 8003)"
export AUTH_SERVICE_URL="$AUTH" DB_SERVICE_URL="$DB" PRODUCT_SERVICE_URL="$PRODUCT"

archaics() { node "$ROOT/apps/cli/bin/archaics.mjs" "$@"; }

check_health() { # name url
  if ! curl -fsS --max-time 3 -o /dev/null "$2/health" 2>/dev/null; then
    echo "generate_errors.sh: $1 is not answering at $2/health; start the stack first: npm start" >&2
    exit 1
  fi
}
check_health auth-service "$AUTH"
check_health db-service "$DB"
check_health product-service "$PRODUCT"


WORK="$(mktemp -d)"
WORKER_PIDS=()
FAULTS_INJECTED=0
cleanup() {
  local status=$?
  trap - EXIT INT TERM
  for pid in "${WORKER_PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  if ((FAULTS_INJECTED)); then
    echo
    archaics reset --all --reason "generate_errors.sh finished (exit $status)" ||
      echo "generate_errors.sh: some resets failed; the faults clear themselves ${FAULT_S}s after injection" >&2
  fi
  rm -rf "$WORK"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# A user of its own, signed in before auth starts failing.
EMAIL="generate-errors-$(date +%s)-$$@example.com"
CREDENTIALS="{\"email\": \"$EMAIL\", \"password\": \"generate-errors-1\"}"
curl -s --max-time 5 -o /dev/null -X POST "$AUTH/signup" -H "Content-Type: application/json" -d "$CREDENTIALS" || true
TOKEN="$(curl -s --max-time 5 -X POST "$AUTH/login" -H "Content-Type: application/json" -d "$CREDENTIALS" |
  node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{try{process.stdout.write(JSON.parse(s).access_token??"")}catch{}})')"
if [[ -z "$TOKEN" ]]; then
  echo "generate_errors.sh: could not sign in at $AUTH/login" >&2
  exit 1
fi

cat <<EOF
Watch it in another terminal:
  npx archaics logs --follow       every service's log lines as they come
  npx archaics status              faults with time left, rps, error ratio, p95

EOF

FAULTS_INJECTED=1
case "$SCENARIO" in
  classic)
    archaics inject db timeout --probability 0.4 --duration "$FAULT_S"
    archaics inject auth error --probability 0.3 --duration "$FAULT_S"
    ;;
  gray)
    archaics inject db latency --ms 400 --jitter 0.5 --duration "$FAULT_S"
    archaics inject product error --status 503 --route /cart/add --probability 0.3 --duration "$FAULT_S"
    ;;
  partition)
    archaics inject product partition --target db --probability 0.5 --duration "$FAULT_S"
    archaics inject product blackhole --target auth --probability 0.2 --duration "$FAULT_S"
    ;;
esac
echo

hit() { # worker-file method url [body]
  local code
  if (($# == 4)); then
    code="$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 -X "$2" "$3" -H "Authorization: Bearer $TOKEN" -H "Content-Type: application/json" -d "$4" || true)"
  else
    code="$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 -X "$2" "$3" -H "Authorization: Bearer $TOKEN" || true)"
  fi
  echo "${code:-000}" >>"$1"
}

worker() { # index
  local file="$WORK/worker-$1" n=0 end=$((SECONDS + TRAFFIC_S))
  trap - EXIT INT TERM
  while ((SECONDS < end && n < MAX_ITERATIONS)); do
    n=$((n + 1))
    if ((n % 10 == 1)); then
      code="$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 -X POST "$AUTH/login" -H "Content-Type: application/json" -d "$CREDENTIALS" || true)"
      echo "${code:-000}" >>"$file"
    fi
    hit "$file" GET "$PRODUCT/products"
    hit "$file" POST "$PRODUCT/cart/add" "{\"product_id\": \"p$((RANDOM % 5 + 1))\", \"quantity\": 1}"
    hit "$file" GET "$PRODUCT/cart"
    sleep 0.2
  done
}

echo "sending traffic for ${TRAFFIC_S}s with $WORKERS workers to $AUTH and $PRODUCT (scenario $SCENARIO)"
for i in $(seq 1 "$WORKERS"); do
  worker "$i" &
  WORKER_PIDS+=("$!")
done

tally() { cat "$WORK"/worker-* 2>/dev/null | sort | uniq -c | awk '{printf "%s %s×%s", (NR>1?",":""), $2, $1}'; }
running() {
  local pid
  for pid in "${WORKER_PIDS[@]}"; do kill -0 "$pid" 2>/dev/null && return 0; done
  return 1
}
START=$SECONDS
while running && ((SECONDS - START <= TRAFFIC_S + 10)); do
  sleep 1
  if (((SECONDS - START) % 5 == 0)); then echo "  $((SECONDS - START))s  status codes:$(tally)"; fi
done
wait "${WORKER_PIDS[@]}" 2>/dev/null || true
WORKER_PIDS=()

echo
echo "done: $(cat "$WORK"/worker-* 2>/dev/null | wc -l | tr -d ' ') requests; status codes:$(tally)"
echo "see what happened: npx archaics logs --level WARN --since 5m    npx archaics status"
