#!/usr/bin/env bash
# Starts a Spark standalone cluster on 127.0.0.1 (one Master, N Workers) from the project's Maven class path, for
# trying the job jar locally and for the distributed test (SegmentJobClusterIT starts its cluster with this script).
#   deploy/local-cluster/start.sh [--state DIR] [--classpath FILE] [--workers N] [--cores C] [--memory 1536m]
#                                 [--port 0] [--timeout-s 120]
# Its SPARK_HOME (DIR/spark-home) links only the Spark/Hadoop jars of the class path file (target/classpath.txt,
# written by `mvn compile`), never DJL, TwelveMonkeys, picocli or JNA: the submitted job jar must carry those itself.
# Writes into DIR (default target/local-cluster): master-url, master.pid, worker-<i>.pid, env (source it for
# SPARK_HOME & co), logs/, work-<i>/ (executor stdout/stderr). Prints the master URL. Stop with stop.sh --state DIR.
set -euo pipefail
here="$(cd "$(dirname "$0")/../.." && pwd)"
state="$here/target/local-cluster"
classpath="$here/target/classpath.txt"
workers=2
cores=2
memory=1536m
port=0
timeout_s=120
while [[ $# -gt 0 ]]; do
  case "$1" in
    --state) state="$2"; shift 2 ;;
    --classpath) classpath="$2"; shift 2 ;;
    --workers) workers="$2"; shift 2 ;;
    --cores) cores="$2"; shift 2 ;;
    --memory) memory="$2"; shift 2 ;;
    --port) port="$2"; shift 2 ;;
    --timeout-s) timeout_s="$2"; shift 2 ;;
    *) echo "start.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
for n in "$workers" "$cores" "$port" "$timeout_s"; do
  [[ "$n" =~ ^[0-9]+$ ]] || { echo "start.sh: not a number: $n" >&2; exit 2; }
done
[[ -f "$classpath" ]] || { echo "start.sh: class path file $classpath not found: run mvn compile" >&2; exit 2; }
if compgen -G "$state/*.pid" > /dev/null; then
  echo "start.sh: $state already has a cluster (pid files); run stop.sh --state $state first" >&2
  exit 2
fi
mkdir -p "$state/logs" "$state/spark-home/jars"
state="$(cd "$state" && pwd)"
home="$state/spark-home"
java="${JAVA_HOME:+$JAVA_HOME/bin/}java"

# our own dependencies stay out of the cluster: the job jar shades them
scala=""
IFS=":" read -r -a entries < "$classpath" || true  # no final newline: read says 1
for jar in "${entries[@]}"; do
  case "$jar" in
    */ai/djl/*|*/com/twelvemonkeys/*|*/info/picocli/*|*/net/java/dev/jna/*) continue ;;
    *.jar) ln -sfn "$jar" "$home/jars/$(basename "$jar")" ;;
  esac
  [[ "$(basename "$jar")" =~ ^spark-core_([0-9.]+)- ]] && scala="${BASH_REMATCH[1]}"
done
[[ -n "$scala" ]] || { echo "start.sh: no spark-core jar in $classpath" >&2; exit 2; }

# Spark's launcher flags for Java 17 (the pom's spark.jvm.opens)
opens="-XX:+IgnoreUnrecognizedVMOptions --add-opens=java.base/java.lang=ALL-UNNAMED"
opens+=" --add-opens=java.base/java.lang.invoke=ALL-UNNAMED --add-opens=java.base/java.lang.reflect=ALL-UNNAMED"
opens+=" --add-opens=java.base/java.io=ALL-UNNAMED --add-opens=java.base/java.net=ALL-UNNAMED"
opens+=" --add-opens=java.base/java.nio=ALL-UNNAMED --add-opens=java.base/java.util=ALL-UNNAMED"
opens+=" --add-opens=java.base/java.util.concurrent=ALL-UNNAMED"
opens+=" --add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED"
opens+=" --add-opens=java.base/jdk.internal.ref=ALL-UNNAMED --add-opens=java.base/sun.nio.ch=ALL-UNNAMED"
opens+=" --add-opens=java.base/sun.nio.cs=ALL-UNNAMED --add-opens=java.base/sun.security.action=ALL-UNNAMED"
opens+=" --add-opens=java.base/sun.util.calendar=ALL-UNNAMED -Djdk.reflect.useDirectMethodHandle=false"
opens+=" -Dio.netty.tryReflectionSetAccessible=true"

export SPARK_HOME="$home" SPARK_SCALA_VERSION="$scala" SPARK_LOCAL_IP=127.0.0.1
cat > "$state/env" <<ENV
export SPARK_HOME='$home'
export SPARK_SCALA_VERSION='$scala'
export SPARK_LOCAL_IP=127.0.0.1
ENV
# a spark-submit for this SPARK_HOME (it has no Spark distribution scripts), so jobs/segment-submit.sh works as is
mkdir -p "$home/bin"
cat > "$home/bin/spark-submit" <<SUBMIT
#!/usr/bin/env bash
set -euo pipefail
export SPARK_HOME='$home' SPARK_SCALA_VERSION='$scala' SPARK_LOCAL_IP=127.0.0.1
# shellcheck disable=SC2086 # SPARK_SUBMIT_OPTS is a list of JVM flags, as in Spark's own launcher
exec '$java' \${SPARK_DRIVER_MEMORY:+-Xmx\$SPARK_DRIVER_MEMORY} \${SPARK_SUBMIT_OPTS:-} $opens -cp '$home/jars/*' \\
  org.apache.spark.deploy.SparkSubmit "\$@"
SUBMIT
chmod +x "$home/bin/spark-submit"

# each daemon leads its own process group, so stop.sh ends it together with the executors it forked
daemon() {
  local name="$1"; shift
  setsid "$java" -Xmx768m $opens -cp "$home/jars/*" "$@" < /dev/null > "$state/logs/$name.log" 2>&1 &
  echo $! > "$state/$name.pid"
}

fail() {
  echo "start.sh: $1 (logs in $state/logs)" >&2
  "$(dirname "$0")/stop.sh" --state "$state" >&2 || true
  exit 1
}

deadline=$((SECONDS + timeout_s))
daemon master org.apache.spark.deploy.master.Master --host 127.0.0.1 --port "$port" --webui-port 0
# with --port 0 the master picks a free port and says which in its log
url=""
while [[ -z "$url" ]]; do
  url="$(grep -o 'Starting Spark master at spark://[0-9.:]*' "$state/logs/master.log" | head -n 1 | cut -d' ' -f5 || true)"
  kill -0 "$(cat "$state/master.pid")" 2> /dev/null || fail "the master exited"
  (( SECONDS < deadline )) || fail "the master did not start within ${timeout_s}s"
  [[ -n "$url" ]] || sleep 0.5
done
port="${url##*:}"
until (exec 3<> "/dev/tcp/127.0.0.1/$port") 2> /dev/null; do
  (( SECONDS < deadline )) || fail "the master port $port does not answer"
  sleep 0.5
done
echo "$url" > "$state/master-url"

for ((i = 0; i < workers; i++)); do
  mkdir -p "$state/work-$i"
  daemon "worker-$i" org.apache.spark.deploy.worker.Worker --host 127.0.0.1 --cores "$cores" \
    --memory "$memory" --webui-port 0 --work-dir "$state/work-$i" "$url"
done
# ready means every worker registered: a job submitted now gets all the cores
until (( $(grep -c 'Registering worker' "$state/logs/master.log" || true) >= workers )); do
  for ((i = 0; i < workers; i++)); do
    kill -0 "$(cat "$state/worker-$i.pid")" 2> /dev/null || fail "worker-$i exited"
  done
  (( SECONDS < deadline )) || fail "not all $workers workers registered within ${timeout_s}s"
  sleep 0.5
done
echo "$url"
