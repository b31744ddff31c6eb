"""Rendering the validation report: JSON (the source of truth), HTML and Markdown."""
