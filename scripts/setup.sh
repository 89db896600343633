#!/usr/bin/env bash
# setup.sh: install every Debian package ipistorm needs (build, tests, bench,
# Python module, notebooks). Skips what is already installed; uses sudo when
# not root. Debian 12 only: every Python dependency is a python3-* package.
set -euo pipefail

PACKAGES=(
  # build
  build-essential cmake pkg-config git clang-format
  # fuzz harnesses (libFuzzer) and the ThreadSanitizer build: clang and its runtimes
  clang-14 libclang-rt-14-dev
  # man pages (help2man; man-db renders them in the tests) and the .deb (cpack;
  # dpkg-shlibdeps is in dpkg-dev)
  help2man man-db dpkg-dev
  # simulator
  libhwloc-dev hwloc-nox nlohmann-json3-dev libcli11-dev
  # uncertainty: Sobol' designs (Boost.Random) and Sobol' indices (OpenTURNS)
  libboost-dev python3-openturns
  # tests and benchmarks
  libgtest-dev libgmock-dev libbenchmark-dev libnuma-dev numactl util-linux procps
  # the virtual lab (bench/vlab): a real Debian kernel under QEMU/TCG, a
  # static busybox initramfs and probe (gcc -static: libc6-dev); the kernel
  # image itself is fetched by bench/vlab/vlab with apt-get download; the
  # fadvise triggers' ext4 disk (mkfs.ext4 -d) and 6.12's .ko.xz modules
  qemu-system-x86 busybox-static cpio libc6-dev e2fsprogs xz-utils
  # python module, notebooks, dask
  pybind11-dev python3-pybind11 python3-dev python3-numpy python3-pandas
  python3-matplotlib python3-pytest jupyter-nbconvert python3-nbclient
  python3-ipykernel python3-distributed
)

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "setup: all ${#PACKAGES[@]} packages already installed"
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "setup: not root and no sudo; install: ${missing[*]}" >&2; exit 1; }
  SUDO="sudo"
fi
echo "setup: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
