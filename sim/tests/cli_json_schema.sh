#!/usr/bin/env bash
# cli_json_schema.sh IPISTORM: simulate --json and reproduce --json carry the
# documented keys; the same seed gives the same metrics; a config file works.
set -eu
BIN=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cat >"$tmp/cfg.json" <<'J'
{"kernel": "linux-2.6.31-pvops", "dom0_vcpus": 4, "seed": 7,
 "params": {"boot_probe_polls": 2000, "boot_firmware_polls": 100, "boot_firmware_sectors": 10,
            "boot_init_polls": 10, "boot_init_cpu_s": 0.05}}
J
"$BIN" simulate --config "$tmp/cfg.json" --json "$tmp/a.json" >/dev/null
"$BIN" simulate --config "$tmp/cfg.json" --json "$tmp/b.json" >/dev/null
"$BIN" simulate --config "$tmp/cfg.json" --dom0-vcpus 2 --set evtchn_send_us=1 --json "$tmp/c.json" >/dev/null
# Decimal only: a leading zero is not octal ("010" is ten, not eight).
"$BIN" simulate --config "$tmp/cfg.json" --dom0-vcpus 010 --seed 010 --json "$tmp/d.json" >/dev/null
/usr/bin/python3 - "$tmp" <<'PY'
import json, sys
d = sys.argv[1]
a, b, c = (json.load(open(f"{d}/{n}.json")) for n in "abc")
for k in ("config", "metrics", "provenance"):
    assert k in a, k
m = a["metrics"]
for k in ("boot_time_s", "ioport_latency_cycles", "dom0_util_pct", "resched_ipis_per_s",
          "resched_ipis_total", "ipis_by_distance", "mlock_calls", "drains", "hypercalls",
          "lock_wait_s", "events", "wall_s"):
    assert k in m, k
for k in ("mean", "p50", "p99"):
    assert k in m["ioport_latency_cycles"], k
for k in ("mean", "peak"):
    assert k in m["dom0_util_pct"] and k in m["resched_ipis_per_s"], k
for k in ("version", "git_commit", "host"):
    assert a["provenance"][k], k
assert a["config"]["seed"] == 7 and a["config"]["dom0_vcpus"] == 4
assert a["config"]["params"]["boot_probe_polls"] == 2000
assert len(a["config"]["params"]) > 40
strip = lambda r: {k: v for k, v in r["metrics"].items() if k != "wall_s"}
assert strip(a) == strip(b), "same config + seed differ"
assert c["config"]["dom0_vcpus"] == 2 and c["config"]["params"]["evtchn_send_us"] == 1
assert c["metrics"]["resched_ipis_total"] < a["metrics"]["resched_ipis_total"]
dcfg = json.load(open(f"{d}/d.json"))["config"]
assert (dcfg["dom0_vcpus"], dcfg["seed"]) == (10, 10), dcfg
print("json schema ok")
PY
"$BIN" reproduce --set boot_probe_polls=2000 --set boot_firmware_polls=100 --set boot_init_polls=10 \
  --json "$tmp/r.json" >/dev/null || true
/usr/bin/python3 - "$tmp/r.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
for s in r["scenarios"]:
    for k in ("name", "kernel", "strategy", "dom0_vcpus", "metrics", "reference", "within_tolerance"):
        assert k in s, k
print("reproduce json ok:", len(r["scenarios"]), "scenarios")
PY
"$BIN" topology nehalem-ep | grep -q "CPUs 16, cores 8, packages 2, NUMA nodes 2, 2.67 GHz$"
# A clock nothing gave is said wherever a cycle figure appears, JSON included.
"$BIN" topology "pack:2 core:2 pu:1" | grep -q "2.00 GHz (clock assumed: 2.00 GHz; --cpu-ghz)"
"$BIN" simulate --config "$tmp/cfg.json" --topology "pack:2 core:2 pu:1" --json "$tmp/syn.json" \
  >"$tmp/syn.txt"
grep -q "^cycle figures at 2.00 GHz (clock assumed: 2.00 GHz; --cpu-ghz)" "$tmp/syn.txt"
"$BIN" simulate --config "$tmp/cfg.json" >"$tmp/preset.txt"
"$BIN" simulate --config "$tmp/cfg.json" --topology "pack:2 core:2 pu:1" --cpu-ghz 3 >"$tmp/syn3.txt"
if grep -q "clock assumed" "$tmp/preset.txt" "$tmp/syn3.txt"; then
  echo "FAIL: a known clock called assumed"; exit 1
fi
/usr/bin/python3 - "$tmp" <<'PY'
import json, sys
d = sys.argv[1]
assert json.load(open(f"{d}/syn.json"))["clock"] == {"ghz": 2.0, "source": "assumed"}
assert json.load(open(f"{d}/a.json"))["clock"] == {"ghz": 2.67, "source": "preset"}
print("clock ok")
PY
"$BIN" params | grep -q "FITTED"
echo "cli ok (schema)"
# --calibration applies a calibration file's params (and rejects a broken one).
printf '{"params": {"evtchn_send_us": 2.5, "syscall_us": 0.2}, "fit": {}}' >"$tmp/cal.json"
"$BIN" simulate --config "$tmp/cfg.json" --calibration "$tmp/cal.json" --json "$tmp/cal-out.json" >/dev/null
/usr/bin/python3 -c "
import json, sys
c = json.load(open('$tmp/cal-out.json'))['config']['params']
assert c['evtchn_send_us'] == 2.5 and c['syscall_us'] == 0.2, c
print('calibration ok')"
printf '{"fit": {}}' >"$tmp/nocal.json"
if "$BIN" simulate --calibration "$tmp/nocal.json" 2>/dev/null; then echo "accepted a calibration without params"; exit 1; fi
echo "cli ok (calibration)"
