#!/usr/bin/env bash
# test_deb.sh BUILD_DIR: build the ipistorm .deb from a finished build (cpack),
# check that it depends on Debian packages only, unpack it into a temporary
# root with dpkg -x, and run what a lab engineer runs from there: ipistorm
# reproduce, ipistorm-bench --benchmark_list_tests, lab-run --help, the Python
# package under /usr/bin/python3, and the man pages. A few seconds.
set -euo pipefail
build=$(cd "$1" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "package_deb: FAIL: $*" >&2; exit 1; }

if ! (cd "$tmp" && cpack -G DEB --config "$build/CPackConfig.cmake" -B "$tmp/pkg") \
    >"$tmp/cpack.log" 2>&1; then
  cat "$tmp/cpack.log" >&2
  fail "cpack -G DEB failed"
fi
debs=("$tmp"/pkg/ipistorm_*.deb)
[ ${#debs[@]} = 1 ] && [ -f "${debs[0]}" ] || fail "expected one ipistorm_*.deb, got: ${debs[*]}"
deb=${debs[0]}
[ "$(dpkg-deb -f "$deb" Package)" = ipistorm ] || fail "package name is not ipistorm"

# Depends: only packages this Debian system knows and has installed (the
# build used them), the runtime libraries among them; no -dev package.
depends=$(dpkg-deb -f "$deb" Depends)
echo "Depends: $depends"
IFS=',' read -ra deps <<<"$depends"
for d in "${deps[@]}"; do
  for alt in ${d//|/ }; do
    case "$alt" in \(*|*\)|'>='|'<<'|'>>'|'<='|'='|[0-9]*) continue ;; esac
    name=${alt%%:*}
    [[ "$name" == *-dev ]] && fail "depends on a development package: $name"
    dpkg-query -W -f='${Status}' "$name" 2>/dev/null | grep -q "install ok installed" ||
      fail "dependency '$name' is not an installed Debian package"
  done
done
for need in libhwloc libnuma libbenchmark python3-numpy python3-pandas; do
  [[ "$depends" == *"$need"* ]] || fail "Depends lacks $need"
done

root="$tmp/root"
dpkg -x "$deb" "$root"
for f in usr/bin/ipistorm usr/bin/ipistorm-bench usr/bin/lab-run; do
  [ -x "$root/$f" ] || fail "$f missing or not executable"
done
export PATH="$root/usr/bin:$PATH"
# Nothing may come from the build tree or the sources.
cd "$tmp"

set +e
ipistorm reproduce -j 2 >"$tmp/reproduce.txt" 2>&1
rc=$?
set -e
# 0: it ran (a figure outside its tolerance is in the table; only --check exits 1).
[ "$rc" = 0 ] || { cat "$tmp/reproduce.txt" >&2; fail "ipistorm reproduce exit $rc"; }
grep -q "^scenario " "$tmp/reproduce.txt" || fail "ipistorm reproduce printed no table"
grep -Eq "within tolerance|OUT OF TOLERANCE" "$tmp/reproduce.txt" || fail "reproduce has no verdict"

ipistorm-bench --benchmark_list_tests >"$tmp/list.txt" 2>&1 || { cat "$tmp/list.txt" >&2; fail "ipistorm-bench"; }
grep -q "^strategy/mlock-per-call/" "$tmp/list.txt" || fail "ipistorm-bench lists no strategy benchmark"
lab-run --help | grep -q -- "--quick" || fail "lab-run --help"

site="$root/usr/lib/python3/dist-packages"
PYTHONPATH="$site" /usr/bin/python3 - "$site" <<'PY' || fail "the installed Python package"
import sys
import ipistorm
assert ipistorm.__file__.startswith(sys.argv[1]), ipistorm.__file__
r = ipistorm.simulate(boot_firmware_polls=0, boot_firmware_sectors=0, boot_init_polls=0,
                      boot_init_cpu_s=0.01, boot_probe_polls=100, dom0_vcpus=2)
assert r.metrics["boot_time_s"] > 0
print("python ok:", ipistorm.__version__)
PY

for m in ipistorm ipistorm-bench lab-run; do
  page="$root/usr/share/man/man1/$m.1.gz"
  [ -f "$page" ] || fail "man page $m.1.gz missing"
  zcat "$page" | grep -q "^\.SH" || fail "man page $m.1.gz has no sections"
done
zcat "$root/usr/share/man/man1/ipistorm.1.gz" | grep -q '^\.SS simulate' ||
  fail "ipistorm.1 lacks the simulate subcommand"
echo "package_deb: ok ($(basename "$deb"), $(du -k "$deb" | cut -f1) KiB)"
