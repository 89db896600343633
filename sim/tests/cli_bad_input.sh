#!/usr/bin/env bash
# cli_bad_input.sh IPISTORM IPISTORM_BENCH|none LAB_RUN: a table of bad inputs
# across every command. Each row gives a name, a fragment of the one stderr
# line that must name the bad value, the files that must not exist after it
# (besides: the output folder stays empty, no temporary left), then the
# command. Every row must exit 2 with exactly one line on stderr.
#
#   t NAME FRAGMENT [FORBIDDEN-FILE...] -- ARGS...
#
# Inputs are made in $in; every output of a row goes to $out, which must be
# empty afterwards. Issue 8's "Why" list is covered row by row (marked why:).
set -u
BIN=$1
BENCH=$2
LAB=$3
SRC=$(cd "$LAB/../../.." && pwd)  # the source tree (LAB is bench/testdata/lab-run)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
in=$tmp/in
out=$tmp/out
mkdir -p "$in" "$out"
fail=0
rows=0

t() {
  local name=$1 want=$2
  shift 2
  local forbid=()
  while [ "$#" -gt 0 ] && [ "$1" != "--" ]; do
    forbid+=("$1")
    shift
  done
  shift
  rows=$((rows + 1))
  local rc=0
  # timeout: a hang guard (a refusal takes milliseconds), not a speed target.
  timeout 60 "$@" >"$tmp/stdout" 2>"$tmp/stderr" </dev/null || rc=$?
  local lines bad=0
  lines=$(wc -l <"$tmp/stderr")
  if [ "$rc" -ne 2 ]; then echo "FAIL $name: exit $rc, want 2"; bad=1; fi
  if [ "$lines" -ne 1 ]; then echo "FAIL $name: $lines stderr lines, want 1"; bad=1; fi
  if ! grep -qF -- "$want" "$tmp/stderr"; then echo "FAIL $name: stderr lacks '$want'"; bad=1; fi
  local f
  for f in ${forbid[@]+"${forbid[@]}"}; do
    if [ -e "$f" ]; then echo "FAIL $name: $f exists"; bad=1; fi
  done
  local left
  left=$(find "$out" -mindepth 1 ! -path "$out/dev-null" ! -path "$out/fifo.json" \
    ! -path "$out/dir.json" -print)
  if [ -n "$left" ]; then
    echo "FAIL $name: files left in the output folder: $left"
    bad=1
  fi
  if [ "$bad" -ne 0 ]; then
    head -c 600 "$tmp/stderr"
    fail=1
  else
    echo "ok   $name: $(cat "$tmp/stderr")"
  fi
  rm -rf "${out:?}"/*.tmp.* 2>/dev/null
}

S=("$BIN" simulate)
J=(--json "$out/r.json")
# A short boot (0.4 s simulated) for rows that must run before they fail.
short=(--dom0-vcpus 8 --set boot_probe_polls=2000 --set boot_firmware_polls=200
       --set boot_firmware_sectors=0 --set boot_init_polls=10 --set boot_init_cpu_s=0.05)

# ---- inputs -----------------------------------------------------------------
printf '{"kernel": "linux-2.6.31-pvops",' >"$in/malformed.json"
printf 'not xml at all\n' >"$in/bad.xml"
printf '{"dom0_vcpus": "many"}' >"$in/badtype.json"
printf '{"window_s": 1e-12}' >"$in/window-tiny.json"
printf '{"window_s": 1e300}' >"$in/window-huge.json"
printf '{"window_s": 0}' >"$in/window-zero.json"
printf '{"dom0_vcpus": 4294967297}' >"$in/vcpus-wrap.json"
printf '{"dom0_vcpus": 2.5}' >"$in/vcpus-frac.json"
printf '{"dm_vcpu": -1}' >"$in/dm-neg.json"
printf '{"seed": -1}' >"$in/seed-neg.json"
printf '{"seed": 1.5}' >"$in/seed-frac.json"
printf '{"cpu_ghz": 1e9}' >"$in/ghz-huge.json"
printf '{"params": {"evtchn_send_us": 1e400}}' >"$in/overflow.json"
printf '{"params": {"pagevec_size": 0}}' >"$in/pagevec0.json"
printf '{"params": {"no_such_param": 1}}' >"$in/unknown-param.json"
printf '{"params": {"evtchn_send_us": "fast"}}' >"$in/param-string.json"
printf '{"params": [1, 2]}' >"$in/params-list.json"
printf '{"no_such_key": 1}' >"$in/unknown-key.json"
printf '[1, 2, 3]' >"$in/array.json"
printf '{"ranges": {"evtchn_send_us": {"range": [3, 0.5]}}}' >"$in/range-inverted.json"
python3 -c 'print("[" * 100000 + "]" * 100000)' >"$in/deep.json"
python3 - "$in" <<'PY'
import sys
d = sys.argv[1]
n = 20000  # nested groups: overflowed the stack inside hwloc
open(f"{d}/deep.xml", "w").write('<?xml version="1.0"?>\n<topology version="2.0">\n<object type="Machine" os_index="0">'
    + '<object type="Group">' * n + '<object type="PU" os_index="0"/>' + '</object>' * n + '</object></topology>\n')
wide = ''.join(f'<object type="PU" os_index="{i}"/>' for i in range(8193))
open(f"{d}/wide.xml", "w").write(f'<topology version="2.0"><object type="Machine" os_index="0">{wide}</object></topology>')
PY
# The recorded lab run's machine with its second PU numbered 0 as well.
sed '0,/<object type="PU" os_index="1"/s//<object type="PU" os_index="0"/' "$LAB/lstopo.xml" >"$in/dup.xml"
cmp -s "$LAB/lstopo.xml" "$in/dup.xml" && { echo "FAIL: dup.xml unchanged"; fail=1; }
printf '{"kernel": ["no-such-kernel"]}' >"$in/grid-bad-kernel.json"
printf '{"dom0_vcpus": [1, 4294967297]}' >"$in/grid-vcpus.json"
printf '{"params": {"evtchn_send_us": [1, -1]}}' >"$in/grid-param.json"
printf '{"seed": "1,2"}' >"$in/grid-seed-type.json"
printf '{"kernels": ["linux-3.12"]}' >"$in/grid-typo.json"
printf '{"seed": 1, "dom0_vcpus": 4, "seed": 2}' >"$in/dup-key.json"
printf '{"seed": [1, 2], "seed": [3]}' >"$in/grid-dup-key.json"
printf '{"params": {"evtchn_send_us": 2.0, "evtchn_send_us": 3.0}}' >"$in/cal-dup-key.json"
printf '{"dom0\\nvcpus": 4}' >"$in/key-newline.json"
printf '{"dom0_vcpus": 4, "topology": "line1\\nline2"}' >"$in/topology-newline.json"
printf '{"params": {"evtchn_send_us": [1, 1e400]}}' >"$in/grid-overflow.json"
mkfifo "$in/fifo.json"
mkfifo "$out/fifo.json"
mkdir "$out/dir.json"
mknod "$out/dev-null" c 1 3  # a character device like /dev/null (we run as root)
mkdir -p "$in/empty-run"
mkdir -p "$in/bad-bench" && printf '{"benchmarks": [' >"$in/bad-bench/bench.json"
cp -r "$LAB" "$in/run-typed" && rm -f "$in/run-typed/calibration.json" "$in/run-typed/validation.json"
python3 - "$in/run-typed/bench.json" <<'PY'
import json, sys
b = json.load(open(sys.argv[1]))
next(x for x in b["benchmarks"] if x.get("run_type") == "iteration")["real_time"] = "fast"
json.dump(b, open(sys.argv[1], "w"))
PY
cp -r "$LAB" "$in/run-zero" && rm -f "$in/run-zero/calibration.json" "$in/run-zero/validation.json"
python3 - "$in/run-zero/bench.json" <<'PY'
import json, sys
b = json.load(open(sys.argv[1]))
next(x for x in b["benchmarks"] if x["name"].startswith("syscall/"))["real_time"] = 0
json.dump(b, open(sys.argv[1], "w"))
PY
cp -r "$LAB" "$in/run-dup" && rm -f "$in/run-dup/calibration.json" "$in/run-dup/validation.json"
python3 - "$in/run-dup/bench.json" <<'PY'
import copy, json, sys
b = json.load(open(sys.argv[1]))
first = next(x for x in b["benchmarks"] if x.get("run_type") == "iteration")
twin = copy.deepcopy(first)
twin["real_time"] = first["real_time"] * 7  # a conflicting second run
b["benchmarks"].append(twin)
json.dump(b, open(sys.argv[1], "w"))
PY
cp -r "$LAB" "$in/run" && rm -f "$in/run/validation.json"
"$BIN" calibrate "$in/run" >/dev/null || { echo "FAIL: calibrate on the recorded run"; fail=1; }

# ---- simulate: names, numbers, flags -----------------------------------------
t unknown-preset "no-such-box" -- "${S[@]}" "${J[@]}" --topology no-such-box
t unknown-kernel "linux-9.9" -- "${S[@]}" "${J[@]}" --kernel linux-9.9
t kernel-lists-accepted "linux-2.6.31-pvops" -- "${S[@]}" "${J[@]}" --kernel linux-9.9
t unknown-strategy "magic" -- "${S[@]}" "${J[@]}" --strategy magic
t unknown-placement "scatter" -- "${S[@]}" "${J[@]}" --placement scatter
t vcpus-too-many "17" -- "${S[@]}" "${J[@]}" --dom0-vcpus 17
t vcpus-zero "--dom0-vcpus" -- "${S[@]}" "${J[@]}" --dom0-vcpus 0
t vcpus-wrap-flag "4294967297" -- "${S[@]}" "${J[@]}" --dom0-vcpus 4294967297
t dm-vcpu-negative "--dm-vcpu" -- "${S[@]}" "${J[@]}" --dm-vcpu -1
t dm-vcpu-beyond "dm_vcpu 8" -- "${S[@]}" "${J[@]}" --dom0-vcpus 8 --dm-vcpu 8
t negative-cost "evtchn_send_us" -- "${S[@]}" "${J[@]}" --set evtchn_send_us=-1
t non-numeric-cost "fast" -- "${S[@]}" "${J[@]}" --set evtchn_send_us=fast
t nan-cost "nan" -- "${S[@]}" "${J[@]}" --set evtchn_send_us=nan
t inf-cost "inf" -- "${S[@]}" "${J[@]}" --set evtchn_send_us=inf
t hex-cost "0x10" -- "${S[@]}" "${J[@]}" --set evtchn_send_us=0x10
t cost-overflow "1e400" -- "${S[@]}" "${J[@]}" --set evtchn_send_us=1e400
t cost-above-range "100000" -- "${S[@]}" "${J[@]}" --set evtchn_send_us=1e5
t unknown-param "no_such" -- "${S[@]}" "${J[@]}" --set no_such=1
t param-did-you-mean "evtchn_send_us" -- "${S[@]}" "${J[@]}" --set evtchn_sned_us=1
t set-without-equals "NAME=VALUE" -- "${S[@]}" "${J[@]}" --set evtchn_send_us
t set-empty-name "NAME=VALUE" -- "${S[@]}" "${J[@]}" --set =1
# why: --set boot_probe_polls=1e20 gave 0 accesses; pagevec_size=1e12 and max_cstate=1e12 behaved like 0
t polls-1e20 "1e20" -- "${S[@]}" "${J[@]}" --set boot_probe_polls=1e20
t polls-fraction "2.5" -- "${S[@]}" "${J[@]}" --set boot_probe_polls=2.5
t pagevec-1e12 "1e12" -- "${S[@]}" "${J[@]}" --set pagevec_size=1e12
t max-cstate-1e12 "1e12" -- "${S[@]}" "${J[@]}" --set max_cstate=1e12
t max-cstate-4 "max_cstate=4" -- "${S[@]}" "${J[@]}" --set max_cstate=4
# why: dm_process_bytes=1e300 gave 4 KiB locked; pagevec_size=0 was clamped silently
t dm-bytes-1e300 "1e300" -- "${S[@]}" "${J[@]}" --set dm_process_bytes=1e300
t pagevec-zero "pagevec_size=0" -- "${S[@]}" "${J[@]}" --set pagevec_size=0
t probability-one "nolock_fault_prob=1" -- "${S[@]}" "${J[@]}" --set nolock_fault_prob=1
# why: --seed -1 wrapped around
t seed-negative "-1" -- "${S[@]}" "${J[@]}" --seed -1
t seed-too-big "18446744073709551616" -- "${S[@]}" "${J[@]}" --seed 18446744073709551616
t non-numeric-seed "--seed" -- "${S[@]}" "${J[@]}" --seed abc
# One number grammar (#24): decimal only. "010" is ten (cli_json_schema.sh);
# hex, NaN and infinity are refused by every number flag.
t vcpus-hex "0x10" -- "${S[@]}" "${J[@]}" --dom0-vcpus 0x10
t dm-vcpu-hex "0x1" -- "${S[@]}" "${J[@]}" --dm-vcpu 0x1
t seed-hex "0x10" -- "${S[@]}" "${J[@]}" --seed 0x10
t ghz-hex "0x2" -- "${S[@]}" "${J[@]}" --cpu-ghz 0x2
t ghz-nan "nan" -- "${S[@]}" "${J[@]}" --cpu-ghz nan
t trace-for-inf "inf" -- "${S[@]}" "${J[@]}" --trace "$out/t.json" --trace-for inf
t topology-vcpus-hex "0x4" -- "$BIN" topology nehalem-ep --dom0-vcpus 0x4
t reproduce-jobs-hex "0x2" -- "$BIN" reproduce "${J[@]}" -j 0x2
t uncertainty-hex "0x8" -- "$BIN" reproduce "${J[@]}" --uncertainty 0x8
t cpu-ghz-zero "--cpu-ghz" -- "${S[@]}" "${J[@]}" --cpu-ghz 0
t cpu-ghz-nan "--cpu-ghz" -- "${S[@]}" "${J[@]}" --cpu-ghz nan
t bad-flag "--frobnicate" -- "${S[@]}" "${J[@]}" --frobnicate
t extra-positional "stray" -- "${S[@]}" "${J[@]}" stray
# why: huge costs gave an internal "event scheduled in the past" (exit 3)
t time-overflow "other_drain_all_per_s=1e-12" -- "${S[@]}" "${J[@]}" --set other_drain_all_per_s=1e-12
# ---- simulate: config files ------------------------------------------------------
t malformed-json "not valid JSON" -- "${S[@]}" "${J[@]}" --config "$in/malformed.json"
t json-wrong-type "dom0_vcpus" -- "${S[@]}" "${J[@]}" --config "$in/badtype.json"
t missing-config "cannot read" -- "${S[@]}" "${J[@]}" --config "$in/none.json"
# why: window_s 1e-12 gave SIGFPE, 1e300 looped forever
t window-1e-12 "window_s" -- "${S[@]}" "${J[@]}" --config "$in/window-tiny.json"
t window-1e300 "window_s" -- "${S[@]}" "${J[@]}" --config "$in/window-huge.json"
t window-zero "window_s" -- "${S[@]}" "${J[@]}" --config "$in/window-zero.json"
# why: {"dom0_vcpus": 4294967297} ran with 1 vCPU
t config-vcpus-wrap "4294967297" -- "${S[@]}" "${J[@]}" --config "$in/vcpus-wrap.json"
t config-vcpus-fraction "2.5" -- "${S[@]}" "${J[@]}" --config "$in/vcpus-frac.json"
t config-dm-negative "dm_vcpu" -- "${S[@]}" "${J[@]}" --config "$in/dm-neg.json"
t config-seed-negative "seed" -- "${S[@]}" "${J[@]}" --config "$in/seed-neg.json"
t config-seed-fraction "1.5" -- "${S[@]}" "${J[@]}" --config "$in/seed-frac.json"
t config-ghz-huge "cpu_ghz" -- "${S[@]}" "${J[@]}" --config "$in/ghz-huge.json"
# why: JSON number overflow (1e400) was an internal error
t config-1e400 "not valid JSON" -- "${S[@]}" "${J[@]}" --config "$in/overflow.json"
t config-pagevec-zero "pagevec_size" -- "${S[@]}" "${J[@]}" --config "$in/pagevec0.json"
t config-unknown-param "no_such_param" -- "${S[@]}" "${J[@]}" --config "$in/unknown-param.json"
t config-param-string "evtchn_send_us" -- "${S[@]}" "${J[@]}" --config "$in/param-string.json"
t config-params-list "params" -- "${S[@]}" "${J[@]}" --config "$in/params-list.json"
t config-unknown-key "no_such_key" -- "${S[@]}" "${J[@]}" --config "$in/unknown-key.json"
t config-array "config" -- "${S[@]}" "${J[@]}" --config "$in/array.json"
t config-deep "nested deeper" -- "${S[@]}" "${J[@]}" --config "$in/deep.json"
t config-range-inverted "inverted" -- "${S[@]}" "${J[@]}" --config "$in/range-inverted.json"
# why: --config on a FIFO or on /dev/zero hung
t config-fifo "is a FIFO" -- "${S[@]}" "${J[@]}" --config "$in/fifo.json"
t config-dev-zero "is a character device" -- "${S[@]}" "${J[@]}" --config /dev/zero
t config-directory "is a directory" -- "${S[@]}" "${J[@]}" --config "$in"
t calibration-missing "cannot read" -- "${S[@]}" "${J[@]}" --calibration "$in/none.json"
t calibration-malformed "not valid JSON" -- "${S[@]}" "${J[@]}" --calibration "$in/malformed.json"
t config-duplicate-key '"seed" twice' -- "${S[@]}" "${J[@]}" --config "$in/dup-key.json"
t calibration-duplicate-key '"evtchn_send_us" twice' -- "${S[@]}" "${J[@]}" --calibration "$in/cal-dup-key.json"
# ---- simulate: outputs -----------------------------------------------------------
# why: --json /dev/null as root replaced the device node with a regular file
t json-char-device "is a character device" -- "${S[@]}" --json "$out/dev-null"
[ -c "$out/dev-null" ] || { echo "FAIL json-char-device: $out/dev-null is no longer a character device"; fail=1; }
# why: --json DIR ran the whole simulation before refusing
t json-directory "is a directory" -- "${S[@]}" --json "$out/dir.json"
t json-fifo "is a FIFO" -- "${S[@]}" --json "$out/fifo.json"
t json-no-such-dir "cannot write --json" -- "${S[@]}" --json "$out/no/such/r.json"
t json-same-as-trace "same file" "$out/same.json" -- "${S[@]}" --json "$out/same.json" --trace "$out/same.json"
# ---- simulate --trace ------------------------------------------------------------
tr=(--trace "$out/t.json")
t trace-after-run "after the run" -- "${S[@]}" "${short[@]}" "${tr[@]}" --trace-from 100
t trace-past-end "after the run" -- "${S[@]}" "${short[@]}" "${tr[@]}" --trace-from 0 --trace-for 100
t trace-longer-than-run "longer than the run" -- "${S[@]}" "${short[@]}" "${tr[@]}" --trace-for 100
t trace-negative-start "--trace-from" -- "${S[@]}" "${tr[@]}" --trace-from -1
t trace-zero-length "--trace-for" -- "${S[@]}" "${tr[@]}" --trace-for 0
t trace-negative-length "--trace-for" -- "${S[@]}" "${tr[@]}" --trace-for -0.001
t trace-nan-length "--trace-for" -- "${S[@]}" "${tr[@]}" --trace-for nan
t trace-unwritable "cannot write --trace" -- "${S[@]}" --trace "$out/no/such/dir/t.json"
t trace-char-device "is a character device" -- "${S[@]}" --trace "$out/dev-null"
t trace-over-cap "cap" -- "${S[@]}" "${short[@]}" "${tr[@]}" --trace-from 0 --trace-for 3 --trace-max-mb 1
t trace-cap-range "--trace-max-mb" -- "${S[@]}" "${tr[@]}" --trace-max-mb 0
t trace-window-alone "need --trace" -- "${S[@]}" --trace-from 0.1
# ---- topologies (simulate --topology and ipistorm topology) ------------------------
t missing-xml "/nonexistent/box.xml" -- "${S[@]}" "${J[@]}" --topology /nonexistent/box.xml
t invalid-xml "bad.xml" -- "${S[@]}" "${J[@]}" --topology "$in/bad.xml"
# why: an XML topology with 20,000 nested groups overflowed the stack inside hwloc
t xml-deep "deeper than 64" -- "${S[@]}" "${J[@]}" --topology "$in/deep.xml"
t xml-too-many-pus "more than 8192 PUs" -- "$BIN" topology "$in/wide.xml"
t xml-duplicate-os-index "os_index 0" -- "$BIN" topology "$in/dup.xml"
t xml-fifo "is a FIFO" -- "$BIN" topology "$in/fifo.json"
t xml-directory "is a directory" -- "$BIN" topology "$in/"
# why: topology pu:100000 hung
t synthetic-100000 "more than 8192 PUs" -- "$BIN" topology "pu:100000"
t synthetic-product "more than 8192 PUs" -- "${S[@]}" "${J[@]}" --topology "pack:2 core:64 pu:65"
t synthetic-repeated-index "declares 4 PUs" -- "$BIN" topology "pu:4(indexes=0,0,1,2)"
t synthetic-garbage "unknown topology" -- "$BIN" topology "pack:two"
t topology-empty "empty topology" -- "$BIN" topology ""
t topology-vcpus-zero "--dom0-vcpus must be in" -- "$BIN" topology nehalem-ep --dom0-vcpus 0
# topology's --dom0-vcpus, --placement, --dm-vcpu and --cpu-ghz are the field
# table's run flags: simulate's bounds and wording.
t topology-vcpus-beyond "dom0_vcpus 17 is outside 1..16" -- "$BIN" topology nehalem-ep --dom0-vcpus 17
t topology-placement "scatter" -- "$BIN" topology nehalem-ep --placement scatter
t topology-dm-vcpu "--dm-vcpu must be in" -- "$BIN" topology nehalem-ep --dm-vcpu -1
t topology-dm-vcpu-beyond "dm_vcpu 4 is outside 0..3" -- "$BIN" topology nehalem-ep --dom0-vcpus 4 --dm-vcpu 4
t topology-cpu-ghz-zero "--cpu-ghz must be in" -- "$BIN" topology nehalem-ep --cpu-ghz 0
t topology-no-spec "spec" -- "$BIN" topology
# ---- params ----------------------------------------------------------------------
t params-json-directory "is a directory" -- "$BIN" params --json "$out/dir.json"
t params-json-char-device "is a character device" -- "$BIN" params --json "$out/dev-null"
[ -c "$out/dev-null" ] || { echo "FAIL params-json-char-device: no longer a character device"; fail=1; }
t params-stray "stray" -- "$BIN" params stray
# ---- reproduce, fit ----------------------------------------------------------------
t reproduce-bad-param "no_such" -- "$BIN" reproduce "${J[@]}" --set no_such=1
t reproduce-csv-alone "--uncertainty" -- "$BIN" reproduce "${J[@]}" --csv "$out/r.csv"
t reproduce-jobs-negative "-1" -- "$BIN" reproduce "${J[@]}" -j -1
t reproduce-jobs-huge "5000" -- "$BIN" reproduce "${J[@]}" -j 5000
t reproduce-json-directory "is a directory" -- "$BIN" reproduce --json "$out/dir.json"
t reproduce-pvops-cx "sometimes" -- "$BIN" reproduce "${J[@]}" --pvops-cx sometimes
t fit-bad-param "no_such" -- "$BIN" fit "${J[@]}" --set no_such=1
t fit-json-char-device "is a character device" -- "$BIN" fit --json "$out/dev-null"
t fit-config-window "window_s" -- "$BIN" fit "${J[@]}" --config "$in/window-tiny.json"
# ---- uncertainty (reproduce/compare/sweep --uncertainty) ------------------------------
t uncertainty-one "--uncertainty" -- "$BIN" reproduce "${J[@]}" --uncertainty 1
t uncertainty-huge "--uncertainty" -- "$BIN" reproduce "${J[@]}" --uncertainty 5000
t uncertainty-no-refit-alone "--no-refit" -- "$BIN" reproduce "${J[@]}" --no-refit
t uncertainty-csv-same "same file" -- "$BIN" reproduce --uncertainty 4 --json "$out/u" --csv "$out/u"
t uncertainty-compare-csv "--csv" -- "$BIN" compare "${J[@]}" --uncertainty 4 --csv "$out/u.csv"
t uncertainty-sweep-fraction "2.5" -- "$BIN" sweep "${J[@]}" --uncertainty 2.5
# ---- compare -----------------------------------------------------------------------
C=("$BIN" compare)
t compare-unknown-kernel "linux-9.9" -- "${C[@]}" "${J[@]}" --kernel linux-2.6.18-xen,linux-9.9
t compare-unknown-strategy "magic" -- "${C[@]}" "${J[@]}" --strategy mlock-per-call,magic
t compare-baseline "linux-9.9" -- "${C[@]}" "${J[@]}" --baseline linux-9.9
t compare-seed-negative "-1" -- "${C[@]}" "${J[@]}" --seed 1,-1
t compare-seed-empty "empty element" -- "${C[@]}" "${J[@]}" --seed 1,,2
t compare-vcpus-zero "--dom0-vcpus" -- "${C[@]}" "${J[@]}" --dom0-vcpus 0
t compare-csv-directory "is a directory" -- "${C[@]}" --csv "$out/dir.json"
t compare-csv-char-device "is a character device" -- "${C[@]}" --csv "$out/dev-null"
t compare-same-outputs "same file" "$out/c" -- "${C[@]}" --csv "$out/c" --json "$out/c"
t compare-jobs "abc" -- "${C[@]}" "${J[@]}" -j abc
# ---- sweep -------------------------------------------------------------------------
W=("$BIN" sweep)
t sweep-grid-missing "cannot read" -- "${W[@]}" "${J[@]}" --grid "$in/none.json"
t sweep-grid-malformed "not valid JSON" -- "${W[@]}" "${J[@]}" --grid "$in/malformed.json"
t sweep-grid-fifo "is a FIFO" -- "${W[@]}" "${J[@]}" --grid "$in/fifo.json"
t sweep-grid-kernel "no-such-kernel" -- "${W[@]}" "${J[@]}" --grid "$in/grid-bad-kernel.json"
t sweep-grid-vcpus "4294967297" -- "${W[@]}" "${J[@]}" --grid "$in/grid-vcpus.json"
t sweep-grid-param "evtchn_send_us" -- "${W[@]}" "${J[@]}" --grid "$in/grid-param.json"
t sweep-grid-seed-type "seed" -- "${W[@]}" "${J[@]}" --grid "$in/grid-seed-type.json"
t sweep-grid-unknown-key "kernels" -- "${W[@]}" "${J[@]}" --grid "$in/grid-typo.json"
t sweep-grid-duplicate-key '"seed" twice' -- "${W[@]}" "${J[@]}" --grid "$in/grid-dup-key.json"
t sweep-grid-1e400 "not valid JSON" -- "${W[@]}" "${J[@]}" --grid "$in/grid-overflow.json"
t sweep-set-bad-value "abc" -- "${W[@]}" "${J[@]}" --set evtchn_send_us=1,abc
t sweep-set-no-values "NAME=V1" -- "${W[@]}" "${J[@]}" --set evtchn_send_us
t sweep-vcpus-list "0" -- "${W[@]}" "${J[@]}" --dom0-vcpus 1,0
t sweep-vcpus-fraction "1.5" -- "${W[@]}" "${J[@]}" --dom0-vcpus 1.5
t sweep-seed-list "-3" -- "${W[@]}" "${J[@]}" --seed 1,-3
t sweep-topology "no-such-box" -- "${W[@]}" "${J[@]}" --topology no-such-box
t sweep-topology-huge "more than 8192 PUs" -- "${W[@]}" "${J[@]}" --topology pu:100000
t sweep-csv-char-device "is a character device" -- "${W[@]}" --csv "$out/dev-null"
t sweep-csv-fifo "is a FIFO" -- "${W[@]}" --csv "$out/fifo.json"
t sweep-same-outputs "same file" "$out/s" -- "${W[@]}" --csv "$out/s" --json "$out/s"
# why: a 1,000,000-run sweep died of bad_alloc before the first run; --yes is still required
seeds=$(seq -s, 1 1001)
values=$(seq -s, 1 1000)
t sweep-million-needs-yes "--yes" -- "${W[@]}" "${J[@]}" --seed "$seeds" --set "evtchn_send_us=$values"
# ---- calibrate, validate (lab runs) ------------------------------------------------
t calibrate-missing-dir "does-not-exist" -- "$BIN" calibrate "$in/does-not-exist"
t calibrate-empty-dir "bench.json" "$in/empty-run/calibration.json" -- "$BIN" calibrate "$in/empty-run"
t calibrate-malformed "not valid JSON" "$in/bad-bench/calibration.json" -- "$BIN" calibrate "$in/bad-bench"
# why: a type error in bench.json was exit 3 and left calibration.json behind
t calibrate-type-error "fast" "$in/run-typed/calibration.json" -- "$BIN" calibrate "$in/run-typed"
t calibrate-zero-time "real_time" "$in/run-zero/calibration.json" -- "$BIN" calibrate "$in/run-zero"
t calibrate-duplicate-repetition "appears twice" "$in/run-dup/calibration.json" -- "$BIN" calibrate "$in/run-dup"
t calibrate-out-char-device "is a character device" -- "$BIN" calibrate "$in/run" --out "$out/dev-null"
t calibrate-out-directory "is a directory" -- "$BIN" calibrate "$in/run" --out "$out/dir.json"
t calibrate-bench-fifo "is a FIFO" -- "$BIN" calibrate "$in/run" --bench "$in/fifo.json" --out "$out/c.json"
t validate-empty-dir "calibration" "$in/empty-run/validation.json" -- "$BIN" validate "$in/empty-run"
t validate-seed "-1" "$in/run/validation.json" -- "$BIN" validate "$in/run" --seed -1
t validate-calibration-bad "not valid JSON" "$in/run/validation.json" -- "$BIN" validate "$in/run" --calibration "$in/malformed.json"
t validate-topology-deep "deeper than 64" "$in/run/validation.json" -- "$BIN" validate "$in/run" --topology "$in/deep.xml"
t validate-json-char-device "is a character device" "$in/run/validation.json" -- "$BIN" validate "$in/run" --json "$out/dev-null"
# ---- ipistorm-bench flags, checked before Google Benchmark sees them -----------------
# (BENCH is "none" in a build without the bench: IPISTORM_BUILD_BENCH=OFF)
if [ "$BENCH" != none ]; then
  # why: --benchmark_repetitions=-1 aborted
  t bench-repetitions "--benchmark_repetitions=-1" -- "$BENCH" --benchmark_repetitions=-1
  t bench-min-time "--benchmark_min_time" -- "$BENCH" --benchmark_min_time=-5
  t bench-unknown-flag "--benchmark_frobnicate" -- "$BENCH" --benchmark_frobnicate=1
fi
# ---- echoed values stay on one line -----------------------------------------------
# why: a key or value with a newline split the error over two lines
t key-with-newline 'dom0\nvcpus' -- "${S[@]}" --config "$in/key-newline.json" "${J[@]}"
t topology-with-newline 'line1\nline2' -- "${S[@]}" --config "$in/topology-newline.json" "${J[@]}"
t set-value-with-newline 'dom0_vcpus' -- "${S[@]}" --set "dom0_vcpus=4
5" "${J[@]}"
# ---- no command --------------------------------------------------------------------
t unknown-subcommand "simulte" -- "$BIN" simulte

# ==== #24, second round ===============================================================
# ---- point 2: no empty value: an empty path is not the flag left out ----------------------
t empty-json "--json is empty" -- "${S[@]}" --json ""
t empty-config "--config is empty" -- "${S[@]}" "${J[@]}" --config ""
t empty-calibration "--calibration is empty" -- "${S[@]}" "${J[@]}" --calibration ""
t empty-trace "--trace is empty" -- "${S[@]}" "${J[@]}" --trace ""
t empty-kernel "--kernel is empty" -- "${S[@]}" "${J[@]}" --kernel ""
t empty-sweep-grid "--grid is empty" -- "${W[@]}" "${J[@]}" --grid ""
t empty-sweep-csv "--csv is empty" -- "${W[@]}" --csv ""
t empty-compare-seed "--seed is empty" -- "${C[@]}" "${J[@]}" --seed ""
t empty-reproduce-csv "--csv is empty" -- "$BIN" reproduce --uncertainty 2 "${J[@]}" --csv ""
t empty-params-json "--json is empty" -- "$BIN" params --json ""
t empty-fit-json "--json is empty" -- "$BIN" fit --json ""
t empty-calibrate-out "--out is empty" -- "$BIN" calibrate "$in/run" --out ""
# ---- point 5: topology semantics: every synthetic attribute honoured or refused -------
TP=("$BIN" topology)
t syn-indexes-short "lists 3 indexes= numbers for its 4 objects" -- "${TP[@]}" "pack:2 core:2(indexes=0,1,2) pu:2"
t syn-indexes-long "lists 9 indexes= numbers for its 8 objects" -- "${TP[@]}" "pack:2 core:2 pu:2(indexes=0,1,2,3,4,5,6,7,8)"
t syn-indexes-pu-level "lists 2 indexes= numbers for its 8" -- "${TP[@]}" "pack:2 core:2 pu:2(indexes=0,1)"
t syn-indexes-text "decimal CPU numbers" -- "${TP[@]}" "pack:2 pu:2(indexes=0,1,2,x)"
t syn-indexes-empty "decimal CPU numbers" -- "${TP[@]}" "pack:2 pu:2(indexes=)"
t syn-indexes-simulate "lists 3 indexes=" -- "${S[@]}" "${J[@]}" --topology "pack:1 core:4(indexes=0,1,2) pu:1"
t syn-memory-on-package "memory=, which hwloc gives only NUMA" -- "${TP[@]}" "pack:2(memory=1GB) pu:2"
t syn-memory-hex "memory='0x10'" -- "${TP[@]}" "pack:2 [numa(memory=0x10)] pu:2"
t syn-memory-unit "memory='16XB'" -- "${TP[@]}" "pack:2 [numa(memory=16XB)] pu:2"
t syn-size-on-core "size=, which hwloc gives only caches" -- "${TP[@]}" "pack:2 core:2(size=32MB) pu:2"
t syn-size-negative "size='-1'" -- "${TP[@]}" "pack:2 l3:1(size=-1) pu:2"
t syn-unknown-attribute "the attribute 'foo=3'" -- "${TP[@]}" "pack:2(foo=3) pu:2"
# ---- point 5: XML without cores, malformed distances, bad cpusets: each its own line ----
X=$in/xml
mkdir -p "$X"
NEH=$SRC/testdata/topologies/Intel-Nehalem-2xXeon-X5550.xml
D2=$SRC/testdata/topologies/32em64t-2n8c2t-pci-noio.xml
mkdist() { v=$2; sed "s|<u64values length=\"12\">10 20 20 10 </u64values>|<u64values length=\"${#v}\">$v</u64values>|" "$D2" >"$X/$1.xml"; cmp -s "$D2" "$X/$1.xml" && { echo "FAIL: $1.xml unchanged"; fail=1; }; }
mkdist dist-max "10 18446744073709551615 20 10 "
mkdist dist-zero "10 0 20 10 "
mkdist dist-neg "10 -1 20 10 "
mkdist dist-hex "10 0x14 20 10 "
mkdist dist-short "10 20 20 "
python3 - "$NEH" "$X" <<'PY'
import sys
t, d = open(sys.argv[1]).read(), sys.argv[2]
def w(name, a, b, count=1):
    assert a in t, name
    open(f"{d}/{name}.xml", "w").write(t.replace(a, b, count))
w("nocore", 'type="Core"', 'type="Group"', -1)
w("badcpuset", '<object type="PU" os_index="0" cpuset="0x00000001"', '<object type="PU" os_index="0" cpuset="0x00010000"')
w("overlap", '<object type="PU" os_index="0" cpuset="0x00000001"', '<object type="PU" os_index="0" cpuset="0x00000002"')
w("disallowed", 'allowed_cpuset="0x0000ffff"', 'allowed_cpuset="0x0000fffe"')
w("osbig", '<object type="PU" os_index="0" ', '<object type="PU" os_index="99999999999" ')
w("oshex", '<object type="PU" os_index="0" ', '<object type="PU" os_index="0x10" ')
w("v3", 'version="2.0"', 'version="3.0"')
w("nocpuset", '<object type="Machine" os_index="0" cpuset="0x0000ffff"', '<object type="Machine" os_index="0"')
PY
printf '<topology version="1.0"><object y="0" cpuset=""type="NU"_></po>' >"$X/crash.xml"
t xml-no-core "16 PUs but no Core object" -- "${TP[@]}" "$X/nocore.xml"
t xml-no-core-simulate "no Core object" -- "${S[@]}" "${J[@]}" --topology "$X/nocore.xml"
t xml-distance-max "is 18446744073709551615; distances run from 1" -- "${TP[@]}" "$X/dist-max.xml"
t xml-distance-zero "node 0 to node 1 is 0" -- "${TP[@]}" "$X/dist-zero.xml"
t xml-distance-negative "NUMA distance value '-1'" -- "${TP[@]}" "$X/dist-neg.xml"
t xml-distance-hex "NUMA distance value '0x14'" -- "${TP[@]}" "$X/dist-hex.xml"
t xml-distance-short "hwloc: distances2 with less than 4 u64values" -- "${TP[@]}" "$X/dist-short.xml"
t xml-bad-cpuset "cpuset does not hold its os_index" -- "${TP[@]}" "$X/badcpuset.xml"
t xml-overlapping-cpuset "hwloc keeps 15" -- "${TP[@]}" "$X/overlap.xml"
t xml-disallowed-cpu "allowed_cpuset" -- "${TP[@]}" "$X/disallowed.xml"
t xml-os-index-huge 'os_index 99999999999;' -- "${TP[@]}" "$X/osbig.xml"
t xml-os-index-hex 'os_index 0x10;' -- "${TP[@]}" "$X/oshex.xml"
# hwloc's own diagnostics: in the one line, never on stderr beside it
t xml-hwloc-version "hwloc: cannot import XML version 3.0" -- "${TP[@]}" "$X/v3.xml"
t xml-hwloc-no-cpuset "hwloc: invalid normal object Machine" -- "${TP[@]}" "$X/nocpuset.xml"
t xml-hwloc-crash "crashed on it: hwloc: ignoring unknown object attribute" -- "${TP[@]}" "$X/crash.xml"
t xml-hwloc-not-xml "could not be loaded by hwloc" -- "${TP[@]}" "$in/bad.xml"
# ---- point 5: ranges that depend on the machine, checked once it is known --------------
t dm-mm-cpus-above-machine "above the 16 CPUs of nehalem-ep" -- "${S[@]}" "${J[@]}" --set dm_mm_other_cpus=8192
t dm-mm-cpus-synthetic "above the 4 CPUs of pu:4" -- "${S[@]}" "${J[@]}" --topology pu:4 --set dm_mm_other_cpus=5
t dm-mm-cpus-reproduce "dm_mm_other_cpus" -- "$BIN" reproduce "${J[@]}" --set dm_mm_other_cpus=17
t trace-for-20000 "--trace-for must be a length in (0, 10000 s], got 20000 s" -- "${S[@]}" "${tr[@]}" --trace-for 20000
t trace-for-20000-from "--trace-for must be a length" -- "${S[@]}" "${tr[@]}" --trace-from 0 --trace-for 20000
t trace-window-after-end "after the run" -- "${S[@]}" "${short[@]}" "${tr[@]}" --trace-from 3.46 --trace-for 0.1
# ---- point 6: flags that conflict or would be dropped ----------------------------------
t compare-breakdown-uncertainty "--breakdown and --uncertainty" -- "${C[@]}" "${J[@]}" --uncertainty 4 --breakdown
t reproduce-check-uncertainty "--check and --uncertainty" -- "$BIN" reproduce "${J[@]}" --uncertainty 4 --check
# ---- point 4: process limits; the crash guard fails closed -------------------------------
# As an unprivileged user (root ignores RLIMIT_NPROC) with one process allowed:
# no thread and no probe process can start.
chmod 755 "$tmp" "$in" "$X"
chmod 777 "$out"
# LeakSanitizer (the ASan build) needs a thread of its own at exit, which
# one process allowed forbids: it is off for these rows only.
NOBODY=(setpriv --reuid=nobody --regid=nogroup --clear-groups prlimit --nproc=1 --
        env "ASAN_OPTIONS=${ASAN_OPTIONS:-}:detect_leaks=0")
t nproc-xml-probe "no process can be started (fork" -- "${NOBODY[@]}" "$BIN" topology "$NEH"
t nproc-xml-simulate "cannot check topology file" -- "${NOBODY[@]}" "${S[@]}" "${J[@]}" --topology "$NEH"
t nproc-sweep-threads "cannot start a thread" "$out/s.csv" -- "${NOBODY[@]}" "${W[@]}" "${short[@]}" --seed 1,2,3 -j 3 --csv "$out/s.csv"
t nproc-compare-threads "cannot start a thread" -- "${NOBODY[@]}" "${C[@]}" "${short[@]}" -j 2 --json "$out/c.json"
t nproc-reproduce-threads "cannot start a thread" -- "${NOBODY[@]}" "$BIN" reproduce -j 2 --json "$out/r.json"
t nproc-uncertainty-threads "cannot start a thread" -- "${NOBODY[@]}" "$BIN" reproduce --uncertainty 2 -j 2 --json "$out/r.json" --csv "$out/r.csv"
# SIGCHLD ignored by the parent (inherited over exec): the probe still sees the crash.
IGNCHLD=(python3 -c 'import os, signal, sys; signal.signal(signal.SIGCHLD, signal.SIG_IGN); os.execv(sys.argv[1], sys.argv[1:])')
t sigchld-ignored-crash "crashed on it" -- "${IGNCHLD[@]}" "$BIN" topology "$X/crash.xml"
t file-size-limit-sweep "File too large" -- bash -c 'ulimit -f 1; exec "$@"' _ "${W[@]}" "${short[@]}" --seed 1,2,3,4,5,6,7,8 --json "$out/big.json"
# ---- point 7: sensitivity, the CLI's boundary (same checks, same readers) --------------
# (a build without the Python module, IPISTORM_BUILD_PYTHON=OFF, has no sensitivity)
core_rows=$rows
with_sensitivity=0
if [ -f "$(dirname "$BIN")/../python/ipistorm/sensitivity.py" ]; then
with_sensitivity=1
SE=("$BIN" sensitivity)
printf '{"seed": 1, "seed": 2}' >"$in/sens-dup.json"
printf '{"seed": NaN}' >"$in/sens-nan.json"
printf 'sample,a,b,pvops/boot_time_s,all_within\n0,1,2,3,false\n1,nan,2,3,false\n' >"$in/screen-nan.csv"
printf 'sample,a,b,pvops/boot_time_s,all_within\n0,1,,3,false\n' >"$in/screen-empty.csv"
printf 'sample,a,b,pvops/boot_time_s,all_within\n0,0x10,2,3,false\n' >"$in/screen-hex.csv"
printf 'sample,a,a,pvops/boot_time_s,all_within\n0,1,2,3,false\n' >"$in/screen-dup.csv"
printf 'sample,a,b,pvops/boot_time_s,all_within\n0,1,2,false\n' >"$in/screen-short.csv"
t sens-n-below-minimum "-n must be a whole number in [4, 1048576], got '3'" -- "${SE[@]}" -n 3
t sens-n-hex "got '0x10'" -- "${SE[@]}" -n 0x10
t sens-n-empty "got ''" -- "${SE[@]}" -n ""
t sens-n-fraction "got '8.5'" -- "${SE[@]}" -n 8.5
t sens-n-underscore "got '1_6'" -- "${SE[@]}" -n 1_6
t sens-seed-fraction "--seed must be a whole number" -- "${SE[@]}" --seed 1.7
t sens-seed-negative "--seed must be a whole number in [0, 18446744073709551615]" -- "${SE[@]}" --seed -1
t sens-seed-too-big "18446744073709551616" -- "${SE[@]}" --seed 18446744073709551616
t sens-seed-space "got ' 5'" -- "${SE[@]}" --seed " 5"
t sens-jobs-hex "-j must be a whole number" -- "${SE[@]}" -j 0x2
t sens-top-alone "--top needs --screen" -- "${SE[@]}" --top 3
t sens-top-one "--top must be a whole number in [2, 1000]" -- "${SE[@]}" --screen "$in/screen-dup.csv" --top 1
t sens-parameter-twice "'evtchn_send_us' is given twice" -- "${SE[@]}" --parameter evtchn_send_us --parameter evtchn_send_us
t sens-parameter-typo "did you mean 'evtchn_send_us'" -- "${SE[@]}" --parameter evtchn_sned_us --parameter idle_exit_us
t sens-parameter-fixed "no plausible range" -- "${SE[@]}" --parameter page_bytes --parameter idle_exit_us
t sens-parameter-one "Sobol' indices of 1 by definition" -- "${SE[@]}" --parameter evtchn_send_us
t sens-figure-twice "listed twice" -- "${SE[@]}" --figure boot_time_s --figure boot_time_s
t sens-config-duplicate-key '"seed" twice' -- "${SE[@]}" --config "$in/sens-dup.json"
t sens-config-nan "not valid JSON" -- "${SE[@]}" --config "$in/sens-nan.json"
t sens-config-1e400 "not valid JSON" -- "${SE[@]}" --config "$in/overflow.json"
t sens-config-fifo "is a FIFO" -- "${SE[@]}" --config "$in/fifo.json"
t sens-config-dev-zero "is a character device" -- "${SE[@]}" --config /dev/zero
t sens-config-directory "is a directory" -- "${SE[@]}" --config "$in"
t sens-config-empty-path "--config path is empty" -- "${SE[@]}" --config ""
t sens-config-window "window_s" -- "${SE[@]}" --config "$in/window-tiny.json"
t sens-screen-fifo "is a FIFO" -- "${SE[@]}" --screen "$in/fifo.json"
t sens-screen-dev-zero "is a character device" -- "${SE[@]}" --screen /dev/zero
t sens-screen-nan "column 'a' must be a finite decimal number, got 'nan'" -- "${SE[@]}" --screen "$in/screen-nan.csv"
t sens-screen-empty-field "column 'b' must be a finite decimal number, got ''" -- "${SE[@]}" --screen "$in/screen-empty.csv"
t sens-screen-hex "got '0x10'" -- "${SE[@]}" --screen "$in/screen-hex.csv"
t sens-screen-duplicate-column "column 'a' twice" -- "${SE[@]}" --screen "$in/screen-dup.csv"
t sens-screen-short-line "line 2 has 4 fields" -- "${SE[@]}" --screen "$in/screen-short.csv"
t sens-json-is-config "config file" "$in/window-tiny.json.tmp" -- "${SE[@]}" --config "$in/window-tiny.json" --json "$in/window-tiny.json"
t sens-csv-is-screen "--screen file" -- "${SE[@]}" --screen "$in/screen-dup.csv" --csv "$in/screen-dup.csv"
t sens-json-char-device "is a character device" -- "${SE[@]}" --json "$out/dev-null"
t sens-unknown-flag "unrecognized arguments" -- "${SE[@]}" --frobnicate
t sens-abbreviated-flag "unrecognized arguments" -- "${SE[@]}" --jso "$out/s.json"
# Over `ulimit -f` the write fails like any other (the Python process would
# die of SIGXFSZ): one line, exit 2, no temporary.
printf '{"params": {"boot_probe_polls": 2000, "boot_firmware_polls": 200, "boot_firmware_sectors": 0, "boot_init_polls": 10, "boot_init_cpu_s": 0.05}}' >"$in/tiny.json"
t sens-file-size-limit "cannot write --json file" -- bash -c 'ulimit -f 1; exec "$@"' _ "${SE[@]}" --config "$in/tiny.json" -n 16 --parameter ipi_other_package_us --parameter evtchn_send_us --no-refit --json "$out/big.json"
fi

echo "$rows rows ($core_rows without sensitivity's)"
# Every build runs the CLI's rows; a build with the Python module (Release)
# also runs sensitivity's, the ASan build (IPISTORM_BUILD_PYTHON=OFF) not.
[ "$core_rows" -ge 220 ] || { echo "FAIL: fewer than 220 rows before sensitivity's"; fail=1; }
if [ "$with_sensitivity" = 1 ]; then
  [ "$rows" -ge 250 ] || { echo "FAIL: fewer than 250 rows"; fail=1; }
fi
exit $fail
