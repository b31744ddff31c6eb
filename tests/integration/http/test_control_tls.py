"""Optional TLS: the control API over HTTPS with a certificate and key from the config."""

import datetime as dt
import ipaddress
import ssl
from pathlib import Path

import aiohttp
import pytest
from aiohttp import web
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from prometheus_client import CollectorRegistry

from lyrad.config.types import ListenAddress
from lyrad.http.control import ControlApi
from lyrad.http.control_tls import exposure_problem, server_ssl_context
from lyrad.security.audit import AuditLog
from lyrad.security.config import ControlConfig
from lyrad.security.errors import SecurityError
from lyrad.security.roles import Role
from lyrad.security.tokens import TokenStore
from tests.integration.http.control_support import Clock
from tests.integration.http.fake_plane import FakeControlPlane


def _self_signed(tmp_path: Path) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=1))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = tmp_path / "cert.pem", tmp_path / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    key_path.chmod(0o600)
    return cert_path, key_path


async def test_the_control_api_answers_over_tls(tmp_path: Path) -> None:
    cert, key = _self_signed(tmp_path)
    config = ControlConfig(tokens_path=tmp_path / "tokens.json", tls_cert=cert, tls_key=key)
    clock = Clock()
    store = TokenStore(config.tokens_path, now=clock.now, max_lifetime=config.max_token_lifetime)
    audit = AuditLog(tmp_path / "audit.jsonl", now=clock.now)
    token = store.create(Role.VIEWER, dt.timedelta(hours=1), "", audit=audit, actor="t").token
    api = ControlApi(
        plane=FakeControlPlane(),
        tokens=store,
        audit=audit,
        config=config,
        monotonic=clock.monotonic,
        registry=CollectorRegistry(),
    )
    app = web.Application()
    api.register(app)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    try:
        site = web.TCPSite(runner, "127.0.0.1", 0, ssl_context=server_ssl_context(config))
        await site.start()
        port = runner.addresses[0][1]
        trust = ssl.create_default_context(cafile=str(cert))
        async with aiohttp.ClientSession() as session:
            url = f"https://127.0.0.1:{port}/v1/status"
            headers = {"Authorization": f"Bearer {token}"}
            async with session.get(url, headers=headers, ssl=trust) as response:
                assert response.status == 200
                assert (await response.json())["trading_state"] == "active"
            with pytest.raises(aiohttp.ClientError):
                async with session.get(url, headers=headers, ssl=ssl.create_default_context()):
                    pass  # an untrusted certificate is refused by a verifying client
    finally:
        await runner.cleanup()


def test_tls_files_that_cannot_be_loaded_are_one_line(tmp_path: Path) -> None:
    cert, _ = _self_signed(tmp_path)
    missing = ControlConfig(tls_cert=tmp_path / "none.pem", tls_key=tmp_path / "none.key")
    with pytest.raises(SecurityError, match=r"none\.pem: file not found"):
        server_ssl_context(missing)
    wrong = ControlConfig(tls_cert=cert, tls_key=cert)
    with pytest.raises(SecurityError) as info:
        server_ssl_context(wrong)
    assert "\n" not in str(info.value)
    assert server_ssl_context(ControlConfig()) is None


def test_tokens_in_clear_over_a_network_is_a_problem() -> None:
    plain, public = ListenAddress("127.0.0.1", 8787), ListenAddress("0.0.0.0", 8787)
    assert exposure_problem(plain, ControlConfig()) is None
    assert "in clear" in (exposure_problem(public, ControlConfig()) or "")
    tls = ControlConfig(tls_cert=Path("c"), tls_key=Path("k"))
    assert exposure_problem(public, tls) is None
    assert exposure_problem(public, ControlConfig(enabled=False)) is None
