"""What a reload may change: the sections that differ, minus the fields fixed for the process."""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import BaseModel

from lyrad.config.settings import Settings

# (section, field) pairs that only take effect at start: refused on reload with a warning.
FIXED_FIELDS: tuple[tuple[str, str], ...] = (
    ("journal", "path"),
    ("http", "listen"),
    ("daemon", "instance_id"),
    ("vault", "path"),
    ("vault", "key_file"),
    ("vault", "credential"),
    ("control", "enabled"),
    ("control", "tokens_path"),
    ("control", "tls_cert"),
    ("control", "tls_key"),
    ("audit", "path"),
)


@dataclass(frozen=True, slots=True)
class ReloadPlan:
    settings: Settings  # what the daemon runs on from now: the new file with fixed fields kept
    changed: frozenset[str]  # "http", "log", "venues.<name>", ...
    refused: tuple[str, ...]  # dotted keys whose change needs a restart


def _section_keys(settings: Settings) -> dict[str, BaseModel]:
    keys: dict[str, BaseModel] = {}
    for name in type(settings).model_fields:
        value = getattr(settings, name)
        if isinstance(value, dict):
            for key, section in value.items():
                keys[f"{name}.{key}"] = section
        else:
            keys[name] = value
    return keys


def plan_reload(old: Settings, new: Settings) -> ReloadPlan:
    refused: list[str] = []
    for section_name, field in FIXED_FIELDS:
        old_section = getattr(old, section_name)
        new_section = getattr(new, section_name)
        if getattr(old_section, field) != getattr(new_section, field):
            refused.append(f"{section_name}.{field}")
            kept = new_section.model_copy(update={field: getattr(old_section, field)})
            new = new.model_copy(update={section_name: kept})
    before, after = _section_keys(old), _section_keys(new)
    changed = frozenset(
        key for key in before.keys() | after.keys() if before.get(key) != after.get(key)
    )
    return ReloadPlan(new, changed, tuple(refused))
