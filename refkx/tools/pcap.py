"""A libpcap capture of a TLS conversation, with synthetic IPv4/TCP framing, so that
Wireshark or tshark can open what refkx sent in process and decrypt it with the key log
(RFC 9850). Formats: the libpcap file format (draft-ietf-opsawg-pcap: global header,
then a record header per packet), LINKTYPE_RAW (101: each packet is an IPv4 datagram),
IPv4 (RFC 791 §3.1, header checksum RFC 1071) and TCP (RFC 9293 §3.1, checksum over the
pseudo-header).

The addresses and ports are made up (client 10.0.0.1:50000, server 10.0.0.2:443, so
dissectors take port 443 for TLS); the TCP connection opens with SYN / SYN-ACK / ACK,
carries each side's bytes in segments of at most MSS bytes and closes with FIN.

CPython integers are not constant-time: this code teaches and cross-checks; it does not
protect production secrets.
"""

from __future__ import annotations

import struct

PCAP_MAGIC = 0xA1B2C3D4          # microsecond timestamps, written big-endian here
PCAP_VERSION = (2, 4)
SNAPLEN = 65535
LINKTYPE_RAW = 101               # the packet starts with the IPv4 header
IPV4_VERSION_IHL = 0x45          # version 4, header of 5 words
IP_TTL = 64
IP_PROTOCOL_TCP = 6
TCP_HEADER_WORDS = 5
TCP_WINDOW = 65535
MSS = 1400
FIN, SYN, PSH, ACK = 0x01, 0x02, 0x08, 0x10

CLIENT = ("10.0.0.1", 50000)
SERVER = ("10.0.0.2", 443)
CLIENT_ISN = 1000                # initial sequence numbers (RFC 9293 §3.4), any value works
SERVER_ISN = 5000
PACKET_SPACING_US = 1000         # packets are 1 ms apart in the capture


def _address(text: str) -> bytes:
    return bytes(int(part) for part in text.split("."))


def internet_checksum(data: bytes) -> int:
    """RFC 1071: the ones' complement of the ones' complement sum of 16-bit words."""
    if len(data) % 2:
        data += b"\x00"
    total = sum(struct.unpack(f"!{len(data) // 2}H", data))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return ~total & 0xFFFF


def tcp_segment(source, destination, seq: int, ack: int, flags: int, payload: bytes) -> bytes:
    """An IPv4 datagram holding one TCP segment (RFC 791 §3.1, RFC 9293 §3.1)."""
    src_ip, dst_ip = _address(source[0]), _address(destination[0])
    tcp = struct.pack("!HHIIBBHHH", source[1], destination[1], seq & 0xFFFFFFFF,
                      ack & 0xFFFFFFFF, TCP_HEADER_WORDS << 4, flags, TCP_WINDOW, 0, 0)
    pseudo = src_ip + dst_ip + struct.pack("!BBH", 0, IP_PROTOCOL_TCP, len(tcp) + len(payload))
    checksum = internet_checksum(pseudo + tcp + payload)
    tcp = tcp[:16] + struct.pack("!H", checksum) + tcp[18:]
    total_length = 20 + len(tcp) + len(payload)
    ip = struct.pack("!BBHHHBBH4s4s", IPV4_VERSION_IHL, 0, total_length, 0, 0, IP_TTL,
                     IP_PROTOCOL_TCP, 0, src_ip, dst_ip)
    ip = ip[:10] + struct.pack("!H", internet_checksum(ip)) + ip[12:]
    return ip + tcp + payload


def packets(conversation, mss: int = MSS) -> list[bytes]:
    """The IPv4 packets of a TCP connection carrying `conversation`: (sender, bytes) pairs
    in order, sender "client" or "server"."""
    seq = {"client": CLIENT_ISN, "server": SERVER_ISN}
    ends = {"client": (CLIENT, SERVER), "server": (SERVER, CLIENT)}
    other = {"client": "server", "server": "client"}
    out = [tcp_segment(CLIENT, SERVER, seq["client"], 0, SYN, b""),
           tcp_segment(SERVER, CLIENT, seq["server"], seq["client"] + 1, SYN | ACK, b""),
           tcp_segment(CLIENT, SERVER, seq["client"] + 1, seq["server"] + 1, ACK, b"")]
    seq = {"client": seq["client"] + 1, "server": seq["server"] + 1}
    for sender, data in conversation:
        for start in range(0, len(data), mss):
            chunk = data[start:start + mss]
            source, destination = ends[sender]
            out.append(tcp_segment(source, destination, seq[sender], seq[other[sender]],
                                   PSH | ACK, chunk))
            seq[sender] += len(chunk)
    for sender in ("client", "server"):
        source, destination = ends[sender]
        out.append(tcp_segment(source, destination, seq[sender], seq[other[sender]],
                               FIN | ACK, b""))
        seq[sender] += 1
    return out


def pcap_bytes(conversation, start_time: float = 0.0) -> bytes:
    """The whole libpcap file: global header, then one record per packet (1 ms apart)."""
    header = struct.pack("!IHHiIII", PCAP_MAGIC, *PCAP_VERSION, 0, 0, SNAPLEN, LINKTYPE_RAW)
    records = []
    for i, packet in enumerate(packets(conversation)):
        microseconds = int(start_time * 1_000_000) + PACKET_SPACING_US * i
        records.append(struct.pack("!IIII", microseconds // 1_000_000,
                                   microseconds % 1_000_000, len(packet), len(packet)) + packet)
    return header + b"".join(records)


def write_pcap(path: str, conversation, start_time: float = 0.0) -> None:
    with open(path, "wb") as f:
        f.write(pcap_bytes(conversation, start_time))
