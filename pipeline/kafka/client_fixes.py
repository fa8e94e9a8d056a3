"""A correction of kafka-python 3.0's receive path: bytes read together with the peer's close
are handed to the connection before the close is.

Why: ``KafkaTCPTransport._read_from_sock`` reads the socket until it would block; when the
read ends at the peer's close it aborts the connection and drops what it read in the same
loop. A broker that refuses a SASL login sends its error response and closes at once, so a
client that reads late (a loaded host) gets both in one read and reports nothing but "socket
disconnected": a wrong password then looks like a broker that is down, and the poller ran on
instead of stopping at start (CI failures of ``test_sasl_ssl.py::...[poll-wrong-password]``).

Here the bytes go to the protocol first, and the abort runs one step of the client's event
loop later, after the tasks those responses woke (the SASL exchange then raises
``SaslAuthenticationFailedError`` and closes the connection with it). Nothing else changes:
a read that ends at the close with nothing in it aborts at once, as before.

Applied once per process by :func:`apply` (called from
:func:`pipeline.kafka.security.client_kwargs`, which every kafka-python client newsmon builds
goes through). Only kafka-python 3.x has this transport; elsewhere the patch is not applied.
"""

from __future__ import annotations

import logging
import time
from typing import Any

log = logging.getLogger(__name__)

_applied = False


async def _read_from_sock(self: Any) -> None:
    """``KafkaTCPTransport._read_from_sock`` that delivers data read before the peer's close."""
    from kafka import errors as kafka_errors

    while self._read and not self._closed:
        await self._net.wait_read(self._sock)
        recvd_data, err = self._sock_recv()
        if recvd_data:
            self.last_read = time.monotonic()
            if self._protocol and self._protocol._sensors:
                self._protocol._sensors.bytes_received.record(len(recvd_data))
            try:
                self._protocol.data_received(recvd_data)
            except kafka_errors.KafkaProtocolError as exc:
                return self.abort(error=exc)
        if err:
            if recvd_data:  # let the requests those bytes answered settle first

                # a plain function: the client's selector makes tasks of functions, not partials
                def abort_after(error: Exception = err) -> None:
                    self.abort(error=error)

                self._net.call_soon(abort_after)
                return None
            return self.abort(error=err)
    return None


def apply() -> bool:
    """Install the corrected receive path; True when it is (now or already) in place."""
    global _applied
    if _applied:
        return True
    try:
        from kafka.net.transport import KafkaTCPTransport
    except ImportError:  # not kafka-python 3.x: no such transport, nothing to correct
        return False
    needed = ("_read_from_sock", "_sock_recv", "abort")
    if not all(hasattr(KafkaTCPTransport, name) for name in needed):
        log.debug("kafka-python transport has a different shape; receive path left as it is")
        return False
    KafkaTCPTransport._read_from_sock = _read_from_sock  # type: ignore[method-assign]
    _applied = True
    return True
