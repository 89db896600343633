#!/usr/bin/env bash
# test_manpages.sh MAN_DIR: every generated man page renders cleanly at 80
# columns (man -l with MANWIDTH=80: no line wider, no troff warning), states
# its exit status (in a section of its own, not a subsection of EXAMPLES), keeps
# each example on a line of its own; ipistorm has one page per subcommand.
set -u
dir=${1:?usage: test_manpages.sh MAN_DIR}
fail=0
pages=("$dir"/*.1.gz)
[ -f "${pages[0]}" ] || { echo "FAIL: no man page in $dir"; exit 1; }
for p in "${pages[@]}"; do
  name=$(basename "$p" .1.gz)
  text=$(MANWIDTH=80 MAN_KEEP_FORMATTING=0 man -l "$p" 2>"$dir/.warn.$$" | col -b)
  warn=$(cat "$dir/.warn.$$"); rm -f "$dir/.warn.$$"
  wide=$(awk 'length($0) > 80' <<<"$text" | wc -l)
  problems=""
  [ "$wide" -eq 0 ] || problems+=" $wide lines over 80 columns;"
  [ -z "$warn" ] || problems+=" man/troff said: $warn;"
  # An exit status: a section of its own, never a subsection of another
  # (help2man used to file "Exit status:" under EXAMPLES). A help whose exit
  # status sits inside a paragraph (sensitivity's, printed by Python) passes
  # the first check only.
  grep -qi "exit status" <<<"$text" || problems+=" no exit status;"
  grep -qE "^ +Exit status" <<<"$text" && problems+=" exit status filed as a subsection;"
  if grep -q "^EXAMPLES" <<<"$text"; then
    # Two example commands joined on one line: "... ipistorm ... ipistorm ...".
    joined=$(sed -n '/^EXAMPLES/,/^[A-Z]/p' <<<"$text" | grep -cE "(ipistorm|lab-run)[^ ]* .* (ipistorm|lab-run)( |$)" || true)
    [ "$joined" -eq 0 ] || problems+=" examples run together;"
  fi
  if [ -z "$problems" ]; then
    echo "ok   $name"
  else
    echo "FAIL $name:$problems"
    fail=1
  fi
done
for sub in simulate reproduce sensitivity fit topology params compare sweep calibrate validate; do
  [ -f "$dir/ipistorm-$sub.1.gz" ] || { echo "FAIL: no page ipistorm-$sub.1.gz"; fail=1; }
done
exit $fail
