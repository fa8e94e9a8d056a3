"""Download one feed under hard limits: time, size, redirects, decompression ratio.

Why so defensive: ops leave the poller running against thousands of servers of every quality.
A server that never answers, a 2 GB response, a gzip bomb or a redirect loop must cost one
bounded attempt and a clear error kind, never a hung or swollen poller. Bodies are decoded
here (not by httpx) so the size cap applies to the *decompressed* bytes as they are produced.
"""

from __future__ import annotations

import asyncio
import time
import zlib
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Protocol
from urllib.parse import unquote, urljoin, urlsplit

import brotli
import httpx

from pipeline.config import PollerSettings

REDIRECTS = (301, 302, 303, 307, 308)
NETWORK_KINDS = frozenset({"timeout", "connect", "network"})


@dataclass(frozen=True)
class FetchLimits:
    connect_timeout_s: float = 5.0
    read_timeout_s: float = 15.0
    total_timeout_s: float = 30.0
    max_bytes: int = 10_000_000
    max_redirects: int = 5
    user_agent: str = "newsmon/0.1 (feed poller)"

    @classmethod
    def from_settings(cls, p: PollerSettings) -> FetchLimits:
        return cls(
            connect_timeout_s=p.connect_timeout_s,
            read_timeout_s=p.read_timeout_s,
            total_timeout_s=p.total_timeout_s,
            max_bytes=p.max_bytes,
            max_redirects=p.max_redirects,
            user_agent=p.user_agent,
        )


@dataclass
class FetchResult:
    """One attempt. ``error_kind`` is None on 200 and 304; otherwise a short stable name
    (``timeout``, ``connect``, ``network``, ``http_404``, ``rate_limited``, ``too_large``,
    ``redirect_loop``, ``too_many_redirects``, ``decode``, ``bad_url``, ``io``)."""

    url: str
    final_url: str
    status: int | None = None
    body: bytes = b""
    content_type: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    retry_after_s: float | None = None
    fresh_for_s: float | None = None  # Cache-Control max-age / Expires
    permanent_redirect: str | None = None
    bytes_raw: int = 0
    elapsed_s: float = 0.0
    error_kind: str | None = None
    error: str | None = None
    redirects: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.error_kind is None and self.status == 200

    @property
    def not_modified(self) -> bool:
        return self.error_kind is None and self.status == 304


class _TooLarge(Exception):
    pass


class _Decoder(Protocol):
    def feed(self, chunk: bytes, room: int) -> bytes: ...

    def finish(self) -> None: ...


class _Identity:
    def feed(self, chunk: bytes, room: int) -> bytes:
        return chunk

    def finish(self) -> None:
        pass


class _Zlib:
    def __init__(self, gzip: bool) -> None:
        self.gzip = gzip
        self.d = zlib.decompressobj(16 + zlib.MAX_WBITS if gzip else zlib.MAX_WBITS)
        self.started = False

    def feed(self, chunk: bytes, room: int) -> bytes:
        if not self.gzip and not self.started and chunk:
            # "deflate" is zlib-wrapped by the RFC, raw deflate by many servers.
            self.started = True
            if (chunk[0] & 0x0F) != 8:
                self.d = zlib.decompressobj(-zlib.MAX_WBITS)
        out: list[bytes] = []
        produced = 0
        buf = chunk
        while buf:
            piece = self.d.decompress(buf, room - produced + 1)
            out.append(piece)
            produced += len(piece)
            if produced > room:
                raise _TooLarge
            buf = self.d.unconsumed_tail
        return b"".join(out)

    def finish(self) -> None:
        if not self.d.eof:
            raise ValueError("compressed body is truncated or corrupt")


class _Brotli:
    def __init__(self) -> None:
        self.d = brotli.Decompressor()

    def feed(self, chunk: bytes, room: int) -> bytes:
        out = [self.d.process(chunk, output_buffer_limit=room + 1)]
        produced = len(out[0])
        while produced <= room and not self.d.can_accept_more_data():
            piece = self.d.process(b"", output_buffer_limit=room - produced + 1)
            if not piece:
                break
            out.append(piece)
            produced += len(piece)
        if produced > room:
            raise _TooLarge
        return b"".join(out)

    def finish(self) -> None:
        if not self.d.is_finished():
            raise ValueError("brotli body is truncated or corrupt")


def _decoder(encoding: str) -> _Decoder:
    enc = encoding.strip().lower()
    if enc in ("gzip", "x-gzip"):
        return _Zlib(gzip=True)
    if enc == "deflate":
        return _Zlib(gzip=False)
    if enc == "br":
        return _Brotli()
    if enc in ("", "identity"):
        return _Identity()
    raise ValueError(f"unsupported Content-Encoding {encoding!r}")


def _seconds_until(http_date: str, now: datetime | None) -> float | None:
    """Seconds from ``now`` (default: the clock) to an HTTP date, 0 for one in the past, None
    for one that does not parse. A date without a zone is read as UTC, as HTTP dates are."""
    try:
        when = parsedate_to_datetime(http_date)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (delta-seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    return _seconds_until(value, now)


def parse_freshness(headers: httpx.Headers, now: datetime | None = None) -> float | None:
    """How long the server says the response stays fresh (``max-age`` wins over ``Expires``)."""
    cc = headers.get("cache-control", "")
    for part in cc.split(","):
        name, _, val = part.strip().partition("=")
        if name.lower() == "max-age":
            try:
                return max(0.0, float(val.strip().strip('"')))
            except ValueError:
                return None
    expires = headers.get("expires")
    if expires:
        return _seconds_until(expires, now)
    return None


def make_client(limits: FetchLimits, max_connections: int = 100) -> httpx.AsyncClient:
    """One shared client: connection reuse across feeds of a host, hard per-phase timeouts."""
    return httpx.AsyncClient(
        timeout=httpx.Timeout(
            connect=limits.connect_timeout_s,
            read=limits.read_timeout_s,
            write=limits.read_timeout_s,
            pool=limits.total_timeout_s,
        ),
        limits=httpx.Limits(
            max_connections=max_connections, max_keepalive_connections=max_connections
        ),
        follow_redirects=False,
        headers={
            "User-Agent": limits.user_agent,
            "Accept": "application/rss+xml, application/atom+xml, application/feed+json, "
            "application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5",
            "Accept-Encoding": "gzip, deflate, br",
        },
    )


async def _read_body(resp: httpx.Response, max_bytes: int) -> tuple[bytes, int]:
    length = resp.headers.get("content-length", "")
    if length.isdigit() and int(length) > max_bytes:
        raise _TooLarge
    decoder = _decoder(resp.headers.get("content-encoding", ""))
    parts: list[bytes] = []
    size = raw = 0
    async for chunk in resp.aiter_raw():
        raw += len(chunk)
        if raw > max_bytes:
            raise _TooLarge
        piece = decoder.feed(chunk, max_bytes - size)
        size += len(piece)
        if size > max_bytes:
            raise _TooLarge
        parts.append(piece)
    decoder.finish()
    return b"".join(parts), raw


async def _drain(resp: httpx.Response, limit: int = 65_536) -> None:
    """Read a small unused body so the connection goes back to the pool (an unread response
    is closed instead); a large one is not worth it and is dropped with its connection."""
    length = resp.headers.get("content-length", "")
    if length.isdigit() and int(length) > limit:
        return
    total = 0
    async for chunk in resp.aiter_raw():
        total += len(chunk)
        if total > limit:
            return


def _read_file(url: str, max_bytes: int) -> bytes:
    parts = urlsplit(url)
    path = Path(unquote(parts.path))
    with path.open("rb") as fh:
        data = fh.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise _TooLarge
    return data


async def fetch(
    client: httpx.AsyncClient,
    url: str,
    limits: FetchLimits,
    *,
    etag: str | None = None,
    last_modified: str | None = None,
) -> FetchResult:
    """GET ``url`` (conditional when validators are given); never raises for network trouble."""
    result = FetchResult(url=url, final_url=url)
    start = time.perf_counter()
    try:
        async with asyncio.timeout(limits.total_timeout_s):
            if url.startswith("file:"):
                result.body = await asyncio.to_thread(_read_file, url, limits.max_bytes)
                result.status, result.bytes_raw = 200, len(result.body)
                return result
            await _fetch_http(client, url, limits, etag, last_modified, result)
    except _TooLarge:
        result.error_kind = "too_large"
        result.error = f"response larger than {limits.max_bytes} bytes (decompressed)"
        result.body = b""
    except (TimeoutError, httpx.TimeoutException) as exc:
        result.error_kind = "timeout"
        result.error = f"no complete response within the limits ({type(exc).__name__})"
    except httpx.ConnectError as exc:
        result.error_kind = "connect"
        result.error = str(exc) or type(exc).__name__
    except (httpx.UnsupportedProtocol, httpx.InvalidURL) as exc:
        result.error_kind = "bad_url"
        result.error = str(exc)
    except httpx.TransportError as exc:
        result.error_kind = "network"
        result.error = str(exc) or type(exc).__name__
    except (zlib.error, brotli.error, ValueError) as exc:
        result.error_kind = "decode"
        result.error = f"cannot decode body: {exc}"
    except OSError as exc:
        result.error_kind = "io"
        result.error = str(exc)
    finally:
        result.elapsed_s = time.perf_counter() - start
    return result


async def _fetch_http(
    client: httpx.AsyncClient,
    url: str,
    limits: FetchLimits,
    etag: str | None,
    last_modified: str | None,
    result: FetchResult,
) -> None:
    headers: dict[str, str] = {}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    current = url
    visited = {url}
    permanent = True
    for _hop in range(limits.max_redirects + 1):
        request = client.build_request("GET", current, headers=headers)
        resp = await client.send(request, stream=True)
        try:
            result.final_url = current
            result.status = resp.status_code
            location = resp.headers.get("location")
            if resp.status_code in REDIRECTS and location:
                await _drain(resp)
                nxt = urljoin(current, location.strip())
                permanent = permanent and resp.status_code in (301, 308)
                result.redirects.append(nxt)
                if nxt in visited:
                    result.error_kind = "redirect_loop"
                    result.error = f"redirect loop: {' -> '.join([url, *result.redirects])}"
                    return
                visited.add(nxt)
                current = nxt
                continue
            result.content_type = resp.headers.get("content-type")
            result.fresh_for_s = parse_freshness(resp.headers)
            if permanent and result.redirects:
                result.permanent_redirect = current
            if resp.status_code == 304:
                result.etag = resp.headers.get("etag") or etag
                result.last_modified = resp.headers.get("last-modified") or last_modified
                await _drain(resp)
                return
            if resp.status_code != 200:
                await _drain(resp)
                result.retry_after_s = parse_retry_after(resp.headers.get("retry-after"))
                code = resp.status_code
                result.error_kind = "rate_limited" if code == 429 else f"http_{code}"
                result.error = f"HTTP {code} {resp.reason_phrase}".strip()
                return
            result.etag = resp.headers.get("etag")
            result.last_modified = resp.headers.get("last-modified")
            result.body, result.bytes_raw = await _read_body(resp, limits.max_bytes)
            return
        finally:
            await resp.aclose()
    result.error_kind = "too_many_redirects"
    result.error = f"more than {limits.max_redirects} redirects from {url}"
