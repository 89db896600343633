#!/usr/bin/env bash
# report_outputs.sh: every output format is written in sim/report (#19
# point 4): no file of sim/cli, sim/study or sim/run builds CSV lines,
# dumps a JSON document, lays out a table or opens an output file itself,
# but the few listed below that are not moved yet. A new output format is
# then a change to sim/report alone, for every command that uses it; this
# test fails when a moved file starts formatting on its own again, and when
# a listed file no longer needs its place on the list.
# Usage: report_outputs.sh REPO_ROOT
set -euo pipefail
root=${1:?usage: report_outputs.sh REPO_ROOT}
cd "$root"

# Format-specific code: CSV cells and lines, a JSON document's text, an
# aligned table, an output file. (The --trace file is Perfetto's trace
# format, not a report; error messages quote JSON with dump() and no indent.)
pattern='csv_line\(|csv_number\(|\.dump\(2\)|write_file_atomic\(|write_json_file\(|\bTable [a-z][A-Za-z_]*[({]|AtomicFile'

# Not moved yet, each with its reason.
not_moved=(
  sim/cli/topology_command.cpp  # topology --json
)

# The lines of file $1 that match, but comments and the trace.
hits() { grep -nE "$pattern" "$1" | grep -vE -- '^[0-9]+:[[:space:]]*//|--trace' || true; }

found=$(for f in sim/cli/*.[ch]pp sim/study/*.[ch]pp sim/run/*.[ch]pp; do
  if [[ -n $(hits "$f") ]]; then echo "$f"; fi
done)

fail=0
for f in $found; do
  listed=0
  for m in "${not_moved[@]}"; do [[ $f == "$m" ]] && listed=1; done
  if ((!listed)); then
    echo "FAIL: $f writes an output format itself; build report::Rows (or a JSON" \
      "document) and write it with sim/report:"
    hits "$f" | sed 's/^/  /'
    fail=1
  fi
done
for m in "${not_moved[@]}"; do
  if ! grep -qx -- "$m" <<<"$found"; then
    echo "FAIL: $m no longer formats an output: take it off report_outputs.sh's list"
    fail=1
  fi
done
((fail)) && exit 1
echo "ok: an output format is written in sim/report and ${#not_moved[@]} files not moved yet"
