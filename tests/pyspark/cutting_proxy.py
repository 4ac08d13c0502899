"""A loopback TCP proxy that drops a Spark Connect connection at a chosen point,
the way a load balancer, a pod restart or a flaky network does.

It sits between a client and a gRPC server speaking cleartext HTTP/2. Bytes from
the client go through untouched. Bytes from the server are read frame by frame
(9-byte HTTP/2 frame header + payload), and the gRPC messages of each stream are
reassembled from the DATA frames (1 flag byte + 4-byte length + message), so the
cut can be placed relative to the result stream's messages:

  inside_first_batch      half-way through the first large (Arrow batch) message
  after_first_batch       right after the frame that completes that message
  before_result_complete  just before the frame that carries ResultComplete

The first connection that reaches the point is cut (both sockets closed, nothing
more forwarded); every later connection, such as the client's reconnect, passes
untouched. Plain sockets and threads, no pytest dependency.
"""

from __future__ import annotations

import socket
import struct
import threading
from typing import Optional

from pyspark.sql.connect.proto import base_pb2

CUT_POINTS = ("inside_first_batch", "after_first_batch", "before_result_complete")
LARGE_MESSAGE = 64 * 1024  # only Arrow batches are this big in these tests
FRAME_DATA = 0x0
FLAG_PADDED = 0x8


def _read_exactly(sock: socket.socket, n: int) -> Optional[bytes]:
    chunks = []
    while n > 0:
        chunk = sock.recv(min(n, 1 << 20))
        if not chunk:
            return None
        chunks.append(chunk)
        n -= len(chunk)
    return b"".join(chunks)


class _StreamMessages:
    """gRPC messages of one HTTP/2 stream, reassembled from DATA payloads."""

    def __init__(self) -> None:
        self.pending = bytearray()

    def feed(self, data: bytes) -> tuple[Optional[int], list[bytes]]:
        """Adds a DATA payload. Returns (length of a message still incomplete after
        it, or None; the messages it completed)."""
        self.pending += data
        done = []
        while len(self.pending) >= 5:
            (length,) = struct.unpack(">I", self.pending[1:5])
            if len(self.pending) < 5 + length:
                return length, done
            done.append(bytes(self.pending[5:5 + length]))
            del self.pending[:5 + length]
        return None, done


def _is_result_complete(message: bytes) -> bool:
    response = base_pb2.ExecutePlanResponse()
    try:
        response.ParseFromString(message)
    except Exception:  # not an ExecutePlanResponse
        return False
    return bool(response.response_id and response.operation_id and response.HasField("result_complete"))


class CuttingProxy:
    def __init__(self, upstream_host: str, upstream_port: int, cut: Optional[str]) -> None:
        if cut is not None and cut not in CUT_POINTS:
            raise ValueError(f"cut must be one of {CUT_POINTS} or None, not {cut!r}")
        self.upstream = (upstream_host, upstream_port)
        self.cut = cut
        self.cuts = 0                 # connections cut so far (0 or 1)
        self.connections = 0          # client connections accepted
        self.bytes_before_cut = 0     # server->client bytes forwarded on the cut connection
        self._lock = threading.Lock()
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = self._listener.getsockname()[1]
        self._closing = False
        self._sockets: list[socket.socket] = []
        self._accept_thread = threading.Thread(target=self._accept_loop, daemon=True)
        self._accept_thread.start()

    @property
    def url(self) -> str:
        return f"sc://127.0.0.1:{self.port}"

    def __enter__(self) -> "CuttingProxy":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        self._closing = True
        self._listener.close()
        with self._lock:
            for s in self._sockets:
                _close(s)

    # ------------------------------------------------------------------------------

    def _accept_loop(self) -> None:
        while not self._closing:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            try:
                upstream = socket.create_connection(self.upstream, timeout=10)
            except OSError:
                _close(client)
                continue
            upstream.settimeout(None)
            for s in (client, upstream):
                s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            with self._lock:
                self.connections += 1
                self._sockets += [client, upstream]
            threading.Thread(target=self._pump_raw, args=(client, upstream), daemon=True).start()
            threading.Thread(target=self._pump_frames, args=(upstream, client), daemon=True).start()

    def _pump_raw(self, src: socket.socket, dst: socket.socket) -> None:
        try:
            while True:
                data = src.recv(1 << 16)
                if not data:
                    break
                dst.sendall(data)
        except OSError:
            pass
        _close(src)
        _close(dst)

    def _claim_cut(self) -> bool:
        with self._lock:
            if self.cuts or self.cut is None:
                return False
            self.cuts = 1
            return True

    def _pump_frames(self, server: socket.socket, client: socket.socket) -> None:
        streams: dict[int, _StreamMessages] = {}
        forwarded = 0
        armed = self.cut is not None  # this connection may still be the one cut
        try:
            while True:
                header = _read_exactly(server, 9)
                if header is None:
                    break
                length = int.from_bytes(header[0:3], "big")
                frame_type, flags = header[3], header[4]
                stream_id = int.from_bytes(header[5:9], "big") & 0x7FFFFFFF
                payload = _read_exactly(server, length) if length else b""
                if payload is None:
                    break
                frame = header + payload
                send_bytes = len(frame)  # how much of this frame goes out before a cut
                cut_now = False
                if armed and self.cuts:
                    armed = False  # another connection was cut already
                if armed and frame_type == FRAME_DATA and stream_id:
                    data = payload
                    if flags & FLAG_PADDED and data:
                        data = data[1:len(data) - data[0]]
                    messages = streams.setdefault(stream_id, _StreamMessages())
                    incomplete, done = messages.feed(data)
                    if self.cut == "inside_first_batch":
                        # the first frame holding part of a large message: half of it goes out
                        if (incomplete or 0) >= LARGE_MESSAGE or any(len(m) >= LARGE_MESSAGE for m in done):
                            cut_now, send_bytes = True, len(frame) // 2
                    elif self.cut == "after_first_batch":
                        if any(len(m) >= LARGE_MESSAGE for m in done):
                            cut_now = True
                    elif self.cut == "before_result_complete":
                        if any(_is_result_complete(m) for m in done):
                            cut_now, send_bytes = True, 0
                if cut_now and self._claim_cut():
                    if send_bytes:
                        client.sendall(frame[:send_bytes])
                    self.bytes_before_cut = forwarded + send_bytes
                    break
                client.sendall(frame)
                forwarded += len(frame)
        except OSError:
            pass
        _close(server)
        _close(client)


def _close(s: socket.socket) -> None:
    try:
        s.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
    try:
        s.close()
    except OSError:
        pass
