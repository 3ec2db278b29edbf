#!/usr/bin/env bash
# Webhook benchmark (not a test), two measurements in one run against one hub:
#  1. drain: a backlog of EVENTS signed, logged deliveries to one endpoint, from the hub to a local HTTP sink
#     (deliveries/s from enabling the endpoint to the last arrival), beside a raw java.net.http.HttpClient posting
#     the same bodies to the same sink with the same concurrency (hub.webhooks.concurrency, 50), in the same run;
#  2. latency: events published through POST /api/v1/events at each of RATES per second for SECONDS: the time from
#     each event's commit (the 202 answer) to its arrival at the sink, p50/p99 (outbox, Kafka, fan-out, delivery).
#
#   bench/webhooks/run.sh
#
# Environment (all optional): EVENTS (backlog size, default 20000), ROUNDS (default 2), RATES (default 100,500),
# SECONDS (default 20), WARMUP_SECONDS (the least warm-up of the drain, default 60: backlogs of EVENTS through the
# hub and the raw client until two hub rates in a row are within 5%; on 2 cores the hub's one C2 compiler thread
# needs that long), WARMUP_MAX_SECONDS (default 300), LATENCY_WARMUP_SECONDS and LATENCY_WARMUP_RATE (publishes at
# that rate before the rates, discarded; default 60 s at 200/s, 0: none), BENCH_DB (default hub_bench), SKIP_BUILD=1.
# The hub and the client (io.integrationhub.bench.WebhookBenchmark, with the sink in it) are two JVMs on this
# machine. The table is printed and written to bench/results/webhooks-<date>-<time>.txt.
set -euo pipefail
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$REPO"
source bench/lib/hub.sh
for v in EVENTS ROUNDS SECONDS WARMUP_SECONDS WARMUP_MAX_SECONDS LATENCY_WARMUP_SECONDS LATENCY_WARMUP_RATE; do
    if [[ -n "${!v:-}" && ! "${!v}" =~ ^[0-9]+$ ]]; then die "$v must be a whole number, got '${!v}'"; fi
done
hub_build
hub_start webhooks
TOKEN="$(hub_token bench-user "bench-webhooks-$(date +%s)" integrator event_publisher)"
java -Xmx1g -cp "$CLASSPATH" io.integrationhub.bench.WebhookBenchmark "$BASE" "$TOKEN" "${BENCH_DB:-hub_bench}"
