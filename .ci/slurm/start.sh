#!/usr/bin/env bash
# Starts a one-node Slurm cluster on this machine for CI: munged, slurmctld and slurmd,
# all on this host, with the node's CPUs and memory as slurmd detects them.
#
# Run as root. Installs Debian's slurmctld, slurmd, slurm-client and munge if missing,
# writes /etc/slurm/slurm.conf (so plain sbatch/sinfo/squeue need no SLURM_CONF), starts
# the daemons in the background and waits until the node is idle. Running it again while
# the cluster is up changes nothing. No systemd and no cgroups are needed: processes are
# tracked through /proc (proctrack/linuxproc) and tasks are not confined (task/none).
#
# Environment:
#   SAHELSIM_SLURM_DIR   state, spool, pid and log files   [/var/spool/sahelsim-slurm]
#   SAHELSIM_SLURM_WAIT  seconds to wait for the node      [60]
# See docs/cluster.md, "A one-node test cluster".
set -euo pipefail

DIR=${SAHELSIM_SLURM_DIR:-/var/spool/sahelsim-slurm}
WAIT=${SAHELSIM_SLURM_WAIT:-60}
CONF=/etc/slurm/slurm.conf
MARK="# sahelsim-ci one-node cluster, written by .ci/slurm/start.sh"
CTLD_LOG=$DIR/log/slurmctld.log
SLURMD_LOG=$DIR/log/slurmd.log
MUNGE_LOG=/var/log/munge/munged.log

say() { echo "slurm-ci: $*"; }
die() { echo "slurm-ci: error: $*" >&2; exit 1; }
alive() { [[ -s $1 ]] && kill -0 "$(cat "$1")" 2>/dev/null; }

show_logs() {
    local f
    for f in "$MUNGE_LOG" "$CTLD_LOG" "$SLURMD_LOG"; do
        echo "----- last lines of $f" >&2
        tail -n 40 "$f" >&2 2>/dev/null || echo "(no such file)" >&2
    done
    sinfo -N -l >&2 2>/dev/null || true
}

[[ $(id -u) -eq 0 ]] || die "run as root (it installs packages and writes /etc/slurm)"

# --- packages -------------------------------------------------------------------------
pkgs=(slurmctld slurmd slurm-client munge)
if ! command -v slurmctld >/dev/null || ! command -v slurmd >/dev/null \
    || ! command -v sbatch >/dev/null || ! command -v munged >/dev/null; then
    say "installing ${pkgs[*]}"
    t0=$SECONDS
    export DEBIAN_FRONTEND=noninteractive
    apt_install() { apt-get install -y --no-install-recommends -o Dpkg::Use-Pty=0 "${pkgs[@]}"; }
    if ! apt_install; then
        say "install failed; running apt-get update and trying again"
        apt-get update
        apt_install
    fi
    say "packages installed in $((SECONDS - t0)) s"
fi
say "$(slurmd -V)"

# --- munge ----------------------------------------------------------------------------
# The package's postinst writes a key; write one if it is missing all the same.
install -d -o munge -g munge -m 0700 /etc/munge /var/lib/munge /var/log/munge
install -d -o munge -g munge -m 0755 /run/munge
if [[ ! -s /etc/munge/munge.key ]]; then
    say "writing /etc/munge/munge.key"
    if command -v mungekey >/dev/null; then
        mungekey --create --keyfile=/etc/munge/munge.key --force
    else
        dd if=/dev/urandom of=/etc/munge/munge.key bs=1 count=1024 status=none
    fi
fi
chown munge:munge /etc/munge/munge.key
chmod 0400 /etc/munge/munge.key

if ! munge -n 2>/dev/null | unmunge >/dev/null 2>&1; then
    say "starting munged (log: $MUNGE_LOG)"
    rm -f /run/munge/munged.pid
    # As the munge user, as the init scripts do; as root (--force) only if that fails.
    runuser -u munge -- /usr/sbin/munged || /usr/sbin/munged --force
    for _ in $(seq 50); do
        munge -n 2>/dev/null | unmunge >/dev/null 2>&1 && break
        sleep 0.2
    done
    munge -n | unmunge >/dev/null || { show_logs; die "munge does not work"; }
fi

# --- host name ------------------------------------------------------------------------
HOST=$(hostname -s)
if ! getent hosts "$HOST" >/dev/null; then
    say "adding $HOST to /etc/hosts"
    echo "127.0.0.1 $HOST" >>/etc/hosts
fi

# --- slurm.conf -----------------------------------------------------------------------
install -d -m 0755 "$DIR" "$DIR/state" "$DIR/spool" "$DIR/log" "$DIR/run"

# "NodeName=vm CPUs=2 Boards=1 SocketsPerBoard=1 CoresPerSocket=2 ThreadsPerCore=1
# RealMemory=24105": the node as slurmd sees it, so that it registers without a mismatch.
NODE=$(slurmd -C | head -n 1)
[[ $NODE == NodeName=* ]] || die "slurmd -C printed no node line: $NODE"
NODE="NodeName=$HOST ${NODE#* }"

new=$(mktemp)
trap 'rm -f "$new"' EXIT
cat >"$new" <<EOF
$MARK
ClusterName=sahelsim-ci
SlurmctldHost=$HOST
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
MpiDefault=none
MailProg=/bin/true
# No cgroups: track job processes through /proc and do not confine tasks.
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
# Allocate single CPUs, so that array tasks share the node.
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
ReturnToService=2
SlurmctldTimeout=30
SlurmdTimeout=60
InactiveLimit=0
KillWait=10
MinJobAge=300
StateSaveLocation=$DIR/state
SlurmdSpoolDir=$DIR/spool
SlurmctldPidFile=$DIR/run/slurmctld.pid
SlurmdPidFile=$DIR/run/slurmd.pid
SlurmctldLogFile=$CTLD_LOG
SlurmdLogFile=$SLURMD_LOG
SlurmctldDebug=info
SlurmdDebug=info
$NODE State=UNKNOWN
PartitionName=ci Nodes=$HOST Default=YES MaxTime=INFINITE State=UP
EOF

restart=0
if [[ -e $CONF ]] && ! cmp -s "$new" "$CONF"; then
    if ! head -n 1 "$CONF" | grep -qxF "$MARK"; then
        die "$CONF exists and was not written by this script; move it away first"
    fi
    say "slurm.conf changed; restarting the daemons"
    restart=1
fi
install -d -m 0755 /etc/slurm
install -m 0644 "$new" "$CONF"
say "config: $CONF"
say "logs: $CTLD_LOG $SLURMD_LOG $MUNGE_LOG"

if ((restart)); then
    "$(dirname "$0")/stop.sh" --keep-munge || true
fi

# --- daemons --------------------------------------------------------------------------
# Without -D both daemons fork into the background and write their pid files.
t0=$SECONDS
if ! alive "$DIR/run/slurmctld.pid"; then
    say "starting slurmctld"
    slurmctld || { show_logs; die "slurmctld did not start"; }
fi
for _ in $(seq "$WAIT"); do
    scontrol ping 2>/dev/null | grep -q UP && break
    sleep 1
done
if ! alive "$DIR/run/slurmd.pid"; then
    say "starting slurmd"
    slurmd || { show_logs; die "slurmd did not start"; }
fi

state=""
resumed=0
while ((SECONDS - t0 < WAIT)); do
    state=$(sinfo -h -N -n "$HOST" -o %T 2>/dev/null | head -n 1 || true)
    case $state in
    idle | mixed | allocated | completing) break ;;
    down* | drain* | fail*)
        if ((!resumed)); then
            say "node is $state; resuming it"
            scontrol update nodename="$HOST" state=resume || true
            resumed=1
        fi
        ;;
    esac
    sleep 1
done
case $state in
idle | mixed | allocated | completing) ;;
*)
    show_logs
    die "node $HOST is '${state:-unknown}' after ${WAIT} s"
    ;;
esac
say "node $HOST is $state after $((SECONDS - t0)) s"
sinfo
