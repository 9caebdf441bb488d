#!/bin/bash
# compose.sh TASK1 TASK2 PROMPT [SEEDS]
# Do two adapters keep their controls when applied together? Teaches two
# built-in tasks (assets/tasks/NAME.json, default settings) into
# /tmp/compose, then draws PROMPT for seeds SEEDS (default 0-15) with
# neither adapter, each alone and both, each at the weight it was taught at,
# and counts the seeds each task's judge passes. Run from the repository's
# root with dualprocess on the PATH (DPBIN overrides it).
# Example: docs/experiments/compose.sh sun-box tree-line "hills at noon with trees"
set -e
t1=$1; t2=$2; prompt=$3; seeds=${4:-0-15}
dp=${DPBIN:-dualprocess}
out=/tmp/compose
mkdir -p $out
for t in $t1 $t2; do
	[ -f $out/$t/adapter.safetensors ] || $dp teach --task assets/tasks/$t.json --out $out/$t >/dev/null 2>&1
done
# judgeargs TASK: the judge flags for the task's target
judgeargs() {
	python3 -c "
import json, sys
j = json.load(open('assets/tasks/$1.json'))['judge']
k = j['kind']
t = {'horizon': lambda: str(j['row']), 'tree': lambda: str(j['x']), 'lineweight': lambda: str(j['width']),
     'palette': lambda: ','.join(j['colors']), 'sky': lambda: ','.join(j['colors']),
     'depth': lambda: ','.join(str(v) for p in j['points'] for v in p),
     'sun': lambda: ','.join(str(v) for v in (j.get('box') or j['point']))}[k]()
print('--kind', k, '--target', t, *(['--tolerance', str(j['tolerance'])] if j.get('tolerance') else []))"
}
a1=$(judgeargs $t1); a2=$(judgeargs $t2)
lo=${seeds%-*}; hi=${seeds#*-}
for set in none $t1 $t2 both; do
	case $set in
	none) ads=() ;;
	both) ads=(--adapter $out/$t1/adapter.safetensors --adapter $out/$t2/adapter.safetensors) ;;
	*) ads=(--adapter $out/$set/adapter.safetensors) ;;
	esac
	p1=0; p2=0
	for s in $(seq $lo $hi); do
		$dp sample --prompt "$prompt" --seed $s --out $out/img.png "${ads[@]}"
		$dp judge $a1 --image $out/img.png | grep -q '^PASS' && p1=$((p1 + 1))
		$dp judge $a2 --image $out/img.png | grep -q '^PASS' && p2=$((p2 + 1))
	done
	echo "adapters: $set	$t1 judge $p1	$t2 judge $p2	of $((hi - lo + 1)) ($prompt)"
done
