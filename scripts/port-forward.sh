#!/usr/bin/env bash
# Port-forwards the archaics services and the observability UIs of a Kubernetes
# deployment (kubectl apply -k infra/k8s/base and infra/k8s/observability) to
# localhost, on the canonical ports. Ctrl-C stops them all.
#   ./scripts/port-forward.sh            # everything
#   ./scripts/port-forward.sh --list     # print the kubectl commands only
set -euo pipefail

FORWARDS=(
  "observability svc/grafana 3000:3000"
  "observability svc/jaeger-all-in-one-query 16686:16686"
  "observability svc/prometheus 9090:9090"
  "archaics svc/auth-service 8001:8001"
  "archaics svc/db-service 8002:8002"
  "archaics svc/product-service 8003:8003"
  "archaics svc/payment-service 8004:8004"
  "archaics svc/ai-operator 8005:8005"
  "archaics svc/anomaly-detector 8006:8006"
)

if [ "${1:-}" = "--list" ]; then
  for entry in "${FORWARDS[@]}"; do
    read -r ns target ports <<<"$entry"
    echo "kubectl port-forward $target $ports -n $ns"
  done
  exit 0
fi
if [ -n "${1:-}" ]; then
  echo "usage: $0 [--list]" >&2
  exit 2
fi

command -v kubectl >/dev/null || { echo "kubectl not found in PATH" >&2; exit 1; }

pids=()
cleanup() {
  for pid in "${pids[@]}"; do
    pkill -P "$pid" 2>/dev/null || true # the kubectl of that loop
    kill "$pid" 2>/dev/null || true
  done
}
trap cleanup EXIT INT TERM

for entry in "${FORWARDS[@]}"; do
  read -r ns target ports <<<"$entry"
  # Restart a forward when it drops (a pod restarted by a fault or the operator).
  (
    while true; do
      kubectl port-forward "$target" "$ports" -n "$ns" >/dev/null 2>&1 || true
      sleep 1
    done
  ) &
  pids+=("$!")
  echo "forwarding $target ($ns) on localhost:${ports%%:*}"
done
echo "Ctrl-C to stop."
wait
