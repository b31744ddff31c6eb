import os
import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from lyrad.runtime.sdnotify import SdNotifier


@pytest.fixture
def notify_socket(tmp_path: Path) -> Iterator[tuple[socket.socket, str]]:
    path = str(tmp_path / "notify.sock")
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(path)
    sock.settimeout(2)
    yield sock, path
    sock.close()


def test_messages_arrive_on_the_socket(notify_socket: tuple[socket.socket, str]) -> None:
    sock, path = notify_socket
    notifier = SdNotifier.from_env({"NOTIFY_SOCKET": path})
    notifier.ready("trading")
    assert sock.recv(4096).decode() == "READY=1\nSTATUS=trading"
    notifier.reloading()
    message = sock.recv(4096).decode().split("\n")
    assert message[0] == "RELOADING=1"
    assert message[1].startswith("MONOTONIC_USEC=")
    assert int(message[1].split("=")[1]) > 0
    notifier.watchdog()
    assert sock.recv(4096) == b"WATCHDOG=1"
    notifier.stopping()
    assert sock.recv(4096).startswith(b"STOPPING=1")


def test_abstract_namespace_socket() -> None:
    name = f"lyrad-test-{os.getpid()}"
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as sock:
        sock.bind(b"\0" + name.encode())
        sock.settimeout(2)
        SdNotifier.from_env({"NOTIFY_SOCKET": "@" + name}).status("hello")
        assert sock.recv(4096) == b"STATUS=hello"


def test_without_systemd_it_is_a_no_op() -> None:
    notifier = SdNotifier.from_env({})
    assert not notifier.enabled
    notifier.ready("x")  # must not raise
    assert notifier.watchdog_interval_s is None


def test_watchdog_interval_is_half_the_timeout_and_respects_the_pid() -> None:
    assert SdNotifier.from_env({"WATCHDOG_USEC": "4000000"}).watchdog_interval_s == 2.0
    other_pid = {"WATCHDOG_USEC": "4000000", "WATCHDOG_PID": "1"}
    assert SdNotifier.from_env(other_pid).watchdog_interval_s is None


def test_a_vanished_socket_does_not_raise(tmp_path: Path) -> None:
    SdNotifier(str(tmp_path / "gone.sock")).ready("x")


def test_a_receiver_that_stops_reading_never_blocks_the_sender(
    notify_socket: tuple[socket.socket, str],
) -> None:
    _, path = notify_socket  # bound, never read: its queue fills up
    notifier = SdNotifier(path)

    def flood() -> None:
        for _ in range(5000):
            notifier.watchdog()

    sender = threading.Thread(target=flood)
    sender.start()
    sender.join(timeout=30)
    assert not sender.is_alive(), "sd_notify blocked on a full socket"
