#!/usr/bin/env bash
# ngtcp2's own bulk throughput over loopback, the reference for this SDK's bulk benchmark:
# gtlsclient downloads N bytes of generated content from gtlsserver (HTTP/3, one stream) and
# discards them (no --download: the content goes nowhere, like /dev/null). The time is the wall
# clock of the whole gtlsclient run (process start, handshake, transfer, close).
#
#   interop/ngtcp2-baseline.sh [--bytes N] [--runs R]
#
# Prints one line per run, the machine load, and last a JSON line with the median Gbit/s.
# As root the pair runs in a fresh network namespace (its own loopback, no one else's traffic);
# otherwise on the host loopback with a random port.
set -uo pipefail

BYTES=100000000
RUNS=3
while [ $# -gt 0 ]; do
  case "$1" in
    --bytes) BYTES="$2"; shift 2 ;;
    --runs) RUNS="$2"; shift 2 ;;
    -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
done

find_tool() { command -v "$1" 2>/dev/null || { [ -x "/usr/sbin/$1" ] && echo "/usr/sbin/$1"; } || true; }
GTLSCLIENT="$(find_tool gtlsclient)"; GTLSSERVER="$(find_tool gtlsserver)"
if { [ -z "$GTLSCLIENT" ] || [ -z "$GTLSSERVER" ]; } && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends ngtcp2-client ngtcp2-server >/dev/null 2>&1
  GTLSCLIENT="$(find_tool gtlsclient)"; GTLSSERVER="$(find_tool gtlsserver)"
fi
if [ -z "$GTLSCLIENT" ] || [ -z "$GTLSSERVER" ]; then
  echo '{"scenario":"ngtcp2-baseline","error":"gtlsclient/gtlsserver not installed"}'
  exit 1
fi

WORK="$(mktemp -d /tmp/mycnet-ngtcp2-baseline.XXXXXX)"
NS="" SERVER_PID=""
cleanup() {
  [ -n "$SERVER_PID" ] && { kill -TERM "$SERVER_PID" 2>/dev/null; wait "$SERVER_PID" 2>/dev/null; }
  if [ -n "$NS" ]; then
    # Anything still in the namespace this script created was started by it.
    for pid in $(ip netns pids "$NS" 2>/dev/null); do kill -KILL "$pid" 2>/dev/null; done
    ip netns del "$NS" 2>/dev/null
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT

PORT=4433
if [ "$(id -u)" = 0 ] && command -v ip >/dev/null 2>&1; then
  NS="mycnet-ngtcp2-bl-$$"
  ip netns add "$NS" && ip -n "$NS" link set lo up || { echo "cannot create a network namespace" >&2; exit 1; }
else
  PORT=$(( 20000 + RANDOM % 40000 ))
fi
in_ns() { if [ -n "$NS" ]; then ip netns exec "$NS" "$@"; else "$@"; fi }
# For the background server: exec, so that $! is gtlsserver itself and the cleanup's SIGTERM reaches it.
exec_in_ns() { if [ -n "$NS" ]; then exec ip netns exec "$NS" "$@"; else exec "$@"; fi }

# A throw-away certificate (gtlsclient does not validate it): from the interop peer's certs command
# (BCL only) when it is built, else from openssl.
DLL="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/Mycnet.Networking.Interop/bin/Release/net10.0/Mycnet.Networking.Interop.dll"
if [ -f "$DLL" ] && dotnet "$DLL" certs --out "$WORK/certs" >/dev/null 2>&1; then
  cp "$WORK/certs/server.key" "$WORK/key.pem"; cp "$WORK/certs/server-chain.pem" "$WORK/cert.pem"
else
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$WORK/key.pem" -out "$WORK/cert.pem" \
    -days 1 -subj /CN=localhost -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" >/dev/null 2>&1 \
    || { echo "no certificate: build the interop peer or install openssl" >&2; exit 1; }
fi

exec_in_ns "$GTLSSERVER" -q 127.0.0.1 "$PORT" "$WORK/key.pem" "$WORK/cert.pem" -d "$WORK" --max-dyn-length="$BYTES" >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 100); do in_ns ss -Hlnu "sport = :$PORT" | grep -q . && break; sleep 0.1; done

results=()
for i in $(seq 1 "$RUNS"); do
  start=$(date +%s.%N)
  in_ns timeout 120 "$GTLSCLIENT" -q --exit-on-all-streams-close --no-quic-dump --no-http-dump \
    127.0.0.1 "$PORT" "https://127.0.0.1:$PORT/$BYTES" >"$WORK/client.log" 2>&1
  rc=$?
  end=$(date +%s.%N)
  if [ $rc -ne 0 ]; then echo "run $i: gtlsclient exited with $rc" >&2; cat "$WORK/client.log" >&2; exit 1; fi
  gbps=$(awk -v b="$BYTES" -v s="$start" -v e="$end" 'BEGIN { printf "%.3f", b * 8 / (e - s) / 1e9 }')
  secs=$(awk -v s="$start" -v e="$end" 'BEGIN { printf "%.3f", e - s }')
  echo "run $i: $BYTES bytes in ${secs}s = $gbps Gbit/s"
  results+=("$gbps")
done

median=$(printf '%s\n' "${results[@]}" | sort -g | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }')
echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "command: gtlsclient -q --exit-on-all-streams-close 127.0.0.1 $PORT https://127.0.0.1:$PORT/$BYTES (gtlsserver -q --max-dyn-length=$BYTES)"
printf '{"scenario":"ngtcp2-baseline","bytes":%s,"runs":[%s],"gbps":%s}\n' "$BYTES" "$(IFS=,; echo "${results[*]}")" "$median"
