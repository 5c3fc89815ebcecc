#!/usr/bin/env bash
# Load test of `dossier serve` on loopback. See doc.go for what it measures.
#
#   internal/loadtest/loadtest.sh [--docs N] [--new-docs N] [--duration 20s]
#                                 [--connections 16] [--threads 2] [--slow 200]
#                                 [--dir DIR] [--keep]
#
# Run from anywhere inside the repository. Needs Go and wrk (installed with
# apt-get when missing, which needs root). Everything listens on 127.0.0.1 and
# stops by itself: each wrk run is bounded by --duration, each indexing job and
# the whole script by timeouts, and the server is stopped on exit, however the
# script ends.
set -euo pipefail
# The toolchain the README names, unless the caller chose one.
export GOTOOLCHAIN="${GOTOOLCHAIN:-go1.27.3}"

docs=50000
new_docs=3000
duration=20s
connections=16
threads=2
slow=200
dir=""
keep=0
while [[ $# -gt 0 ]]; do
	case "$1" in
	--docs) docs=$2; shift 2 ;;
	--new-docs) new_docs=$2; shift 2 ;;
	--duration) duration=$2; shift 2 ;;
	--connections) connections=$2; shift 2 ;;
	--threads) threads=$2; shift 2 ;;
	--slow) slow=$2; shift 2 ;;
	--dir) dir=$2; shift 2 ;;
	--keep) keep=1; shift ;;
	-h | --help) sed -n '2,13p' "$0"; exit 0 ;;
	*) echo "loadtest: unknown argument $1" >&2; exit 2 ;;
	esac
done

repo=$(cd "$(dirname "$0")/../.." && pwd)
here="$repo/internal/loadtest"
if [[ -z "$dir" ]]; then
	dir=$(mktemp -d /tmp/dossier-load-XXXXXX)
	[[ $keep == 1 ]] || trap_rm="$dir"
fi
mkdir -p "$dir"
bin="$dir/bin"
index="$dir/index"
log="$dir/serve.log"
results="$dir/results.jsonl"
: >"$results"

server_pid=""
cleanup() {
	if [[ -n "$server_pid" ]] && kill -0 "$server_pid" 2>/dev/null; then
		kill -TERM "$server_pid" 2>/dev/null || true
		for _ in $(seq 50); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.2; done
		kill -KILL "$server_pid" 2>/dev/null || true
	fi
	if [[ -n "${trap_rm:-}" ]]; then rm -rf "$trap_rm"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

say() { printf 'loadtest: %s\n' "$*" >&2; }

# 1. Tools.
if ! command -v wrk >/dev/null; then
	say "installing wrk from Debian"
	apt-get install -y wrk >/dev/null 2>&1 || { apt-get update >/dev/null && apt-get install -y wrk >/dev/null; }
fi
say "building dossier and the load-test helpers into $bin"
(cd "$repo" && go build -o "$bin/dossier" ./cmd/dossier &&
	go build -o "$bin/gencorpus" ./internal/loadtest/cmd/gencorpus &&
	go build -o "$bin/slowheaders" ./internal/loadtest/cmd/slowheaders)

# 2. The corpus and its index. A kept --dir with an index of the same size is
# reused (and so are its extra documents: each run adds new ones after them).
if [[ -f "$dir/docs" && "$(cat "$dir/docs")" == "$docs" && -d "$index/bleve" ]]; then
	say "reusing the index of $docs documents in $index"
else
	rm -rf "$dir/corpus" "$index" "$dir/extra" "$dir/docs"
	say "generating $docs documents"
	start=$(date +%s.%N)
	"$bin/gencorpus" -dir "$dir/corpus" -from 0 -to "$docs"
	gen_s=$(awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN {printf "%.1f", e - s}')
	say "indexing them (generated in ${gen_s}s)"
	timeout 3h "$bin/dossier" index --index "$index" "$dir/corpus" --json >"$dir/index.json"
	echo "$docs" >"$dir/docs"
	echo "{\"phase\":\"build\",\"docs\":$docs,\"generate_s\":$gen_s,\"index\":$(cat "$dir/index.json")}" >>"$results"
fi
next=$docs
[[ -f "$dir/next" ]] && next=$(cat "$dir/next")

# 3. The server, on a free loopback port (it prints the address it got).
say "starting dossier serve"
"$bin/dossier" serve --index "$index" --addr 127.0.0.1:0 >"$log" 2>&1 &
server_pid=$!
addr=""
for _ in $(seq 300); do
	addr=$(sed -n 's|^Dossier is serving .* on http://\(.*\)/$|\1|p' "$log" | head -1)
	[[ -n "$addr" ]] && break
	kill -0 "$server_pid" 2>/dev/null || { cat "$log" >&2; exit 1; }
	sleep 0.2
done
[[ -n "$addr" ]] || { say "the server did not start"; cat "$log" >&2; exit 1; }
url="http://$addr"
curl -fsS "$url/healthz" >/dev/null
say "serving on $url"

hwm() { awk '/^VmHWM/ {print $2}' "/proc/$server_pid/status"; }

# run KIND PHASE: one bounded wrk run; its JSON line goes to results.
run() {
	local kind=$1 phase=$2 out
	out=$(KIND=$kind timeout 120 wrk -t"$threads" -c"$connections" -d"$duration" --timeout 10s \
		-s "$here/queries.lua" "$url" | grep '^{"kind"')
	echo "${out%\}},\"phase\":\"$phase\"}" | tee -a "$results" >&2
}

# 4. Idle: nothing but the queries.
for kind in plain faceted page; do run "$kind" idle; done
echo "{\"phase\":\"idle\",\"peak_rss_kb\":$(hwm)}" >>"$results"

# handoff FOLDER: `dossier index` on the served index, which hands the job to
# the server. An attempt that fails is logged in handoff.err and retried (up to
# five in all): the results count them, since a failed hand-off is a finding.
handoff() {
	local tries=0
	while :; do
		tries=$((tries + 1))
		if timeout 30m "$bin/dossier" index --index "$index" "$1" --json >"$dir/handoff.json" 2>"$dir/handoff.try"; then
			return 0
		fi
		grep -v '^The index is held' "$dir/handoff.try" >>"$dir/handoff.err" || true
		[[ $tries -lt 5 ]] || return 1
		sleep 1
	done
}

# 5. While indexing: before each run, `dossier index` hands a folder of
# --new-docs documents nobody has indexed yet to the server (POST /api/index).
for kind in plain faceted page; do
	extra="$dir/extra/$next"
	"$bin/gencorpus" -dir "$extra" -from "$next" -to $((next + new_docs))
	next=$((next + new_docs))
	echo "$next" >"$dir/next"
	start=$(date +%s.%N)
	: >"$dir/handoff.err"
	handoff "$extra" &
	job=$!
	sleep 1
	run "$kind" indexing
	wait "$job" || { say "indexing job failed:"; cat "$dir/handoff.err" >&2; exit 1; }
	took=$(awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN {printf "%.1f", e - s}')
	failed=$(grep -c . "$dir/handoff.err" || true)
	first=$(grep -m1 '^dossier:' "$dir/handoff.err" | tr -d '"\\' || true)
	echo "{\"phase\":\"indexing\",\"kind\":\"$kind\",\"job_s\":$took,\"failed_attempts\":$failed,\"first_error\":\"$first\",\"job\":$(tr -d '\n ' <"$dir/handoff.json")}" | tee -a "$results" >&2
done
echo "{\"phase\":\"indexing\",\"peak_rss_kb\":$(hwm)}" >>"$results"

# 6. Under a slow-header attack: --slow connections dribble one header byte a
# second while plain queries run.
slow_for=$(( ${duration%s} + 15 ))
"$bin/slowheaders" -addr "$addr" -conns "$slow" -for "${slow_for}s" >"$dir/slow.json" &
slow_pid=$!
sleep 1
run plain slow-headers
wait "$slow_pid"
echo "{\"phase\":\"slow-headers\",\"attack\":$(cat "$dir/slow.json")}" | tee -a "$results" >&2

docs_now=$(curl -fsS "$url/healthz" | sed 's/.*"documents":\([0-9]*\).*/\1/')
echo "{\"phase\":\"end\",\"documents\":$docs_now,\"peak_rss_kb\":$(hwm),\"cores\":$(nproc),\"loadavg\":\"$(cut -d' ' -f1-3 /proc/loadavg)\"}" >>"$results"

# 7. The table.
printf '\n%-14s %-8s %9s %8s %8s %8s %8s %7s\n' phase kind req/s p50_ms p95_ms p99_ms requests errors
grep '"kind"' "$results" | grep '"rps"' | while read -r line; do
	get() { echo "$line" | sed -n "s/.*\"$1\":\"\{0,1\}\([^,\"}]*\).*/\1/p"; }
	printf '%-14s %-8s %9s %8s %8s %8s %8s %7s\n' "$(get phase)" "$(get kind)" "$(get rps)" \
		"$(get p50_ms)" "$(get p95_ms)" "$(get p99_ms)" "$(get requests)" "$(get errors)"
done
echo
grep -v '"rps"' "$results"
echo "results: $results (wrk -t$threads -c$connections -d$duration; $docs documents to start)"
[[ -n "${trap_rm:-}" ]] && echo "(the folder is removed on exit; --keep or --dir keeps it)"
exit 0
