#!/usr/bin/env bash
# End to end on a real Slurm, on this one machine: examples/slurm/score-array.sbatch scores 60 RM-Bench records with
# stories260K as a 3-task job array plus a dependent merge; one task is cancelled mid-run with scancel and requeued,
# and must resume its shard; the merged run must equal a one-process run (scores identical, summary equal but for
# timing and the merge's own note).
#
#   scripts/slurm-e2e.sh            (after npm run build; as root: installs slurm-wlm and munge where missing)
#
# Everything it starts (munged, slurmctld, slurmd, the jobs) listens on or talks to 127.0.0.1 only through its own
# ports and socket, lives in one temporary folder, and is stopped on any exit. Exit 0 when it passed or was skipped
# (not root, or no apt to install Slurm: it says so); SLURM_E2E_REQUIRED=1 turns a skip into a failure.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
SHARED=${ENDORM_SHARED:-$ROOT/../shared}
LIMIT_S=${SLURM_E2E_TIMEOUT:-900}
started_at=$(date +%s)

skip() {
  echo "slurm-e2e: SKIPPED: $*"
  [ "${SLURM_E2E_REQUIRED:-0}" = 1 ] && exit 1
  exit 0
}
fail() {
  echo "slurm-e2e: FAILED: $*" >&2
  for f in "$WORK"/out/logs/*.out "$WORK"/slurmctld.log "$WORK"/slurmd.log; do
    [ -f "$f" ] && { echo "----- $f (last 30 lines)" >&2; tail -n 30 "$f" >&2; }
  done
  exit 1
}

[ -f dist/cli.js ] || { echo "slurm-e2e: run npm run build first" >&2; exit 1; }
[ -d "$SHARED/models/stories260K" ] && [ -d "$SHARED/datasets/rm-bench" ] || skip "no stories260K model or RM-Bench files in $SHARED"
if ! command -v slurmctld >/dev/null || ! command -v munged >/dev/null; then
  [ "$(id -u)" = 0 ] || skip "Slurm is not installed and installing it needs root"
  command -v apt-get >/dev/null || skip "Slurm is not installed and there is no apt-get to install it"
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq slurm-wlm munge >/dev/null) || skip "apt-get could not install slurm-wlm munge"
fi
# slurmd runs jobs as their submitter and needs root to do so.
[ "$(id -u)" = 0 ] || skip "slurmd must run as root"

WORK=$(mktemp -d /tmp/endorm-slurm-e2e.XXXXXX)
chmod 755 "$WORK"
NODE=$(hostname -s)
PIDS=()
export SLURM_CONF=$WORK/slurm.conf

stop_all() {
  local code=$?
  set +e
  if [ -n "${JOBS:-}" ]; then
    scancel $JOBS 2>/dev/null
    # The jobs' step daemons are not children of slurmd: wait for them to end, then end any left, by their pids.
    for _ in $(seq 1 30); do [ -z "$(squeue -h -o %i 2>/dev/null)" ] && break; sleep 1; done
    for job in $JOBS; do
      for pid in $(pgrep -f "^slurmstepd: \[${job}[._]" 2>/dev/null); do kill -KILL "$pid" 2>/dev/null; done
    done
  fi
  for ((i = ${#PIDS[@]} - 1; i >= 0; i--)); do kill -TERM "${PIDS[i]}" 2>/dev/null; done
  for pid in "${PIDS[@]}"; do
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null
  done
  [ "$code" = 0 ] && [ "${SLURM_E2E_KEEP:-0}" != 1 ] && rm -rf "$WORK"
  exit "$code"
}
trap stop_all EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# munge: its own key, socket and files in $WORK (never the system's /run/munge).
mkdir -p "$WORK/munge" "$WORK/state" "$WORK/spool" "$WORK/out/logs"
dd if=/dev/urandom of="$WORK/munge/munge.key" bs=1024 count=1 status=none
chmod 700 "$WORK/munge" && chmod 400 "$WORK/munge/munge.key"
munged --foreground --force --socket="$WORK/munge/munge.socket" --key-file="$WORK/munge/munge.key" \
  --pid-file="$WORK/munge/munged.pid" --log-file="$WORK/munge/munged.log" --seed-file="$WORK/munge/munged.seed" \
  >>"$WORK/munge/munged.out" 2>&1 &
PIDS+=($!)
for _ in $(seq 1 50); do [ -S "$WORK/munge/munge.socket" ] && break; sleep 0.1; done
[ -S "$WORK/munge/munge.socket" ] || fail "munged did not start"

PORT=${SLURM_E2E_PORT:-16817}
cat >"$SLURM_CONF" <<CONF
ClusterName=endorm-e2e
SlurmctldHost=$NODE(127.0.0.1)
SlurmctldPort=$PORT
SlurmdPort=$((PORT + 1))
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$WORK/munge/munge.socket
SlurmUser=root
SlurmdUser=root
StateSaveLocation=$WORK/state
SlurmdSpoolDir=$WORK/spool
SlurmctldPidFile=$WORK/slurmctld.pid
SlurmdPidFile=$WORK/slurmd.pid
SlurmctldLogFile=$WORK/slurmctld.log
SlurmdLogFile=$WORK/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
MpiDefault=none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
ReturnToService=2
JobCompType=jobcomp/none
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
MinJobAge=600
KillWait=10
NodeName=$NODE NodeAddr=127.0.0.1 CPUs=2 State=UNKNOWN
PartitionName=e2e Nodes=$NODE Default=YES MaxTime=INFINITE State=UP
CONF
slurmctld -D -i -f "$SLURM_CONF" >>"$WORK/slurmctld.out" 2>&1 &
PIDS+=($!)
slurmd -D -N "$NODE" -f "$SLURM_CONF" >>"$WORK/slurmd.out" 2>&1 &
PIDS+=($!)
for _ in $(seq 1 60); do sinfo -h -o %T 2>/dev/null | grep -qx idle && break; sleep 1; done
sinfo -h -o %T | grep -qx idle || fail "the node did not come up idle: $(sinfo -h -o '%T %E' 2>&1)"
echo "slurm-e2e: munged, slurmctld and slurmd up on $NODE (127.0.0.1:$PORT) after $(($(date +%s) - started_at)) s"

# The example array, as a user submits it; ENDORM_DEBUG=batches logs each batch written, so the test can cancel a task
# once it holds scores. --batch-size 4 makes batches small enough to land mid-run, the same in the one-process run.
export ENDORM="$ROOT/bin/endorm" MODEL="$SHARED/models/stories260K" DATASET="$SHARED/datasets/rm-bench" METHODS=endorm,loglik,length
export OUT="$WORK/out" SHARDS=3 EXTRA="--limit 60 --batch-size 4 --threads 1" ENDORM_CACHE="$WORK/cache" ENDORM_DEBUG=batches
submitted=$(bash examples/slurm/score-array.sbatch submit)
echo "slurm-e2e: $submitted"
ARRAY=$(sed -E 's/^array job ([0-9]+).*/\1/' <<<"$submitted")
MERGE=$(sed -E 's/.*merge job ([0-9]+).*/\1/' <<<"$submitted")
JOBS="$ARRAY $MERGE"
deadline=$((started_at + LIMIT_S))
log2() { cat "$OUT"/logs/score-"${ARRAY}"_2.out 2>/dev/null || true; }

# Cancel task 2 once it has written a batch, before it finishes.
until log2 | grep -q 'wrote batch 2:'; do
  [ "$(date +%s)" -lt "$deadline" ] || fail "task 2 wrote no batch in time"
  log2 | grep -q 'endorm: wrote ' && fail "task 2 finished before it could be cancelled"
  sleep 0.2
done
scancel "${ARRAY}_2"
echo "slurm-e2e: cancelled task ${ARRAY}_2 mid-run (scancel)"
for _ in $(seq 1 60); do
  state=$(sacct_state=$(scontrol show job "${ARRAY}_2" 2>/dev/null | grep -o 'JobState=[A-Z_]*'); echo "${sacct_state#JobState=}")
  [ "$state" = CANCELLED ] && break
  sleep 0.5
done
[ "$state" = CANCELLED ] || fail "task 2 is $state after scancel, not CANCELLED"
done_before=$(wc -l <"$OUT/shard-2-of-3/scores.jsonl")
[ "$done_before" -gt 0 ] || fail "task 2 left no scores before it was cancelled"
scontrol requeue "${ARRAY}_2"
# Slurm holds a requeued job back for a while (about two minutes here); a user waits, the test asks for now.
scontrol update JobId="${ARRAY}_2" StartTime=now
echo "slurm-e2e: requeued task ${ARRAY}_2 ($done_before score lines were on disk)"

# Bounded wait for the array, then for the merge (its dependency re-evaluated once the requeued task succeeds).
while squeue -h -j "$ARRAY" -o %i 2>/dev/null | grep -q .; do
  [ "$(date +%s)" -lt "$deadline" ] || fail "the array did not finish within ${LIMIT_S} s"
  sleep 1
done
merge_state() { scontrol show job "$MERGE" 2>/dev/null | grep -o 'JobState=[A-Z_]*' | cut -d= -f2; }
reason() { scontrol show job "$MERGE" 2>/dev/null | grep -o 'Reason=[A-Za-z_]*' | cut -d= -f2; }
resubmitted=0
until [ "$(merge_state)" = COMPLETED ]; do
  # Slurm 22.05 counts the cancelled task against afterok on the whole array even after its rerun succeeded, so the
  # merge job would wait for ever (DependencyNeverSatisfied): resubmit it after each task, judged by its last run.
  if [ "$resubmitted" = 0 ] && [ "$(merge_state)" = PENDING ] && [ "$(reason)" = DependencyNeverSatisfied ]; then
    echo "slurm-e2e: the merge job waits on a dependency Slurm marked never satisfied (task 2 was cancelled): resubmitting it after each task"
    scancel "$MERGE"
    MERGE=$(sbatch --parsable --dependency="afterok:${ARRAY}_1:${ARRAY}_2:${ARRAY}_3" --export=ALL --job-name=endorm-merge \
      --output="$OUT/logs/merge-%j.out" examples/slurm/score-array.sbatch merge)
    JOBS="$ARRAY $MERGE"
    resubmitted=1
  fi
  case "$(merge_state)" in FAILED | CANCELLED | TIMEOUT | NODE_FAIL | OUT_OF_MEMORY) fail "the merge job ended $(merge_state)" ;; esac
  [ "$(date +%s)" -lt "$deadline" ] || fail "the merge did not finish within ${LIMIT_S} s"
  sleep 1
done
cluster_s=$(($(date +%s) - started_at))
echo "slurm-e2e: array and merge done after ${cluster_s} s"

# Task 2 ran twice (its log is appended to): the rerun resumed, scoring only the lines the first run had not written.
[ "$(log2 | grep -c '^endorm: shard 2/3 (from slurm')" = 2 ] || fail "task 2 did not run twice"
log2 | grep -q "^endorm: resumed $OUT/shard-2-of-3: " || fail "task 2's rerun did not resume its shard"
lines_by_run=$(log2 | awk '/^endorm: shard 2\/3 \(from slurm/ { run++ } /^endorm: debug: wrote batch / { sub(/^[^:]*: [^:]*: /, ""); n[run] += split($0, _, ", ") } END { print n[1] + 0, n[2] + 0 }')
read -r first_lines second_lines <<<"$lines_by_run"
total_lines=$(wc -l <"$OUT/shard-2-of-3/scores.jsonl")
[ "$first_lines" -gt 0 ] && [ $((first_lines + second_lines)) = "$total_lines" ] ||
  fail "task 2: $first_lines lines before the cancel + $second_lines after != $total_lines in its scores.jsonl"
echo "slurm-e2e: task 2 resumed: $first_lines score lines before scancel, $second_lines by its rerun, $total_lines in all (none twice)"

# The one-process run the merged one must equal.
unset ENDORM_DEBUG
# shellcheck disable=SC2086
"$ENDORM" score --model "$MODEL" --dataset "$DATASET" --methods "$METHODS" $EXTRA --quiet --out "$WORK/whole"
node --input-type=module - "$WORK/whole" "$OUT/merged" <<'NODE'
import fs from 'node:fs';
import assert from 'node:assert/strict';
const [whole, merged] = process.argv.slice(2);
const lines = (dir) => fs.readFileSync(`${dir}/scores.jsonl`, 'utf8').trim().split('\n').sort();
assert.deepEqual(lines(merged), lines(whole), 'scores.jsonl: the same lines, byte for byte');
// Timing is when and how long: the run's creation time, its provenance (command, machine) and the merge's list of
// shards say the same of the run, and traces.writeSeconds is a time too; traces.indexBytes is the size of the index of
// traces.bin, whose offsets into the shards' concatenated traces are other numbers. Everything else must be equal.
const summary = (dir) => {
  const { timing, createdAt, provenance, mergedFrom, notes, traces, ...rest } = JSON.parse(fs.readFileSync(`${dir}/summary.json`, 'utf8'));
  const { writeSeconds, indexBytes, ...traceCounts } = traces ?? {};
  return { rest: { ...rest, traces: traceCounts }, notes };
};
const { rest: a, notes: wholeNotes } = summary(whole);
const { rest: b, notes: mergedNotes } = summary(merged);
assert.ok(a.methods.endorm && a.counts.pairs === 60, 'a summary of 60 records with endorm');
assert.deepEqual(b, a, 'summary.json but for timing');
// Notes about the data are the same; those about how a model pass ran (padding, shared prefixes, traces written in
// so many seconds) belong to each pass, and the merge adds its own.
const ofData = (notes) => notes.filter((n) => !/^(Merged from |Padding overhead|Shared prompt prefixes|Token traces:)/.test(n));
assert.deepEqual(ofData(mergedNotes), ofData(wholeNotes), 'the notes about the data');
assert.ok(ofData(wholeNotes).length >= 2, wholeNotes.join('\n'));
console.log(`slurm-e2e: merged run = one-process run (${lines(whole).length} score lines, ${a.counts.pairs} records)`);
NODE
echo "slurm-e2e: PASSED in $(($(date +%s) - started_at)) s"
