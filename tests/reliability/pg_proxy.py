"""A TCP proxy in front of PostgreSQL that drops connections at chosen moments."""

from __future__ import annotations

import contextlib
import socket
import threading
from dataclasses import dataclass
from urllib.parse import urlparse

from tests.support.stores import POSTGRES_DSN

_SERVER = urlparse(POSTGRES_DSN)
UPSTREAM = (_SERVER.hostname or "127.0.0.1", _SERVER.port or 5432)


@dataclass
class _Cut:
    marker: bytes
    after_reply: bool
    remaining: int


class FaultyProxy:
    """Forwards bytes both ways; cuts a connection when the client sends a marker.

    ``after_reply=False`` drops the message (the server never sees it, so an open
    transaction rolls back); ``after_reply=True`` lets the server process it and read
    its answer, then drops the connection before the client sees that answer: the
    client cannot tell whether its COMMIT happened.
    """

    def __init__(self, upstream: tuple[str, int] = UPSTREAM) -> None:
        self.upstream = upstream
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port: int = self._listener.getsockname()[1]
        self._lock = threading.Lock()
        self._links: list[tuple[socket.socket, socket.socket]] = []
        self._cut: _Cut | None = None
        self.cuts_made = 0
        threading.Thread(target=self._accept, daemon=True).start()

    def cut_when(self, marker: bytes, *, after_reply: bool, times: int = 1) -> None:
        with self._lock:
            self._cut = _Cut(marker, after_reply, times)

    def upstream_ports(self) -> list[int]:
        """Local ports of the proxy's server-side sockets: pg_stat_activity.client_port."""
        with self._lock:
            ports = []
            for _, server in self._links:
                with contextlib.suppress(OSError):
                    ports.append(server.getsockname()[1])
            return ports

    def close(self) -> None:
        # shutdown wakes the accept thread; close alone leaves the socket listening.
        with contextlib.suppress(OSError):
            self._listener.shutdown(socket.SHUT_RDWR)
        self._listener.close()
        with self._lock:
            for client, server in self._links:
                _close(client, server)

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            link = _Link(client, socket.create_connection(self.upstream))
            with self._lock:
                self._links.append((link.client, link.server))
            threading.Thread(target=self._client_to_server, args=(link,), daemon=True).start()
            threading.Thread(target=link.server_to_client, daemon=True).start()

    def _take_cut(self, data: bytes) -> _Cut | None:
        with self._lock:
            cut = self._cut
            if cut is None or cut.remaining <= 0 or cut.marker not in data:
                return None
            cut.remaining -= 1
            self.cuts_made += 1
            return cut

    def _client_to_server(self, link: _Link) -> None:
        try:
            while data := link.client.recv(65536):
                cut = self._take_cut(data)
                if cut is None:
                    link.server.sendall(data)
                    continue
                if cut.after_reply:
                    link.muted.set()
                    link.server.sendall(data)
                    link.answered.wait(2)
                break
        except OSError:
            pass
        link.close()


class _Link:
    """One client connection and its server connection."""

    def __init__(self, client: socket.socket, server: socket.socket) -> None:
        self.client = client
        self.server = server
        self.muted = threading.Event()
        self.answered = threading.Event()

    def server_to_client(self) -> None:
        try:
            while data := self.server.recv(65536):
                if self.muted.is_set():
                    self.answered.set()  # swallowed: the client never learns the outcome
                    break
                self.client.sendall(data)
        except OSError:
            pass
        self.answered.set()
        self.close()

    def close(self) -> None:
        _close(self.client, self.server)


def _close(*sockets: socket.socket) -> None:
    for s in sockets:
        with contextlib.suppress(OSError):
            s.shutdown(socket.SHUT_RDWR)
        with contextlib.suppress(OSError):
            s.close()
