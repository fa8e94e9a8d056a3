"""Throwaway TLS material for a secured test broker, made with the system's ``openssl``:
a CA, a broker certificate for 127.0.0.1/localhost signed by it, and a second, unrelated CA
(the "untrusted" one a client may be wrongly pointed at)."""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class TlsFiles:
    ca_cert: Path
    broker_cert: Path
    broker_key: Path
    other_ca_cert: Path


def _openssl(*args: str, cwd: Path) -> None:
    proc = subprocess.run(
        ["openssl", *args], cwd=cwd, capture_output=True, text=True, timeout=60, check=False
    )
    if proc.returncode != 0:
        raise RuntimeError(f"openssl {' '.join(args[:2])} failed: {proc.stderr[-2000:]}")


def _ca(directory: Path, name: str) -> tuple[Path, Path]:
    key, cert = directory / f"{name}.key", directory / f"{name}.pem"
    _openssl(
        "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
        "-subj", f"/CN=newsmon test {name}", "-keyout", str(key), "-out", str(cert),
        "-addext", "basicConstraints=critical,CA:TRUE",
        "-addext", "keyUsage=critical,keyCertSign,cRLSign",
        cwd=directory,
    )
    return key, cert


def make_tls(directory: Path) -> TlsFiles:
    if shutil.which("openssl") is None:
        raise RuntimeError("openssl is needed to make the test broker's certificates")
    directory.mkdir(parents=True, exist_ok=True)
    ca_key, ca_cert = _ca(directory, "ca")
    _, other_ca = _ca(directory, "other-ca")
    key, csr, cert = directory / "broker.key", directory / "broker.csr", directory / "broker.pem"
    _openssl(
        "req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=127.0.0.1",
        "-keyout", str(key), "-out", str(csr), cwd=directory,
    )
    ext = directory / "san.ext"
    ext.write_text(
        "subjectAltName=IP:127.0.0.1,DNS:localhost\n"
        "extendedKeyUsage=serverAuth\nkeyUsage=critical,digitalSignature,keyEncipherment\n"
    )
    _openssl(
        "x509", "-req", "-in", str(csr), "-CA", str(ca_cert), "-CAkey", str(ca_key),
        "-CAcreateserial", "-days", "2", "-out", str(cert), "-extfile", str(ext),
        cwd=directory,
    )
    # Kafka's PEM key store wants PKCS#8; openssl 3 writes that already, convert to be sure.
    pkcs8 = directory / "broker.pkcs8.key"
    _openssl("pkcs8", "-topk8", "-nocrypt", "-in", str(key), "-out", str(pkcs8), cwd=directory)
    return TlsFiles(ca_cert=ca_cert, broker_cert=cert, broker_key=pkcs8, other_ca_cert=other_ca)
