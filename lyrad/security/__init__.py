"""Secrets and control: the vault, secret references, API tokens and roles, audit, redaction."""
