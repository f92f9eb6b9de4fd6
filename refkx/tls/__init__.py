"""TLS 1.3 (RFC 8446) in small modules, sans-I/O, with a thin socket adapter.

    keyschedule   §7.1-§7.3, §4.4.4      record      §5 (record protection)
    wire          §3 (presentation)       messages    §4 (handshake messages)
    extensions    §4.2                    alerts      §6
    groups        §4.2.7 NamedGroup        signatures  §4.4.3, §4.2.3
    trust         pins, CA file, insecure  keylog      RFC 9850 (SSLKEYLOGFILE)
    connection    what both sides share    client / server  the state machines
    sockets       connect(), serve(): the socket adapter

CPython integers are not constant-time and Python cannot reliably erase memory: this
package teaches and cross-checks; it does not protect production secrets.
"""

from .client import Client
from .connection import (ApplicationData, ConnectionClosed, HandshakeComplete, KeyUpdated,
                         SessionTicketReceived, State)
from .server import Server

__all__ = ["Client", "Server", "connect", "ApplicationData", "ConnectionClosed",
           "HandshakeComplete", "KeyUpdated", "SessionTicketReceived", "State"]


def connect(host, port, **options):
    """A TLS 1.3 connection to host:port (see refkx.tls.sockets.connect)."""
    from .sockets import connect as _connect
    return _connect(host, port, **options)
