#!/usr/bin/env bash
# cli_trace.sh IPISTORM: simulate --trace writes a Trace Event Format file
# that parses, the metrics are those of the run without --trace, and the
# breakdown adds up to the mean. (Bad trace requests: cli_bad_input.sh.)
set -u
BIN=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
short=(--kernel linux-2.6.31-pvops --dom0-vcpus 8 --set boot_probe_polls=2000
       --set boot_firmware_polls=200 --set boot_firmware_sectors=0 --set boot_init_polls=10
       --set boot_init_cpu_s=0.05)

"$BIN" simulate "${short[@]}" --json "$tmp/plain.json" >/dev/null || { echo "FAIL plain run"; exit 1; }
"$BIN" simulate "${short[@]}" --json "$tmp/traced.json" --trace "$tmp/t.json" >"$tmp/stdout" ||
  { echo "FAIL traced run"; exit 1; }
grep -q "ui.perfetto.dev" "$tmp/stdout" || { echo "FAIL no trace line"; fail=1; }
/usr/bin/python3 - "$tmp" <<'PY' || fail=1
import json, sys
d = sys.argv[1]
plain, traced = (json.load(open(f"{d}/{n}.json")) for n in ("plain", "traced"))
strip = lambda r: {k: v for k, v in r["metrics"].items() if k != "wall_s"}
assert strip(plain) == strip(traced), "metrics differ with --trace"
assert plain["distributions"] == traced["distributions"]
t = json.load(open(f"{d}/t.json"))
ev = t["traceEvents"]
assert t["otherData"]["config"]["dom0_vcpus"] == 8 and "provenance" in t["otherData"]
assert sum(e["ph"] == "s" for e in ev) == sum(e["ph"] == "f" for e in ev) > 0
assert sum(e["ph"] == "B" for e in ev) == sum(e["ph"] == "E" for e in ev) > 0
b = traced["metrics"]["ioport_breakdown_us"]
mean = traced["metrics"]["ioport_latency_us"]["mean"]
assert abs(sum(b.values()) - mean) <= 0.005 * mean, (sum(b.values()), mean)
print("ok   trace file:", len(ev), "events")
PY

exit $fail
