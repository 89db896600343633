#!/usr/bin/env bash
# cli_help.sh IPISTORM GOLDEN_DIR: the discoverable CLI. Each subcommand's --help names
# every registered kernel, strategy, placement and topology preset it accepts
# (the names come from `ipistorm params`, which prints the registries, not
# from a list here), states the defaults and gives two examples; a one-letter
# typo in a name, a subcommand or a flag gets "did you mean X?" (exit 2, one
# line); topology --json and the placement map; reproduce's footer names the
# figures out of tolerance and points to the README section explaining them.
set -u
BIN=$1
GOLDEN=$2/reproduce.txt
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
ok() { echo "ok   $*"; }
bad() { echo "FAIL $*"; fail=1; }

"$BIN" params >"$tmp/params.txt" || bad "ipistorm params"
names() { sed -n "s/^$1: //p" "$tmp/params.txt" | tr ' ' '\n' | grep -v '^$'; }
kernels=$(names kernels)
strategies=$(names strategies)
placements=$(names placements)
presets=$(names "topology presets")
[ -n "$kernels" ] && [ -n "$strategies" ] && [ -n "$placements" ] && [ -n "$presets" ] ||
  bad "ipistorm params does not list the registries"

# help SUBCOMMAND GROUPS...: every name of each group appears as a word in its --help.
help() {
  local sub=$1
  shift
  "$BIN" "$sub" --help >"$tmp/help.txt" 2>&1 || { bad "$sub --help exits non-zero"; return; }
  local missing=""
  for group in "$@"; do
    for n in ${!group}; do
      grep -qE -- "(^|[ (])$(printf '%s' "$n" | sed 's/[.]/\\./g')([ ,;)]|$)" "$tmp/help.txt" ||
        missing+=" $n"
    done
  done
  local examples
  examples=$(sed -n '/^Examples:/,$p' "$tmp/help.txt" | grep -c "^  ipistorm $sub")
  if [ -n "$missing" ]; then
    bad "$sub --help lacks:$missing"
  elif [ "$examples" -lt 2 ]; then
    bad "$sub --help has $examples examples"
  else
    ok "$sub --help: every name of $*, $examples examples"
  fi
}
help simulate kernels strategies placements presets
help compare kernels strategies placements presets
help sweep kernels strategies placements presets
help reproduce placements presets
help topology placements presets
help params
help fit placements presets
# Every command states its exit codes (the same ones: cli/help.cpp exit_status_text).
for sub in "" simulate compare sweep reproduce topology params fit calibrate validate; do
  # shellcheck disable=SC2086  # "" is the top level: no subcommand word
  "$BIN" $sub --help >"$tmp/help.txt" 2>&1
  if sed -n '/^Exit status:/,$p' "$tmp/help.txt" | grep -q '^  2    bad input' &&
     grep -q '^  130  interrupted' "$tmp/help.txt"; then
    ok "${sub:-ipistorm} --help: exit status section"
  else
    bad "${sub:-ipistorm} --help has no exit status section"
  fi
done
"$BIN" reproduce --help | grep -q '^  1 .*with --check, a figure outside its tolerance' &&
  ok "reproduce --help: exit 1 only with --check" || bad "reproduce --help: exit 1 not explained"
# Defaults, from a default config: the kernel and strategy a bare simulate runs.
"$BIN" simulate --help >"$tmp/help.txt"
for d in "default linux-2.6.31-pvops" "default mlock-per-call" "default pinned" "default nehalem-ep"; do
  grep -q "$d" "$tmp/help.txt" || bad "simulate --help does not say '$d'"
done
# Every kernel line carries its registry summary (one-line description).
for k in $kernels; do
  grep -qE "^  $k +[a-z(]" "$tmp/help.txt" || bad "no description for kernel $k"
done

# did NAME WANT ARGS...: exit 2, one line, naming the suggestion.
did() {
  local name=$1 want=$2
  shift 2
  "$BIN" "$@" >/dev/null 2>"$tmp/err"
  local rc=$?
  if [ $rc -eq 2 ] && [ "$(wc -l <"$tmp/err")" -eq 1 ] && grep -qF -- "did you mean '$want'?" "$tmp/err"; then
    ok "$name: $(cat "$tmp/err")"
  else
    bad "$name (exit $rc): $(cat "$tmp/err")"
  fi
}
did kernel-typo linux-2.6.31-pvops simulate --kernel linux-2.6.31-pvop
did strategy-typo mlock-per-call simulate --strategy mlock-per-cal
did placement-typo spread simulate --placement spraed
did preset-typo nehalem-ep simulate --topology nehalem-eq
did param-typo evtchn_send_us simulate --set evtchn_sned_us=2
did subcommand-typo simulate simulat
did flag-typo --kernel simulate --kernal linux-3.12
did sweep-kernel-typo linux-3.12 sweep --kernel linux-3.1 --dom0-vcpus 1
did compare-strategy-typo no-lock compare --strategy no-lok
echo '{"kernal": "linux-3.12"}' >"$tmp/typo.json"
did config-key-typo kernel simulate --config "$tmp/typo.json"
echo '{"dom0_vcpu": [1, 2]}' >"$tmp/grid-typo.json"
did grid-key-typo dom0_vcpus sweep --grid "$tmp/grid-typo.json"

# topology --json, and the vCPU -> CPU map with the device model's CPU.
"$BIN" topology nehalem-ep --dom0-vcpus 4 --placement spread --dm-vcpu 1 --json >"$tmp/t.json" ||
  bad "topology --json"
/usr/bin/python3 - "$tmp/t.json" <<'PY' || fail=1
import json, sys
t = json.load(open(sys.argv[1]))
assert t["num_cpus"] == 16 and len(t["cpus"]) == 16, t["num_cpus"]
d = t["dom0"]
assert d["placement"] == "spread" and d["dom0_vcpus"] == 4, d
cpus = [m["cpu"] for m in d["vcpu_to_cpu"]]
assert [m["vcpu"] for m in d["vcpu_to_cpu"]] == [0, 1, 2, 3]
pkg = {c["os_index"]: c["package"] for c in t["cpus"]}
# spread: one thread per core, round-robin over the two packages.
assert [pkg[c] for c in cpus] == [0, 1, 0, 1], cpus
assert d["dm_vcpu"] == 1 and d["dm_cpu"] == cpus[1], d
print("ok   topology --json: spread puts vCPUs 0-3 on CPUs", cpus, "qemu-dm on CPU", d["dm_cpu"])
PY
"$BIN" topology nehalem-ep --dom0-vcpus 4 --placement spread --dm-vcpu 1 >"$tmp/t.txt"
if grep -q "vCPU -> CPU (spread): 0->" "$tmp/t.txt" && grep -q "device model (qemu-dm): vCPU 1 on CPU" "$tmp/t.txt"; then
  ok "topology map: $(grep 'vCPU -> CPU' "$tmp/t.txt" | sed 's/^ *//')"
else
  bad "topology map missing"; cat "$tmp/t.txt"
fi
# Its CPU table says what --json says: a row per CPU (package, core, NUMA
# node, SMT siblings, the dom0 vCPU on it, empty when none).
/usr/bin/python3 - "$tmp/t.txt" "$tmp/t.json" <<'PY' || fail=1
import json, re, sys
text, t = open(sys.argv[1]).read().splitlines(), json.load(open(sys.argv[2]))
on = {m["cpu"]: m["vcpu"] for m in t["dom0"]["vcpu_to_cpu"]}
head = next(i for i, l in enumerate(text) if l.split()[:2] == ["CPU", "package"])
rows = {}
for l in text[head + 2:head + 2 + t["num_cpus"]]:
    m = re.match(r"\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\S+)(?:\s+vCPU (\d+).*)?$", l)
    assert m, l
    rows[int(m[1])] = ([int(m[2]), int(m[3]), int(m[4]), m[5]], None if m[6] is None else int(m[6]))
for c in t["cpus"]:
    sib = ",".join(map(str, c["smt_siblings"])) or "-"
    want = ([c["package"], c["core"], c["numa"], sib], on.get(c["os_index"]))
    assert rows.get(c["os_index"]) == want, (c["os_index"], rows.get(c["os_index"]), want)
print("ok   topology table: the 16 CPUs as --json has them, dom0's 4 vCPUs on", sorted(on))
PY
"$BIN" topology nehalem-ep --dom0-vcpus 17 >/dev/null 2>&1
[ $? -eq 2 ] && ok "topology --dom0-vcpus 17 refused" || bad "topology --dom0-vcpus 17 accepted"

# reproduce: the footer names each figure marked NO and points to the README
# section. Read from the golden summary, which cli_golden_reproduce checks is
# byte for byte what `ipistorm reproduce` prints (and its exit status).
cp "$GOLDEN" "$tmp/rep.txt"
grep -q "SOME FIGURES OUT OF TOLERANCE" "$tmp/rep.txt" && rc=1 || rc=0
nno=$(grep -c " NO$" "$tmp/rep.txt")
if [ "$nno" -eq 0 ]; then
  [ $rc -eq 0 ] && grep -q "every figure within tolerance" "$tmp/rep.txt" && ok "reproduce: all within" ||
    bad "reproduce: no NO row but exit $rc"
else
  listed=$(sed -n '/^SOME FIGURES OUT OF TOLERANCE:/,/^Why/p' "$tmp/rep.txt" | grep -c '^  ')
  if [ $rc -eq 1 ] && [ "$listed" -eq "$nno" ] && grep -q 'README.md#reproduction-targets' "$tmp/rep.txt"; then
    ok "reproduce footer lists the $nno figures out of tolerance and links the README section"
  else
    bad "reproduce footer: exit $rc, $nno NO rows, $listed listed"; tail -8 "$tmp/rep.txt"
  fi
fi
exit $fail
