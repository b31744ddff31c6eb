"""Several processes writing one vault at once: no half-written file, no lost entry."""

import subprocess
import sys
from pathlib import Path

from lyrad.security.key_sources import KeySources
from lyrad.security.keys import Passphrase
from lyrad.security.vault import Vault
from tests.integration.security.conftest import FAST

WRITERS = 4
ENTRIES_EACH = 8

WRITER = """
import sys
from pathlib import Path
from lyrad.security.key_sources import KeySources
from lyrad.security.vault import Vault

path, passphrase_file, writer, count = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
vault = Vault.open(Path(path), KeySources(passphrase_file=Path(passphrase_file)))
for i in range(count):
    vault.set(f"w{writer}/e{i}", f"value-{writer}-{i}")
"""


def test_concurrent_writers_never_corrupt_or_lose_entries(
    tmp_path: Path, passphrase: Passphrase, passphrase_file: Path
) -> None:
    path = tmp_path / "vault.dat"
    Vault.create(path, passphrase, FAST)
    sources = KeySources(passphrase_file=passphrase_file)
    writers = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, str(path), str(passphrase_file), str(w), str(n)]
        )
        for w, n in ((w, ENTRIES_EACH) for w in range(WRITERS))
    ]
    opened = 0
    while any(p.poll() is None for p in writers):
        Vault.open(path, sources).verify()  # a reader only ever sees a whole file
        opened += 1
    assert [p.wait() for p in writers] == [0] * WRITERS
    vault = Vault.open(path, sources)
    assert len(vault.names()) == WRITERS * ENTRIES_EACH
    assert vault.get("w3/e7") == "value-3-7"
    assert opened > 0
    leftovers = sorted(p.name for p in tmp_path.iterdir())
    assert leftovers == ["passphrase", "vault.dat", "vault.dat.lock"]
