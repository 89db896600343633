#!/usr/bin/env bash
# report_outputs.sh: every output format is written in sim/report (#19
# point 4): no file of sim/cli, sim/study or sim/run builds CSV lines,
# dumps a JSON document, lays out a table (aligned or Markdown) or opens an
# output file itself; each builds report::Rows (or a JSON document) and
# hands it to sim/report's writers. A new output format is then a change to
# sim/report alone, for every command that uses it; this test fails when a
# file starts formatting on its own.
# Usage: report_outputs.sh REPO_ROOT
set -euo pipefail
root=${1:?usage: report_outputs.sh REPO_ROOT}
cd "$root"

# Format-specific code: CSV cells and lines, a JSON document's text, an
# aligned or a Markdown table, an output file. (The --trace file is
# Perfetto's trace format, not a report; error messages quote JSON with
# dump() and no indent.)
pattern='csv_line\(|csv_number\(|\.dump\(2\)|write_file_atomic\(|write_json_file\(|\bTable [a-z][A-Za-z_]*[({]|\.print\(std::cout\)|AtomicFile|\|---\|'

# The lines of file $1 that match, but comments and the trace.
hits() { grep -nE "$pattern" "$1" | grep -vE -- '^[0-9]+:[[:space:]]*//|--trace' || true; }

shopt -s nullglob
files=(sim/cli/*.[ch]pp sim/study/*.[ch]pp sim/run/*.[ch]pp)
fail=0
for d in sim/cli sim/study sim/run; do
  if ! compgen -G "$d/*.cpp" >/dev/null; then
    echo "FAIL: no sources in $d: this test no longer looks where the commands are"
    fail=1
  fi
done
for f in "${files[@]}"; do
  if [[ -n $(hits "$f") ]]; then
    echo "FAIL: $f writes an output format itself; build report::Rows (or a JSON" \
      "document) and write it with sim/report:"
    hits "$f" | sed 's/^/  /'
    fail=1
  fi
done
((fail)) && exit 1
echo "ok: no file of sim/cli, sim/study or sim/run (${#files[@]} files) writes an output format itself"
