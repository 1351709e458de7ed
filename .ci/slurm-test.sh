#!/usr/bin/env bash
# Issue 8's real test: a single-node Slurm cluster on localhost (Debian's slurmctld, slurmd,
# slurm-client and munge; the recipe of ../shared/notes/slurm-single-node.md), a 4-task array
# run of `pith slurm --submit --wait` over a generated sample with duplicates spread across
# tasks, and a check that the merged parts equal a single-machine run of the same pipeline.
# Needs root (it installs packages and starts daemons) and target/release/pith.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
pith=$root/target/release/pith
test -x "$pith" || { echo "build target/release/pith first"; exit 1; }

if ! command -v slurmctld >/dev/null || ! command -v munged >/dev/null; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    slurmctld slurmd slurm-client munge >/dev/null
fi

S=$(mktemp -d /tmp/pith-slurm.XXXXXX)
mkdir -p "$S/state" "$S/spool" "$S/log"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap cleanup EXIT

mkdir -p /run/munge /var/log/munge /var/lib/munge
chown munge:munge /run/munge /var/log/munge /var/lib/munge
if [ ! -f /etc/munge/munge.key ]; then
  /usr/sbin/mungekey -c 2>/dev/null || dd if=/dev/urandom of=/etc/munge/munge.key bs=1 count=1024 2>/dev/null
  chown munge:munge /etc/munge/munge.key
  chmod 400 /etc/munge/munge.key
fi
if ! munge -n 2>/dev/null | unmunge >/dev/null 2>&1; then
  runuser -u munge -- /usr/sbin/munged --foreground >"$S/munged.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 50); do munge -n 2>/dev/null | unmunge >/dev/null 2>&1 && break; sleep 0.2; done
fi
H=$(hostname -s)
cat > /etc/slurm/slurm.conf <<CONF
ClusterName=pithci
SlurmctldHost=$H(127.0.0.1)
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
MpiDefault=none
SchedulerType=sched/backfill
# Dependencies are resolved by the backfill pass: every second, not every 30 s, on a test cluster.
SchedulerParameters=bf_interval=1
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
StateSaveLocation=$S/state
SlurmdSpoolDir=$S/spool
SlurmctldPidFile=$S/slurmctld.pid
SlurmdPidFile=$S/slurmd.pid
SlurmctldLogFile=$S/log/slurmctld.log
SlurmdLogFile=$S/log/slurmd.log
NodeName=$H NodeAddr=127.0.0.1 CPUs=2 RealMemory=4000 State=UNKNOWN
PartitionName=debug Nodes=$H Default=YES MaxTime=INFINITE State=UP
CONF
/usr/sbin/slurmctld -D -c >"$S/slurmctld.out" 2>&1 &
pids+=($!)
sleep 2
/usr/sbin/slurmd -D >"$S/slurmd.out" 2>&1 &
pids+=($!)
for i in $(seq 60); do
  sinfo -h -o %T 2>/dev/null | grep -q idle && break
  [ "$i" = 60 ] && { echo "slurm node never became idle"; tail -20 "$S"/log/*.log; exit 1; }
  sleep 1
done
echo "slurm is up: $(sinfo -h -o '%N %T %c CPUs')"

W=$(mktemp -d /tmp/pith-shardtest.XXXXXX)
python3 "$root/tests/slurm/gen_sample.py" "$W/data" 4000
cat > "$W/pipeline.toml" <<'TOML'
[input]
paths = ["data"]
[run]
split_bytes = 262144   # the 5 MB JSONL and the WARC spread over byte ranges
[[stage]]
kind = "clean"
min_chars = 100
[[stage]]
kind = "dedupe"
[[stage]]
kind = "segment"
[[stage]]
kind = "export"
path = "out/corpus.jsonl"
TOML
cd "$W"
t0=$(date +%s.%N)
"$pith" run -c pipeline.toml -o single/corpus.jsonl --quiet --threads 1
t1=$(date +%s.%N)
"$pith" slurm -c pipeline.toml --tasks 4 --submit --wait
t2=$(date +%s.%N)
python3 "$root/tests/slurm/compare.py" single/corpus.jsonl 'out/corpus.part-*-of-00004.jsonl'
# Every document of every task is written or dropped with a reason.
python3 - <<'PY'
import glob, json
sign = [json.load(open(p)) for p in glob.glob("out/.pith-shards/sign/*.report.json")]
write = [json.load(open(p)) for p in glob.glob("out/corpus.part-*.report.json")]
read = sum(r["documents"]["read"] for r in sign)
sign_dropped = sum(r["documents"]["dropped"] for r in sign)
sign_rejected = sum(sum(r["rejected"].values()) for r in sign)
passed = sum(r["documents"]["read"] for r in write)
written = sum(r["documents"]["written"] for r in write)
dropped = sum(r["documents"]["dropped"] for r in write)
print(f"sign: {read} read, {sign_dropped} dropped, {sign_rejected} rejected; "
      f"write: {passed} in, {written} written, {dropped} dropped")
assert read == passed + sign_dropped + sign_rejected, "documents lost between passes"
assert passed == written + dropped, "documents lost in the write pass"
cluster = json.load(open("out/.pith-shards/cluster/report.json"))
busy = [r["elapsed_seconds"] for r in sign + write]
print(f"task time: sign {sum(r['elapsed_seconds'] for r in sign):.1f} s over 4 tasks, "
      f"cluster {cluster['elapsed_seconds']:.1f} s, write {sum(r['elapsed_seconds'] for r in write):.1f} s "
      f"(longest task {max(busy):.1f} s)")
PY
python3 -c "import sys; a, b, c = map(float, sys.argv[1:]); print(f'single machine, 1 thread: {b - a:.1f} s; Slurm 4-task array (3 chained jobs on 2 CPUs): {c - b:.1f} s')" "$t0" "$t1" "$t2"
cd "$root"
rm -rf "$W"
