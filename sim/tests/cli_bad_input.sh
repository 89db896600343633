#!/usr/bin/env bash
# cli_bad_input.sh IPISTORM: every kind of bad input gives exactly one line on
# stderr naming the problem, exit code 2, and no output file.
set -u
BIN=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
printf '{"kernel": "linux-2.6.31-pvops",' > "$tmp/malformed.json"
printf 'not xml at all\n' > "$tmp/bad.xml"
printf '{"dom0_vcpus": "many"}' > "$tmp/badtype.json"

check() {  # check NAME EXPECTED-SUBSTRING ARGS...
  local name=$1 want=$2
  shift 2
  rm -f "$tmp/out.json"
  "$BIN" "$@" --json "$tmp/out.json" >"$tmp/stdout" 2>"$tmp/stderr"
  local rc=$?
  local lines
  lines=$(wc -l <"$tmp/stderr")
  if [ "$rc" -ne 2 ]; then echo "FAIL $name: exit $rc, want 2"; fail=1; fi
  if [ "$lines" -ne 1 ]; then echo "FAIL $name: $lines stderr lines, want 1"; cat "$tmp/stderr"; fail=1; fi
  if ! grep -qF -- "$want" "$tmp/stderr"; then echo "FAIL $name: stderr lacks '$want':"; cat "$tmp/stderr"; fail=1; fi
  if ls "$tmp"/out.json* >/dev/null 2>&1; then echo "FAIL $name: output file written"; fail=1; fi
  [ "$rc" -eq 2 ] && [ "$lines" -eq 1 ] && echo "ok   $name: $(cat "$tmp/stderr")"
}

check unknown-preset "no-such-box" simulate --topology no-such-box
check unknown-kernel "linux-9.9" simulate --kernel linux-9.9
check kernel-lists-accepted "linux-2.6.31-pvops" simulate --kernel linux-9.9
check unknown-strategy "magic" simulate --strategy magic
check unknown-placement "scatter" simulate --placement scatter
check vcpus-too-many "17" simulate --dom0-vcpus 17
check vcpus-zero "--dom0-vcpus" simulate --dom0-vcpus 0
check negative-cost "evtchn_send_us" simulate --set evtchn_send_us=-1
check non-numeric-cost "fast" simulate --set evtchn_send_us=fast
check unknown-param "no_such" simulate --set no_such=1
check set-without-equals "NAME=VALUE" simulate --set evtchn_send_us
check malformed-json "not valid JSON" simulate --config "$tmp/malformed.json"
check json-wrong-type "dom0_vcpus" simulate --config "$tmp/badtype.json"
check missing-config "cannot read" simulate --config "$tmp/none.json"
check missing-xml "/nonexistent/box.xml" simulate --topology /nonexistent/box.xml
check invalid-xml "bad.xml" simulate --topology "$tmp/bad.xml"
check bad-flag "--frobnicate" simulate --frobnicate
check non-numeric-seed "--seed" simulate --seed abc
check reproduce-bad-param "no_such" reproduce --set no_such=1
# simulate --trace: the window, the path and the size cap (a short boot: 3.5 s simulated).
short=(--dom0-vcpus 8 --set boot_probe_polls=2000 --set boot_firmware_polls=200
       --set boot_firmware_sectors=0 --set boot_init_polls=10 --set boot_init_cpu_s=0.05)
tr=(--trace "$tmp/out.json")
check trace-after-run "after the run" simulate "${short[@]}" "${tr[@]}" --trace-from 100
check trace-past-end "after the run" simulate "${short[@]}" "${tr[@]}" --trace-from 0 --trace-for 100
check trace-longer-than-run "longer than the run" simulate "${short[@]}" "${tr[@]}" --trace-for 100
check trace-negative-start "--trace-from" simulate "${tr[@]}" --trace-from -1
check trace-zero-length "--trace-for" simulate "${tr[@]}" --trace-for 0
check trace-negative-length "--trace-for" simulate "${tr[@]}" --trace-for -0.001
check trace-nan-length "--trace-for" simulate "${tr[@]}" --trace-for nan
check trace-unwritable "cannot write --trace" simulate --trace "$tmp/no/such/dir/t.json"
check trace-over-cap "cap" simulate "${short[@]}" "${tr[@]}" --trace-from 0 --trace-for 3 --trace-max-mb 1
check trace-cap-range "--trace-max-mb" simulate "${tr[@]}" --trace-max-mb 0
check trace-window-alone "need --trace" simulate --trace-from 0.1
exit $fail
