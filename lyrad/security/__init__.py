"""Secrets handling: redaction (the vault, tokens and audit log come with the security work)."""
