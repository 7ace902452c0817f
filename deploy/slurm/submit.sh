#!/bin/bash
# Queues the shards (a job array) and the merge, which starts only when every array task has succeeded.
#   deploy/slurm/submit.sh                       # 8 shards (the --array in eval-shards.sbatch)
#   SHARDS=32 deploy/slurm/submit.sh             # 32 shards: --array=0-31 overrides the script's
# MODEL, DATA, RUN and DELTAMERGE are passed on to both jobs (sbatch exports the environment).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)

array=()
if [ -n "${SHARDS:-}" ]; then array=(--array="0-$((SHARDS - 1))"); fi
shards_job=$(sbatch --parsable "${array[@]}" "$here/eval-shards.sbatch")
shards_job=${shards_job%%;*}                       # --parsable prints "jobid[;cluster]"
merge_job=$(sbatch --parsable --dependency="afterok:${shards_job}" "$here/eval-merge.sbatch")
echo "shards: job array ${shards_job}; merge: job ${merge_job} (after all shards succeed)"
