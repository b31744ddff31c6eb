"""Secrets and control: the vault, secret resolution, API tokens and roles, the audit log, redaction."""
