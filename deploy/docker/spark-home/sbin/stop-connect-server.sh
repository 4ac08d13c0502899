#!/usr/bin/env bash
# Spark's sbin/stop-connect-server.sh for the sk8 image: stops the sk8 that
# start-connect-server.sh started (its pid file in $SPARK_PID_DIR, default /tmp).
# SIGTERM lets sk8 cancel running operations and close; after SK8_STOP_TIMEOUT
# seconds (default 20) it is killed.
set -euo pipefail
PID_FILE=${SPARK_PID_DIR:-/tmp}/sk8-connect-server.pid
TIMEOUT=${SK8_STOP_TIMEOUT:-20}

if [[ ! -f "$PID_FILE" ]] || ! kill -0 "$(cat "$PID_FILE")" 2>/dev/null; then
  echo "no sk8 Spark Connect server to stop" >&2
  rm -f "$PID_FILE"
  exit 0
fi
pid=$(cat "$PID_FILE")
echo "stopping sk8 (process $pid)" >&2
kill -TERM "$pid"
for ((i = 0; i < TIMEOUT * 10; i++)); do
  kill -0 "$pid" 2>/dev/null || { rm -f "$PID_FILE"; exit 0; }
  sleep 0.1
done
echo "sk8 did not stop within ${TIMEOUT}s: killing it" >&2
kill -KILL "$pid" 2>/dev/null || true
rm -f "$PID_FILE"
