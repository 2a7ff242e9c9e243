#!/usr/bin/env python3
"""QUIC handshake durations seen on the wire, for any QUIC implementation (ours and ngtcp2's alike).

    quic-handshake-capture.py [--iface lo] [--port P] [--skip N] [--ready-file F]

Captures UDP datagrams on an interface with an AF_PACKET socket and kernel timestamps (root;
meant for a network namespace where only the benchmark talks) until SIGTERM or SIGINT, then prints
one JSON line. Every client (source address and port of a connection's first datagram) is one
handshake, measured from its first datagram carrying an Initial packet to its first datagram
carrying a Handshake packet: the client's Finished (RFC 9001 §4.1), provided the server's whole
flight reached it in one datagram (otherwise that packet may be a mere ACK of the first part).
The count of server datagrams before that packet is reported so a reader can check; keep the
server's certificate chain short (one ECDSA certificate). The time to the client's first 1-RTT
(short header) datagram is reported beside it: it adds whatever the client does before sending
application data. --skip drops the first N clients (warm-up connections). Long headers are
parsed per RFC 9000 §17.2 to walk coalesced packets; nothing is decrypted.
"""
import argparse
import json
import signal
import socket
import struct
import sys

ETH_P_ALL = 0x0003
SO_TIMESTAMPNS = 35
PACKET_OUTGOING = 4


def varint(data, i):
    if i >= len(data):
        raise ValueError("truncated varint")
    length = 1 << (data[i] >> 6)
    if i + length > len(data):
        raise ValueError("truncated varint")
    value = data[i] & 0x3F
    for k in range(1, length):
        value = (value << 8) | data[i + k]
    return value, length


def packet_kinds(payload):
    """The kinds of the QUIC packets coalesced in one UDP payload: initial, 0rtt, handshake, retry, vn, 1rtt."""
    kinds = []
    i = 0
    try:
        while i < len(payload):
            first = payload[i]
            if first & 0x80 == 0:
                kinds.append("1rtt")  # a short header packet runs to the end of the datagram
                break
            if i + 7 > len(payload):
                break
            version = struct.unpack_from("!I", payload, i + 1)[0]
            if version == 0:
                kinds.append("vn")
                break
            kind = (first >> 4) & 0x3  # QUIC v1 long packet types
            j = i + 5
            j += 1 + payload[j]  # destination connection id
            j += 1 + payload[j]  # source connection id
            if kind == 3:
                kinds.append("retry")
                break
            if kind == 0:
                token_length, n = varint(payload, j)
                j += n + token_length
            length, n = varint(payload, j)
            j += n
            kinds.append(("initial", "0rtt", "handshake")[kind])
            i = j + length
    except (ValueError, IndexError):
        pass
    return kinds


def parse_udp(frame):
    """(source, destination, payload) of an IPv4 or IPv6 UDP datagram in an Ethernet-framed packet, or None."""
    if len(frame) < 14:
        return None
    ethertype = struct.unpack_from("!H", frame, 12)[0]
    ip = frame[14:]
    if ethertype == 0x0800 and len(ip) >= 20 and ip[9] == 17:
        header = (ip[0] & 0x0F) * 4
        src, dst = socket.inet_ntop(socket.AF_INET, ip[12:16]), socket.inet_ntop(socket.AF_INET, ip[16:20])
    elif ethertype == 0x86DD and len(ip) >= 40 and ip[6] == 17:
        header = 40
        src, dst = socket.inet_ntop(socket.AF_INET6, ip[8:24]), socket.inet_ntop(socket.AF_INET6, ip[24:40])
    else:
        return None
    udp = ip[header:]
    if len(udp) < 8:
        return None
    sport, dport = struct.unpack_from("!HH", udp, 0)
    return (src, sport), (dst, dport), udp[8:]


def percentile(sorted_values, p):
    rank = max(1, -(-len(sorted_values) * p // 100))  # nearest rank
    return sorted_values[int(rank) - 1]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--iface", default="lo")
    parser.add_argument("--port", type=int, default=0, help="only datagrams to or from this UDP port (0: all)")
    parser.add_argument("--skip", type=int, default=0, help="drop the first N clients (warm-up)")
    parser.add_argument("--ready-file", help="created once the capture runs")
    args = parser.parse_args()

    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(1))
    signal.signal(signal.SIGINT, lambda *_: stop.append(1))

    sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 8 << 20)
    sock.bind((args.iface, 0))
    sock.setsockopt(socket.SOL_SOCKET, SO_TIMESTAMPNS, 1)
    sock.settimeout(0.2)
    if args.ready_file:
        open(args.ready_file, "w").close()

    flows = {}  # unordered address pair -> client address
    clients = {}  # client address -> {"initial": t, "handshake": t, "1rtt": t}
    order = []
    while not stop:
        try:
            frame, ancillary, _, address = sock.recvmsg(65535, 256)
        except socket.timeout:
            continue
        except InterruptedError:
            continue
        if address[2] != PACKET_OUTGOING:  # loopback shows each datagram twice: keep the send side
            continue
        parsed = parse_udp(frame)
        if parsed is None:
            continue
        source, destination, payload = parsed
        if args.port and args.port not in (source[1], destination[1]):
            continue
        timestamp = None
        for level, kind, data in ancillary:
            if level == socket.SOL_SOCKET and kind == SO_TIMESTAMPNS:
                seconds, nanoseconds = struct.unpack("qq", data[:16])
                timestamp = seconds + nanoseconds / 1e9
        if timestamp is None:
            continue
        key = frozenset((source, destination))
        if key not in flows:
            kinds = packet_kinds(payload)
            if "initial" not in kinds:
                continue  # joined mid-connection
            flows[key] = source
            clients[source] = {}
            order.append(source)
        client = flows[key]
        marks = clients[client]
        if client != source:
            if "handshake" not in marks:
                marks["server_datagrams"] = marks.get("server_datagrams", 0) + 1
            continue
        for kind in packet_kinds(payload):
            marks.setdefault(kind, timestamp)

    to_handshake, to_1rtt, server_datagrams = [], [], []
    for client in order[args.skip:]:
        marks = clients[client]
        if "initial" in marks and "handshake" in marks:
            to_handshake.append((marks["handshake"] - marks["initial"]) * 1000)
            server_datagrams.append(marks.get("server_datagrams", 0))
        if "initial" in marks and "1rtt" in marks:
            to_1rtt.append((marks["1rtt"] - marks["initial"]) * 1000)

    result = {"clients": len(order), "skipped": min(args.skip, len(order)), "handshakes": len(to_handshake)}
    if to_handshake:
        values = sorted(to_handshake)
        result.update(
            median_ms=round(percentile(values, 50), 3),
            p90_ms=round(percentile(values, 90), 3),
            min_ms=round(values[0], 3),
            max_ms=round(values[-1], 3),
            server_datagrams_before_client_finished=max(server_datagrams),
        )
    if to_1rtt:
        result["median_ms_to_first_1rtt"] = round(percentile(sorted(to_1rtt), 50), 3)
    result["measured"] = "client's first Initial to its first Handshake packet (its Finished), kernel send timestamps"
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
