#!/usr/bin/env bash
# cli_vlab_validate.sh IPISTORM VLAB_RESULTS: `ipistorm validate` on the
# committed virtual-lab runs (results/vlab, real Linux 6.1 and 6.12 kernels
# with 8-64 CPUs under QEMU).
#  - Every run: exit 0, "verdict: met", the JSON's verdict "met", and every
#    CPU class exact, within 0.05, background noise or not scored (the probe).
#  - The committed validation.json of each run is what the binary writes now.
#  - A damaged run gets one line naming the problem and exit 2.
set -u
BIN=$1
RUNS=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
pass=0
ok() { echo "ok   $*"; pass=$((pass + 1)); }
bad() { echo "FAIL $*"; fail=$((fail + 1)); }

n=0
for run in "$RUNS"/*/; do
  run=${run%/}
  [ -f "$run/counts.json" ] || continue
  n=$((n + 1))
  name=$(basename "$run")
  out="$tmp/$name.json"
  "$BIN" validate "$run" --json "$out" >"$tmp/table" 2>"$tmp/err"
  rc=$?
  if [ $rc -eq 0 ] && grep -q '^verdict: met$' "$tmp/table"; then ok "$name: exit 0, met"
  else bad "$name: exit $rc: $(tail -3 "$tmp/table") $(cat "$tmp/err")"; fi
  if /usr/bin/python3 - "$out" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
assert d["verdict"] == "met", d["verdict"]
ok = {"exact", "within 0.05", "background noise", "not scored"}
for c in d["classes"]:
    assert c["verdict"] in ok, c
    if c["verdict"] != "not scored":
        wi = c["per_call"]["work_items"]
        assert wi["measured"] == wi["predicted"], c  # work items are exact
PY
  then ok "$name: JSON classes within bounds"; else bad "$name: JSON"; fi
  if [ -f "$run/validation.json" ]; then
    if cmp -s "$out" "$run/validation.json"; then ok "$name: committed validation.json reproduces"
    else bad "$name: committed validation.json differs from what the binary writes"; fi
  else
    bad "$name: no committed validation.json"
  fi
done
[ $n -ge 7 ] && ok "$n vlab runs scored" || bad "only $n vlab runs found in $RUNS"

# A damaged copy of the 16-CPU run: one line, exit 2, no output file.
src=$(ls -d "$RUNS"/6.1.0-*-16cpu-mixed-collapse-* | head -1)
damaged() {
  local name=$1 want=$2 edit=$3
  rm -rf "$tmp/run"
  cp -r "$src" "$tmp/run"
  rm -f "$tmp/run/validation.json"
  /usr/bin/python3 -c "$edit" "$tmp/run"
  local rc=0
  "$BIN" validate "$tmp/run" >"$tmp/out" 2>"$tmp/err" || rc=$?
  if [ $rc -eq 2 ] && [ "$(wc -l <"$tmp/err")" -eq 1 ] && grep -q -- "$want" "$tmp/err" &&
     [ ! -e "$tmp/run/validation.json" ]; then
    ok "$name: exit 2, one line naming '$want'"
  else
    bad "$name: exit $rc, stderr: $(cat "$tmp/err")"
  fi
}
J='import json,sys; p=sys.argv[1]+"/metadata.json"; m=json.load(open(p))'
W='; json.dump(m, open(p, "w"))'
damaged "unknown role" "unknown vlab role 'spin-wildly'" "$J; m['topology']['guest'][3]['role']='spin-wildly'$W"
damaged "trigger not modelled" "no vlab trigger 'fadvise'" "$J; m['trigger']='fadvise'$W"
damaged "kernel too old" "no Linux 6.x preset covers kernel version 5.10" "$J; m['kernel']['uname_r']='5.10.0-30-amd64'$W"
damaged "kernel release not a version" "does not start with MAJOR.MINOR" "$J; m['kernel']['uname_r']='vmlinuz'$W"
damaged "isolated role not booted isolated" "not booted isolated" "$J; m['topology']['guest'][5]['role']='isolated-spin'$W"
damaged "CPU missing" "lists 15 guest CPUs" "$J; m['topology']['guest'].pop()$W"
damaged "roles disagree" "role differs" "import json,sys; p=sys.argv[1]+'/counts.json'; c=json.load(open(p)); c['cpus'][5]['role']='busy-empty'; json.dump(c, open(p, 'w'))"
damaged "count not a number" "is not a finite number" "import json,sys; p=sys.argv[1]+'/counts.json'; c=json.load(open(p)); c['cpus'][2]['drain_work_items_per_call']='one'; json.dump(c, open(p, 'w'))"
damaged "duplicate key" "twice in one object" "p=__import__('sys').argv[1]+'/counts.json'; t=open(p).read(); open(p,'w').write(t.replace('{', '{\"calls\": 3, ', 1))"

# A lab-run flag that means nothing here is refused, naming it.
rc=0
"$BIN" validate "$src" --calibration "$src/counts.json" --json "$tmp/x.json" >/dev/null 2>"$tmp/err" || rc=$?
if [ $rc -eq 2 ] && grep -q -- '--calibration applies to lab-run runs' "$tmp/err"; then
  ok "--calibration on a vlab run refused"
else bad "--calibration on a vlab run: exit $rc $(cat "$tmp/err")"; fi

# --json -: the JSON alone on stdout, the table on stderr.
if "$BIN" validate "$src" --json - 2>"$tmp/err" | /usr/bin/python3 -c 'import json,sys; assert json.load(sys.stdin)["kind"]=="vlab"' &&
   grep -q '^verdict: met$' "$tmp/err"; then ok "--json - keeps stdout for the data"
else bad "--json -"; fi

echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
