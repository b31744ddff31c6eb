"""The process: components, the supervisor, signals, systemd notification, the daemon lifecycle."""
