#!/usr/bin/env bash
# Voucher benchmark (not a test): vouchers issued per second through the hub (POST /api/v1/vouchers: the row
# committed PENDING with its budget reservation, the signed call through the voucher-provider-action Kamelet, the
# ISSUED row and its events) to the built-in airtime simulator at zero latency, beside direct signed issue calls to
# the same simulator by a plain HTTP client, in the same run, WORKERS callers in closed loop each.
#
#   bench/vouchers/run.sh
#
# Environment (all optional): WORKERS (default 8), SECONDS (default 20), WARMUP_SECONDS (default 15), ROUNDS
# (default 2), BENCH_DB (default hub_bench), SKIP_BUILD=1. Results: bench/results/vouchers-<date>-<time>.txt.
set -euo pipefail
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$REPO"
source bench/lib/hub.sh
for v in WORKERS SECONDS WARMUP_SECONDS ROUNDS; do
    if [[ -n "${!v:-}" && ! "${!v}" =~ ^[0-9]+$ ]]; then die "$v must be a whole number, got '${!v}'"; fi
done
hub_build
hub_start vouchers
TOKEN="$(hub_token bench-user "bench-vouchers-$(date +%s)" voucher_manager)"
java -Xmx512m -cp "$CLASSPATH" io.integrationhub.bench.VoucherBenchmark "$BASE" "$TOKEN"
