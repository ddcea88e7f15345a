#!/usr/bin/env bash
# Trains a JDK 25 AOT cache (JEP 483, 514) for the packaged function: started from the directory of
# quarkus-run.jar with -XX:AOTCacheOutput, the function answers the calls of a first start (the
# probes, then listNamespaces, getNamespace and listClusters), and the JVM writes the cache as it
# exits on SIGTERM. Dockerfile.jvm runs it in the image, with the image's own JVM; the aot profile of
# pom.xml runs it at package.
#
#   cd target/quarkus-app && bash train-aot-cache.sh app.aot
#
# Environment:
#   JAVA              the JVM the cache is for (default: java on PATH)
#   TRAINING_OPTIONS  more JVM options for the training run, e.g. those the function runs with
#   CONTROL_PLANE     the control plane's URL. The default is a closed port: every call then ends in
#                     the function's 503 after its own retries (about 0.6 s), which still loads and
#                     links the classes of a whole call.
#   TRAINING_PORT     the function's HTTP port while it trains (default 8089)
#   TRAINING_ROUNDS   how many times the calls are made (default 5: the cache keeps classes, not
#                     profiles, and the first round loads nearly all of them)
#
# The training runs with C1 alone: the cache keeps the loaded and linked classes but no method
# profiles. With profiles, C2 compiles the trained methods as the JVM starts, about 0.9 s of CPU
# before the first answer on two cores; C2 still compiles what grows hot afterwards.
set -euo pipefail

cache=${1:?usage: train-aot-cache.sh CACHE (run in the directory of quarkus-run.jar)}
java=${JAVA:-java}
port=${TRAINING_PORT:-8089}
log=${TRAINING_LOG:-$(mktemp)}
rounds=${TRAINING_ROUNDS:-5}

say() { echo "train-aot-cache: $*"; }
fail() { echo "train-aot-cache: error: $*" >&2; [ -s "$log" ] && tail -20 "$log" >&2; exit 1; }

[ -f quarkus-run.jar ] || fail "no quarkus-run.jar in $(pwd)"
rm -f "$cache"

# Word splitting of TRAINING_OPTIONS is wanted: it holds several options.
# shellcheck disable=SC2086
"$java" ${TRAINING_OPTIONS:-} -XX:TieredStopAtLevel=1 -XX:AOTCacheOutput="$cache" \
  -Dquarkus.http.host=127.0.0.1 -Dquarkus.http.port="$port" \
  -Dquarkus.kubernetes-client.api-server-url="${CONTROL_PLANE:-http://127.0.0.1:9}" \
  -Dmeshns.auth.enabled=false \
  -jar quarkus-run.jar >"$log" 2>&1 &
pid=$!
trap 'kill -9 $pid 2>/dev/null || true' EXIT

# One HTTP/1.1 exchange over bash's /dev/tcp: the images have no curl to rely on. Prints the status.
call() { # METHOD PATH [JSON]
  local body=${3:-} status
  exec 3<>"/dev/tcp/127.0.0.1/$port" || return 1
  printf '%s %s HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: %d\r\nConnection: close\r\n\r\n%s' \
    "$1" "$2" "${#body}" "$body" >&3
  read -r _ status _ <&3 || status=""
  cat <&3 >/dev/null
  exec 3<&-
  echo "$status"
}

for _ in $(seq 600); do
  kill -0 $pid 2>/dev/null || fail "the function exited before it answered"
  [ "$(call GET /q/health/live 2>/dev/null)" = 200 ] && break
  sleep 0.1
done
[ "$(call GET /q/health/live 2>/dev/null)" = 200 ] || fail "the function did not answer within 60 s"

for _ in $(seq $rounds); do
  call GET /q/health/ready >/dev/null
  call POST /listNamespaces '{}' >/dev/null
  call POST /getNamespace '{"name": "training"}' >/dev/null
  call POST /listClusters '{}' >/dev/null
done

kill -TERM $pid
wait $pid || true
trap - EXIT
[ -s "$cache" ] || fail "the training run made no AOT cache $cache"
say "AOT cache $(pwd)/$cache ($(( $(stat -c %s "$cache") / 1048576 )) MB), trained by $java"
