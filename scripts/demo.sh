#!/usr/bin/env bash
# `npm run demo`: installs what is missing, builds slipway, deploys the example bot platform on this
# machine (process target) and prints where to reach each service. It keeps running afterwards;
# stop it with: ./bin/slipway down -f examples/bot-platform/compose.yaml
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
echo "building slipway" >&2
npm run build --silent
compose=examples/bot-platform/compose.yaml
# The example's alert channel reads its bot token from the agent's environment (the agent starts here).
export ALERT_BOT_TOKEN="${ALERT_BOT_TOKEN:-123456:demo-token-not-real}"
# The example's Compose secrets come from these variables (slipway seals them at deploy); demo values
# unless you set your own. The fake token only works with the example's fake Bot API.
export DB_PASSWORD="${DB_PASSWORD:-devpassword}"
export BOT_TOKEN="${BOT_TOKEN:-123456:demo-token-not-real}"
./bin/slipway deploy -f "$compose"
echo
./bin/slipway ps -f "$compose"
echo
port="${WEB_PORT:-8090}"
http="${HTTP_PORT:-8080}"
echo "The example is running. Through slipway's router: http://127.0.0.1:$http/ (the mini-app, /api, /ws)"
echo "  (https_port ${HTTPS_PORT:-8443} serves routes with a domain over TLS; the example routes none, so nothing listens there)"
echo "The mini-app's own server answers at http://127.0.0.1:$port/"
echo "Try:  curl -X POST -H 'content-type: application/json' -d '{\"name\":\"alice\"}' http://127.0.0.1:$http/api/players"
echo "      curl http://127.0.0.1:$http/api/players"
echo "Metrics (Prometheus):         http://127.0.0.1:${METRICS_PORT:-9470}/metrics"
echo "Alerts:                       ./bin/slipway alerts -f $compose   (webhook inbox: http://127.0.0.1:$http/fake-telegram/alerts, Telegram: http://127.0.0.1:$http/fake-telegram/sent)"
echo "Logs of every service:        ./bin/slipway logs -f --file $compose"
echo "Stop it with:                 ./bin/slipway down -f $compose"
echo "The same platform on Docker:  bash scripts/docker-base-images.sh && ./bin/slipway deploy -f $compose -f ${compose%compose.yaml}compose.docker.yaml"
echo "  (needs a running Docker engine, found through DOCKER_HOST; the overlay only switches the target and the base images)"
echo
# The dashboard (served by the agent on loopback, x-slipway.observe.dashboard): its URL and a login
# link that works once; `./bin/slipway dashboard` prints a new one.
./bin/slipway dashboard
