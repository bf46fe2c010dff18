#!/usr/bin/env bash
# Deploys a Flink session cluster from the assembled distribution onto a running test
# minicluster using ONLY WebHDFS + the RM REST API (what the flink-on-yarn CLI does), then runs
# examples/streaming/WordCount.jar on it (TaskManager containers come from YARN), and kills it.
# A reference for the environment / local resources the Flink 1.20 YARN entry points expect.
#
#   test/cluster/flink-dist/check-yarn.sh CLUSTER_JSON [DIST_DIR] [USER]
#     CLUSTER_JSON  the json of the minicluster's READY line (or <conf-dir>/cluster.json)
#     DIST_DIR      default: test/cluster/flink-dist/target/flink-1.20.1
#     USER          default: alice (needs an HDFS home: minicluster --hdfs-users alice)
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
cluster="$1"
[ -f "$cluster" ] && cluster="$(cat "$cluster")"
dist="$(cd "${2:-$here/target/flink-1.20.1}" && pwd)"
user="${3:-alice}"

# The job: EXAMPLE_JAR, else the upstream WordCount.jar (1.20), else FlyWordCount.jar (2.x).
example="${EXAMPLE_JAR:-$dist/examples/streaming/WordCount.jar}"
[ -f "$example" ] || example="$dist/examples/streaming/FlyWordCount.jar"

json() { node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{let v;try{v=JSON.parse(s)}catch(e){console.log("<not json: "+s.slice(0,200)+">");return}const r=process.argv[1].split(".").reduce((o,k)=>o==null?o:o[k],v);console.log(r!==null&&typeof r==="object"?JSON.stringify(r):r)})' "$1"; }
now() { date +%s.%N; }
since() { echo "$(now) - $1" | bc | sed 's/^\./0./'; }

rm_url="$(echo "$cluster" | json rm)"
webhdfs="$(echo "$cluster" | json webhdfs)"
hdfs="$(echo "$cluster" | json hdfs)"
q="user.name=$user"

t0=$(now)
app="$(curl -sf -X POST "$rm_url/ws/v1/cluster/apps/new-application?$q" | json application-id)"
stage="/user/$user/.flink/$app"
echo "application $app, staging $hdfs$stage"
curl -sf -X PUT "$webhdfs/webhdfs/v1$stage?op=MKDIRS&permission=700&$q" >/dev/null

# upload KEY LOCALFILE -> prints "key<TAB>hdfs-uri<TAB>size<TAB>mtime"
upload() {
  local key="$1" file="$2" loc
  loc="$(curl -sf -X PUT "$webhdfs/webhdfs/v1$stage/$key?op=CREATE&overwrite=true&noredirect=true&$q" | json Location)"
  curl -sf -X PUT -T "$file" "$loc" >/dev/null
  local st
  st="$(curl -sf "$webhdfs/webhdfs/v1$stage/$key?op=GETFILESTATUS&$q")"
  printf '%s\t%s\t%s\t%s\n' "$key" "$hdfs$stage/$key" "$(echo "$st" | json FileStatus.length)" \
    "$(echo "$st" | json FileStatus.modificationTime)"
}

manifest="$(mktemp)"
dist_jar="$(cd "$dist/lib" && ls flink-dist-*.jar)"
for f in "$dist"/lib/*.jar; do
  name="$(basename "$f")"
  if [ "$name" = "$dist_jar" ]; then
    upload "$name" "$f" | sed 's/^/dist\t/' >>"$manifest"
  else
    upload "lib/$name" "$f" | sed 's/^/ship\t/' >>"$manifest"
  fi
done
# Flink 1.20 reads conf/config.yaml, or the legacy flink-conf.yaml when that is what exists.
conf_file=config.yaml
[ -f "$dist/conf/config.yaml" ] || conf_file=flink-conf.yaml
upload "$conf_file" "$dist/conf/$conf_file" | sed 's/^/ship\t/' >>"$manifest"
upload log4j.properties "$dist/conf/log4j.properties" | sed 's/^/ship\t/' >>"$manifest"
echo "uploaded $(wc -l <"$manifest") files in $(since "$t0") s"

# Java 17 flags: conf/java17.options (one per line) if the distribution has it, else the
# env.java.default-opts.all value of conf/config.yaml.
if [ -f "$dist/conf/java17.options" ]; then
  java_opts="$(grep -v '^#' "$dist/conf/java17.options" | tr '\n' ' ') -XX:+UseSerialGC"
else
  java_opts="$(sed -n 's/^ *all: \(--add-.*\)$/\1/p' "$dist/conf/$conf_file" | head -1) -XX:+UseSerialGC"
fi

# JobManager process of 1024 MB: heap 448m, off-heap 128m, metaspace 256m, overhead 192m.
body="$(node - "$manifest" "$app" "$user" "$hdfs$stage" "$hdfs/user/$user" "$java_opts" "$conf_file" <<'NODE'
const fs = require("fs");
const [manifest, app, user, stageUri, homeUri, javaOpts, confFile] = process.argv.slice(2);
const rows = fs.readFileSync(manifest, "utf8").trim().split("\n").map(l => {
  const [kind, key, uri, size, mtime] = l.split("\t");
  return { kind, key, uri, size: Number(size), mtime: Number(mtime) };
});
// Flink's descriptor format (1.19+): JSON written with single quotes, joined by ';'.
const desc = r => JSON.stringify({ resourceKey: r.key, path: r.uri, size: r.size,
  modificationTime: r.mtime, visibility: "APPLICATION", resourceType: "FILE" }).replace(/"/g, "'");
const dist = rows.find(r => r.kind === "dist");
const ship = rows.filter(r => r.kind === "ship");
const jars = ship.filter(r => r.key.endsWith(".jar")).map(r => r.key).sort();
const flinkClasspath = [...jars, dist.key, confFile].join(":") + ":";
const env = {
  _FLINK_CLASSPATH: flinkClasspath,
  CLASSPATH: flinkClasspath + ":$HADOOP_CONF_DIR",
  _FLINK_DIST_JAR: desc(dist),
  _CLIENT_SHIP_FILES: ship.map(desc).join(";"),
  _FLINK_YARN_FILES: stageUri,
  _APP_ID: app,
  _CLIENT_HOME_DIR: homeUri,
  HADOOP_USER_NAME: user,
  FLINK_LIB_DIR: "./lib",
  FLINK_OPT_DIR: "./opt",
};
const mem = { heap: 469762048, offHeap: 134217728, meta: 268435456, overhead: 201326592 };
const cmd = [
  "{{JAVA_HOME}}/bin/java", `-Xmx${mem.heap}`, `-Xms${mem.heap}`, `-XX:MaxMetaspaceSize=${mem.meta}`,
  javaOpts, '-Dlog.file="<LOG_DIR>/jobmanager.log"', "-Dlog4j.configurationFile=file:log4j.properties",
  "org.apache.flink.yarn.entrypoint.YarnSessionClusterEntrypoint",
  `-D jobmanager.memory.off-heap.size=${mem.offHeap}b`, `-D jobmanager.memory.jvm-overhead.min=${mem.overhead}b`,
  `-D jobmanager.memory.jvm-metaspace.size=${mem.meta}b`, `-D jobmanager.memory.heap.size=${mem.heap}b`,
  `-D jobmanager.memory.jvm-overhead.max=${mem.overhead}b`,
  "1> <LOG_DIR>/jobmanager.out 2> <LOG_DIR>/jobmanager.err",
].join(" ");
console.log(JSON.stringify({
  "application-id": app,
  "application-name": "Flink session cluster (check-yarn.sh)",
  "application-type": "Apache Flink",
  queue: "default",
  "max-app-attempts": 1,
  resource: { memory: 1024, vCores: 1 },
  "application-tags": { tag: ["check-yarn"] },
  "am-container-spec": {
    "local-resources": { entry: rows.map(r => ({ key: r.key, value: {
      resource: r.uri, type: "FILE", visibility: "APPLICATION", size: r.size, timestamp: r.mtime } })) },
    environment: { entry: Object.entries(env).map(([key, value]) => ({ key, value })) },
    commands: { command: cmd },
  },
}));
NODE
)"
echo "$body" >"$(dirname "$manifest")/check-yarn-submit-$app.json"
code="$(curl -s -o /dev/null -w '%{http_code}' -X POST -H 'Content-Type: application/json' --data "$body" "$rm_url/ws/v1/cluster/apps?$q")"
echo "submit -> $code (body saved in $(dirname "$manifest")/check-yarn-submit-$app.json)"
[ "$code" = 202 ]

state=""
for _ in $(seq 1 240); do
  state="$(curl -sf "$rm_url/ws/v1/cluster/apps/$app" | json app.state)"
  case "$state" in RUNNING|FINISHED|FAILED|KILLED) break;; esac
  sleep 0.25
done
appjson="$(curl -sf "$rm_url/ws/v1/cluster/apps/$app")"
echo "YARN state $state after $(since "$t0") s; trackingUrl $(echo "$appjson" | json app.trackingUrl); amRPCAddress $(echo "$appjson" | json app.amRPCAddress)"
[ "$state" = RUNNING ] || { echo "$appjson"; exit 1; }

# The AM registers with its REST address as tracking URL and the REST port as "RPC port".
flink="http://$(echo "$appjson" | json app.amRPCAddress)"
for _ in $(seq 1 120); do curl -sf "$flink/overview" >/dev/null && break; sleep 0.25; done
echo "Flink REST $flink up after $(since "$t0") s: $(curl -sf "$flink/overview")"
echo "via RM proxy: $(curl -sf "$rm_url/proxy/$app/config" | head -c 120)"

up="$(curl -sf -X POST -H 'Expect:' -F "jarfile=@$example" "$flink/jars/upload")"
jar_id="$(echo "$up" | json filename)"; jar_id="${jar_id##*/}"
run="$(curl -s -X POST -H 'Content-Type: application/json' \
  -d '{}' "$flink/jars/$jar_id/run")"
job="$(echo "$run" | json jobid)"
[ "$job" != undefined ] || { echo "run failed: $run"; exit 1; }
jstate=""
for _ in $(seq 1 480); do
  jstate="$(curl -sf "$flink/jobs/$job" | json state)"
  case "$jstate" in FINISHED|FAILED|CANCELED) break;; esac
  sleep 0.25
done
echo "$(basename "$example") $job: $jstate after $(since "$t0") s; $(curl -sf "$flink/overview")"
containers="$(curl -sf "$rm_url/ws/v1/cluster/apps/$app" | json app.runningContainers)"
echo "running containers of $app: $containers"

# Stop: the RM kills the app (PUT state KILLED: 202 while in progress, then 200).
for _ in $(seq 1 40); do
  kc="$(curl -s -o /dev/null -w '%{http_code}' -X PUT -H 'Content-Type: application/json' \
    -d '{"state":"KILLED"}' "$rm_url/ws/v1/cluster/apps/$app/state?$q")"
  [ "$kc" = 200 ] && break
  sleep 0.25
done
echo "kill -> $kc; final $(curl -sf "$rm_url/ws/v1/cluster/apps/$app" | json app.state)"
curl -sf -X DELETE "$webhdfs/webhdfs/v1$stage?op=DELETE&recursive=true&$q" >/dev/null
rm -f "$manifest"
[ "$jstate" = FINISHED ] && echo "YARN FLINK CHECK OK"
