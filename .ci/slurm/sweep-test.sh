#!/usr/bin/env bash
# Runs a small sweep on the one-node Slurm cluster that .ci/slurm/start.sh started, as an
# analyst would on a real cluster: `sahelsim sweep slurm` writes the job array, `sbatch --wait`
# runs its shards, the merge job joins them. Then runs the same sweep locally and checks that
# the cluster's results are byte-identical to it.
# Usage: .ci/slurm/sweep-test.sh PATH/TO/sahelsim [SPEC]
set -euo pipefail

BIN=$(realpath "$1")
SPEC=$(realpath "${2:-tests/fixtures/sweep_grid.ron}")
DIR=${SAHELSIM_SLURM_DIR:-/var/spool/sahelsim-slurm}
WORK=$(mktemp -d /tmp/sahelsim-sweep-slurm.XXXXXX)
say() { echo "slurm-sweep-test: $*"; }

fail() {
    echo "slurm-sweep-test: FAILED: $*" >&2
    for f in "$WORK"/cluster/slurm/logs/*; do
        [[ -e $f ]] && { echo "----- $f" >&2; cat "$f" >&2; }
    done
    squeue >&2 || true
    sinfo -N -l >&2 || true
    for f in "$DIR/log/slurmctld.log" "$DIR/log/slurmd.log"; do
        echo "----- last lines of $f" >&2
        tail -n 40 "$f" >&2 || true
    done
    exit 1
}

say "writing the job array for $SPEC (3 shards, 1 CPU each)"
"$BIN" sweep slurm "$SPEC" --shards 3 --cpus-per-task 1 --time 00:20:00 --out "$WORK/cluster" \
    || fail "sweep slurm"
cd "$WORK"
t0=$SECONDS
timeout 900 sbatch --wait "$WORK/cluster/slurm/array.sbatch" || fail "the array job failed"
say "array job done in $((SECONDS - t0)) s"
timeout 300 sbatch --wait "$WORK/cluster/slurm/merge.sbatch" || fail "the merge job failed"
say "merge job done in $((SECONDS - t0)) s"

"$BIN" sweep "$SPEC" --out "$WORK/local" --plots svg >/dev/null || fail "the local sweep"
for f in results.csv points.csv sensitivity.csv sweep.json; do
    cmp "$WORK/cluster/$f" "$WORK/local/$f" || fail "$f from the cluster differs from the local run"
done
say "the cluster's results equal the local run's ($(($(wc -l <"$WORK/local/results.csv") - 1)) runs)"
rm -rf "$WORK"
