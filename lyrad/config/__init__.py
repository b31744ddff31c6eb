"""Configuration: one frozen, strict section per component, loaded from TOML plus environment."""
