#!/usr/bin/env bash
# Integration plan benchmark (not a test): entities per second of a paginated pull of RECORDS records (100 per page)
# from the hub's demo API into Kafka as a plan, beside a raw loop (Java HttpClient + kafka-clients producer) doing the
# same pull in the same run, and what the cluster-wide rate limiter adds per request (PlanBenchmark's javadoc).
#
#   bench/plans/run.sh
#
# Environment (all optional): RECORDS (default 100000), ROUNDS (default 2), BENCH_DB (default hub_bench),
# SKIP_BUILD=1. Results: bench/results/plans-<date>-<time>.txt.
set -euo pipefail
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$REPO"
source bench/lib/hub.sh
for v in RECORDS ROUNDS; do
    if [[ -n "${!v:-}" && ! "${!v}" =~ ^[0-9]+$ ]]; then die "$v must be a whole number, got '${!v}'"; fi
done
hub_build
# the pull is 1,000 pages; the execution timeout is raised so a slow machine measures rather than fails
hub_start plans --hub.plans.execution-timeout=30m --hub.plans.max-pages=100000
TOKEN="$(hub_token bench-user "bench-plans-$(date +%s)" integrator operator)"
java -Xmx512m -cp "$CLASSPATH" io.integrationhub.bench.PlanBenchmark "$BASE" "$TOKEN" "127.0.0.1:$KAFKA_PORT"
