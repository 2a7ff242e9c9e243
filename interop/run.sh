#!/usr/bin/env bash
# Interop runner: this SDK's HTTP/3 client and server (interop/Mycnet.Networking.Interop) against
# ngtcp2's gtlsclient / gtlsserver (Debian packages ngtcp2-client / ngtcp2-server, 0.12.x).
#
#   interop/run.sh --peer ngtcp2 --role client|server --case CASE
#   interop/run.sh --peer ngtcp2 --all                  # every case in both roles, prints a matrix
#
# Role "client": our client against ngtcp2's gtlsserver. Role "server": ngtcp2's gtlsclient against
# our server. --baseline puts ngtcp2 on our side too (gtlsclient against gtlsserver) to check that
# every case is wired right before our stack is involved. See interop/README.md for the cases, how
# loss is injected and what each check looks for. Exit status: 0 when no cell failed.
set -uo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PROJECT="$ROOT/interop/Mycnet.Networking.Interop/Mycnet.Networking.Interop.csproj"
DLL="$ROOT/interop/Mycnet.Networking.Interop/bin/Release/net10.0/Mycnet.Networking.Interop.dll"
CASES=(handshake transfer multiplexing keyupdate chacha20 transferloss handshakeloss v6 retry rebind)
PORT=4433

usage() {
  cat <<'EOF'
usage: interop/run.sh --peer ngtcp2 (--role client|server --case CASE | --all) [options]
  --peer ngtcp2        the peer implementation (only ngtcp2 is supported)
  --role client|server client: our client vs gtlsserver; server: gtlsclient vs our server
  --case CASE          handshake transfer multiplexing keyupdate chacha20 transferloss
                       handshakeloss v6 retry rebind
  --all                every case in both roles; prints a matrix
  --baseline           ngtcp2 on our side too (validates the runner and the cases)
  --no-build           use the already built interop peer
  --keep               keep the work directory (logs, downloads) even when everything passed
Environment: CI=true turns a missing prerequisite (peer, root, nftables) into a failure.
EOF
}

PEER="" ROLE="" CASE_NAME="" ALL=0 BASELINE=0 BUILD=1 KEEP=0
while [ $# -gt 0 ]; do
  case "$1" in
    --peer) PEER="${2:-}"; shift 2 ;;
    --role) ROLE="${2:-}"; shift 2 ;;
    --case) CASE_NAME="${2:-}"; shift 2 ;;
    --all) ALL=1; shift ;;
    --baseline) BASELINE=1; shift ;;
    --no-build) BUILD=0; shift ;;
    --keep) KEEP=1; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "unknown argument: $1" >&2; usage >&2; exit 2 ;;
  esac
done

if [ "$PEER" != "ngtcp2" ]; then echo "--peer ngtcp2 is required (the only peer supported)" >&2; exit 2; fi
if [ $ALL -eq 0 ]; then
  case "$ROLE" in client|server) ;; *) echo "--role client|server or --all is required" >&2; exit 2 ;; esac
  if [[ ! " ${CASES[*]} " =~ " $CASE_NAME " ]]; then echo "--case must be one of: ${CASES[*]}" >&2; exit 2; fi
fi

IS_CI=0; [ "${CI:-}" = "true" ] && IS_CI=1
IS_ROOT=0; [ "$(id -u)" = "0" ] && IS_ROOT=1
WORK="$(mktemp -d /tmp/mycnet-interop.XXXXXX)"
declare -A RESULT REASON DURATION
NS=""
declare -a STARTED=()

log() { printf '%s\n' "$*" >&2; }

cleanup() {
  stop_started
  teardown_namespace
  if [ $KEEP -eq 0 ] && [ "${ANY_FAILED:-0}" = "0" ]; then rm -rf "$WORK"; else log "work directory kept: $WORK"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---------------------------------------------------------------- prerequisites

find_tool() { command -v "$1" 2>/dev/null || { [ -x "/usr/sbin/$1" ] && echo "/usr/sbin/$1"; } || true; }

PREREQ_ERROR=""
ensure_peer() {
  GTLSCLIENT="$(find_tool gtlsclient)"; GTLSSERVER="$(find_tool gtlsserver)"
  local missing=()
  [ -n "$GTLSCLIENT" ] || missing+=(ngtcp2-client)
  [ -n "$GTLSSERVER" ] || missing+=(ngtcp2-server)
  command -v nft >/dev/null 2>&1 || missing+=(nftables)
  if [ ${#missing[@]} -gt 0 ] && [ $IS_ROOT -eq 1 ] && command -v apt-get >/dev/null 2>&1; then
    log "installing: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null 2>&1 \
      || { apt-get update -qq >/dev/null 2>&1 && apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null 2>&1; }
    # ngtcp2-server ships a demo service (gtlsserver on localhost:7777); it has no place on a test machine.
    if [[ " ${missing[*]} " =~ " ngtcp2-server " ]] && command -v systemctl >/dev/null 2>&1 && systemctl is-enabled ngtcp2d >/dev/null 2>&1; then
      systemctl disable --now ngtcp2d >/dev/null 2>&1 || true
    fi
    GTLSCLIENT="$(find_tool gtlsclient)"; GTLSSERVER="$(find_tool gtlsserver)"
  fi
  if [ -z "$GTLSCLIENT" ] || [ -z "$GTLSSERVER" ]; then
    PREREQ_ERROR="ngtcp2's gtlsclient/gtlsserver are not installed (apt-get install ngtcp2-client ngtcp2-server, as root)"
  fi
}

USE_NS=0
ensure_namespaces() {
  if [ $IS_ROOT -eq 1 ] && command -v ip >/dev/null 2>&1 && command -v nft >/dev/null 2>&1; then USE_NS=1; fi
}

OURS_ERROR=""
ensure_ours() {
  if [ $BUILD -eq 1 ]; then
    log "building the interop peer (Release)"
    if ! dotnet build "$PROJECT" -c Release --nologo -v quiet >"$WORK/build.log" 2>&1; then
      OURS_ERROR="the interop peer does not build (see $WORK/build.log)"; KEEP=1; return
    fi
  fi
  if [ ! -f "$DLL" ]; then OURS_ERROR="$DLL is missing (build it, or drop --no-build)"; return; fi
  if [ $BASELINE -eq 0 ]; then
    local help; help="$(dotnet "$DLL" --help 2>&1)"
    if ! grep -qE '^\s+client\b' <<<"$help" || ! grep -qE '^\s+server\b' <<<"$help"; then
      OURS_ERROR="the interop peer has no client/server commands: its binding to the SDK's public QUIC API is not built yet"
    fi
  fi
}

# ---------------------------------------------------------------- content and certificates

prepare_content() {
  WWW="$WORK/www"; mkdir -p "$WWW"
  head -c 1024 /dev/urandom >"$WWW/hello.bin"
  head -c 10000000 /dev/urandom >"$WWW/10mb.bin"
  MUX=()
  for i in $(seq -w 1 200); do
    head -c $(( (RANDOM % 32768) + 1 )) /dev/urandom >"$WWW/m$i"
    MUX+=("m$i")
  done
  CERTS="$WORK/certs"
  if [ -f "$DLL" ]; then
    dotnet "$DLL" certs --out "$CERTS" >/dev/null || { log "certificate generation failed"; exit 1; }
  else
    PREREQ_ERROR="${PREREQ_ERROR:-no interop peer to generate certificates with}"
  fi
}

# ---------------------------------------------------------------- network

setup_namespace() { # $1 = name suffix, $2 = loss percentage (each way)
  NS=""
  [ $USE_NS -eq 1 ] || return 0
  NS="mycnet-ix-$$-$1"
  ip netns add "$NS" || { NS=""; return 1; }
  ip -n "$NS" link set lo up
  if [ "$2" -gt 0 ]; then
    # Loopback carries UDP GSO batches as one packet; one segment per packet makes the loss per datagram.
    ip -n "$NS" link set lo gso_max_segs 1
    # Drop at the input hook: a drop at output would fail sendmsg() with EPERM instead of losing the
    # datagram. Every datagram, in either direction, crosses input once: N% loss each way.
    ip netns exec "$NS" nft -f - <<EOF || return 1
table inet mycnet_interop_loss {
  chain input {
    type filter hook input priority 0; policy accept;
    meta l4proto udp numgen random mod 100 < $2 counter drop
  }
}
EOF
  fi
}

loss_counters() {
  [ -n "$NS" ] && ip netns exec "$NS" nft list table inet mycnet_interop_loss 2>/dev/null | grep -o 'counter packets [0-9]*' || true
}

teardown_namespace() {
  [ -n "$NS" ] || return 0
  local pids; pids="$(ip netns pids "$NS" 2>/dev/null)"
  # Only processes this runner started live in the namespace it created.
  for pid in $pids; do kill -KILL "$pid" 2>/dev/null || true; done
  ip netns del "$NS" 2>/dev/null || true
  NS=""
}

in_ns() { if [ -n "$NS" ]; then ip netns exec "$NS" "$@"; else "$@"; fi }

# For background jobs: exec, so that $! is the process itself (and SIGTERM reaches it), not a subshell.
exec_in_ns() { if [ -n "$NS" ]; then exec ip netns exec "$NS" "$@"; else exec "$@"; fi }

wait_listening() { # $1 = port, $2 = pid
  for _ in $(seq 1 200); do
    kill -0 "$2" 2>/dev/null || return 1
    in_ns ss -Hlnu "sport = :$1" 2>/dev/null | grep -q . && return 0
    sleep 0.1
  done
  return 1
}

stop_started() {
  for pid in "${STARTED[@]}"; do
    kill -TERM "$pid" 2>/dev/null || true
  done
  for pid in "${STARTED[@]}"; do
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  STARTED=()
}

# ---------------------------------------------------------------- the two sides

NGTCP2_CHACHA="NORMAL:-VERS-ALL:+VERS-TLS1.3:-CIPHER-ALL:+CHACHA20-POLY1305"

# start_server IMPL ADDR LOG [flag...]; flags: retry chacha20
start_server() {
  local impl="$1" addr="$2" logf="$3"; shift 3
  local retry=0 chacha=0
  for f in "$@"; do case "$f" in retry) retry=1 ;; chacha20) chacha=1 ;; esac; done
  if [ "$impl" = ngtcp2 ]; then
    # The same 60 s handshake timeout the clients get: at 30% loss each way (handshakeloss) a
    # handshake can outlast ngtcp2's 10 s default, which its server reports as PROTOCOL_VIOLATION.
    local args=("$addr" "$PORT" "$CERTS/server.key" "$CERTS/server-chain.pem" -d "$WWW" --no-quic-dump --no-http-dump --handshake-timeout=60s)
    [ $retry -eq 1 ] && args+=(-V)
    [ $chacha -eq 1 ] && args+=("--ciphers=$NGTCP2_CHACHA")
    exec_in_ns "$GTLSSERVER" "${args[@]}" >"$logf" 2>&1 &
  else
    local args=(server --listen "$addr" --port "$PORT" --cert "$CERTS/server-chain.pem" --key "$CERTS/server.key" --root "$WWW" --verbose)
    [ $retry -eq 1 ] && args+=(--retry)
    [ $chacha -eq 1 ] && args+=(--cipher ChaCha20Poly1305)
    exec_in_ns env SSLKEYLOGFILE="$(dirname "$logf")/server.keys" dotnet "$DLL" "${args[@]}" >"$logf" 2>&1 &
  fi
  local pid=$!
  STARTED+=("$pid")
  wait_listening "$PORT" "$pid"
}

# run_client IMPL ADDR DLDIR LOG TIMEOUT [flag...] -- PATH...; flags: keyupdate chacha20 rebind connections=N
run_client() {
  local impl="$1" addr="$2" dl="$3" logf="$4" limit="$5"; shift 5
  local keyupdate=0 chacha=0 rebind=0 connections=1
  while [ $# -gt 0 ] && [ "$1" != "--" ]; do
    case "$1" in keyupdate) keyupdate=1 ;; chacha20) chacha=1 ;; rebind) rebind=1 ;; connections=*) connections="${1#connections=}" ;; esac
    shift
  done
  shift
  local host="$addr"; [[ "$addr" == *:* ]] && host="[$addr]"
  mkdir -p "$dl"
  if [ "$impl" = ngtcp2 ]; then
    local args=(--download "$dl" --exit-on-all-streams-close --no-quic-dump --no-http-dump --handshake-timeout=60s)
    [ $keyupdate -eq 1 ] && args+=(--key-update=1ms)
    [ $chacha -eq 1 ] && args+=("--ciphers=$NGTCP2_CHACHA")
    [ $rebind -eq 1 ] && args+=(--change-local-addr=50ms --nat-rebinding --delay-stream=200ms)
    local urls=()
    for p in "$@"; do urls+=("https://$host:$PORT$p"); done
    local i rc=0
    for i in $(seq 1 "$connections"); do
      in_ns timeout "$limit" "$GTLSCLIENT" "${args[@]}" "$addr" "$PORT" "${urls[@]}" >>"$logf" 2>&1 || rc=$?
      [ $rc -eq 0 ] || break
    done
    return $rc
  else
    local args=(client --host "$addr" --port "$PORT" --server-name localhost --ca "$CERTS/ca.pem" --download "$dl" --connections "$connections" --timeout "$limit")
    [ $keyupdate -eq 1 ] && args+=(--key-update)
    [ $chacha -eq 1 ] && args+=(--cipher ChaCha20Poly1305)
    in_ns env SSLKEYLOGFILE="$(dirname "$logf")/client.keys" timeout $(( limit * connections + 30 )) dotnet "$DLL" "${args[@]}" -- "$@" >"$logf" 2>&1
  fi
}

# ---------------------------------------------------------------- checks

FAIL_WHY=""
fail() { FAIL_WHY="${FAIL_WHY:+$FAIL_WHY; }$*"; return 1; }

check_downloads() { # $1 = download dir, then names
  local dl="$1"; shift
  local bad=0 missing=0 name first=""
  for name in "$@"; do
    if [ ! -f "$dl/$name" ]; then missing=$((missing + 1)); continue; fi
    if [ "$(sha256sum <"$dl/$name")" != "$(sha256sum <"$WWW/$name")" ]; then
      bad=$((bad + 1))
      [ -n "$first" ] || first="$name: $(stat -c %s "$dl/$name") of $(stat -c %s "$WWW/$name") bytes"
    fi
  done
  [ $missing -eq 0 ] || fail "$missing of $# files not downloaded" || return 1
  [ $bad -eq 0 ] || fail "$bad of $# files have the wrong SHA-256 (first: $first)" || return 1
}

require_log() { # $1 = log, $2 = extended regex, $3 = what it proves
  grep -qE "$2" "$1" || fail "$3 (no /$2/ in $(basename "$1"))"
}

# ---------------------------------------------------------------- one cell

run_cell() { # $1 = role, $2 = case
  local role="$1" case="$2"
  local dir="$WORK/$role-$case"; mkdir -p "$dir"
  local key="$case/$role"
  local client_impl=ngtcp2 server_impl=ngtcp2
  if [ "$role" = client ] && [ $BASELINE -eq 0 ]; then client_impl=ours; fi
  if [ "$role" = server ] && [ $BASELINE -eq 0 ]; then server_impl=ours; fi

  if [ "$case" = rebind ] && [ "$role" = client ]; then
    RESULT[$key]="N/A"; REASON[$key]="the case is ngtcp2's client rebinding against our server"; return
  fi
  if [ -n "$PREREQ_ERROR" ]; then
    RESULT[$key]=$([ $IS_CI -eq 1 ] && echo FAIL || echo SKIP); REASON[$key]="$PREREQ_ERROR"; return
  fi
  if [ -n "$OURS_ERROR" ]; then RESULT[$key]="FAIL"; REASON[$key]="$OURS_ERROR"; return; fi

  local loss=0 addr=127.0.0.1 limit=60 server_flags=() client_flags=() paths=(/hello.bin) names=(hello.bin)
  case "$case" in
    handshake) ;;
    transfer) paths=(/10mb.bin); names=(10mb.bin) ;;
    multiplexing) paths=("${MUX[@]/#//}"); names=("${MUX[@]}") ;;
    keyupdate) paths=(/10mb.bin); names=(10mb.bin); client_flags+=(keyupdate) ;;
    chacha20) paths=(/hello.bin /10mb.bin); names=(hello.bin 10mb.bin); server_flags+=(chacha20); client_flags+=(chacha20) ;;
    transferloss) loss=2; limit=300; paths=(/10mb.bin); names=(10mb.bin) ;;
    handshakeloss) loss=30; limit=90; client_flags+=(connections=20) ;;
    v6) addr=::1; paths=(/hello.bin /10mb.bin); names=(hello.bin 10mb.bin) ;;
    retry) server_flags+=(retry) ;;
    rebind) paths=(/10mb.bin); names=(10mb.bin); client_flags+=(rebind) ;;
  esac
  if [ $loss -gt 0 ] && [ $USE_NS -eq 0 ]; then
    RESULT[$key]=$([ $IS_CI -eq 1 ] && echo FAIL || echo SKIP)
    REASON[$key]="loss needs a network namespace with nftables (root, iproute2, nftables)"; return
  fi

  local started=$SECONDS
  FAIL_WHY=""
  local ok=1
  if ! setup_namespace "$role-$case" "$loss"; then ok=0; FAIL_WHY="could not create the network namespace"; fi
  if [ $ok -eq 1 ] && ! start_server "$server_impl" "$addr" "$dir/server.log" "${server_flags[@]}"; then
    ok=0; FAIL_WHY="the $server_impl server did not start listening on $addr port $PORT"
  fi
  local client_rc=0
  if [ $ok -eq 1 ]; then
    run_client "$client_impl" "$addr" "$dir/download" "$dir/client.log" "$limit" "${client_flags[@]}" -- "${paths[@]}" || client_rc=$?
    [ $client_rc -eq 124 ] && { ok=0; FAIL_WHY="the $client_impl client timed out"; }
  fi
  local counters; counters="$(loss_counters | tr '\n' ' ')"
  stop_started
  teardown_namespace

  if [ $ok -eq 1 ]; then
    local ngtcp2_log="$dir/server.log"; [ "$role" = server ] && ngtcp2_log="$dir/client.log"
    if [ "$case" = handshakeloss ]; then
      # Every one of the 20 connections fetched hello.bin intact (each overwrote the last download).
      if [ "$client_impl" = ours ]; then
        [ "$(grep -c " 200 /hello.bin" "$dir/client.log")" -eq 20 ] && [ "$(grep -c "$(sha256sum <"$WWW/hello.bin" | cut -d' ' -f1) 1024 200 /hello.bin" "$dir/client.log")" -eq 20 ] \
          || { ok=0; fail "$(grep -c " 200 /hello.bin" "$dir/client.log") of 20 connections fetched hello.bin intact"; }
      else
        [ "$(grep -c "Negotiated ALPN is h3" "$dir/client.log")" -ge 20 ] || { ok=0; fail "$(grep -c "Negotiated ALPN is h3" "$dir/client.log") of 20 handshakes completed"; }
      fi
    fi
    check_downloads "$dir/download" "${names[@]}" || ok=0
    [ $client_rc -ne 0 ] && { ok=0; fail "the $client_impl client exited with $client_rc"; }
    { require_log "$ngtcp2_log" "Negotiated ALPN is h3" "ngtcp2 did not complete a handshake with ALPN h3" || ok=0; }
    case "$case" in
      keyupdate)
        { require_log "$ngtcp2_log" "pkt rx .*type=1RTT k=1" "ngtcp2 received no packet in the updated key phase" || ok=0; }
        { require_log "$ngtcp2_log" "pkt tx .*type=1RTT k=1" "ngtcp2 sent no packet in the updated key phase" || ok=0; } ;;
      chacha20)
        { require_log "$ngtcp2_log" "Negotiated cipher suite is CHACHA20-POLY1305" "the cipher suite was not ChaCha20-Poly1305" || ok=0; } ;;
      retry)
        if [ "$role" = server ]; then
          { require_log "$ngtcp2_log" "pkt rx .*type=Retry" "ngtcp2's client received no Retry" || ok=0; }
        else
          { require_log "$ngtcp2_log" "^Sending Retry packet" "ngtcp2's server sent no Retry" || ok=0; }
          { require_log "$ngtcp2_log" "^Verifying Retry token" "the client did not return the Retry token" || ok=0; }
        fi ;;
      rebind)
        { require_log "$ngtcp2_log" "Local address is now" "ngtcp2's client did not rebind" || ok=0; }
        { require_log "$ngtcp2_log" "frm rx .*PATH_CHALLENGE" "the server did not validate the client's new path (no PATH_CHALLENGE)" || ok=0; } ;;
      transferloss|handshakeloss)
        [ -n "$counters" ] && [[ "$counters" != *"packets 0"* ]] || { ok=0; fail "nftables dropped nothing ($counters)"; } ;;
    esac
  fi

  DURATION[$key]=$((SECONDS - started))
  if [ $ok -eq 1 ]; then
    RESULT[$key]="PASS"; REASON[$key]="${counters:+nft: $counters}"
  else
    RESULT[$key]="FAIL"; REASON[$key]="$FAIL_WHY"
    for f in "$dir/server.log" "$dir/client.log"; do
      [ -f "$f" ] || continue
      log "---- last lines of $f"; grep -vE "^(I[0-9]{8} |Set timer|Timer|Received packet|Sent packet)" "$f" | tail -n 15 >&2
    done
  fi
  log "[$role] $case: ${RESULT[$key]} (${DURATION[$key]}s) ${REASON[$key]}"
}

# ---------------------------------------------------------------- main

ensure_peer
ensure_namespaces
if [ $USE_NS -eq 0 ]; then
  log "note: not root or no iproute2/nftables: running on the host loopback; loss cases cannot run"
  PORT=$(( 20000 + RANDOM % 40000 ))
fi
if [ -z "$PREREQ_ERROR" ] || [ $BASELINE -eq 0 ]; then ensure_ours; fi
[ -n "$OURS_ERROR" ] && [ $BASELINE -eq 0 ] && log "note: $OURS_ERROR"
prepare_content

roles=("$ROLE"); cases=("$CASE_NAME")
if [ $ALL -eq 1 ]; then roles=(client server); cases=("${CASES[@]}"); fi
for c in "${cases[@]}"; do
  for r in "${roles[@]}"; do run_cell "$r" "$c"; done
done

ANY_FAILED=0
label="ours"; [ $BASELINE -eq 1 ] && label="ngtcp2 (baseline)"
printf '\nngtcp2 %s interop matrix (our side: %s)\n' "$(dpkg-query -W -f='${Version}' ngtcp2-client 2>/dev/null || echo '(version unknown)')" "$label"
printf '%-14s %-8s %-8s\n' case client server
for c in "${cases[@]}"; do
  row_c="${RESULT[$c/client]:--}"; row_s="${RESULT[$c/server]:--}"
  printf '%-14s %-8s %-8s\n' "$c" "$row_c" "$row_s"
  for r in client server; do
    v="${RESULT[$c/$r]:-}"
    { [ "$v" = FAIL ] || { [ "$v" = SKIP ] && [ $IS_CI -eq 1 ]; }; } && ANY_FAILED=1
  done
done
printf '\n'
for c in "${cases[@]}"; do
  for r in client server; do
    v="${RESULT[$c/$r]:-}"
    [ -n "$v" ] && [ "$v" != PASS ] && printf '%s/%s %s: %s\n' "$c" "$r" "$v" "${REASON[$c/$r]}"
  done
done
exit $ANY_FAILED
