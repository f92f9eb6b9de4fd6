"""refkx.tools.pcap: the capture of an in-process TLS 1.3 connection opens in tshark and,
with refkx's key log, decrypts: the Certificate and the application data are visible.
Without the key log tshark sees only encrypted records. Skipped without tshark."""

from __future__ import annotations

import shutil
import struct
import subprocess

import pytest

from refkx.tls import Client, Server
from refkx.tools import pcap

import tls_certs

TSHARK = shutil.which("tshark")
needs_tshark = pytest.mark.skipif(TSHARK is None, reason="tshark not installed")
MESSAGE = b"hello from the refkx client"


def conversation(tmp_path):
    identity = tls_certs.leaf()
    keylog = tmp_path / "keys.log"
    client = Client("localhost", pins=[identity.pin], keylog=str(keylog))
    server = Server([identity.cert_der], identity.key)
    client.start()
    server.receive(client.data_to_send())
    client.receive(server.data_to_send())
    server.receive(client.data_to_send())
    client.send(MESSAGE)
    server.receive(client.data_to_send())
    server.send(b"echo: " + MESSAGE)
    client.receive(server.data_to_send())
    client.close()
    server.receive(client.data_to_send())
    path = tmp_path / "tls.pcap"
    pcap.write_pcap(str(path), client.records)
    return path, keylog


def tshark(*args):
    result = subprocess.run([TSHARK, *args], capture_output=True, timeout=60, text=True)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_checksums_verify():
    packet = pcap.tcp_segment(pcap.CLIENT, pcap.SERVER, 1, 2, pcap.ACK, b"abc")
    assert pcap.internet_checksum(packet[:20]) == 0                 # RFC 1071: sums to 0
    pseudo = packet[12:20] + struct.pack("!BBH", 0, 6, len(packet) - 20)
    assert pcap.internet_checksum(pseudo + packet[20:]) == 0


def test_file_layout(tmp_path):
    path, _ = conversation(tmp_path)
    data = path.read_bytes()
    magic, major, minor, _, _, snaplen, linktype = struct.unpack("!IHHiIII", data[:24])
    assert (magic, major, minor, linktype) == (0xA1B2C3D4, 2, 4, 101)


@needs_tshark
def test_tshark_decrypts_certificate_and_application_data(tmp_path):
    path, keylog = conversation(tmp_path)
    option = f"tls.keylog_file:{keylog}"
    frames = tshark("-r", str(path), "-o", option, "-Y", "tls.handshake.type == 11",
                    "-T", "fields", "-e", "frame.number")
    assert frames.strip(), "the decrypted Certificate is not visible"
    dump = tshark("-r", str(path), "-o", option, "-x")
    assert "hello from the r" in dump and "echo: hello" in dump
    # Without the key log the Certificate and the data stay hidden.
    hidden = tshark("-r", str(path), "-Y", "tls.handshake.type == 11", "-T", "fields",
                    "-e", "frame.number")
    assert not hidden.strip()
    assert "hello from the r" not in tshark("-r", str(path), "-x")
