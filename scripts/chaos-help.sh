#!/usr/bin/env bash
# The archaics cheat-sheet: faults and their parameters, the CLI, the four walkthroughs of
# README.md as commands. Prints only; runs nothing. Ports follow ARCHAICS_PORT_OFFSET.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

case "${1:-}" in
  '' | -h | --help) ;;
  *)
    echo "chaos-help.sh: unexpected argument \"$1\" (it takes none; it prints the cheat-sheet)" >&2
    exit 2
    ;;
esac

OFFSET="${ARCHAICS_PORT_OFFSET:-0}"
if ! [[ "$OFFSET" =~ ^[0-9]+$ ]]; then
  echo "chaos-help.sh: ARCHAICS_PORT_OFFSET must be a whole number, got \"$OFFSET\"" >&2
  exit 2
fi
AUTH_PORT=$((8001 + OFFSET))
DB_PORT=$((8002 + OFFSET))
PRODUCT_PORT=$((8003 + OFFSET))
PAYMENT_PORT=$((8004 + OFFSET))
STATE="${ARCHAICS_HOME:-.archaics}"
TOKEN_FILE="$STATE/chaos-token"

if [[ -t 1 && -z "${NO_COLOR:-}" ]]; then
  B=$'\033[1m' D=$'\033[2m' R=$'\033[0m'
else
  B='' D='' R=''
fi

cat <<EOF
${B}archaics — chaos cheat-sheet${R}   ${D}(repository: $ROOT)${R}

${B}START${R}
  npm ci && npm start                 every service under the supervisor; Ctrl-C stops them
  npx archaics status                 health, fault and time left, rps, errors, p95, restarts

  auth-service     http://localhost:$AUTH_PORT     signup, login, validate
  db-service       http://localhost:$DB_PORT     products, carts (SQLite) — the main failure generator
  product-service  http://localhost:$PRODUCT_PORT     → auth, db
  payment-service  http://localhost:$PAYMENT_PORT     → auth, db, Stripe (simulated without a key)

${B}FAULTS${R}   POST /inject-failure?type=&intensity=&probability=&duration=   POST /reset
  type         timeout    waits 2 × intensity s before handling the request
               error      answers HTTP 500 {"error": "injected_error", "service": ...} (or status=)
               latency    waits ms (± jitter) then answers normally: slow but working (gray)
               cpu        burns CPU in worker threads (intensity × 10% of each core)
               leak       holds intensity MiB more every second, at most 512 MiB; reset frees it
               crash      the process exits with code 1; the supervisor restarts it
               bad_data   db only: corrupts records of each read (null names, bad prices, no ids)
               partition  edge only (target=): calls to the target fail at once (unreachable)
               blackhole  edge only (target=): calls to the target end at the deadline (timeout)
  intensity    integer 1..10                            default 1
  probability  0..1, drawn per request                  default 1
  duration     seconds, > 0, at most 86400              default: until reset
  ms, jitter   latency: 1..30000 ms, 0..1               default 100 × intensity, 0
  status       error: 500, 502, 503 or 429              default 500 (429 with Retry-After)
  route        scope: one route template, e.g. /cart/add (not for cpu, leak, crash)
  target       scope: an edge, held by the caller (product, payment) for its calls to
               auth-service or db-service; the upstream sees nothing wrong
               one fault per scope (service, each route, each edge); POST /reset clears all,
               /reset?route=... or ?target=... just that one; /health lists them in failures
  token        both need it: CHAOS="Authorization: Bearer \$(cat $TOKEN_FILE)"
               (or CHAOS_TOKEN; without it 401, wrong 403); /health shows the fault and remaining_s

${B}CLI${R}   npx archaics <command> --help shows every option
  npx archaics inject db timeout --intensity 2 --probability 0.4 --duration 60
  npx archaics inject auth error --probability 0.3 --duration 90
  npx archaics inject db latency --ms 300 --jitter 0.5        slow but working (gray)
  npx archaics inject product error --status 503 --route /cart/add
  npx archaics inject product partition --target db           product → db broken, db itself fine
  npx archaics inject product blackhole --target auth
  npx archaics reset db
  npx archaics reset product --target db                      clears that edge's fault only
  npx archaics reset --all --reason "experiment over"        halt-all: every service; the reason is printed
                                                              and sent as X-Archaics-Reason
  npx archaics status [--json]
  npx archaics load normal [--with-failures]                  also spike, endurance, stress (--list)
  npx archaics logs [SERVICE] [--trace ID] [--level WARN] [--since 10m] [--follow]
  npx archaics trace ID                                       one trace as a waterfall

${B}LOAD${R}
  ./load/run-test.sh normal | spike | endurance | stress [--with-failures]

${B}WALKTHROUGHS${R}   (README.md "Cascading failures"; TOKEN from the guided tour:)
  curl -s -X POST http://localhost:$AUTH_PORT/signup -H "Content-Type: application/json" -d '{"email": "alice@example.com", "password": "secure123"}'
  TOKEN=\$(curl -s -X POST http://localhost:$AUTH_PORT/login -H "Content-Type: application/json" -d '{"email": "alice@example.com", "password": "secure123"}' | node -pe 'JSON.parse(require("fs").readFileSync(0, "utf8")).access_token')
  CHAOS="Authorization: Bearer \$(cat $TOKEN_FILE)"

  ${B}1. db timeout → product 504${R}
  curl -X POST -H "\$CHAOS" "http://localhost:$DB_PORT/inject-failure?type=timeout"
  curl -s -i http://localhost:$PRODUCT_PORT/products -H "Authorization: Bearer \$TOKEN"   # 504 after ~1 s
  curl -X POST -H "\$CHAOS" http://localhost:$DB_PORT/reset
  ${D}# or: npx archaics inject db timeout … npx archaics reset db${R}

  ${B}2. auth error → product 503${R}
  curl -X POST -H "\$CHAOS" "http://localhost:$AUTH_PORT/inject-failure?type=error&probability=1.0"
  curl -s -i http://localhost:$PRODUCT_PORT/products -H "Authorization: Bearer \$TOKEN"   # 503 auth_unavailable
  curl -X POST -H "\$CHAOS" http://localhost:$AUTH_PORT/reset
  ${D}# or: npx archaics inject auth error --probability 1.0 … npx archaics reset auth${R}

  ${B}3. db bad_data → degraded products${R}
  curl -X POST -H "\$CHAOS" "http://localhost:$DB_PORT/inject-failure?type=bad_data&duration=30"
  curl -s -i http://localhost:$PRODUCT_PORT/products -H "Authorization: Bearer \$TOKEN"   # 200, 4 products, X-Degraded: bad_data
  ${D}# or: npx archaics inject db bad_data --duration 30 (clears itself after 30 s)${R}

  ${B}4. intermittent db timeouts → mixed outcomes${R}
  curl -X POST -H "\$CHAOS" "http://localhost:$DB_PORT/inject-failure?type=timeout&intensity=2&probability=0.4&duration=60"
  for i in \$(seq 1 10); do
    curl -s -o /dev/null -w "request \$i -> %{http_code}\n" http://localhost:$PRODUCT_PORT/products -H "Authorization: Bearer \$TOKEN"
  done
  ${D}# or: npx archaics inject db timeout --intensity 2 --probability 0.4 --duration 60${R}

${B}WATCH${R}
  npx archaics logs --follow                  every service's lines as they come
  npx archaics logs --trace <X-Trace-ID>      one request across services
  npx archaics trace <X-Trace-ID>             its spans as a waterfall
  tail -f $STATE/logs/product-service.log  the raw JSON lines

${B}GRAY FAILURES AND BROKEN EDGES${R}
  ${B}gray: db slow, product still answers${R}
  curl -X POST -H "\$CHAOS" "http://localhost:$DB_PORT/inject-failure?type=latency&ms=300&jitter=0.5"
  curl -s -o /dev/null -w "%{http_code} in %{time_total}s\n" http://localhost:$PRODUCT_PORT/products -H "Authorization: Bearer \$TOKEN"   # 200, slower
  ${D}# or: npx archaics inject db latency --ms 300 --jitter 0.5 … npx archaics reset db${R}

  ${B}partition: product cannot reach db, db is fine${R}
  curl -X POST -H "\$CHAOS" "http://localhost:$PRODUCT_PORT/inject-failure?type=partition&target=db-service"
  curl -s -i http://localhost:$PRODUCT_PORT/products -H "Authorization: Bearer \$TOKEN"   # 502 upstream_error at once
  curl -s http://localhost:$DB_PORT/products                                  # 200: the edge is broken, not db
  curl -X POST -H "\$CHAOS" "http://localhost:$PRODUCT_PORT/reset?target=db-service"
  ${D}# or: npx archaics inject product partition --target db … npx archaics reset product --target db${R}

  ${B}one route: only /cart/add fails${R}
  curl -X POST -H "\$CHAOS" "http://localhost:$PRODUCT_PORT/inject-failure?type=error&status=503&route=/cart/add"
  ${D}# or: npx archaics inject product error --status 503 --route /cart/add${R}

${B}ANOMALY DEMO${R}
  ./scripts/generate_errors.sh                db timeout 40% + auth error 30% for 90 s, 60 s of
                                              traffic (login, products, cart), then reset all
  ./scripts/generate_errors.sh --scenario gray
                                              db latency 400 ms ±50% + product 503 on /cart/add
  ./scripts/generate_errors.sh --scenario partition
                                              product → db partition 50% + product → auth
                                              blackhole 20%
EOF
