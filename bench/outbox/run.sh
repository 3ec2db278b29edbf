#!/usr/bin/env bash
# Outbox benchmark (not a test): relay throughput and commit-to-ack latency of the hub's transactional outbox,
# against a raw KafkaProducer and a raw JDBC claim-and-mark baseline, in one run of about 2-3 minutes (plus the build).
#
#   bench/outbox/run.sh
#
# Environment (all optional):
#   EVENTS           events of the sustained run (about 15 s of it) and records of the raw-producer baseline (default 300000)
#   BACKLOG          events of the backlog drain and of the JDBC baseline (default 100000)
#   WRITERS          writer threads of the sustained run (default 4)
#   EVENTS_PER_TX    events per business transaction in the sustained run (default 10; EVENTS must be a multiple)
#   LATENCY_RATE     offered events/s of the latency run, one event per transaction (default 1000)
#   LATENCY_SECONDS  length of the latency run (default 30)
#   BENCH_DB         database on the local PostgreSQL (default hub_bench; must contain "bench": it is truncated)
#   MAX_MINUTES      the run aborts itself after this (default 10)
#   JAVA             the java binary (default: java on PATH)
#   JAVA_OPTS        extra JVM options (default none: the JVM's default heap)
#   SKIP_BUILD=1     skip the two Maven steps (reuse target/test-classes and target/bench-classpath.txt)
#   KEEP_DATA=1      keep the in-process Kafka broker's data (target/bench-data-<id>)
#
# The benchmark (src/test/java/io/integrationhub/bench/OutboxBenchmark.java) starts the whole hub in one JVM with
# the dev profile: the local PostgreSQL on localhost:5432 (database hub_bench; never hub or hub_test), a fresh
# in-process Kafka broker on a free port with its data in target/bench-data-<id> (deleted afterwards), a fresh
# default topic bench-events-<id>, no route reload, no Spring JMX. The events-audit-log subscription is stopped
# first so it does not write every bench event to event_log. The hub's own log goes to
# target/bench-outbox-<id>.log (the console shows only its warnings).
# The table is printed and written to bench/results/outbox-<date>-<time>.txt.
set -euo pipefail

JAVA="${JAVA:-java}"
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
MAX_MINUTES="${MAX_MINUTES:-10}"

die() { echo "run.sh: $*" >&2; exit 1; }
for v in EVENTS BACKLOG WRITERS EVENTS_PER_TX LATENCY_RATE LATENCY_SECONDS MAX_MINUTES; do
    if [[ -n "${!v:-}" && ! "${!v}" =~ ^[1-9][0-9]*$ ]]; then die "$v must be a positive integer, got '${!v}'"; fi
done

cd "$REPO"   # the hub reads config/, routes/ and kamelets/ from the working directory

if [[ -z "${SKIP_BUILD:-}" ]]; then
    echo "compiling (mvn -q -B -DskipTests test-compile) ..."
    mvn -q -B -DskipTests test-compile
    mvn -q -B dependency:build-classpath -Dmdep.outputFile=target/bench-classpath.txt -Dmdep.includeScope=test
fi
[[ -f target/bench-classpath.txt && -d target/test-classes ]] || die "not compiled: run without SKIP_BUILD"

PROPS=(-Dbench.maxMinutes="$MAX_MINUTES" -Dbench.results="$REPO/bench/results")
[[ -n "${EVENTS:-}" ]] && PROPS+=(-Dbench.events="$EVENTS")
[[ -n "${BACKLOG:-}" ]] && PROPS+=(-Dbench.backlog="$BACKLOG")
[[ -n "${WRITERS:-}" ]] && PROPS+=(-Dbench.writers="$WRITERS")
[[ -n "${EVENTS_PER_TX:-}" ]] && PROPS+=(-Dbench.eventsPerTx="$EVENTS_PER_TX")
[[ -n "${LATENCY_RATE:-}" ]] && PROPS+=(-Dbench.latencyRate="$LATENCY_RATE")
[[ -n "${LATENCY_SECONDS:-}" ]] && PROPS+=(-Dbench.latencySeconds="$LATENCY_SECONDS")
[[ -n "${BENCH_DB:-}" ]] && PROPS+=(-Dbench.db="$BENCH_DB")
[[ -n "${KEEP_DATA:-}" ]] && PROPS+=(-Dbench.keepData=true)

# HUB_DB_URL / KAFKA_BOOTSTRAP_SERVERS from the environment are overridden inside the benchmark (it always uses the
# local server's bench database and a fresh in-process broker). The JVM aborts itself after MAX_MINUTES; timeout is
# the backstop if it cannot.
# shellcheck disable=SC2086
exec timeout -k 30 $(( MAX_MINUTES * 60 + 60 )) "$JAVA" ${JAVA_OPTS:-} -Djava.io.tmpdir="$REPO/target" "${PROPS[@]}" \
    -cp "target/test-classes:target/classes:$(cat target/bench-classpath.txt)" \
    io.integrationhub.bench.OutboxBenchmark
