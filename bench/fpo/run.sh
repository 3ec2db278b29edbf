#!/usr/bin/env bash
# FPO create benchmark (not a test): FPO creates per second and p50/p99 latency through the hub
# (POST /api/v1/fpos, the whole setup in AAA) beside the same sequence of AAA calls made directly by a plain HTTP
# client against the same AAA simulator, in one run, at zero AAA latency and at LATENCY_MS per AAA call. The hub's
# overhead is the difference. About 4 minutes plus the build.
#
#   bench/fpo/run.sh
#
# Environment (all optional):
#   WORKERS         concurrent callers in closed loop, per mode (default 8)
#   SECONDS         length of one measurement (default 20)
#   WARMUP_SECONDS  warm-up per mode and latency (default 20: the JIT needs it, a first round after 8 s was half speed)
#   ROUNDS          rounds per latency; each measures direct and hub, alternating which goes first (default 2)
#   LATENCY_MS      the second AAA latency (default 20)
#   BENCH_DB        database on the local PostgreSQL (default hub_bench)
#   SKIP_BUILD=1    reuse target/classes, target/test-classes and target/bench-fpo-classpath.txt
#
# The hub runs as its own JVM (dev profile: the built-in AAA simulator on the hub's own port; local PostgreSQL
# database hub_bench; in-process Kafka on a free port; HTTP on a free port; log in target/bench-fpo-hub.log). The
# client (io.integrationhub.bench.FpoBenchmark, src/test/java) is a second JVM on the same machine. The table is
# printed and written to bench/results/fpo-<date>-<time>.txt.
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
BENCH_DB="${BENCH_DB:-hub_bench}"
die() { echo "run.sh: $*" >&2; exit 1; }
for v in WORKERS SECONDS WARMUP_SECONDS ROUNDS LATENCY_MS; do
    if [[ -n "${!v:-}" && ! "${!v}" =~ ^[0-9]+$ ]]; then die "$v must be a whole number, got '${!v}'"; fi
done
[[ "$BENCH_DB" == *bench* ]] || die "BENCH_DB must contain 'bench' (got '$BENCH_DB')"

cd "$REPO"
if [[ -z "${SKIP_BUILD:-}" ]]; then
    echo "compiling (mvn -q -B -DskipTests test-compile) ..."
    mvn -q -B -DskipTests test-compile
    mvn -q -B dependency:build-classpath -Dmdep.outputFile=target/bench-fpo-classpath.txt -Dmdep.includeScope=test
fi
[[ -f target/bench-fpo-classpath.txt && -d target/test-classes ]] || die "not compiled: run without SKIP_BUILD"
CLASSPATH="target/classes:target/test-classes:$(cat target/bench-fpo-classpath.txt)"

free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
PORT="$(free_port)"
KAFKA_PORT="$(free_port)"
rm -rf target/bench-fpo-data
psql -h localhost -U postgres -qAtc "SELECT 1 FROM pg_database WHERE datname = '$BENCH_DB'" | grep -q 1 \
    || psql -h localhost -U postgres -qc "CREATE DATABASE $BENCH_DB" >/dev/null

LOG="target/bench-fpo-hub.log"
java -Xmx1g -Djava.io.tmpdir="$REPO/target" -cp "$CLASSPATH" \
    io.integrationhub.HubApplication --spring.profiles.active=dev --server.port="$PORT" \
    --hub.kafka.embedded-port="$KAFKA_PORT" --hub.db.name="$BENCH_DB" --hub.data-dir=target/bench-fpo-data \
    --hub.routes.reload-enabled=false --logging.level.root=WARN --logging.level.io.integrationhub=WARN \
    --server.tomcat.max-keep-alive-requests=-1 --server.tomcat.threads.max=200 >"$LOG" 2>&1 &
HUB_PID=$!
trap 'kill $HUB_PID 2>/dev/null; wait $HUB_PID 2>/dev/null || true' EXIT

BASE="http://127.0.0.1:$PORT"
echo "starting the hub on port $PORT (log: $LOG) ..."
for _ in $(seq 1 180); do
    curl -sf "$BASE/actuator/health" >/dev/null 2>&1 && break
    kill -0 $HUB_PID 2>/dev/null || { tail -30 "$LOG"; die "the hub exited"; }
    sleep 1
done
curl -sf "$BASE/actuator/health" >/dev/null || die "the hub did not become healthy in 180 s"

TOKEN="$(curl -sf -X POST "$BASE/api/v1/dev/token" -H 'Content-Type: application/json' \
    -d '{"sub":"bench-user","tenant_id":"bench-fpo","roles":["fpo_manager"],"ttlSeconds":86400}' \
    | python3 -c 'import json, sys; print(json.load(sys.stdin)["token"])')"
# sanity: a create through the hub answers 201 ACTIVE
curl -sf -X POST "$BASE/api/v1/fpos" -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
    -d "{\"name\":\"Sanity\",\"registration_no\":\"sanity-$(date +%s%N)\",\"ceo\":{\"phone_number\":\"+254700000000\",\"first_name\":\"A\",\"last_name\":\"B\"}}" \
    | grep -q '"status":"ACTIVE"' || die "a create through the hub did not answer ACTIVE"

java -Xmx512m -cp "$CLASSPATH" io.integrationhub.bench.FpoBenchmark "$BASE" "$TOKEN"
