"""kafka-python's receive path, corrected: bytes that arrive together with the peer's close
reach the connection before the close does (pipeline/kafka/client_fixes.py).

Runs the client's own transport and event loop (``NetworkSelector``) over a socket pair; the
stand-in is the protocol on top, which records what reached it and in which order."""

from __future__ import annotations

import socket
import time

from kafka.net.selector import NetworkSelector
from kafka.net.transport import KafkaTCPTransport

from pipeline.kafka import client_fixes


class Recorder:
    """The calls a KafkaConnection gets from its transport, in order."""

    _sensors = None

    def __init__(self) -> None:
        self.calls: list[tuple[str, object]] = []

    def data_received(self, data: bytes) -> None:
        self.calls.append(("data", data))

    def connection_lost(self, exc: object) -> None:
        self.calls.append(("lost", exc))


def _read_until_lost(payload: bytes) -> list[tuple[str, object]]:
    net = NetworkSelector()
    ours, peer = socket.socketpair()
    ours.setblocking(False)
    transport = KafkaTCPTransport(net, ours)
    protocol = Recorder()
    transport.set_protocol(protocol)
    # the broker answers and closes before the client gets round to reading: one read sees both
    peer.sendall(payload)
    peer.close()
    transport.resume_reading()
    deadline = time.monotonic() + 5
    while not any(kind == "lost" for kind, _ in protocol.calls) and time.monotonic() < deadline:
        net.poll(timeout_ms=50)
    net.close()
    return protocol.calls


def test_bytes_read_with_the_close_reach_the_connection_before_the_close() -> None:
    assert client_fixes.apply()
    calls = _read_until_lost(b"\x00\x00\x00\x08refused!")
    assert [kind for kind, _ in calls] == ["data", "lost"]
    assert calls[0][1] == b"\x00\x00\x00\x08refused!"
    assert "socket disconnected" in str(calls[1][1])


def test_a_close_with_nothing_before_it_is_reported_at_once() -> None:
    assert client_fixes.apply()
    calls = _read_until_lost(b"")
    assert [kind for kind, _ in calls] == ["lost"]
    assert "socket disconnected" in str(calls[0][1])
