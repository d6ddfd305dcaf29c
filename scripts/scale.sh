#!/usr/bin/env bash
# scale.sh: many live pages over several demo nodes joined by NATS, on this
# machine (loopback only). `make scale` runs it; it is not part of `make test`.
#
# It starts NODES demo nodes (node 0 also serves an embedded NATS), drives
# CLIENTS /chat pages over them with `templive bench` in PROCS processes,
# and reports:
#   - RSS per connection per node (VmRSS from /proc/PID/status, held minus
#     before, over the node's established connections), once all have
#     joined and again after the idle minute;
#   - the fan-out of one chat message to every page (bench's broadcast);
#   - CPU per 1,000 idle pages over IDLE_S seconds (utime+stime from
#     /proc/PID/stat), the pages beating their hearts as browsers do;
#   - the reconnect curve after the last node is killed (SIGKILL): its
#     pages rejoin the others with the browser's jittered backoff.
#
# Each node and each bench process is its own process: one process may hold
# 20,000 open files here, so nodes hold CLIENTS/NODES pages, and a dead
# node's pages must fit on the others.
set -euo pipefail

NODES=${NODES:-7}
CLIENTS=${CLIENTS:-100000}
PROCS=${PROCS:-8}
IDLE_S=${IDLE_S:-60}
REJOIN_S=${REJOIN_S:-60}
HOLD=${HOLD:-$((IDLE_S + REJOIN_S + 40))s}
BASE_PORT=${BASE_PORT:-18200}
NATS_PORT=${NATS_PORT:-18299}
OUT=${OUT:-${TMPDIR:-/tmp}/templive-scale}

mkdir -p "$OUT"
bin=$OUT/templive
(cd "$(dirname "$0")/../cmd" && go build -o "$bin" ./templive)

pids=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	[[ -n ${bench_pid:-} ]] && kill "$bench_pid" 2>/dev/null || true
}
trap cleanup EXIT

rss_kb() { awk '/VmRSS/{print $2}' "/proc/$1/status"; }
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; } # utime + stime, in clock ticks
conns() { ss -Htn state established "( sport = :$1 )" | wc -l; }
hz=$(getconf CLK_TCK)

urls=()
for ((i = 0; i < NODES; i++)); do
	port=$((BASE_PORT + i))
	if ((i == 0)); then nats=(-nats-serve "127.0.0.1:$NATS_PORT"); else nats=(-nats "nats://127.0.0.1:$NATS_PORT"); fi
	"$bin" demo -addr "127.0.0.1:$port" -dev=false "${nats[@]}" 2>"$OUT/node$i.log" &
	pids+=($!)
	urls+=(-url "http://127.0.0.1:$port/chat")
	for _ in $(seq 100); do curl -fso /dev/null "http://127.0.0.1:$port/chat" && break; sleep 0.1; done
done
declare -a base
for ((i = 0; i < NODES; i++)); do base[i]=$(rss_kb "${pids[i]}"); done
echo "$NODES nodes up (ports $BASE_PORT..$((BASE_PORT + NODES - 1)), NATS on $NATS_PORT); RSS before: ${base[*]} KB"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg) (2 cores, shared: other work distorts every figure)"

start=$(date +%s)
cmd=("$bin" bench "${urls[@]}" -clients "$CLIENTS" -procs "$PROCS" -idle -hold "$HOLD" -reconnect
	-broadcast send -values 'message=hello+to+every+page' -broadcast-wait 120s)
echo "+ ${cmd[*]}"
"${cmd[@]}" >"$OUT/bench.out" 2>"$OUT/bench.log" &
bench_pid=$!
until grep -qs hold "$OUT/bench.log"; do
	kill -0 "$bench_pid" 2>/dev/null || { cat "$OUT/bench.log" "$OUT/bench.out"; exit 1; }
	sleep 1
done
echo "all joined and the broadcast done after $(($(date +%s) - start)) s; settling 10 s"
sleep 10

echo
echo "node  conns   RSS before  RSS held  per conn"
total=0
for ((i = 0; i < NODES; i++)); do
	held=$(rss_kb "${pids[i]}")
	n=$(conns $((BASE_PORT + i)))
	total=$((total + n))
	per=0
	((n > 0)) && per=$(((held - base[i]) * 1024 / n))
	printf "%4d  %6d  %8d KB  %6d KB  %6d B\n" "$i" "$n" "${base[i]}" "$held" "$per"
done
echo "established pages: $total"

echo
echo "CPU of idle pages over ${IDLE_S} s (heartbeats every 30 s):"
declare -a t0
for ((i = 0; i < NODES; i++)); do t0[i]=$(cpu_ticks "${pids[i]}"); done
load0=$(cut -d' ' -f1 /proc/loadavg)
sleep "$IDLE_S"
sum=0
for ((i = 0; i < NODES; i++)); do
	d=$(($(cpu_ticks "${pids[i]}") - t0[i]))
	sum=$((sum + d))
	n=$(conns $((BASE_PORT + i)))
	awk -v d="$d" -v hz="$hz" -v s="$IDLE_S" -v n="$n" -v i="$i" \
		'BEGIN { pct = d / hz / s * 100; printf "node %d: %.2f%% of a core for %d pages: %.3f%% per 1,000 pages\n", i, pct, n, (n ? pct / n * 1000 : 0) }'
done
awk -v d="$sum" -v hz="$hz" -v s="$IDLE_S" -v n="$total" \
	'BEGIN { pct = d / hz / s * 100; printf "all nodes: %.2f%% of a core for %d pages: %.3f%% of a core per 1,000 idle pages\n", pct, n, (n ? pct / n * 1000 : 0) }'
echo
echo "RSS after the idle minute (views idle past live.Options.HibernateAfter let go of their trees):"
for ((i = 0; i < NODES; i++)); do
	held=$(rss_kb "${pids[i]}")
	n=$(conns $((BASE_PORT + i)))
	per=0
	((n > 0)) && per=$(((held - base[i]) * 1024 / n))
	printf "node %d: %6d pages, RSS %d KB, %d B per page\n" "$i" "$n" "$held" "$per"
done
echo "load average during: $load0 .. $(cut -d' ' -f1 /proc/loadavg)"

last=$((NODES - 1))
echo
echo "killing node $last (pid ${pids[last]}, $(conns $((BASE_PORT + last))) pages) with SIGKILL"
kill -9 "${pids[last]}"
sleep "$REJOIN_S"
echo "$REJOIN_S s later:"
for ((i = 0; i < last; i++)); do
	printf "node %d: %6d pages, RSS %d KB\n" "$i" "$(conns $((BASE_PORT + i)))" "$(rss_kb "${pids[i]}")"
done
echo "waiting for the bench's hold ($HOLD) to end"
wait "$bench_pid" || true
bench_pid=
echo
cat "$OUT/bench.out"
echo "logs in $OUT"
