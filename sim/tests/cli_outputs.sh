#!/usr/bin/env bash
# cli_outputs.sh IPISTORM LAB_RUN: what an output may and may not do.
#  - An output that names one of the command's inputs (config, calibration,
#    topology XML, grid, lab files), a symbolic link, or a file the user may
#    not write is refused before any work: exit 2, one stderr line, the file
#    byte for byte as it was, no temporary left.
#  - A replaced file keeps its mode (and owner, for root).
#  - "-" is standard output for --json, --csv and --trace: the data alone
#    reaches a pipe, the table goes to stderr; two outputs on "-" are refused.
set -u
BIN=$1
LAB=$2
tmp=$(mktemp -d)
chmod 755 "$tmp"
trap 'rm -rf "$tmp"' EXIT
cd "$tmp" || exit 2
fail=0
pass=0
ok() { echo "ok   $*"; pass=$((pass + 1)); }
bad() { echo "FAIL $*"; fail=$((fail + 1)); }
TINY=(--dom0-vcpus 4 --set boot_probe_polls=300 --set boot_firmware_polls=50
      --set boot_firmware_sectors=10 --set boot_init_polls=5 --set boot_init_cpu_s=0.01
      --set boot_firmware_cpu_s=0.01)

# refused NAME FRAGMENT FILE -- ARGS...: exit 2, one line naming FRAGMENT, FILE unchanged.
refused() {
  local name=$1 want=$2 file=$3
  shift 4
  cp -p "$file" "$tmp/before" 2>/dev/null
  local rc=0
  "$@" >"$tmp/stdout" 2>"$tmp/stderr" </dev/null || rc=$?
  local lines
  lines=$(wc -l <"$tmp/stderr")
  if [ "$rc" != 2 ] || [ "$lines" != 1 ] || ! grep -qF -- "$want" "$tmp/stderr"; then
    bad "$name: exit $rc, $lines stderr lines: $(head -c 300 "$tmp/stderr")"
  elif ! cmp -s "$file" "$tmp/before"; then
    bad "$name: $file changed"
  elif ls "$file".tmp.* >/dev/null 2>&1; then
    bad "$name: temporary left beside $file"
  else
    ok "$name: $(cat "$tmp/stderr")"
  fi
}

printf '{"seed": 3}\n' >cfg.json
printf '{"params": {"evtchn_send_us": 2.0}}\n' >cal.json
printf '{"seed": [1, 2]}\n' >grid.json
cp "$LAB/lstopo.xml" topo.xml
mkdir run && cp "$LAB/bench.json" "$LAB/metadata.json" "$LAB/lstopo.xml" run/
"$BIN" calibrate run >/dev/null 2>&1 || bad "calibrate on the recorded run"

refused simulate-config-as-json "the config file" cfg.json -- \
  "$BIN" simulate --config cfg.json "${TINY[@]}" --json cfg.json
refused simulate-calibration-as-json "the calibration file" cal.json -- \
  "$BIN" simulate --calibration cal.json "${TINY[@]}" --json cal.json
refused simulate-topology-as-json "the topology file" topo.xml -- \
  "$BIN" simulate --topology topo.xml "${TINY[@]}" --json topo.xml
refused simulate-topology-as-trace "the topology file" topo.xml -- \
  "$BIN" simulate --topology topo.xml "${TINY[@]}" --trace topo.xml
refused simulate-config-through-other-name "the config file" cfg.json -- \
  "$BIN" simulate --config ./cfg.json "${TINY[@]}" --json "$tmp/cfg.json"
ln cfg.json hardlink.json
refused simulate-config-hard-link "the config file" cfg.json -- \
  "$BIN" simulate --config cfg.json "${TINY[@]}" --json hardlink.json
refused sweep-grid-as-csv "the grid file" grid.json -- \
  "$BIN" sweep --grid grid.json "${TINY[@]:2}" --csv grid.json
refused sweep-topology-as-json "the topology file" topo.xml -- \
  "$BIN" sweep --topology topo.xml --seed 1,2 --csv out.csv --json topo.xml
refused compare-config-as-csv "the config file" cfg.json -- \
  "$BIN" compare --config cfg.json "${TINY[@]}" --csv cfg.json
refused reproduce-config-as-json "the config file" cfg.json -- \
  "$BIN" reproduce --config cfg.json --json cfg.json
refused validate-topology-as-json "the topology file" run/lstopo.xml -- \
  "$BIN" validate run --json run/lstopo.xml
refused calibrate-bench-as-out "the benchmark results" run/bench.json -- \
  "$BIN" calibrate run --out run/bench.json
ln -s elsewhere.json link.json
refused symlink-output "symbolic link" cfg.json -- \
  "$BIN" simulate "${TINY[@]}" --json link.json
[ ! -e elsewhere.json ] && [ -L link.json ] && ok "symlink-output: link and target untouched" ||
  bad "symlink-output: link replaced or target written"
refused two-on-stdout "both name standard output" cfg.json -- \
  "$BIN" simulate "${TINY[@]}" --json - --trace -

# Not writable for an unprivileged user: refused, as that user (root ignores modes).
printf 'keep\n' >mine.json
chown nobody mine.json && chmod 0444 mine.json
chmod 777 "$tmp"
refused read-only-for-its-owner "not writable for you (mode 0444)" mine.json -- \
  runuser -u nobody -- "$BIN" simulate "${TINY[@]}" --json mine.json
chmod 755 "$tmp"

# A replaced file keeps its mode and owner.
for mode in 0600 0640 0444; do
  printf 'old\n' >"m$mode.json"
  chmod "$mode" "m$mode.json"
  chown nobody "m$mode.json"
  "$BIN" simulate "${TINY[@]}" --json "m$mode.json" >/dev/null 2>&1 || bad "replace m$mode.json"
  got=$(stat -c '%a %U' "m$mode.json")
  if [ "$got" = "${mode#0} nobody" ] && grep -q '"metrics"' "m$mode.json"; then
    ok "replaced m$mode.json keeps mode and owner ($got)"
  else
    bad "replaced m$mode.json: $got"
  fi
done

# "-" is standard output: the data alone on stdout, the table on stderr.
if "$BIN" simulate "${TINY[@]}" --json - 2>sim.err | /usr/bin/python3 -c \
    'import json, sys; d = json.load(sys.stdin); assert "metrics" in d' &&
   grep -q "guest boot time" sim.err; then
  ok "simulate --json -: JSON on stdout, the table on stderr"
else
  bad "simulate --json -: $(head -c 300 sim.err)"
fi
if "$BIN" sweep --seed 1,2 "${TINY[@]}" --csv - 2>/dev/null | head -1 | grep -q '^run,'; then
  ok "sweep --csv -: CSV on stdout"
else
  bad "sweep --csv -"
fi
if "$BIN" simulate "${TINY[@]}" --trace - 2>/dev/null | /usr/bin/python3 -c \
    'import json, sys; d = json.load(sys.stdin); assert d["traceEvents"]'; then
  ok "simulate --trace -: the trace on stdout"
else
  bad "simulate --trace -"
fi
[ -e ./- ] && bad "a file named '-' was created" || ok "no file named '-'"

# Over `ulimit -f` a write fails like any other: one line, exit 2, no temporary.
rc=0
(ulimit -f 1; "$BIN" simulate "${TINY[@]}" --json big.json) >/dev/null 2>big.err || rc=$?
if [ "$rc" = 2 ] && grep -q "File too large" big.err && [ "$(wc -l <big.err)" = 1 ] &&
   ! ls big.json* >/dev/null 2>&1; then
  ok "ulimit -f: $(cat big.err)"
else
  bad "ulimit -f: exit $rc, $(ls big.json* 2>/dev/null) $(head -c 200 big.err)"
fi

# SIGHUP, SIGTERM, SIGXCPU and SIGPIPE stop a streaming sweep as Ctrl-C does:
# exit 130, neither the outputs nor their temporaries left. The signal is
# sent once the temporaries exist (the sweep is writing).
for sig in HUP TERM XCPU PIPE; do
  "$BIN" sweep --seed "$(seq -s, 1 1000)" --set evtchn_send_us="$(seq -s, 1 100)" "${TINY[@]}" \
    --csv "s$sig.csv" --json "s$sig.json" \
    >/dev/null 2>"s$sig.err" &
  pid=$!
  for _ in $(seq 1200); do ls "s$sig".csv.tmp.* >/dev/null 2>&1 && break; sleep 0.1; done  # hang guard: 120 s
  kill -"$sig" "$pid"
  rc=0
  wait "$pid" || rc=$?
  if [ "$rc" = 130 ] && ! ls "s$sig".* 2>/dev/null | grep -qv 'err$'; then
    ok "SIG$sig during a sweep: exit 130, nothing left"
  else
    bad "SIG$sig during a sweep: exit $rc, left: $(ls "s$sig".* 2>/dev/null)"
  fi
done
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
