#!/bin/bash
# One cold start: fresh data dir, ./jitmask up on spare ports, a request posted as soon as it is ready.
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
JAR=${JAR:-$ROOT/topology/target/jitmask-topology-0.1.0-SNAPSHOT-all.jar}
LABEL=$1
DIR=$(mktemp -d /tmp/jitmask-cold-$LABEL-XXXX)
java -Dlogback.configurationFile=$HERE/logback.xml ${EXTRA:-} -jar $JAR up --data-dir $DIR/data --kafka-port 19092 --controller-port 19093 \
  --registry-port 18081 --metrics-port 19404 --http-port 18080 > $DIR/up.out 2> $DIR/up.err &
PID=$!
for i in $(seq 1 600); do grep -q "jitmask is ready" $DIR/up.out && break; sleep 0.2; done
echo "$LABEL ready at $(date -u +%T.%N | cut -c1-12) load $(cut -d' ' -f1-3 /proc/loadavg)" | tee $DIR/probe.out
java -cp $JAR $HERE/ColdStartProbe.java localhost:19092 $ROOT/deploy/demo-keys 3 2>/dev/null | tee -a $DIR/probe.out
kill $PID; wait $PID
echo $DIR
