# Shared by the bench scripts (source it): builds the classes, starts one hub JVM on free ports against a local
# bench database, waits until it is healthy, and gets API tokens. Sets CLASSPATH, BASE, KAFKA_PORT (the hub's
# in-process broker), HUB_PID; stops the hub on exit.
#   hub_build                  compile (unless SKIP_BUILD=1) and write target/bench-classpath.txt
#   hub_start NAME [ARGS...]   start the hub (dev profile, log target/bench-NAME-hub.log) with extra arguments;
#                              HUB_JAVA_OPTS adds JVM options (e.g. -XX:StartFlightRecording=...)
#   hub_token SUB TENANT ROLE...   a dev token for that caller
die() { echo "$(basename "$0"): $*" >&2; exit 1; }
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

hub_build() {
    if [[ -z "${SKIP_BUILD:-}" ]]; then
        echo "compiling (mvn -q -B -DskipTests test-compile) ..."
        mvn -q -B -DskipTests test-compile
        mvn -q -B dependency:build-classpath -Dmdep.outputFile=target/bench-classpath.txt -Dmdep.includeScope=test
    fi
    [[ -f target/bench-classpath.txt && -d target/test-classes ]] || die "not compiled: run without SKIP_BUILD"
    CLASSPATH="target/classes:target/test-classes:$(cat target/bench-classpath.txt)"
}

hub_start() {
    local name="$1"; shift
    local db="${BENCH_DB:-hub_bench}"
    [[ "$db" == *bench* ]] || die "BENCH_DB must contain 'bench' (got '$db')"
    psql -h localhost -U postgres -qAtc "SELECT 1 FROM pg_database WHERE datname = '$db'" | grep -q 1 \
        || psql -h localhost -U postgres -qc "CREATE DATABASE $db" >/dev/null
    local port kafka
    port="$(free_port)"; kafka="$(free_port)"
    KAFKA_PORT="$kafka"
    rm -rf "target/bench-$name-data"
    HUB_LOG="target/bench-$name-hub.log"
    # shellcheck disable=SC2086
    java -Xmx1g ${HUB_JAVA_OPTS:-} -Djava.io.tmpdir="$PWD/target" -cp "$CLASSPATH" \
        io.integrationhub.HubApplication --spring.profiles.active=dev --server.port="$port" \
        --hub.kafka.embedded-port="$kafka" --hub.db.name="$db" --hub.data-dir="target/bench-$name-data" \
        --hub.routes.reload-enabled=false --logging.level.root=WARN --logging.level.io.integrationhub=WARN \
        --server.tomcat.max-keep-alive-requests=-1 --server.tomcat.threads.max=200 "$@" >"$HUB_LOG" 2>&1 &
    HUB_PID=$!
    trap 'kill $HUB_PID 2>/dev/null; wait $HUB_PID 2>/dev/null || true' EXIT
    BASE="http://127.0.0.1:$port"
    echo "starting the hub on port $port (log: $HUB_LOG) ..."
    for _ in $(seq 1 180); do
        curl -sf "$BASE/actuator/health" >/dev/null 2>&1 && return 0
        kill -0 $HUB_PID 2>/dev/null || { tail -30 "$HUB_LOG"; die "the hub exited"; }
        sleep 1
    done
    die "the hub did not become healthy in 180 s"
}

hub_token() {
    local sub="$1" tenant="$2"; shift 2
    local roles; roles="$(printf '"%s",' "$@")"
    curl -sf -X POST "$BASE/api/v1/dev/token" -H 'Content-Type: application/json' \
        -d "{\"sub\":\"$sub\",\"tenant_id\":\"$tenant\",\"roles\":[${roles%,}],\"ttlSeconds\":86400}" \
        | python3 -c 'import json, sys; print(json.load(sys.stdin)["token"])'
}
