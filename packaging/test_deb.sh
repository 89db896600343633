#!/usr/bin/env bash
# test_deb.sh BUILD_DIR: build the ipistorm .deb from a finished build (cpack),
# check its control fields (Debian packages only; the Python the extension was
# built for; python3-openturns recommended; a real maintainer; a copyright
# file), then install it as a user would, with `apt-get install ./ipistorm_*.deb`,
# and run from /usr/bin what a lab engineer runs: ipistorm reproduce,
# ipistorm sensitivity --help, man ipistorm (and a subcommand's page),
# ipistorm-bench --benchmark_list_tests, lab-run --help, the Python package
# under /usr/bin/python3. The package is removed again at the end, and a lock
# keeps two runs of this test from installing at once. Installing needs root:
# without it the test says so and fails. Half a minute or so.
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

fields() { dpkg-deb -f "$deb" "$1"; }
/usr/bin/python3 - "$depends" <<'PY' || fail "Depends does not pin the Python the extension needs"
import glob, re, sys
deps = sys.argv[1]
m = re.search(r"python3 \(>= (\d+)\.(\d+)\)", deps)
n = re.search(r"python3 \(<< (\d+)\.(\d+)\)", deps)
assert m and n, deps
assert (int(n.group(1)), int(n.group(2))) == (int(m.group(1)), int(m.group(2)) + 1), deps
print("Depends pins python3 %s.%s" % m.groups())
PY
[[ "$(fields Recommends)" == *python3-openturns* ]] || fail "Recommends lacks python3-openturns"
maintainer=$(fields Maintainer)
[[ "$maintainer" == *@* && "$maintainer" != *localhost* ]] || fail "Maintainer '$maintainer'"
dpkg-deb -c "$deb" >"$tmp/contents.txt"
grep -q "\./usr/share/doc/ipistorm/copyright$" "$tmp/contents.txt" || fail "no copyright file"
grep -q "\./usr/share/doc/ipistorm/docs/model.md$" "$tmp/contents.txt" || fail "docs/ not installed"
ext=$(grep -o "_ipistorm\.cpython-[0-9]*-[^ ]*\.so" "$tmp/contents.txt" | head -1)
[ -n "$ext" ] || fail "no Python extension in the package"
pyver=$(sed -E 's/_ipistorm\.cpython-([0-9])([0-9]+)-.*/\1.\2/' <<<"$ext")
[[ "$depends" == *"python3 (>= $pyver)"* ]] || fail "the extension is for Python $pyver, Depends says: $depends"

[ "$(id -u)" = 0 ] || fail "installing with apt-get needs root"
command -v apt-get >/dev/null || fail "no apt-get"
exec 9>/tmp/ipistorm-package-test.lock
flock -w 600 9 || fail "another package test holds /tmp/ipistorm-package-test.lock"  # a hang guard
if dpkg-query -W -f='${Status}' ipistorm 2>/dev/null | grep -q "install ok installed"; then
  fail "an ipistorm package is installed already; this test installs and removes its own"
fi
cp "$deb" "$tmp/pkg/ipistorm.deb"
remove() { apt-get remove -y -q ipistorm >"$tmp/remove.log" 2>&1 || cat "$tmp/remove.log" >&2; }
trap 'remove; rm -rf "$tmp"' EXIT
# Offline: every dependency is installed already (the build needed them).
if ! apt-get install -y -q --no-install-recommends -o DPkg::Lock::Timeout=300 \
    "$tmp/pkg/ipistorm.deb" >"$tmp/apt.log" 2>&1; then
  cat "$tmp/apt.log" >&2
  fail "apt-get install ./$(basename "$deb") failed"
fi
for f in /usr/bin/ipistorm /usr/bin/ipistorm-bench /usr/bin/lab-run; do
  [ -x "$f" ] || fail "$f missing or not executable"
  [ "$(dpkg -S "$f" 2>/dev/null | cut -d: -f1)" = ipistorm ] || fail "$f is not the package's"
done
# Nothing may come from the build tree or the sources.
cd "$tmp"
export PATH=/usr/bin:/bin

set +e
ipistorm reproduce -j 2 >"$tmp/reproduce.txt" 2>&1
rc=$?
set -e
# 0: it ran (a figure outside its tolerance is in the table; only --check exits 1).
[ "$rc" = 0 ] || { cat "$tmp/reproduce.txt" >&2; fail "ipistorm reproduce exit $rc"; }
grep -q "^scenario " "$tmp/reproduce.txt" || fail "ipistorm reproduce printed no table"
grep -Eq "within tolerance|OUT OF TOLERANCE" "$tmp/reproduce.txt" || fail "reproduce has no verdict"

ipistorm sensitivity --help >"$tmp/sens.txt" 2>&1 || { cat "$tmp/sens.txt" >&2; fail "ipistorm sensitivity --help"; }
grep -qi "sobol" "$tmp/sens.txt" || fail "ipistorm sensitivity --help says nothing of Sobol' indices"

ipistorm-bench --benchmark_list_tests >"$tmp/list.txt" 2>&1 || { cat "$tmp/list.txt" >&2; fail "ipistorm-bench"; }
grep -q "^strategy/mlock-per-call/" "$tmp/list.txt" || fail "ipistorm-bench lists no strategy benchmark"
lab-run --help >"$tmp/lab-run.txt" || fail "lab-run --help"
grep -q -- "--quick" "$tmp/lab-run.txt" || fail "lab-run --help lists no --quick"
grep -q "bench/lab-run" "$tmp/lab-run.txt" && fail "installed lab-run calls itself bench/lab-run"
grep -q "^usage: lab-run " "$tmp/lab-run.txt" || fail "installed lab-run does not call itself lab-run"

/usr/bin/python3 - <<'PY' || fail "the installed Python package"
import ipistorm
assert ipistorm.__file__.startswith("/usr/lib/python3/dist-packages/"), ipistorm.__file__
r = ipistorm.simulate(boot_firmware_polls=0, boot_firmware_sectors=0, boot_init_polls=0,
                      boot_init_cpu_s=0.01, boot_probe_polls=100, dom0_vcpus=2)
assert r.metrics["boot_time_s"] > 0
print("python ok:", ipistorm.__version__)
PY

for m in ipistorm ipistorm-simulate ipistorm-bench lab-run; do
  MANWIDTH=80 man "$m" >"$tmp/man.txt" 2>"$tmp/man.err" || { cat "$tmp/man.err" >&2; fail "man $m"; }
  grep -q "^EXIT STATUS" "$tmp/man.txt" || fail "man $m has no EXIT STATUS section"
done
echo "package_deb: ok ($(basename "$deb"), $(du -k "$deb" | cut -f1) KiB, installed with apt-get, removed)"
