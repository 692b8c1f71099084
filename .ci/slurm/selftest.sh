#!/usr/bin/env bash
# Checks the cluster that .ci/slurm/start.sh started: submits a three-task array job with
# `sbatch --wait` and checks that every task wrote its array index and CPU count.
# Task 0 also records its working directory, PATH and environment (env.txt) for the log.
set -euo pipefail

DIR=${SAHELSIM_SLURM_DIR:-/var/spool/sahelsim-slurm}
WORK=$(mktemp -d /tmp/slurm-selftest.XXXXXX)
say() { echo "slurm-selftest: $*"; }

fail() {
    echo "slurm-selftest: FAILED: $*" >&2
    ls -l "$WORK" >&2 || true
    for f in "$WORK"/*.out; do
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

cat >"$WORK/job.sh" <<'JOB'
#!/bin/bash
set -eu
out=$SELFTEST_DIR/task-$SLURM_ARRAY_TASK_ID.txt
echo "$SLURM_ARRAY_TASK_ID $SLURM_CPUS_PER_TASK $SLURM_ARRAY_JOB_ID $(hostname -s)" >"$out.tmp"
mv "$out.tmp" "$out"
if [ "$SLURM_ARRAY_TASK_ID" = 0 ]; then
    { echo "pwd=$(pwd)"; echo "id=$(id)"; env | sort; } >"$SELFTEST_DIR/env.txt"
fi
sleep 2
JOB

say "submitting a 3-task array job from $WORK"
t0=$SECONDS
cd "$WORK"
export SELFTEST_DIR=$WORK
timeout 180 sbatch --wait --array=0-2 --cpus-per-task=1 --job-name=selftest \
    --output="$WORK/slurm-%A_%a.out" "$WORK/job.sh" || fail "sbatch --wait returned $?"
say "array job finished in $((SECONDS - t0)) s"

for i in 0 1 2; do
    f=$WORK/task-$i.txt
    [[ -s $f ]] || fail "$f is missing"
    read -r id cpus _ <"$f"
    [[ $id == "$i" && $cpus == 1 ]] || fail "$f holds '$(cat "$f")', expected '$i 1 ...'"
    say "task $i: $(cat "$f")"
done
say "ok ($WORK)"
