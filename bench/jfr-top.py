#!/usr/bin/env python3
"""Where a Kafka Streams thread spends its time, from a JFR recording.

    jfr print --json --stack-depth 300 --events jdk.ExecutionSample rec.jfr > samples.json
    python3 bench/jfr-top.py samples.json bench-mask-       # thread-name substring

Prints the share of samples per stage of the masking path, the top frames by self time, and jitmask/Avro frames
by inclusive time. Only StreamThread samples whose name contains the filter are counted (the application id is
part of the name: bench-mask-* for jitmask, bench-pt-* for the pass-through).
"""
import collections
import json
import signal
import sys

signal.signal(signal.SIGPIPE, signal.SIG_DFL)  # quiet when piped into head

STAGES = [  # first match wins, looked up in the whole stack
    ("masking: Avro encode", ["AvroCodec.encode"]),
    ("masking: apply mask plan (HMAC)", ["HmacTokenTechnique"]),
    ("masking: apply mask plan (partial)", ["PartialTechnique"]),
    ("masking: apply mask plan (other)", ["PolicyMaskEngine", "Technique"]),
    ("masking: Avro decode", ["AvroCodec.decode"]),
    ("masking: topic-name checks (Topics regex)", ["io.jitmask.config.Topics"]),
    ("masking: masked schema id lookup", ["MaskedSchemaIds"]),
    ("masking: record key", ["RecordKeyMasker"]),
    ("masking: grant lookup", ["GrantIndex", "copiesFor"]),
    ("sink: serialize + producer.send", ["RecordCollectorImpl.send", "KafkaProducer.doSend", "SinkNode"]),
    ("streams: consumer poll/fetch", ["pollPhase", "KafkaConsumer.poll", "ClassicKafkaConsumer.poll"]),
    ("streams: commit", ["commit"]),
    ("streams: task loop, other", [""]),
]


def frame(f):
    m = f["method"]
    return m["type"]["name"].replace("/", ".") + "." + m["name"]


def main(path, thread_filter):
    events = json.load(open(path))["recording"]["events"]
    stages, self_time, inclusive = collections.Counter(), collections.Counter(), collections.Counter()
    n = 0
    for e in events:
        name = (e["values"].get("sampledThread") or {}).get("javaName") or ""
        if thread_filter not in name or "-StreamThread-" not in name or "producer" in name:
            continue
        frames = [frame(f) for f in e["values"]["stackTrace"]["frames"]]
        if not frames:
            continue
        n += 1
        stack = " ".join(frames)
        stages[next(s for s, keys in STAGES if any(k in stack for k in keys))] += 1
        self_time[frames[0]] += 1
        for f in set(frames):
            inclusive[f] += 1
    print(f"{n} samples of threads matching '{thread_filter}'")
    print("\nstage (whole stack, first match)")
    for k, v in stages.most_common():
        print(f"  {100 * v / n:5.1f}%  {k}")
    print("\ntop frames by self time")
    for k, v in self_time.most_common(15):
        print(f"  {100 * v / n:5.1f}%  {k}")
    print("\njitmask / Avro / crypto frames by inclusive time")
    picked = [kv for kv in inclusive.most_common() if any(s in kv[0] for s in ("jitmask", "avro", "crypto", "regex"))]
    for k, v in picked[:25]:
        print(f"  {100 * v / n:5.1f}%  {k}")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else "bench-mask")
