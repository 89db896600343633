#!/usr/bin/env bash
# smoke.sh: the virtual lab's test.  Boots the stock Debian 6.1 kernel three
# times with 4 vCPUs under QEMU/TCG (about 15-25 s each here). Layouts A and
# B call madvise(MADV_COLLAPSE) on an already huge page 20 times (= one
# plain lru_add_drain_all() per call); layout C calls posix_fadvise(DONTNEED)
# on a file of an ext4 disk (virtio-blk, the kernel package's own modules)
# whose page another CPU has just read (a folio in that CPU's batch: the
# invalidation fails, generic_fadvise() drains all). Each asserts the EXACT
# per-call counts, net of the matched background window, per CPU role:
#
#   layout A: CPU1 busy-refill, CPU2 idle, CPU3 busy-empty
#   layout B: CPU1 sleep-refill, CPU2 busy-refill, CPU3 idle
#   layout C: CPU1 busy-refill, CPU2 busy-touch (reads the file), CPU3 busy-empty
#
# What the 6.1 kernel does, and so what is asserted (measured, then explained):
#  - __lru_add_drain_all() queues lru_add_drain_per_cpu on a CPU only if
#    cpu_needs_drain(): a refill CPU (one new anonymous page in its lru_add
#    folio batch before each call) gets exactly 1 work item per call; an idle
#    CPU and a busy-empty spinner (batch empty since the warm-up drain) get 0.
#  - busy-refill: the queued work wakes the CPU's bound kworker while the
#    spinner runs; the wake-up is done from the caller's CPU (same LLC,
#    target rq not empty, so no wake list) and the kworker preempts the
#    spinner (CFS wake-up preemption): 1 RES (reschedule IPI) per call,
#    0 CAL, 0 TLB.
#  - sleep-refill: the CPU is idle in HLT; the wake-up of the kworker goes
#    through the target's wake list (ttwu_queue_wakelist: target rq empty),
#    which is a function-call IPI: about 1 CAL per call, 0 TLB (the one
#    count that depends on timing: see layout B below).
#  - idle and busy-empty: 0 RES, 0 CAL, 0 TLB: the drain does not touch them.
#  - the caller's own CPU 0 and LOC (the timer tick) are not asserted: CPU 0
#    is woken from flush_work() by the kworkers, and whether that needs an
#    IPI depends on whether CPU 0 still polls on the way into idle (the
#    emulation's timing); LOC counts ticks, i.e. time, which means nothing
#    under TCG.
# The lab runs with nohz=off (vlab's default without isolated CPUs): with
# nohz=on an idle CPU also receives idle-load-balance kicks (CAL, about
# 30-50 per second here, more while the kworker makes a spinner's runqueue 2
# long), which are real but timing-dependent, so no exact count exists.
# It also boots with sysctl.vm.stat_interval=3600: with the default 1 s, a
# vmstat_update work item now and then ran on the sleep-refill CPU inside a
# window, and that call's kworker wake-up became a RES (the CPU was not idle)
# or vanished (woken while polling): 4 failing runs out of 8 before, 0 out of
# 15 after.
#
#   bench/vlab/smoke.sh     (uses vlab's kernel cache; IPISTORM_VLAB_KERNEL=PACKAGE picks
#                            another kernel; prints "N passed, M failed" last)
set -u
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
pass=0
fail=0
tmp=$(mktemp -d "${TMPDIR:-/tmp}/vlab-smoke.XXXXXX")
# the run directories are kept when an assertion fails (their path is printed)
trap 'if [ "$fail" -eq 0 ]; then rm -rf "$tmp"; else echo "run directories kept in $tmp" >&2; fi' EXIT
t0=$(date +%s)  # clock: reported at the end, never judged

# run_layout NAME LAYOUT EXPECTATIONS...   (each expectation: CPU:FIELD=VALUE;
# the trigger is $TRIGGER, default collapse)
run_layout() {
  local name=$1 layout=$2
  shift 2
  local rc=0
  "$here/vlab" --kernel "${IPISTORM_VLAB_KERNEL:-6.1}" --cpus 4 --layout "$layout" --trigger "${TRIGGER:-collapse}" --calls 20 --warmup 3 \
    --out "$tmp/$name" >"$tmp/$name.out" 2>"$tmp/$name.err" || rc=$?
  if [ "$rc" -eq 1 ]; then
    # a dependency or the kernel is missing: one line naming it
    echo "$((pass)) passed, $((fail + 1)) failed: $(tail -n 1 "$tmp/$name.err")"
    exit 1
  fi
  if [ "$rc" -ne 0 ]; then
    echo "FAIL $name: vlab exited $rc: $(tail -n 1 "$tmp/$name.err")"
    fail=$((fail + 1))
    return
  fi
  sed "s/^/  [$name] /" "$tmp/$name.out"
  local res
  res=$(/usr/bin/python3 - "$tmp/$name" "$name" "$@" <<'PY'
import json, sys
run, name, exps = sys.argv[1], sys.argv[2], sys.argv[3:]
c = json.load(open(run + "/counts.json"))
m = json.load(open(run + "/metadata.json"))
cpus = {e["cpu"]: e for e in c["cpus"]}
def field(cpu, f):
    if "+" in f:
        return round(sum(field(cpu, x) for x in f.split("+")), 4)
    e = cpus[cpu]
    if f == "drain":
        return e["drain_work_items_per_call"]
    if f.startswith("trace:"):
        return e["trace"].get(f[6:], {}).get("net_per_call", 0.0)
    return e["interrupts"].get(f, {}).get("net_per_call", 0.0)
p = f = 0
checks = [("trigger errno", m["trigger_errno"], 0),
          # one lru_add_drain_all() per call, none in the background window
          ("cpu0 kprobe lru_add_drain_all per call", field(0, "trace:drain_all"), 1.0)]
for x in exps:
    cpu, rest = x.split(":", 1)
    fl, val = rest.split("=")
    cpu = int(cpu)
    want = tuple(map(float, val.split(".."))) if ".." in val else float(val)
    checks.append(("cpu%d (%s) %s per call" % (cpu, cpus[cpu]["role"], fl), field(cpu, fl), want))
for label, got, want in checks:
    if got == want or (isinstance(want, tuple) and want[0] <= got <= want[1]):
        p += 1
        print("PASS %s: %s = %s" % (name, label, got))
    else:
        f += 1
        print("FAIL %s: %s = %s, expected %s" % (name, label, got,
              "%s..%s" % want if isinstance(want, tuple) else want))
print("TALLY %d %d" % (p, f))
PY
)
  echo "$res" | grep -v '^TALLY'
  local tally
  tally=$(echo "$res" | sed -n 's/^TALLY //p')
  if [ -z "$tally" ]; then
    echo "FAIL $name: the counts could not be checked"
    fail=$((fail + 1))
    return
  fi
  pass=$((pass + ${tally% *}))
  fail=$((fail + ${tally#* }))
}

# layout A: busy-refill, idle, busy-empty
run_layout A "1:busy-refill,2:idle,3:busy-empty" \
  1:drain=1 1:RES=1 1:CAL=0 1:TLB=0 \
  2:drain=0 2:RES=0 2:CAL=0 2:TLB=0 \
  3:drain=0 3:RES=0 3:CAL=0 3:TLB=0

# layout B: sleep-refill, busy-refill, idle
# The sleep-refill CPU: its work item is exact (1 per call, its batch was
# refilled), but how the wake-up of its kworker reaches it is timing: a CAL
# through the wake list when the CPU sleeps in HLT, a RES when a call finds
# it busy with its own tick's work (nohz=off: 250 Hz, long under TCG), and
# no IPI at all when it is caught polling on its way into idle. Measured
# here: 0.95 to 1 CAL per call on a quiet host, 0.8 CAL + 0.1 RES under a
# CI run's load. So what is asserted is what the kernel guarantees: one
# work item, no TLB shootdown, at most one wake-up interrupt per call, and
# at least one of the 20 calls woke it by an interrupt (it does sleep).
# The busy-refill CPU here: 1 RES per call on a quiet host, 0.95 once under
# a CI run's load (one call found its kworker not yet asleep from the call
# before, so no wake-up and no IPI). Asserted: one work item per call, a
# RES for most calls and never more than one wake-up interrupt per call.
run_layout B "1:sleep-refill,2:busy-refill,3:idle" \
  1:drain=1 1:RES+CAL=0.05..1 1:TLB=0 \
  2:drain=1 2:RES=0.5..1 2:RES+CAL=0.5..1 2:TLB=0 \
  3:drain=0 3:RES=0 3:CAL=0 3:TLB=0

# layout C: fadvise(DONTNEED) of a page CPU 2 read just before each call.
# The read adds the folio to CPU 2's batch; the caller's local drain cannot
# free it, so generic_fadvise() calls lru_add_drain_all(): CPU 2 and the
# refilling CPU 1 each get one work item and, busy in the caller's LLC, one
# RES; the busy-empty CPU 3 nothing.
TRIGGER=fadvise-read-elsewhere run_layout C "1:busy-refill,2:busy-touch,3:busy-empty" \
  1:drain=1 1:RES=0.5..1 1:RES+CAL=0.5..1 1:TLB=0 \
  2:drain=1 2:RES=0.5..1 2:RES+CAL=0.5..1 2:TLB=0 \
  3:drain=0 3:RES=0 3:CAL=0 3:TLB=0

echo "smoke took $(( $(date +%s) - t0 )) s"  # clock: reported, never judged
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
