"""lyrad: a production trading daemon for crypto exchanges."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("lyrad")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0+unknown"
