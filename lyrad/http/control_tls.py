"""Optional TLS for the HTTP server, and the rule that tokens never cross a network in clear."""

from __future__ import annotations

import ssl

from lyrad.config.types import ListenAddress
from lyrad.security.config import ControlConfig
from lyrad.security.errors import SecurityError


def server_ssl_context(config: ControlConfig) -> ssl.SSLContext | None:
    """The context to pass to `web.TCPSite(ssl_context=...)`, or None without TLS."""
    if config.tls_cert is None or config.tls_key is None:
        return None
    for path in (config.tls_cert, config.tls_key):
        if not path.is_file():
            raise SecurityError(f"control TLS: {path}: file not found")
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    try:
        context.load_cert_chain(certfile=config.tls_cert, keyfile=config.tls_key)
    except (ssl.SSLError, OSError) as e:
        raise SecurityError(
            f"control TLS: cannot load {config.tls_cert} with {config.tls_key}: "
            f"{getattr(e, 'reason', None) or e.strerror or 'unusable certificate or key'}"
        ) from None
    return context


def exposure_problem(listen: ListenAddress, config: ControlConfig) -> str | None:
    """Why this listen address would send bearer tokens in clear over a network, or None."""
    if not config.enabled or listen.is_loopback or config.is_tls:
        return None
    return (
        f"http.listen {listen} is not loopback and control TLS is off: tokens would cross "
        "the network in clear; set control.tls_cert and control.tls_key, or listen on 127.0.0.1"
    )
