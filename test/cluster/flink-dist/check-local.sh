#!/usr/bin/env bash
# Proves an assembled distribution works outside YARN: starts a standalone JobManager
# (StandaloneSessionClusterEntrypoint) and one TaskManager (TaskManagerRunner) from lib/*,
# checks GET /overview and /config, runs an example job (WordCount.jar, or FlyWordCount.jar) through the REST API
# (/jars/upload + /jars/<id>/run) and waits for FINISHED. Everything is stopped at the end.
#
#   test/cluster/flink-dist/check-local.sh [DIST_DIR] [REST_PORT]
#     DIST_DIR   default: test/cluster/flink-dist/target/flink-1.20.1
#     REST_PORT  default: 18081
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
dist="${1:-$here/target/flink-1.20.1}"
port="${2:-18081}"
dist="$(cd "$dist" && pwd)"
work="$(mktemp -d /tmp/flink-local-check.XXXXXX)"
java="${JAVA_HOME:+$JAVA_HOME/bin/}java"

# Java 17 flags come from the distribution's own config (env.java.default-opts.all).
jvm_flags="$(sed -n 's/^ *all: \(--add-.*\)$/\1/p' "$dist/conf/config.yaml" | head -1)"
# shellcheck disable=SC2206
flags=($jvm_flags)

pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  echo "logs kept in $work"
}
trap cleanup EXIT

free_port() { node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }
rpc_port="$(free_port)"

# The job: EXAMPLE_JAR, else the upstream WordCount.jar (1.20), else FlyWordCount.jar (2.x).
example="${EXAMPLE_JAR:-$dist/examples/streaming/WordCount.jar}"
[ -f "$example" ] || example="$dist/examples/streaming/FlyWordCount.jar"

json() { node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const v=JSON.parse(s);const r=process.argv[1].split(".").reduce((o,k)=>o==null?o:o[k],v);console.log(typeof r==="object"?JSON.stringify(r):r)})' "$1"; }

t0=$(date +%s.%N)
"$java" -Xmx512m "${flags[@]}" -Dlog.file="$work/jobmanager.log" \
  -Dlog4j.configurationFile="file:$dist/conf/log4j.properties" -cp "$dist/lib/*" \
  org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint \
  -c "$dist/conf" -D rest.port="$port" -D jobmanager.rpc.port="$rpc_port" \
  >"$work/jobmanager.out" 2>&1 &
pids+=($!)
for _ in $(seq 1 120); do curl -sf "localhost:$port/overview" >/dev/null && break; sleep 0.5; done
echo "JobManager REST up after $(echo "$(date +%s.%N) - $t0" | bc) s"
echo "GET /overview -> $(curl -sf "localhost:$port/overview")"
echo "GET /config   -> $(curl -sf "localhost:$port/config")"

# A TaskManager started by hand must get its derived memory sizes explicitly (the bash
# scripts compute them); without them: "taskmanager.cpu.cores ... is not set".
"$java" -Xmx384m "${flags[@]}" -Dlog.file="$work/taskmanager.log" \
  -Dlog4j.configurationFile="file:$dist/conf/log4j.properties" -cp "$dist/lib/*" \
  org.apache.flink.runtime.taskexecutor.TaskManagerRunner -c "$dist/conf" \
  -D taskmanager.cpu.cores=1 -D taskmanager.memory.task.heap.size=256m \
  -D taskmanager.memory.task.off-heap.size=0m -D taskmanager.memory.network.min=64m \
  -D taskmanager.memory.network.max=64m -D taskmanager.memory.managed.size=128m \
  -D taskmanager.memory.framework.heap.size=128m -D taskmanager.memory.framework.off-heap.size=128m \
  -D taskmanager.memory.jvm-metaspace.size=256m -D taskmanager.memory.jvm-overhead.min=192m \
  -D taskmanager.memory.jvm-overhead.max=192m -D jobmanager.rpc.port="$rpc_port" \
  >"$work/taskmanager.out" 2>&1 &
pids+=($!)
for _ in $(seq 1 120); do
  [ "$(curl -sf "localhost:$port/overview" | json taskmanagers)" = 1 ] && break; sleep 0.5
done
overview="$(curl -sf "localhost:$port/overview")"
echo "TaskManager registered after $(echo "$(date +%s.%N) - $t0" | bc) s: $overview"
[ "$(echo "$overview" | json taskmanagers)" = 1 ] || { echo "FAILED: no TaskManager"; exit 1; }

up="$(curl -sf -X POST -H 'Expect:' -F "jarfile=@$example" "localhost:$port/jars/upload")"
jar_id="$(echo "$up" | json filename)"; jar_id="${jar_id##*/}"
run="$(curl -s -X POST -H 'Content-Type: application/json' \
  -d '{}' \
  "localhost:$port/jars/$jar_id/run")"
job="$(echo "$run" | json jobid)"
if [ "$job" = "undefined" ]; then echo "run failed: $run"; exit 1; fi
state=""
for _ in $(seq 1 120); do
  state="$(curl -sf "localhost:$port/jobs/$job" | json state)"
  case "$state" in FINISHED|FAILED|CANCELED) break;; esac
  sleep 0.5
done
echo "$(basename "$example") job $job: $state; TaskManager stdout lines: $(wc -l <"$work/taskmanager.out")"
[ "$state" = FINISHED ] || { echo "FAILED"; exit 1; }
echo "LOCAL FLINK CHECK OK"
