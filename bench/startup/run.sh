#!/usr/bin/env bash
# Start-up benchmark (not a test): time to ready and resident memory of the hub, against a raw-JVM baseline.
#
#   bench/startup/run.sh [RUNS]            RUNS defaults to 3 (or $RUNS)
#
# Environment:
#   HUB_JAR        the fat jar to measure; default target/integration-hub-*.jar, built once if missing
#   JAVA           the java binary (default: java on PATH); javac must sit beside it or on PATH
#   READY_TIMEOUT  seconds to wait for one start before giving up (default 150)
#   KEEP_WORK      set to keep the temp folder (each run's log and data dir) instead of deleting it
#
# Each run starts `java -jar $HUB_JAR` from the repository folder (config/, routes/, kamelets/) with the dev profile,
# a free HTTP port, the in-process Kafka broker on a free port, and a fresh data dir in a temp folder. The database is
# the local PostgreSQL on localhost:5432 (database hub_bench, created on the first run) or, if nothing answers
# there, embedded PostgreSQL; the log line saying which is printed. "Ready" is the first HTTP 200 from
# /actuator/health; RSS is VmRSS from /proc/PID/status read right then.
# The baseline is the same java binary running a 20-line ServerSocket server that answers HTTP 200, measured the
# same way: the JVM's own floor for "a process that answers HTTP".
# Results are printed and written to bench/results/startup-<date>.txt. Every process started here is killed on exit.
set -euo pipefail

RUNS="${1:-${RUNS:-3}}"
READY_TIMEOUT="${READY_TIMEOUT:-150}"
JAVA="${JAVA:-java}"
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/hub-startup-bench.XXXXXX")"
PIDS=()

die() { echo "run.sh: $*" >&2; exit 1; }
[[ "$RUNS" =~ ^[1-9][0-9]*$ ]] || die "RUNS must be a positive integer, got '$RUNS'"
for tool in curl setsid; do command -v "$tool" >/dev/null || die "$tool is required"; done

# ---- process handling: each measured JVM is a session (and process group) leader, so a kill reaches its children
# (e.g. embedded PostgreSQL) too
stop_group() {
    local pid="$1" i
    kill -0 "$pid" 2>/dev/null || return 0
    kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
    for i in $(seq 1 300); do           # up to 30 s for a graceful shutdown
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    kill -KILL -- "-$pid" 2>/dev/null || true
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
}
cleanup() {
    local pid
    for pid in "${PIDS[@]+"${PIDS[@]}"}"; do stop_group "$pid"; done
    if [[ -n "${KEEP_WORK:-}" ]]; then echo "logs and data kept in $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() {
    local port
    for _ in $(seq 1 200); do
        port=$(( 20000 + RANDOM % 30000 ))
        # nothing answers there (bash /dev/tcp connect fails) -> free enough
        if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then echo "$port"; return 0; fi
    done
    die "no free port found"
}

now_ms() { echo $(( $(date +%s%N) / 1000000 )); }

# start_measured NAME DIR CMD...: starts CMD in DIR as a new session, sets STARTED_PID
start_measured() {
    local name="$1" dir="$2"; shift 2
    local pidfile="$WORK/$name.pid"
    setsid bash -c 'echo $$ > "$1"; cd "$2" && shift 2 && exec "$@"' _ "$pidfile" "$dir" "$@" \
        >"$WORK/$name.log" 2>&1 < /dev/null &
    local i
    for i in $(seq 1 100); do [[ -s "$pidfile" ]] && break; sleep 0.05; done
    [[ -s "$pidfile" ]] || die "$name did not start"
    STARTED_PID="$(cat "$pidfile")"
    PIDS+=("$STARTED_PID")
}

# measure NAME PORT DIR CMD...: sets MS (ms to the first HTTP 200) and RSS_KB (VmRSS then), then stops the process.
# Runs in this shell (not in $(...)) so the EXIT trap knows every PID.
measure() {
    local name="$1" port="$2" dir="$3"; shift 3
    local t0 t1 code pid deadline
    t0=$(now_ms)
    start_measured "$name" "$dir" "$@"
    pid="$STARTED_PID"
    deadline=$(( t0 + READY_TIMEOUT * 1000 ))
    while :; do
        code=$(curl -s -o /dev/null -m 2 -w '%{http_code}' "http://127.0.0.1:$port/actuator/health" || true)
        [[ "$code" == 200 ]] && break
        if ! kill -0 "$pid" 2>/dev/null; then
            tail -n 40 "$WORK/$name.log" >&2; die "$name exited before it was ready"
        fi
        if (( $(now_ms) > deadline )); then
            tail -n 40 "$WORK/$name.log" >&2; die "$name not ready after ${READY_TIMEOUT}s"
        fi
        sleep 0.1
    done
    t1=$(now_ms)
    RSS_KB=$(awk '/^VmRSS:/ {print $2}' "/proc/$pid/status")
    MS=$(( t1 - t0 ))
    stop_group "$pid"
    PIDS=()
}

# stats FILE COLUMN DIVISOR: median min max of a column (numbers divided by DIVISOR)
stats() {
    awk -v c="$2" '{print $c}' "$1" | sort -n | awk -v d="$3" '
        { v[NR] = $1 / d }
        END { m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
              printf "%.1f %.1f %.1f\n", m, v[1], v[NR] }'
}

# ---- the jar
if [[ -z "${HUB_JAR:-}" ]]; then
    HUB_JAR="$(ls "$REPO"/target/integration-hub-*.jar 2>/dev/null | grep -v '\.original$' | head -n 1 || true)"
    if [[ -z "$HUB_JAR" ]]; then
        echo "building the fat jar (mvn -q -B -DskipTests package) ..."
        (cd "$REPO" && mvn -q -B -DskipTests package)
        HUB_JAR="$(ls "$REPO"/target/integration-hub-*.jar | grep -v '\.original$' | head -n 1)"
    fi
fi
[[ -f "$HUB_JAR" ]] || die "HUB_JAR '$HUB_JAR' is not a file"
HUB_JAR="$(cd "$(dirname "$HUB_JAR")" && pwd)/$(basename "$HUB_JAR")"

# ---- the baseline server: accept, read the request head, answer 200, repeat
JAVAC="$(dirname "$(readlink -f "$(command -v "$JAVA")")")/javac"
[[ -x "$JAVAC" ]] || JAVAC="$(command -v javac || true)"
[[ -n "$JAVAC" ]] || die "javac is needed for the baseline server"
mkdir -p "$WORK/baseline"
cat > "$WORK/baseline/RawHttp.java" <<'JAVA'
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

public class RawHttp {
    public static void main(String[] args) throws Exception {
        try (ServerSocket server = new ServerSocket(Integer.parseInt(args[0]))) {
            byte[] body = "{\"status\":\"UP\"}".getBytes(StandardCharsets.US_ASCII);
            byte[] head = ("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + body.length
                    + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
            while (true) {
                try (Socket s = server.accept()) {
                    InputStream in = s.getInputStream();
                    int a = 0, b = 0, c = 0, d;             // read up to the blank line ending the request head
                    while ((d = in.read()) >= 0 && !(a == '\r' && b == '\n' && c == '\r' && d == '\n')) {
                        a = b; b = c; c = d;
                    }
                    OutputStream out = s.getOutputStream();
                    out.write(head);
                    out.write(body);
                    out.flush();
                }
            }
        }
    }
}
JAVA
"$JAVAC" -d "$WORK/baseline" "$WORK/baseline/RawHttp.java"

# ---- runs
JAR_BYTES=$(stat -c %s "$HUB_JAR")
JAVA_VERSION="$("$JAVA" -version 2>&1 | head -n 1)"
echo "hub jar: $HUB_JAR ($(( JAR_BYTES / 1024 / 1024 )) MiB), runs: $RUNS, $JAVA_VERSION, $(nproc) CPUs"

: > "$WORK/hub.txt"
: > "$WORK/base.txt"
DB_LINE=""
for i in $(seq 1 "$RUNS"); do
    port=$(free_port); kport=$(free_port)
    [[ "$kport" != "$port" ]] || kport=$(free_port)
    # --hub.db.url= and --hub.kafka.bootstrap-servers= override HUB_DB_URL / KAFKA_BOOTSTRAP_SERVERS from the
    # environment: the bench never touches a configured database and always runs the in-process broker
    measure "hub-$i" "$port" "$REPO" "$JAVA" -jar "$HUB_JAR" \
        --spring.profiles.active=dev \
        --server.port="$port" \
        --hub.kafka.bootstrap-servers= \
        --hub.kafka.embedded-port="$kport" \
        --hub.data-dir="$WORK/data-$i" \
        --hub.db.url= \
        --hub.db.name=hub_bench
    echo "$MS $RSS_KB" >> "$WORK/hub.txt"
    [[ -n "$DB_LINE" ]] || DB_LINE="$(grep -oE 'PostgreSQL: (using|no HUB_DB_URL)[^"]*' "$WORK/hub-$i.log" | head -n 1 || true)"
    echo "  hub run $i: ready in $MS ms, VmRSS $(( RSS_KB / 1024 )) MiB"

    port=$(free_port)
    measure "base-$i" "$port" "$WORK/baseline" "$JAVA" -cp "$WORK/baseline" RawHttp "$port"
    echo "$MS $RSS_KB" >> "$WORK/base.txt"
    echo "  baseline run $i: ready in $MS ms, VmRSS $(( RSS_KB / 1024 )) MiB"
done

# ---- table
read -r hm hmin hmax <<< "$(stats "$WORK/hub.txt" 1 1)"
read -r bm bmin bmax <<< "$(stats "$WORK/base.txt" 1 1)"
read -r hr hrmin hrmax <<< "$(stats "$WORK/hub.txt" 2 1024)"
read -r br brmin brmax <<< "$(stats "$WORK/base.txt" 2 1024)"

RESULTS="$REPO/bench/results"
mkdir -p "$RESULTS"
OUT="$RESULTS/startup-$(date +%Y%m%d-%H%M%S).txt"
{
    echo "Hub start-up benchmark, $(date -Iseconds), $(hostname), $(nproc) CPUs"
    echo "java: $JAVA_VERSION"
    echo "jar: $(basename "$HUB_JAR"), $JAR_BYTES bytes ($(( JAR_BYTES / 1024 / 1024 )) MiB)"
    echo "hub: profile dev, in-process Kafka, ${DB_LINE:-database: see log}"
    echo "baseline: same java, a ServerSocket server answering HTTP 200 (RawHttp.java in run.sh)"
    echo "runs: $RUNS; ready = first HTTP 200 from /actuator/health; RSS = VmRSS right then"
    echo
    printf '%-30s %10s %10s %8s\n' metric hub baseline ratio
    row() { printf '%-30s %10s %10s %7.1fx\n' "$1" "$2" "$3" "$(awk -v a="$2" -v b="$3" 'BEGIN { print (b > 0) ? a / b : 0 }')"; }
    row "time to ready, median (ms)" "$hm" "$bm"
    row "time to ready, min (ms)" "$hmin" "$bmin"
    row "time to ready, max (ms)" "$hmax" "$bmax"
    row "RSS after ready, median (MiB)" "$hr" "$br"
    row "RSS after ready, min (MiB)" "$hrmin" "$brmin"
    row "RSS after ready, max (MiB)" "$hrmax" "$brmax"
} | tee "$OUT"
echo
echo "written to $OUT"
