#!/usr/bin/env bash
# figures.sh: execute every notebook in notebooks/ headlessly and regenerate
# results/figures/*.png. One command, after the quick-start build:
#
#   scripts/figures.sh            # every notebook, in order (~25 s on 2 cores)
#   scripts/figures.sh 02 04      # only the notebooks whose names start so
#
# Notebooks run in a Jupyter kernel of Debian's /usr/bin/python3 (nbclient,
# python3-ipykernel) with PYTHONPATH=<build>/python and the Agg backend; they
# are read, executed in memory and never written back, so they stay stored
# without outputs. Exit status 1 if any cell fails (its traceback is printed).
#
# Environment:
#   IPISTORM_BUILD_DIR    the build whose python/ package to use (default: build)
#   IPISTORM_FIGURES_DIR  write the PNGs here instead of results/figures/
#   IPISTORM_LAB_DIR      where notebook 05 looks for lab runs (default: results/lab)
#   IPISTORM_CELL_TIMEOUT seconds one cell may take (default 300)
set -euo pipefail
# Paths given in the environment are relative to where the command was run.
for var in IPISTORM_BUILD_DIR IPISTORM_FIGURES_DIR IPISTORM_LAB_DIR; do
  val="${!var:-}"
  if [ -n "$val" ] && [ "${val#/}" = "$val" ]; then export "$var=$PWD/$val"; fi
done
cd "$(dirname "$0")/.."
# This script redraws the committed figures on purpose; a notebook run any
# other way writes to ./figures beside it (notebooks/nbsetup.py).
export IPISTORM_FIGURES_DIR="${IPISTORM_FIGURES_DIR:-$PWD/results/figures}"

build="${IPISTORM_BUILD_DIR:-build}"
if [ -d "$build/python/ipistorm" ]; then
  export PYTHONPATH="$(cd "$build/python" && pwd)${PYTHONPATH:+:$PYTHONPATH}"
fi
if ! /usr/bin/python3 -c "import ipistorm" 2>/dev/null; then
  echo "figures: cannot import ipistorm from $build/python; build it first:" >&2
  echo "  cmake -S . -B $build -DPython_EXECUTABLE=/usr/bin/python3 && cmake --build $build" >&2
  exit 2
fi
export MPLBACKEND=Agg
# jupyter_client pulls in debugpy, which warns about frozen modules on 3.11.
export PYDEVD_DISABLE_FILE_VALIDATION=1

# A kernelspec named python3 that is exactly /usr/bin/python3, first on
# JUPYTER_PATH, so no other python3 (pyenv, conda) can stand in for it.
kernels="$(mktemp -d)"
trap 'rm -rf "$kernels"' EXIT
mkdir -p "$kernels/kernels/python3"
cat >"$kernels/kernels/python3/kernel.json" <<'JSON'
{"argv": ["/usr/bin/python3", "-Xfrozen_modules=off", "-m", "ipykernel_launcher",
          "-f", "{connection_file}"],
 "display_name": "Python 3 (Debian, ipistorm)", "language": "python"}
JSON
export JUPYTER_PATH="$kernels${JUPYTER_PATH:+:$JUPYTER_PATH}"

/usr/bin/python3 - "$@" <<'PY'
import os
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

nbdir = Path("notebooks").resolve()
prefixes = sys.argv[1:]
books = sorted(p for p in nbdir.glob("*.ipynb")
               if not prefixes or any(p.name.startswith(x) for x in prefixes))
if not books:
    sys.exit(f"figures: no notebook in {nbdir} matches {' '.join(prefixes) or '*'}")
timeout = int(os.environ.get("IPISTORM_CELL_TIMEOUT", "300"))
failed = []
start = time.time()
for path in books:
    nb = nbformat.read(path, as_version=4)
    t0 = time.time()
    client = NotebookClient(nb, timeout=timeout, kernel_name="python3",
                            resources={"metadata": {"path": str(nbdir)}})
    try:
        client.execute()
    except CellExecutionError as e:
        failed.append(path.name)
        print(f"figures: {path.name} FAILED\n{e}", file=sys.stderr)
        continue
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            if out.get("output_type") == "stream":
                for line in out.get("text", "").splitlines():
                    if line.startswith("wrote "):
                        print("  " + line)
    print(f"{path.name}: {time.time() - t0:.1f} s", flush=True)
print(f"figures: {len(books) - len(failed)} of {len(books)} notebooks ran "
      f"in {time.time() - start:.1f} s")
# Provenance of the figures: which notebooks drew them, from which commit,
# on which machine, with which ipistorm (merged with earlier partial runs).
import datetime, json, platform, subprocess
import ipistorm
figdir = Path(os.environ.get("IPISTORM_FIGURES_DIR") or "results/figures")
figdir.mkdir(parents=True, exist_ok=True)
prov_path = figdir / "provenance.json"
prov = json.loads(prov_path.read_text()) if prov_path.exists() else {"notebooks": {}}
commit = subprocess.run(["git", "rev-parse", "HEAD"], capture_output=True, text=True).stdout.strip()
# The figures just written do not make the tree dirty; anything else does.
dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no", "--", ".",
                        ":(exclude)results/figures"],
                       capture_output=True, text=True).stdout.strip()
for path in books:
    if path.name in failed:
        continue
    prov["notebooks"][path.name] = {
        "figures": sorted(f.name for f in figdir.glob(path.name[:2] + "-*.png")),
        "git_commit": commit + ("-dirty" if dirty else ""),
        "ipistorm_version": getattr(ipistorm, "__version__", "?"),
        "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "host": f"{platform.node()} ({platform.system()} {platform.release()} {platform.machine()})",
    }
prov_path.write_text(json.dumps(prov, indent=1, sort_keys=True) + "\n")
sys.exit(1 if failed else 0)
PY
