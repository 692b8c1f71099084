#!/usr/bin/env bash
# Stops the one-node cluster that .ci/slurm/start.sh started: slurmd, slurmctld and
# munged (unless --keep-munge). Best effort: never fails because a daemon is not running.
# State, spool and logs stay in $SAHELSIM_SLURM_DIR for a look afterwards.
set -uo pipefail

DIR=${SAHELSIM_SLURM_DIR:-/var/spool/sahelsim-slurm}
keep_munge=0
[[ ${1:-} == --keep-munge ]] && keep_munge=1

# Sends TERM to the process in a pid file and waits up to 15 s for it to end, then KILL.
stop_pidfile() {
    local name=$1 file=$2 pid
    [[ -s $file ]] || return 0
    pid=$(cat "$file")
    if kill -0 "$pid" 2>/dev/null; then
        echo "slurm-ci: stopping $name ($pid)"
        kill -TERM "$pid" 2>/dev/null
        for _ in $(seq 75); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.2
        done
        if kill -0 "$pid" 2>/dev/null; then
            echo "slurm-ci: $name did not stop; killing it"
            kill -KILL "$pid" 2>/dev/null
        fi
    fi
    rm -f "$file"
}

stop_pidfile slurmd "$DIR/run/slurmd.pid"
stop_pidfile slurmctld "$DIR/run/slurmctld.pid"
if ((!keep_munge)); then
    stop_pidfile munged /run/munge/munged.pid
fi
exit 0
