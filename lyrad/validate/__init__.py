"""`lyrad validate`: the exchange readiness suite (checks, scoring, report)."""
