"""Kafka security settings: validation, the password's sources, and the options each client
library gets (without a broker; the SASL_SSL round trip is tests/integration/test_sasl_ssl.py)."""

from __future__ import annotations

import json
import ssl
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline.config import ROOT, ConfigError, KafkaSettings, load_settings
from pipeline.kafka.broker import (
    BrokerError,
    SecureListener,
    render_server_properties,
    scram_format_args,
)
from pipeline.kafka.security import (
    SecurityError,
    aiokafka_kwargs,
    client_kwargs,
    explain_refusal,
    faust_credentials,
    sasl_password,
)

SASL_ENV = {
    "NEWSMON_KAFKA__SECURITY_PROTOCOL": "SASL_PLAINTEXT",
    "NEWSMON_KAFKA__SASL_USERNAME": "svc-newsmon",
    "NEWSMON_KAFKA__SASL_MECHANISM": "SCRAM-SHA-256",
}


def test_plaintext_by_default_and_clients_get_only_the_protocol() -> None:
    kafka = load_settings(environ={}).kafka
    assert kafka.security_protocol == "PLAINTEXT"
    assert client_kwargs(kafka) == {"security_protocol": "PLAINTEXT"}
    assert faust_credentials(kafka) is None


def test_a_clear_text_password_in_the_yaml_is_refused_naming_the_key(tmp_path: Path) -> None:
    cfg = tmp_path / "newsmon.yaml"
    cfg.write_text("kafka:\n  sasl_username: u\n  sasl_password: hunter2-secret\n")
    with pytest.raises(ConfigError) as err:
        load_settings(cfg, environ={})
    message = str(err.value)
    assert "kafka.sasl_password" in message and "clear text" in message
    assert "kafka.sasl_password_env" in message and "kafka.sasl_password_file" in message
    assert "hunter2-secret" not in message


def test_a_clear_text_password_override_is_refused_too() -> None:
    with pytest.raises(ConfigError, match=r"kafka.sasl_password") as err:
        load_settings(environ={"NEWSMON_KAFKA__SASL_PASSWORD": "hunter2-secret"})
    assert "hunter2-secret" not in str(err.value)


@pytest.mark.parametrize(
    ("key", "value", "named"),
    [
        ("SECURITY_PROTOCOL", "SASL_TLS", "kafka.security_protocol"),
        ("SASL_MECHANISM", "GSSAPI", "kafka.sasl_mechanism"),
    ],
)
def test_unknown_protocol_or_mechanism_is_named(key: str, value: str, named: str) -> None:
    with pytest.raises(ConfigError, match=named):
        load_settings(environ={f"NEWSMON_KAFKA__{key}": value})


def test_sasl_without_a_username_is_refused() -> None:
    with pytest.raises(ConfigError, match=r"needs kafka.sasl_username"):
        load_settings(environ={"NEWSMON_KAFKA__SECURITY_PROTOCOL": "SASL_SSL"})


def test_password_from_the_named_environment_variable() -> None:
    kafka = load_settings(environ=SASL_ENV).kafka
    assert sasl_password(kafka, {"NEWSMON_KAFKA_PASSWORD": "pw-1"}) == "pw-1"
    with pytest.raises(SecurityError, match=r"kafka.sasl_password_env.*NEWSMON_KAFKA_PASSWORD"):
        sasl_password(kafka, {})


def test_password_file_wins_and_a_missing_file_is_named(tmp_path: Path) -> None:
    secret = tmp_path / "kafka.pw"
    secret.write_text("pw-from-file\n")
    env = {**SASL_ENV, "NEWSMON_KAFKA__SASL_PASSWORD_FILE": str(secret)}
    kafka = load_settings(environ=env).kafka
    assert sasl_password(kafka, {"NEWSMON_KAFKA_PASSWORD": "other"}) == "pw-from-file"
    kafka.sasl_password_file = str(tmp_path / "absent.pw")
    with pytest.raises(SecurityError, match=r"kafka.sasl_password_file.*absent.pw"):
        sasl_password(kafka)


def test_sasl_options_for_kafka_python_and_faust(monkeypatch: pytest.MonkeyPatch) -> None:
    import faust

    monkeypatch.setenv("NEWSMON_KAFKA_PASSWORD", "pw-2")
    kafka = load_settings(environ=SASL_ENV).kafka
    opts = client_kwargs(kafka)
    assert opts == {
        "security_protocol": "SASL_PLAINTEXT",
        "sasl_mechanism": "SCRAM-SHA-256",
        "sasl_plain_username": "svc-newsmon",
        "sasl_plain_password": "pw-2",
    }
    creds = faust_credentials(kafka)
    assert isinstance(creds, faust.SASLCredentials)
    assert creds.protocol.value == "SASL_PLAINTEXT"
    assert creds.mechanism.value == "SCRAM-SHA-256"
    assert "pw-2" not in repr(creds)


def test_sasl_ssl_uses_one_tls_context_with_the_configured_ca(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:

    ca = tmp_path / "ca.pem"
    ca.write_text(_self_signed_ca(tmp_path))
    monkeypatch.setenv("NEWSMON_KAFKA_PASSWORD", "pw-3")
    env = {
        **SASL_ENV,
        "NEWSMON_KAFKA__SECURITY_PROTOCOL": "SASL_SSL",
        "NEWSMON_KAFKA__SSL_CAFILE": str(ca),
        "NEWSMON_KAFKA__SSL_CHECK_HOSTNAME": "false",
    }
    kafka = load_settings(environ=env).kafka
    opts = client_kwargs(kafka)
    ctx = opts["ssl_context"]
    assert isinstance(ctx, ssl.SSLContext)
    assert ctx.verify_mode == ssl.CERT_REQUIRED and ctx.check_hostname is False
    assert opts["ssl_check_hostname"] is False
    assert any("newsmon unit CA" in str(c.get("subject")) for c in ctx.get_ca_certs())
    assert "ssl_check_hostname" not in aiokafka_kwargs(kafka)
    creds = faust_credentials(kafka)
    assert creds.protocol.value == "SASL_SSL" and creds.ssl_context is not None


def test_a_missing_ca_file_is_named(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    env = {"NEWSMON_KAFKA__SECURITY_PROTOCOL": "SSL",
           "NEWSMON_KAFKA__SSL_CAFILE": str(tmp_path / "nope.pem")}
    kafka = load_settings(environ=env).kafka
    with pytest.raises(SecurityError, match=r"kafka.ssl_cafile.*nope.pem"):
        client_kwargs(kafka)


def test_refusals_are_told_from_a_broker_that_is_down() -> None:
    kafka = KafkaSettings(
        bootstrap_servers="b:9094", security_protocol="SASL_SSL", sasl_username="u",
        ssl_cafile="/etc/ca.pem",
    )
    sasl = explain_refusal(kafka, "Abort ([Error 58] SaslAuthenticationFailedError: invalid "
                                  "credentials with SASL mechanism SCRAM-SHA-512)")
    assert sasl and "kafka.sasl_password_env" in sasl and "b:9094" in sasl
    tls = explain_refusal(kafka, "[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed")
    assert tls and "kafka.ssl_cafile (/etc/ca.pem)" in tls
    host = explain_refusal(kafka, "Hostname mismatch, certificate is not valid for 'b'")
    assert host and "kafka.ssl_check_hostname" in host
    assert explain_refusal(kafka, "KafkaConnectionError: Connection refused") is None


def test_config_show_masks_the_password_and_check_reads_it(tmp_path: Path) -> None:
    secret = "pw-" + "x7" * 8
    env = {**SASL_ENV, "NEWSMON_KAFKA_PASSWORD": secret, "PATH": "/usr/bin:/bin"}
    run = [sys.executable, "-m", "pipeline", "config"]
    shown = subprocess.run([*run, "show"], env=env, cwd=ROOT, capture_output=True, text=True)
    assert shown.returncode == 0, shown.stderr
    assert secret not in shown.stdout + shown.stderr
    kafka = json.loads(shown.stdout)["kafka"]
    assert kafka["sasl_password"].startswith("***") and "NEWSMON_KAFKA_PASSWORD" in kafka[
        "sasl_password"]
    del env["NEWSMON_KAFKA_PASSWORD"]
    check = subprocess.run([*run, "check"], env=env, cwd=ROOT, capture_output=True, text=True)
    assert check.returncode == 2
    assert "kafka.sasl_password_env" in check.stderr


def test_broker_sasl_ssl_listener_properties(tmp_path: Path) -> None:
    store = tmp_path / "ks.pem"
    text = render_server_properties(
        "127.0.0.1", 19092, 19093, tmp_path / "logs", secure=SecureListener(19094, store)
    )
    props = dict(line.split("=", 1) for line in text.splitlines())
    assert props["listeners"].endswith(",SASL_SSL://127.0.0.1:19094")
    assert "CONTROLLER:PLAINTEXT" in props["listener.security.protocol.map"]
    assert "SASL_SSL:SASL_SSL" in props["listener.security.protocol.map"]
    assert props["inter.broker.listener.name"] == "PLAINTEXT"
    assert props["ssl.keystore.type"] == "PEM" and props["ssl.keystore.location"] == str(store)
    assert "ScramLoginModule" in props["listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config"]
    with pytest.raises(BrokerError, match="sasl_ssl_port"):
        render_server_properties("127.0.0.1", 19092, 19093, tmp_path, secure=SecureListener(
            19093, store))


def test_scram_user_for_both_mechanisms_and_unsafe_names_refused() -> None:
    args = scram_format_args("svc", "pw")
    assert args == ["--add-scram", "SCRAM-SHA-256=[name=svc,password=pw]",
                    "--add-scram", "SCRAM-SHA-512=[name=svc,password=pw]"]
    with pytest.raises(BrokerError, match="password"):
        scram_format_args("svc", "a,b")


def _self_signed_ca(tmp_path: Path) -> str:
    key, cert = tmp_path / "ca.key", tmp_path / "ca-out.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj",
         "/CN=newsmon unit CA", "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )
    return cert.read_text()


def test_a_refusal_the_client_only_warns_about_still_stops_the_wait(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """kafka-python 3 may report a refused SCRAM login during bootstrap only as a WARNING line
    and then raise a bare "Unable to bootstrap": the wait must still end at once, naming the
    password setting, instead of retrying until its timeout and calling the broker absent."""
    import logging
    import time

    from kafka.errors import KafkaTimeoutError

    from pipeline.kafka import admin
    from pipeline.kafka.security import BrokerAuthError

    attempts: list[float] = []

    def refused_admin(*_args: object, **_kwargs: object) -> object:
        attempts.append(time.monotonic())
        logging.getLogger("kafka.net.manager").warning(
            "Bootstrap connection to %s failed: %s (backoff %.2f secs)", "bootstrap-0",
            "[Error 58] SaslAuthenticationFailedError: Authentication failed during "
            "authentication due to invalid credentials with SASL mechanism SCRAM-SHA-512", 0.1)
        raise KafkaTimeoutError("Unable to bootstrap from ['b:9094']")

    monkeypatch.setattr(admin, "_admin", refused_admin)
    monkeypatch.setenv("NEWSMON_KAFKA_PASSWORD", "wrong")
    kafka = KafkaSettings(bootstrap_servers="b:9094", security_protocol="SASL_SSL",
                          sasl_username="u", sasl_mechanism="SCRAM-SHA-512")
    with pytest.raises(BrokerAuthError, match=r"kafka\.sasl_password_env"):
        admin.wait_for_broker("b:9094", timeout=20, kafka=kafka)
    assert len(attempts) == 1


def test_a_broker_that_is_down_is_named_with_what_the_client_saw(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import logging

    from kafka.errors import KafkaTimeoutError

    from pipeline.kafka import admin

    def down_admin(*_args: object, **_kwargs: object) -> object:
        logging.getLogger("kafka.net.manager").warning(
            "Bootstrap connection to %s failed: %s", "bootstrap-0",
            "KafkaConnectionError: 111 ECONNREFUSED")
        raise KafkaTimeoutError("Unable to bootstrap from ['b:9094']")

    monkeypatch.setattr(admin, "_admin", down_admin)
    kafka = KafkaSettings(bootstrap_servers="b:9094")
    with pytest.raises(admin.BrokerUnavailable, match=r"b:9094.*ECONNREFUSED"):
        admin.wait_for_broker("b:9094", timeout=1.2, kafka=kafka)
