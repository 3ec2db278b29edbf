#!/usr/bin/env bash
# FPO create benchmark (not a test): FPO creates per second and p50/p99 latency through the hub
# (POST /api/v1/fpos, the whole setup in AAA) beside the same sequence of AAA calls made directly by a plain HTTP
# client against the same AAA simulator, in one run, at zero AAA latency and at LATENCY_MS per AAA call. The hub's
# overhead is the difference. About 10 minutes plus the build.
#
#   bench/fpo/run.sh
#
# Environment (all optional):
#   WORKERS         concurrent callers in closed loop, per mode (default 8)
#   SECONDS         length of one measurement (default 20)
#   WARMUP_SECONDS  least warm-up per mode at the first latency (default 120; 20 at the second latency); after it the
#                   warm-up goes on in 10 s slices until two in a row are within 5%. On 2 cores the hub's one C2
#                   thread needs about 3 minutes of load to compile the hub's hot paths: after 20 s the hub ran at
#                   half its settled rate.
#   WARMUP_MAX_SECONDS  the longest warm-up per mode and latency (default 300)
#   ROUNDS          rounds per latency; each measures direct and hub, alternating which goes first (default 2)
#   LATENCY_MS      the second AAA latency (default 20)
#   BENCH_DB        database on the local PostgreSQL (default hub_bench)
#   SKIP_BUILD=1    reuse target/classes, target/test-classes and target/bench-classpath.txt
#   HUB_JAVA_OPTS   extra JVM options for the hub (e.g. -XX:StartFlightRecording=filename=target/fpo.jfr)
#
# The hub runs as its own JVM (dev profile: the built-in AAA simulator on the hub's own port; local PostgreSQL
# database hub_bench; in-process Kafka on a free port; HTTP on a free port; log in target/bench-fpo-hub.log; bench/lib/hub.sh). The
# client (io.integrationhub.bench.FpoBenchmark, src/test/java) is a second JVM on the same machine. The table is
# printed and written to bench/results/fpo-<date>-<time>.txt.
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$REPO"
source bench/lib/hub.sh
for v in WORKERS SECONDS WARMUP_SECONDS WARMUP_MAX_SECONDS ROUNDS LATENCY_MS; do
    if [[ -n "${!v:-}" && ! "${!v}" =~ ^[0-9]+$ ]]; then die "$v must be a whole number, got '${!v}'"; fi
done
hub_build
hub_start fpo
TOKEN="$(hub_token bench-user bench-fpo fpo_manager)"
# sanity: a create through the hub answers 201 ACTIVE
curl -sf -X POST "$BASE/api/v1/fpos" -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
    -d "{\"name\":\"Sanity\",\"registration_no\":\"sanity-$(date +%s%N)\",\"ceo\":{\"phone_number\":\"+254700000000\",\"first_name\":\"A\",\"last_name\":\"B\"}}" \
    | grep -q '"status":"ACTIVE"' || die "a create through the hub did not answer ACTIVE"

java -Xmx512m -cp "$CLASSPATH" io.integrationhub.bench.FpoBenchmark "$BASE" "$TOKEN"
