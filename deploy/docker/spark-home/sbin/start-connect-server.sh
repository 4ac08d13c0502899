#!/usr/bin/env bash
# Spark's sbin/start-connect-server.sh for the sk8 image, so that kubeflow
# spark-operator's SparkConnect resource (and scripts written for JVM Spark) start
# sk8 in its place. Takes spark-submit's options: --conf keys go to
# `sk8 serve --conf`, except the JVM cluster's own settings (spark.kubernetes.*,
# spark.driver.*, spark.executor.*, spark.dynamicAllocation.*, spark.master, ...),
# which sk8 has no use for and skips with a note. spark.connect.grpc.binding.port
# and .address set the port (default 15002) and address (default 0.0.0.0).
# SPARK_NO_DAEMONIZE set (the operator sets it): sk8 runs in the foreground in
# this process; otherwise in the background, logging to $SPARK_LOG_DIR.
# Either way the pid goes to $SPARK_PID_DIR (default /tmp) for stop-connect-server.sh.
set -euo pipefail
SPARK_HOME=${SPARK_HOME:-$(cd "$(dirname "$0")/.." && pwd)}
PID_FILE=${SPARK_PID_DIR:-/tmp}/sk8-connect-server.pid
LOG_DIR=${SPARK_LOG_DIR:-$SPARK_HOME/logs}

note() { printf 'start-connect-server: %s\n' "$*" >&2; }

host=0.0.0.0
port=15002
confs=()
add_conf() {
  local key=${1%%=*} value=${1#*=}
  [[ "$1" == *=* && -n "$key" ]] || { note "--conf needs KEY=VALUE, got '$1'"; exit 2; }
  case "$key" in
    spark.connect.grpc.binding.port) port=$value ;;
    spark.connect.grpc.binding.address) host=$value ;;
    spark.kubernetes.*|spark.driver.*|spark.executor.*|spark.dynamicAllocation.*|spark.master|spark.submit.*|\
    spark.jars*|spark.files|spark.archives|spark.pyspark.*|spark.cores.max)
      note "skipping $key (a JVM Spark cluster setting; sk8 runs the plans itself)" ;;
    *) confs+=(--conf "$key=$value") ;;
  esac
}

while (($#)); do
  case "$1" in
    --conf|-c) add_conf "${2:-}"; shift 2 ;;
    --conf=*) add_conf "${1#--conf=}"; shift ;;
    --properties-file)
      # spark-defaults.conf: "key value" or "key=value" lines, # comments.
      while IFS= read -r line || [[ -n "$line" ]]; do
        line=${line%%#*}
        [[ "$line" =~ ^[[:space:]]*([^[:space:]=]+)[[:space:]=]+(.*[^[:space:]])[[:space:]]*$ ]] || continue
        add_conf "${BASH_REMATCH[1]}=${BASH_REMATCH[2]}"
      done < "${2:?--properties-file needs a file}"
      shift 2 ;;
    --master|--deploy-mode|--name|--class|--jars|--packages|--exclude-packages|--repositories|--py-files|--files|\
    --archives|--driver-memory|--driver-cores|--driver-java-options|--driver-library-path|--driver-class-path|\
    --executor-memory|--executor-cores|--num-executors|--total-executor-cores|--queue|--principal|--keytab|--proxy-user)
      note "skipping $1 ${2:-} (a JVM Spark option)"; shift 2 ;;
    --verbose|-v|--supervise) shift ;;
    -h|--help) sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) note "unknown option '$1'"; exit 2 ;;
  esac
done

if [[ -f "$PID_FILE" ]] && kill -0 "$(cat "$PID_FILE")" 2>/dev/null; then
  note "sk8 is already running as process $(cat "$PID_FILE"). Stop it first (stop-connect-server.sh)."
  exit 1
fi

cmd=("$SPARK_HOME/bin/sk8" serve --host "$host" --port "$port" "${confs[@]}")
if [[ -n "${SPARK_NO_DAEMONIZE:-}" ]]; then
  echo $$ > "$PID_FILE"
  exec "${cmd[@]}"
fi
mkdir -p "$LOG_DIR"
log="$LOG_DIR/sk8-connect-server.out"
nohup "${cmd[@]}" >> "$log" 2>&1 < /dev/null &
echo $! > "$PID_FILE"
note "starting sk8, logging to $log"
