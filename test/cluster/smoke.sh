#!/usr/bin/env bash
# End-to-end smoke check of the test cluster pieces, by hand, with curl:
#   ZooKeeper process + minicluster (HDFS + YARN) ->
#   RM /ws/v1/cluster/info, WebHDFS create/read, two REST-submitted apps
#   (a bare `echo` AM and the registering HelloAppMaster), container logs on disk and via the
#   NodeManager web app, start-up time and RSS, clean SIGTERM shutdown (exit 0).
#
#   test/cluster/smoke.sh              build (mvn, quiet) then check, Hadoop 3.4.2, 1 RM
#   HADOOP_VERSION=3.5.0 test/cluster/smoke.sh
#   RMS=2 test/cluster/smoke.sh        RM HA (rm0/rm1 via ZooKeeper) + failover of rm0
#   SKIP_BUILD=1 test/cluster/smoke.sh reuse the last build
#
# Needs: java 17, mvn (unless SKIP_BUILD=1 and built before), curl, node. Leaves nothing running.
set -uo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
hv="${HADOOP_VERSION:-3.4.2}"
rms="${RMS:-1}"
work="$(mktemp -d /tmp/fly-smoke.XXXXXX)"
java="${JAVA_HOME:+$JAVA_HOME/bin/}java"
passed=0
failed=0
pids=()

ok() { passed=$((passed + 1)); echo "  ok   $*"; }
bad() { failed=$((failed + 1)); echo "  FAIL $*"; }
check() { local what="$1"; shift; if "$@"; then ok "$what"; else bad "$what"; fi; }
now() { date +%s.%N; }
since() { echo "$(now) - $1" | bc | sed 's/^\./0./'; }
json() { node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{let v;try{v=JSON.parse(s)}catch(e){console.log("<not json>");return}const r=process.argv[1].split(".").reduce((o,k)=>o==null?o:o[k],v);console.log(r!==null&&typeof r==="object"?JSON.stringify(r):r)})' "$1"; }
free_port() { node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }
rss_mb() { echo $(( $(ps -o rss= -p "$1" 2>/dev/null || echo 0) / 1024 )); }

cleanup() {
  for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
}
trap cleanup EXIT

echo "work dir: $work (Hadoop $hv, RMs $rms)"
if [ -z "${SKIP_BUILD:-}" ]; then
  t=$(now)
  mvn -B -q -Dstyle.color=never -f "$here/minicluster/pom.xml" package -Dhadoop.version="$hv" || exit 1
  mvn -B -q -Dstyle.color=never -f "$here/zookeeper/pom.xml" package || exit 1
  echo "build: $(since "$t") s"
fi
mc_target="$here/minicluster/target/hadoop-$hv"

# ---------------------------------------------------------------- ZooKeeper
zk_port="$(free_port)"
t=$(now)
"$java" @"$here/zookeeper/jvm.options" -cp "$(cat "$here/zookeeper/target/classpath.txt")" \
  org.apache.zookeeper.server.ZooKeeperServerMain "$zk_port" "$work/zk-data" \
  >"$work/zk.log" 2>&1 &
zk_pid=$!
pids+=("$zk_pid")
zk_ok=""
for _ in $(seq 1 100); do
  zk_ok="$( (exec 3<>"/dev/tcp/127.0.0.1/$zk_port" && echo ruok >&3 && cat <&3) 2>/dev/null)"
  [ "$zk_ok" = imok ] && break
  sleep 0.1
done
echo "ZooKeeper on $zk_port: $zk_ok after $(since "$t") s"
check "zookeeper answers ruok" [ "$zk_ok" = imok ]
zkcli() {
  "$java" -cp "$(cat "$here/zookeeper/target/classpath.txt")" -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
    org.apache.zookeeper.ZooKeeperMain -server "127.0.0.1:$zk_port" "$@" 2>/dev/null | tail -1
}
zkcli create /smoke hello-zk >/dev/null
check "zookeeper create+get" [ "$(zkcli get /smoke)" = hello-zk ]

# ---------------------------------------------------------------- minicluster
t=$(now)
"$java" @"$here/minicluster/jvm.options" -cp "$mc_target/classes:$(cat "$mc_target/classpath.txt")" \
  flinkonyarn.testcluster.MiniClusterMain --work-dir "$work/mc" --rms "$rms" \
  --zk "127.0.0.1:$zk_port" --hdfs-users alice >"$work/mc.out" 2>"$work/mc.err" &
mc_pid=$!
pids+=("$mc_pid")
for _ in $(seq 1 240); do
  grep -q '^MINICLUSTER READY ' "$work/mc.out" && break
  kill -0 "$mc_pid" 2>/dev/null || break
  sleep 0.25
done
ready="$(sed -n 's/^MINICLUSTER READY //p' "$work/mc.out")"
echo "minicluster READY after $(since "$t") s"
if [ -z "$ready" ]; then bad "minicluster start"; tail -20 "$work/mc.err"; exit 1; fi
echo "  $ready"
check "exactly one stdout line" [ "$(wc -l <"$work/mc.out")" = 1 ]
rm_url="$(echo "$ready" | json rm)"
webhdfs="$(echo "$ready" | json webhdfs)"
hdfs="$(echo "$ready" | json hdfs)"
nm_log_dir="$(echo "$ready" | json nmLogDir)"
control="$(echo "$ready" | json control)"

info="$(curl -sf "$rm_url/ws/v1/cluster/info")"
check "RM haState ACTIVE" [ "$(echo "$info" | json clusterInfo.haState)" = ACTIVE ]
check "RM hadoopVersion $hv" [ "$(echo "$info" | json clusterInfo.hadoopVersion)" = "$hv" ]
scheduler="$(curl -sf "$rm_url/ws/v1/cluster/scheduler" | json scheduler.schedulerInfo.type)"
check "capacity scheduler" [ "$scheduler" = capacityScheduler ]

# ---------------------------------------------------------------- WebHDFS round trip
echo "hello webhdfs $(date)" >"$work/hello.txt"
loc="$(curl -sf -X PUT "$webhdfs/webhdfs/v1/user/alice/hello.txt?op=CREATE&overwrite=true&noredirect=true&user.name=alice" | json Location)"
code="$(curl -s -o /dev/null -w '%{http_code}' -X PUT -T "$work/hello.txt" "$loc")"
check "WebHDFS CREATE as alice -> 201" [ "$code" = 201 ]
check "WebHDFS OPEN returns the bytes" [ "$(curl -sfL "$webhdfs/webhdfs/v1/user/alice/hello.txt?op=OPEN&user.name=alice")" = "$(cat "$work/hello.txt")" ]
status="$(curl -sf "$webhdfs/webhdfs/v1/user/alice/hello.txt?op=GETFILESTATUS&user.name=alice")"
check "owner is alice" [ "$(echo "$status" | json FileStatus.owner)" = alice ]
denied="$(curl -s -X PUT "$webhdfs/webhdfs/v1/user/bob?op=MKDIRS&user.name=bob" | json RemoteException.exception)"
check "bob cannot create /user/bob (permissions on)" [ "$denied" = AccessControlException ]

# ---------------------------------------------------------------- apps through the RM REST API
new_app() { curl -sf -X POST "$rm_url/ws/v1/cluster/apps/new-application?user.name=$1" | json application-id; }
submit() { curl -s -o /dev/null -w '%{http_code}' -X POST -H 'Content-Type: application/json' --data "$2" "$rm_url/ws/v1/cluster/apps?user.name=$1"; }
wait_final() {
  local s=""
  for _ in $(seq 1 240); do
    s="$(curl -sf "$rm_url/ws/v1/cluster/apps/$1" | json app.state)"
    case "$s" in FINISHED|FAILED|KILLED) break;; esac
    sleep 0.25
  done
  echo "$s"
}

# 1) bare command AM: runs, exits 0, never registers -> the RM marks the attempt FAILED.
app1="$(new_app alice)"
body1="{\"application-id\":\"$app1\",\"application-name\":\"smoke-echo\",\"application-type\":\"SMOKE\",\"queue\":\"default\",\"max-app-attempts\":1,\"resource\":{\"memory\":128,\"vCores\":1},\"am-container-spec\":{\"commands\":{\"command\":\"echo hello-from-am 1><LOG_DIR>/stdout 2><LOG_DIR>/stderr; sleep 2\"}}}"
t=$(now)
check "submit echo app -> 202" [ "$(submit alice "$body1")" = 202 ]
s1="$(wait_final "$app1")"
echo "  $app1: $s1 after $(since "$t") s (a non-registering AM always ends FAILED, exitCode 0)"
check "echo app ran (FAILED by design)" [ "$s1" = FAILED ]
c1="$(curl -sf "$rm_url/ws/v1/cluster/apps/$app1/appattempts" | json appAttempts.appAttempt.0.containerId)"
check "container stdout on disk" grep -q hello-from-am "$nm_log_dir/$app1/$c1/stdout"
nm_http="$(curl -sf "$rm_url/ws/v1/cluster/apps/$app1" | json app.amHostHttpAddress)"
check "container stdout via NM web /node/containerlogs" \
  bash -c "curl -sf 'http://$nm_http/node/containerlogs/$c1/alice/stdout/?start=0' | grep -q hello-from-am"
check "container stdout via NM REST" \
  bash -c "curl -sf 'http://$nm_http/ws/v1/node/containerlogs/$c1/stdout' | grep -q hello-from-am"

# 2) HelloAppMaster: registers/unregisters through the scheduler protocol -> FINISHED.
cp_am="$mc_target/classes:$(cat "$mc_target/classpath.txt")"
app2="$(new_app alice)"
cmd2="{{JAVA_HOME}}/bin/java -Xmx64m -Dminicluster.log.level=WARN -Dlog4j.configuration=log4j-stderr.properties -cp $cp_am flinkonyarn.testcluster.HelloAppMaster --sleep 1 1><LOG_DIR>/stdout 2><LOG_DIR>/stderr"
body2="{\"application-id\":\"$app2\",\"application-name\":\"smoke-hello-am\",\"application-type\":\"SMOKE\",\"queue\":\"second\",\"resource\":{\"memory\":256,\"vCores\":1},\"application-tags\":{\"tag\":[\"Smoke\",\"e2e\"]},\"am-container-spec\":{\"commands\":{\"command\":\"$cmd2\"}}}"
t=$(now)
check "submit HelloAppMaster -> 202" [ "$(submit alice "$body2")" = 202 ]
s2="$(wait_final "$app2")"
app2json="$(curl -sf "$rm_url/ws/v1/cluster/apps/$app2")"
echo "  $app2: $s2/$(echo "$app2json" | json app.finalStatus) after $(since "$t") s, queue $(echo "$app2json" | json app.queue), tags '$(echo "$app2json" | json app.applicationTags)'"
check "HelloAppMaster FINISHED/SUCCEEDED" [ "$s2/$(echo "$app2json" | json app.finalStatus)" = FINISHED/SUCCEEDED ]

# ---------------------------------------------------------------- RM HA failover (RMS=2)
if [ "$rms" = 2 ]; then
  rm1="$(echo "$ready" | json rms.1.web)"
  t=$(now)
  curl -sf -X POST "$control/rm/0/stop" >/dev/null
  h=""
  for _ in $(seq 1 200); do
    h="$(curl -sf "$rm1/ws/v1/cluster/info" | json clusterInfo.haState)"
    [ "$h" = ACTIVE ] && break
    sleep 0.1
  done
  echo "  rm1 $h $(since "$t") s after stopping rm0"
  check "failover to rm1" [ "$h" = ACTIVE ]
  check "finished app recovered on rm1" [ "$(curl -sf "$rm1/ws/v1/cluster/apps/$app2" | json app.state)" = FINISHED ]
  curl -sf -X POST "$control/rm/0/restart" >/dev/null
  check "restarted rm0 is STANDBY" [ "$(curl -sf "$(echo "$ready" | json rms.0.web)/ws/v1/cluster/info" | json clusterInfo.haState)" = STANDBY ]
fi

# ---------------------------------------------------------------- footprint + shutdown
echo "RSS: minicluster $(rss_mb "$mc_pid") MB, zookeeper $(rss_mb "$zk_pid") MB"
t=$(now)
kill -TERM "$mc_pid"
wait "$mc_pid"
mc_rc=$?
echo "minicluster stopped after $(since "$t") s, exit $mc_rc"
check "minicluster exits 0 on SIGTERM" [ "$mc_rc" = 0 ]
check "container logs kept in work dir" [ -d "$work/mc/logs/containers/$app1" ]
kill -TERM "$zk_pid"
wait "$zk_pid" 2>/dev/null
pids=()

echo "smoke: $passed passed, $failed failed"
[ "$failed" = 0 ]
