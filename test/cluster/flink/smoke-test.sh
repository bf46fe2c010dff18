#!/usr/bin/env bash
# Local smoke test of the Flink layout built by pom.xml (no YARN involved):
#   1. StandaloneSessionClusterEntrypoint on free ports; GET /overview and /config
#   2. one TaskExecutor (TaskManagerRunner); /overview must show 1 TM and its slots
#   3. the WordCount example submitted through REST (POST /jars/upload, /jars/<id>/run);
#      the job must reach FINISHED; then once more with CliFrontend run -m
#   4. everything stopped again (trap), logs left in $WORK
# Usage: test/cluster/flink/smoke-test.sh   (after: mvn -B -q -f test/cluster/flink/pom.xml package)
# Env:   FLINK_HOME (default: target/flink beside this script), WORK (default: mktemp -d)
set -euo pipefail

HERE="$(cd "$(dirname "$0")" && pwd)"
FLINK_HOME="${FLINK_HOME:-$HERE/target/flink}"
WORK="${WORK:-$(mktemp -d /tmp/flink-smoke.XXXXXX)}"
cd "$FLINK_HOME"
[ -f VERSION ] || { echo "no Flink layout at $FLINK_HOME: build it first" >&2; exit 2; }

json() { python3 -c 'import json,sys; d=json.load(sys.stdin); print(eval(sys.argv[1]))' "$1"; }
free_port() { python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'; }
REST_PORT=$(free_port); RPC_PORT=$(free_port)
URL="http://localhost:$REST_PORT"
echo "FLINK_HOME=$FLINK_HOME VERSION=$(cat VERSION) WORK=$WORK rest=$REST_PORT rpc=$RPC_PORT"

PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${PIDS[@]}"; do
    for _ in $(seq 1 40); do kill -0 "$p" 2>/dev/null || break; sleep 0.25; done
    kill -9 "$p" 2>/dev/null || true
  done
}
trap cleanup EXIT

# Pinned addresses: the dist's flink-conf.yaml pins none (YARN sets them itself).
COMMON=(-D rest.port="$REST_PORT" -D rest.address=localhost -D rest.bind-address=localhost
        -D jobmanager.rpc.address=localhost -D jobmanager.bind-host=localhost
        -D jobmanager.rpc.port="$RPC_PORT"
        -D taskmanager.host=localhost -D taskmanager.bind-host=localhost
        -D io.tmp.dirs="$WORK" -D web.tmpdir="$WORK/web")
JAVA_FLAGS=(@conf/java17.options -Dlog4j.configurationFile=file:conf/log4j.properties)

java -Xmx512m -Xms128m "${JAVA_FLAGS[@]}" -Dlog.file="$WORK/jobmanager.log" -cp 'lib/*' \
  org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint --configDir conf "${COMMON[@]}" \
  >"$WORK/jobmanager.out" 2>&1 &
PIDS+=($!)

wait_for() { # wait_for <seconds> <description> <command...>
  local t=$1 what=$2; shift 2
  for _ in $(seq 1 $((t * 2))); do if "$@" >/dev/null 2>&1; then return 0; fi; sleep 0.5; done
  echo "timed out waiting for $what" >&2; return 1
}
wait_for 60 "REST /overview" curl -sf "$URL/overview"
echo "GET /overview -> $(curl -sf "$URL/overview")"
echo "GET /config   -> $(curl -sf "$URL/config")"

# Without bin/taskmanager.sh, the derived memory/cpu settings must be handed to the TM
# explicitly: BashJavaUtils computes them from conf/ (the YARN AM does the same for its TMs).
BJU=$(java -Xmx128m -cp 'lib/*' -Dlog4j.configurationFile=file:conf/log4j-cli.properties \
  -Dlog.file="$WORK/bashjavautils.log" org.apache.flink.runtime.util.bash.BashJavaUtils \
  GET_TM_RESOURCE_PARAMS --configDir conf | grep '^BASH_JAVA_UTILS_EXEC_RESULT:' | cut -d: -f2-)
TM_JVM=$(sed -n 1p <<<"$BJU"); TM_DYN=$(sed -n 2p <<<"$BJU")
echo "TM jvm params: $TM_JVM"
# shellcheck disable=SC2086  # word splitting of the computed parameter strings is intended
java $TM_JVM "${JAVA_FLAGS[@]}" -Dlog.file="$WORK/taskmanager.log" -cp 'lib/*' \
  org.apache.flink.runtime.taskexecutor.TaskManagerRunner --configDir conf "${COMMON[@]}" $TM_DYN \
  >"$WORK/taskmanager.out" 2>&1 &
PIDS+=($!)

has_tm() { curl -sf "$URL/overview" | grep -q '"taskmanagers":1,'; }
wait_for 60 "1 TaskManager in /overview" has_tm
echo "GET /overview -> $(curl -sf "$URL/overview")"

JAR=examples/streaming/WordCount.jar
if [ -f "$JAR" ]; then
  UP=$(curl -sf -X POST -H 'Expect:' -F "jarfile=@$JAR" "$URL/jars/upload")
  echo "POST /jars/upload -> $UP"
  JAR_ID=$(json 'd["filename"].split("/")[-1]' <<<"$UP")
  RUN=$(curl -sf -X POST -H 'Content-Type: application/json' -d '{}' "$URL/jars/$JAR_ID/run")
  echo "POST /jars/$JAR_ID/run -> $RUN"
  JOB_ID=$(json 'd["jobid"]' <<<"$RUN")
  job_state() { curl -sf "$URL/jobs/$JOB_ID" | json 'd["state"]'; }
  job_done() { job_state | grep -qE '^(FINISHED|FAILED|CANCELED)$'; }
  wait_for 120 "job $JOB_ID to end" job_done
  STATE=$(job_state)
  echo "job $JOB_ID -> $STATE"
  echo "GET /overview -> $(curl -sf "$URL/overview")"
  [ "$STATE" = FINISHED ] || { echo "job did not finish" >&2; exit 1; }
  echo "WordCount output (first lines of the TM's stdout):"; head -5 "$WORK/taskmanager.out"

  # The same jar through Flink's own command-line client (attached: returns when the job ends).
  FLINK_CONF_DIR="$FLINK_HOME/conf" java -Xmx256m "${JAVA_FLAGS[@]/log4j.properties/log4j-cli.properties}" \
    -Dlog.file="$WORK/client.log" -cp 'lib/*' org.apache.flink.client.cli.CliFrontend \
    run -m "localhost:$REST_PORT" "$JAR" >"$WORK/client.out" 2>&1
  echo "CliFrontend run -> $(grep -E 'Job has been submitted|Program execution finished|Job with JobID' "$WORK/client.out" | tr '\n' ' ')"
  grep -q 'Program execution finished' "$WORK/client.out" || { echo "CLI run failed, see $WORK/client.out" >&2; exit 1; }
  echo "GET /overview -> $(curl -sf "$URL/overview")"
fi
echo "smoke test OK (logs in $WORK)"
