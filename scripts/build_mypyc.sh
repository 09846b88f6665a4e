#!/usr/bin/env bash
# Optional compiled build (issue 15): compile the pure modules listed in setup.py
# (MYPYC_MODULES) with mypyc, in place, next to their sources. Python then imports the compiled
# modules first; delete them (--clean) to go back to pure Python. Same source, same output:
# run the test suite (the snapshot test compares the agendas byte for byte) after building.
#
#   scripts/build_mypyc.sh            # build (needs mypy, which carries mypyc, and a C compiler)
#   scripts/build_mypyc.sh --clean    # remove the compiled modules: pure Python again
#
# A wheel with the compiled modules (mypy, setuptools>=68 and wheel installed):
#   PREVENTION_ENGINE_MYPYC=1 python -m build --wheel --no-isolation
set -euo pipefail
cd "$(dirname "$0")/.."
clean() {
  find prevention_engine -name '*.so' -delete
  rm -f ./*__mypyc*.so
  rm -rf build
}
if [ "${1:-}" = "--clean" ]; then
  clean
  echo "compiled modules removed: pure Python"
  exit 0
fi
clean
PREVENTION_ENGINE_MYPYC=1 python setup.py -q build_ext --inplace \
  --parallel "$(python -c 'import os; print(os.cpu_count() or 1)')"
python -c "import prevention_engine.dates as d; assert d.__file__.endswith('.so'), d.__file__; \
print('compiled:', d.__file__)"
