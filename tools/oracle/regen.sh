#!/usr/bin/env bash
# Regenerate the oracle scenario traces and their golden results from a real Linux 6.12 kernel.
# Needs the oracle kernel built once per machine by the shared build script:
#   ORACLE=/work/oracle-build/oracle bash /work/shared/oracle/build_kernel.sh
# Usage: tools/oracle/regen.sh [--traces-only]
#   ORACLE      kernel build dir (default /work/oracle-build/oracle)
#   ORACLE_SRC  the shared oracle scripts, for to_ops.py (default /work/shared/oracle)
#   ORACLE_LOG  raw QEMU console log, kept out of git (default $ORACLE/golden-6.12.log)
set -euo pipefail
cd "$(dirname "$0")/../.."
export ORACLE=${ORACLE:-/work/oracle-build/oracle}
dir=migrate-cli/src/test/resources/oracle
python3 tools/oracle/gen_scenarios.py "$dir"
python3 tools/oracle/gen_random.py "$dir"
[ "${1:-}" = --traces-only ] && exit 0
traces=$(ls "$dir"/*.json | grep -v '/golden-')
python3 tools/oracle/run.py --log "${ORACLE_LOG:-$ORACLE/golden-6.12.log}" -o "$dir/golden-6.12.json" $traces
python3 tools/oracle/summarize.py "$dir/golden-6.12.json" "$dir" --check
echo "golden results in $dir/golden-6.12.json"
