"""How every newsmon Kafka client authenticates and encrypts: one place, three client flavours.

Why one place: the poller's producer, the admin client, the health and lag monitors and
``alerts tail`` use kafka-python, Faust uses aiokafka under its own ``broker_credentials``. If
each built its own options, one client would sooner or later talk PLAINTEXT to a SASL_SSL
cluster (and fail in a retry loop) or log a password. Here the ``kafka:`` settings become

- :func:`client_kwargs` for kafka-python (``KafkaProducer``/``KafkaConsumer``/``KafkaAdminClient``),
- :func:`aiokafka_kwargs` for a bare aiokafka client,
- :func:`faust_credentials` for ``faust.App(broker_credentials=...)``.

The password is read from the environment variable or file the settings name, at the moment a
client is built; it is never stored in :class:`~pipeline.config.Settings`, so ``config show``
and any ``model_dump`` cannot leak it.
"""

from __future__ import annotations

import os
import ssl
from typing import Any

from pipeline.config import KafkaSettings, resolve_path
from pipeline.kafka import client_fixes


class SecurityError(ValueError):
    """The security settings cannot be turned into a client (missing password, unreadable
    certificate); the message names the setting."""


class BrokerAuthError(RuntimeError):
    """The broker refused us: wrong SASL credentials or a TLS certificate we do not trust.
    Retrying cannot help, so callers stop at once with this message (it names the setting)."""


def uses_ssl(kafka: KafkaSettings) -> bool:
    return kafka.security_protocol in ("SSL", "SASL_SSL")


def uses_sasl(kafka: KafkaSettings) -> bool:
    return kafka.security_protocol in ("SASL_PLAINTEXT", "SASL_SSL")


def password_source(kafka: KafkaSettings) -> str:
    """The setting the password comes from, for messages (never the password itself)."""
    if kafka.sasl_password_file:
        return f"kafka.sasl_password_file ({kafka.sasl_password_file})"
    return f"kafka.sasl_password_env (${kafka.sasl_password_env})"


def sasl_password(kafka: KafkaSettings, environ: dict[str, str] | None = None) -> str:
    """The SASL password from the file or environment variable the settings name."""
    if kafka.sasl_password_file:
        path = resolve_path(kafka.sasl_password_file)
        try:
            secret = path.read_text(encoding="utf-8").rstrip("\r\n")
        except OSError as exc:
            raise SecurityError(
                f"kafka.sasl_password_file: cannot read {path}: {exc.strerror or exc}"
            ) from exc
        if not secret:
            raise SecurityError(f"kafka.sasl_password_file: {path} is empty")
        return secret
    env = os.environ if environ is None else environ
    name = kafka.sasl_password_env
    secret = env.get(name, "")
    if not secret:
        raise SecurityError(
            f"kafka.sasl_password_env: environment variable {name} is not set "
            f"(security_protocol {kafka.security_protocol} needs the password of "
            f"{kafka.sasl_username!r})"
        )
    return secret


def _readable(key: str, value: str | None) -> str | None:
    if value is None:
        return None
    path = resolve_path(value)
    if not path.is_file():
        raise SecurityError(f"kafka.{key}: file {path} not found")
    return str(path)


def ssl_context(kafka: KafkaSettings) -> ssl.SSLContext | None:
    """A client TLS context (CA, optional client certificate, hostname check); None without TLS.

    One context for both client libraries, so kafka-python and aiokafka verify the broker the
    same way: the system CAs unless ``ssl_cafile`` names the cluster's CA."""
    if not uses_ssl(kafka):
        return None
    cafile = _readable("ssl_cafile", kafka.ssl_cafile)
    certfile = _readable("ssl_certfile", kafka.ssl_certfile)
    keyfile = _readable("ssl_keyfile", kafka.ssl_keyfile)
    try:
        ctx = ssl.create_default_context(ssl.Purpose.SERVER_AUTH, cafile=cafile)
    except ssl.SSLError as exc:
        raise SecurityError(f"kafka.ssl_cafile: {cafile} is not a PEM CA file: {exc}") from exc
    ctx.check_hostname = kafka.ssl_check_hostname
    if certfile:
        try:
            ctx.load_cert_chain(certfile, keyfile)
        except ssl.SSLError as exc:
            raise SecurityError(
                f"kafka.ssl_certfile/ssl_keyfile: cannot load {certfile}: {exc}"
            ) from exc
    return ctx


def client_kwargs(kafka: KafkaSettings) -> dict[str, Any]:
    """Security options for any kafka-python client: ``KafkaConsumer(**client_kwargs(k), ...)``.

    Empty-handed PLAINTEXT gives ``{"security_protocol": "PLAINTEXT"}``. Raises
    :class:`SecurityError` naming the setting when a password or file is missing. Every
    kafka-python client is built through here, so this is also where the client's receive
    path gets its correction (:mod:`pipeline.kafka.client_fixes`)."""
    client_fixes.apply()
    out: dict[str, Any] = {"security_protocol": kafka.security_protocol}
    ctx = ssl_context(kafka)
    if ctx is not None:
        out["ssl_context"] = ctx
        out["ssl_check_hostname"] = kafka.ssl_check_hostname
    if uses_sasl(kafka):
        out["sasl_mechanism"] = kafka.sasl_mechanism
        out["sasl_plain_username"] = kafka.sasl_username
        out["sasl_plain_password"] = sasl_password(kafka)
    return out


def aiokafka_kwargs(kafka: KafkaSettings) -> dict[str, Any]:
    """Security options for a bare ``aiokafka`` consumer or producer (same names, no
    ``ssl_check_hostname``: aiokafka takes it from the context)."""
    out = client_kwargs(kafka)
    out.pop("ssl_check_hostname", None)
    return out


def faust_credentials(kafka: KafkaSettings) -> Any:
    """``broker_credentials`` for ``faust.App``: None for PLAINTEXT, else SSL or SASL
    credentials carrying the same TLS context as the kafka-python clients."""
    import faust

    if kafka.security_protocol == "PLAINTEXT":
        return None
    ctx = ssl_context(kafka)
    if kafka.security_protocol == "SSL":
        return faust.SSLCredentials(ctx)
    return faust.SASLCredentials(
        username=kafka.sasl_username,
        password=sasl_password(kafka),
        ssl_context=ctx,  # None -> SASL_PLAINTEXT, a context -> SASL_SSL
        mechanism=kafka.sasl_mechanism,
    )


# ------------------------------------------------------------------ refusals, in plain words

_SSL_SIGNS = ("CERTIFICATE_VERIFY_FAILED", "certificate verify failed", "unknown ca",
              "self-signed certificate", "self signed certificate")
_HOSTNAME_SIGNS = ("Hostname mismatch", "doesn't match", "IP address mismatch")
_SASL_SIGNS = ("SaslAuthenticationFailed", "SASL_AUTHENTICATION_FAILED", "Authentication failed",
               "authentication failed", "Invalid username or password", "Invalid credentials",
               "UnsupportedSaslMechanism", "SASL mechanism")


def explain_refusal(kafka: KafkaSettings, error_text: str) -> str | None:
    """One line naming the setting to fix when ``error_text`` (a client exception or log
    message) is an authentication or TLS trust failure; None for anything else (broker down)."""
    where = kafka.bootstrap_servers
    if any(sign in error_text for sign in _HOSTNAME_SIGNS):
        return (
            f"TLS to {where}: the broker's certificate does not name the host "
            "(kafka.ssl_check_hostname: false, or a certificate for this host name)"
        )
    if any(sign in error_text for sign in _SSL_SIGNS):
        ca = kafka.ssl_cafile or "the system CAs"
        return (
            f"TLS to {where}: the broker's certificate is not trusted by kafka.ssl_cafile "
            f"({ca})"
        )
    if uses_sasl(kafka) and any(sign in error_text for sign in _SASL_SIGNS):
        return (
            f"SASL {kafka.sasl_mechanism} authentication to {where} as kafka.sasl_username "
            f"{kafka.sasl_username!r} failed: check the password in {password_source(kafka)} "
            "and kafka.sasl_mechanism"
        )
    if "WRONG_VERSION_NUMBER" in error_text or "record layer failure" in error_text:
        return (
            f"TLS to {where} failed: the listener does not speak TLS "
            f"(kafka.security_protocol is {kafka.security_protocol})"
        )
    return None


def redact(text: str, kafka: KafkaSettings) -> str:
    """``text`` with the password (if one can be read) replaced, for error messages that
    quote a client's exception."""
    if not uses_sasl(kafka):
        return text
    try:
        secret = sasl_password(kafka)
    except SecurityError:
        return text
    return text.replace(secret, "***") if secret else text
