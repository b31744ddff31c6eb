from pathlib import Path

from lyrad.config.reload import plan_reload
from lyrad.config.settings import Settings, load_settings


def settings_from(tmp_path: Path, name: str, text: str) -> Settings:
    path = tmp_path / name
    path.write_text(text)
    return load_settings(path)


def test_only_changed_sections_are_reported(tmp_path: Path) -> None:
    old = settings_from(tmp_path, "a.toml", '[log]\nlevel = "info"\n')
    new = settings_from(tmp_path, "b.toml", '[log]\nlevel = "debug"\n')
    plan = plan_reload(old, new)
    assert plan.changed == frozenset({"log"})
    assert plan.refused == ()
    assert plan.settings.log.level == "debug"


def test_venue_changes_are_reported_per_venue(tmp_path: Path) -> None:
    old = settings_from(tmp_path, "a.toml", "[venues.sim]\nseed = 1\n[venues.other]\nseed = 2\n")
    new = settings_from(tmp_path, "b.toml", "[venues.sim]\nseed = 1\n[venues.other]\nseed = 3\n")
    assert plan_reload(old, new).changed == frozenset({"venues.other"})


def test_fields_fixed_for_the_process_are_refused_and_kept(tmp_path: Path) -> None:
    old = settings_from(tmp_path, "a.toml", '[http]\nlisten = "127.0.0.1:9000"\n')
    new = settings_from(
        tmp_path,
        "b.toml",
        '[http]\nlisten = "127.0.0.1:9001"\nmetrics_render_timeout = "2s"\n'
        '[journal]\npath = "/elsewhere.sqlite3"\n',
    )
    plan = plan_reload(old, new)
    assert set(plan.refused) == {"http.listen", "journal.path"}
    assert plan.settings.http.listen.port == 9000
    assert plan.settings.journal.path == old.journal.path
    assert plan.settings.http.metrics_render_timeout.total_seconds() == 2
    assert plan.changed == frozenset({"http"})
