#!/usr/bin/env bash
# The phone control page: inject faults, quick actions, halt all, load tests, from a phone.
# Serves the dashboard's /control on 0.0.0.0:8080 (+ ARCHAICS_PORT_OFFSET) behind a pairing
# token, and prints the laptop and phone URLs with the token and a QR code of the phone's.
# Run it beside `npm start` (it talks to the services on their usual ports, with the chaos
# token of .archaics/). Environment: HOST, PORT, DASHBOARD_PAIRING_TOKEN (default: a new
# random one per start), the *_SERVICE_URL variables.
set -euo pipefail
cd "$(dirname "$0")/.."
exec node --import tsx apps/dashboard/src/server/control-main.ts "$@"
