"""Entry point of the `lyrad` command; the only place the process exits."""

import sys

from lyrad.cli import run_cli


def main() -> None:
    sys.exit(run_cli(sys.argv[1:]))


if __name__ == "__main__":
    main()
