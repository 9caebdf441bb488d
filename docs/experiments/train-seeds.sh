#!/bin/bash
# train-seeds.sh TASK LABEL JSONPATCH [RATER]
# Teaches a built-in task once per training seed (1000000, the tasks' own,
# then 2000000, 3000000, 4000000), with JSONPATCH merged into its "train"
# settings, and prints the seeds the judge passes on evaluation seeds
# 100-115 (EVAL overrides them), and their sum. TASKS names the folder of
# the task files (default assets/tasks). Run from the repository's root with
# dualprocess on the PATH (DPBIN overrides it); outputs go to /tmp/sweep.
# Example: docs/experiments/train-seeds.sh line-thick s300 '{"steps": 300}'
#          TASKS=docs/untuned-tasks EVAL=0-15 docs/experiments/train-seeds.sh line-12 base '{}'
set -e
task=$1; label=$2; patch=${3:-'{}'}; rater=${4:+--rater $4}
dp=${DPBIN:-dualprocess}
mkdir -p /tmp/sweep
tot=0
for ts in 1000000 2000000 3000000 4000000; do
	f=/tmp/sweep/${task}_${label}_$ts.json
	python3 -c "
import json, sys
t = json.load(open('${TASKS:-assets/tasks}/$task.json'))
t.setdefault('train', {}).update(json.loads(sys.argv[1]))
t['train']['train_seed'] = $ts
json.dump(t, open('$f', 'w'))" "$patch"
	r=$($dp teach --task "$f" --eval-seeds ${EVAL:-100-115} $rater --out "/tmp/sweep/${task}_${label}_$ts" 2>&1 |
		grep 'after:' | sed 's/.*judge \([0-9]*\)\/16.*/\1/')
	echo -n "$r "
	tot=$((tot + r))
done
echo " = $tot <- $task $label $patch $rater"
