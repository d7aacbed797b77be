"""One image renderer per server behind a bounded queue: in process, or a separate process reached over a Unix socket.

Rendering an image (kaleido driving Chromium) takes 0.3-2 s and hundreds of MB. Under
``python -m dashboard serve`` the gunicorn master starts one renderer process
(`Supervisor`, from the hooks in `dashboard.server.gunicorn_hooks`) and restarts it if it
dies; the workers hand it their figures over a Unix socket (`RemoteRenderer`) in a private
folder, authenticated with a key only the master's children know. Elsewhere — ``python -m
dashboard`` (one process), the command line, the tests — the same bounded queue runs in
the process (`BoundedRenderer`).

Either way at most ``capacity`` jobs are held (one rendering, the rest waiting); one more is
refused at once with `RendererBusy` (the routes answer 503 with Retry-After), so waiting
exports never pile up in the workers' threads. This module knows nothing of figures or
Chromium: a job is a JSON-able dict, and the render function is given to it.
"""

from __future__ import annotations

import json
import logging
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from multiprocessing import AuthenticationError
from multiprocessing.connection import Client, Connection, Listener
from pathlib import Path

log = logging.getLogger(__name__)

#: the environment variables a worker finds the server's renderer by (set by the master for its workers)
ADDRESS_ENV = "USASCP_RENDERER_SOCKET"
KEY_ENV = "USASCP_RENDERER_KEY"
#: seconds a client is told to wait when the queue is full, and when the renderer is (re)starting
BUSY_RETRY_AFTER = 3
RESTART_RETRY_AFTER = 2
#: the largest request or answer passed over the socket (a briefing's pages, a 4000 px PNG)
MAX_MESSAGE = 64 * 1024 * 1024
#: the scheduling class the renderer and its Chromium run in (Linux's SCHED_IDLE)
IDLE = getattr(os, "SCHED_IDLE", 5)
#: seconds the supervisor waits before starting a renderer that died again
RESTART_DELAY = 1.0

Job = dict
RenderFn = Callable[[list[Job]], list[bytes]]


class RendererBusy(Exception):
    """The queue is full (or the renderer is restarting): try again after ``retry_after`` seconds."""

    def __init__(self, message: str, retry_after: int = BUSY_RETRY_AFTER) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class RendererFailed(Exception):
    """The renderer could not make the images; the message says why in plain words."""


BUSY_MESSAGE = "The image renderer is busy with other exports; please retry in a few seconds."
RESTART_MESSAGE = "The image renderer is starting; please retry in a few seconds."


class BoundedRenderer:
    """``render`` one batch at a time, holding at most ``capacity`` batches; one more raises RendererBusy at once."""

    def __init__(self, render: RenderFn, capacity: int = 3) -> None:
        self._render = render
        self.capacity = max(1, capacity)
        self._slots = threading.BoundedSemaphore(self.capacity)
        self._turn = threading.Lock()

    def render(self, jobs: list[Job]) -> list[bytes]:
        if not self._slots.acquire(blocking=False):
            raise RendererBusy(BUSY_MESSAGE)
        try:
            with self._turn:
                return self._render(jobs)
        finally:
            self._slots.release()


# ---------------------------------------------------------------------------------------------- over a Unix socket


class RemoteRenderer:
    """A worker's handle on the server's renderer process at ``address`` (a Unix socket path)."""

    def __init__(self, address: str, key: bytes, timeout: float = 300.0) -> None:
        self.address, self.key, self.timeout = address, key, timeout

    def render(self, jobs: list[Job], encoder: type[json.JSONEncoder] | None = None) -> list[bytes]:
        try:
            conn = Client(self.address, family="AF_UNIX", authkey=self.key)
        except (OSError, EOFError) as exc:  # not listening yet, or being restarted by the supervisor
            raise RendererBusy(RESTART_MESSAGE, RESTART_RETRY_AFTER) from exc
        except AuthenticationError as exc:  # a socket that is not this server's renderer
            raise RendererFailed("The image renderer refused this worker; restart the server.") from exc
        try:
            conn.send_bytes(json.dumps({"jobs": jobs}, cls=encoder, separators=(",", ":")).encode())
            if not conn.poll(self.timeout):
                raise RendererFailed("Image rendering timed out; please retry.")
            head = json.loads(conn.recv_bytes(MAX_MESSAGE))
            if head.get("busy"):
                raise RendererBusy(head.get("message") or BUSY_MESSAGE, int(head.get("retry_after") or BUSY_RETRY_AFTER))
            if not head.get("ok"):
                raise RendererFailed(head.get("message") or "Image rendering failed; please retry.")
            return [conn.recv_bytes(MAX_MESSAGE) for _ in range(int(head["count"]))]
        except (OSError, EOFError) as exc:  # the renderer died mid-job
            raise RendererBusy(RESTART_MESSAGE, RESTART_RETRY_AFTER) from exc
        finally:
            conn.close()


def _answer(conn: Connection, queue: BoundedRenderer, failed: tuple[type[Exception], ...]) -> None:
    """Serve one request on ``conn``: the images, or why not."""
    try:
        request = json.loads(conn.recv_bytes(MAX_MESSAGE))
        jobs = request["jobs"]
        try:
            images = queue.render(jobs)
        except RendererBusy as exc:
            conn.send_bytes(json.dumps({"busy": True, "message": str(exc), "retry_after": exc.retry_after}).encode())
            return
        except failed as exc:  # the render function's own plain-words failures (e.g. Chromium missing)
            conn.send_bytes(json.dumps({"ok": False, "message": str(exc)}).encode())
            return
        except Exception as exc:  # noqa: BLE001 - a bad job must not take the renderer down
            log.warning("image rendering failed: %s: %s", type(exc).__name__, str(exc)[:300])
            conn.send_bytes(json.dumps({"ok": False, "message": "Image rendering failed; please retry."}).encode())
            return
        conn.send_bytes(json.dumps({"ok": True, "count": len(images)}).encode())
        for image in images:
            conn.send_bytes(image)
    except (OSError, EOFError, ValueError, KeyError, TypeError):  # the worker went away, or sent nonsense
        pass
    finally:
        conn.close()


def serve(address: str, key: bytes, queue: BoundedRenderer, failed: tuple[type[Exception], ...] = (),
          stop: threading.Event | None = None) -> None:
    """Answer render requests on the Unix socket ``address`` until ``stop`` is set (each in its own thread)."""
    stop = stop or threading.Event()
    with Listener(address, family="AF_UNIX", authkey=key) as listener:
        os.chmod(address, 0o600)
        while not stop.is_set():
            try:
                conn = listener.accept()
            except (OSError, EOFError, ValueError, AuthenticationError) as exc:  # e.g. a client with the wrong key
                if stop.is_set():
                    break
                log.warning("renderer: refused a connection (%s)", type(exc).__name__)
                continue
            if stop.is_set():
                conn.close()
                break
            threading.Thread(target=_answer, args=(conn, queue, failed), daemon=True, name="usascp-render").start()


def exit_with_parent(parent: int, on_exit: Callable[[], None], every: float = 2.0) -> None:
    """Call ``on_exit`` and end this process once ``parent`` is gone (the master was killed)."""
    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(every)
        try:
            on_exit()
        finally:
            os._exit(0)

    threading.Thread(target=watch, daemon=True, name="usascp-parent-watch").start()


def _descendants(pid: int) -> list[int]:
    kids: list[int] = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == pid:
                kids.append(int(stat.parent.name))
        except (OSError, ValueError, IndexError):
            continue
    return [d for k in kids for d in (k, *_descendants(k))]


def _idle(tid: int) -> bool:
    """Put thread ``tid`` in the idle scheduling class (it runs only on a CPU nothing else wants); True if it moved."""
    if os.sched_getscheduler(tid) == IDLE:
        return False
    os.sched_setscheduler(tid, IDLE, os.sched_param(0))
    return True


def lower_priority(niceness: int, root: int | None = None) -> int:
    """Give every thread of the descendants of ``root`` (default: this process; i.e. Chromium) at least ``niceness``
    and the idle scheduling class; the number of threads changed.

    Chromium sets its own threads' priorities (back to 0, some to -8), undoing the niceness they inherit;
    this puts them back, so that rendering yields the CPU to the workers' requests.
    """
    changed = 0
    for pid in _descendants(os.getpid() if root is None else root):
        for task in Path(f"/proc/{pid}/task").glob("[0-9]*"):
            try:
                tid = int(task.name)
                moved = _idle(tid)
                if os.getpriority(os.PRIO_PROCESS, tid) < niceness:
                    os.setpriority(os.PRIO_PROCESS, tid, niceness)
                    moved = True
                changed += moved
            except (OSError, ValueError):  # the thread has ended
                continue
    return changed


def keep_priority_low(niceness: int, every: float = 1.0) -> None:
    """Put this process in the idle scheduling class at ``niceness`` (its children, Chromium, inherit both) and
    keep its children's threads there (a daemon thread).

    The idle class, not only a high niceness: a niced Chromium still took a tenth of a busy core from the
    workers, enough to double the filter callbacks' p95 under load; an idle one waits for a free core.
    """
    os.setpriority(os.PRIO_PROCESS, 0, max(niceness, os.getpriority(os.PRIO_PROCESS, 0)))
    _idle(0)

    def watch() -> None:
        while True:
            lower_priority(niceness)
            time.sleep(every)

    threading.Thread(target=watch, daemon=True, name="usascp-renderer-priority").start()


def sigterm_exits() -> None:
    """Make SIGTERM a normal exit, so atexit handlers (closing Chromium) run."""
    def leave(*_: object) -> None:
        signal.signal(signal.SIGTERM, signal.SIG_IGN)  # a second SIGTERM (group and supervisor) must not cut atexit
        sys.exit(0)

    signal.signal(signal.SIGTERM, leave)


# ---------------------------------------------------------------------------------------------- the master's side


class Supervisor:
    """Starts the renderer process (``command``) on a fresh socket, restarts it when it dies, stops it on `stop`.

    `start` publishes the socket and key in ``os.environ`` (ADDRESS_ENV, KEY_ENV), so the workers
    that the master forks afterwards find the renderer.
    """

    def __init__(self, command: list[str]) -> None:
        self.command = command
        self.folder = tempfile.mkdtemp(prefix="usascp-renderer-")  # 0700: only this user can reach the socket
        self.address = os.path.join(self.folder, "render.sock")
        self.key = secrets.token_bytes(32)
        self.proc: subprocess.Popen | None = None
        self.starts = 0
        self._stopping = threading.Event()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None

    def start(self) -> "Supervisor":
        os.environ[ADDRESS_ENV] = self.address
        os.environ[KEY_ENV] = self.key.hex()
        self._thread = threading.Thread(target=self._run, daemon=True, name="usascp-renderer-supervisor")
        self._thread.start()
        return self

    def _spawn(self) -> subprocess.Popen | None:
        with self._lock:
            if self._stopping.is_set():
                return None
            if os.path.exists(self.address):
                os.unlink(self.address)
            env = {**os.environ, ADDRESS_ENV: self.address, KEY_ENV: self.key.hex()}
            self.proc = subprocess.Popen(self.command, env=env, stdin=subprocess.DEVNULL)
            self.starts += 1
            return self.proc

    def _run(self) -> None:
        while not self._stopping.is_set():
            proc = self._spawn()
            if proc is None:
                break
            code = proc.wait()
            if self._stopping.is_set():
                break
            log.warning("the image renderer (pid %s) exited with code %s; starting another", proc.pid, code)
            self._stopping.wait(RESTART_DELAY)

    def stop(self, timeout: float = 10.0) -> None:
        """Stop the renderer (SIGTERM, then SIGKILL) and remove its socket folder."""
        with self._lock:
            self._stopping.set()
            proc = self.proc
        if proc is not None and proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout)
        shutil.rmtree(self.folder, ignore_errors=True)


def from_environment(env: dict | None = None) -> RemoteRenderer | None:
    """The server's renderer named in the environment, or None to render in this process."""
    env = os.environ if env is None else env
    address, key = env.get(ADDRESS_ENV), env.get(KEY_ENV)
    if not address or not key:
        return None
    try:
        return RemoteRenderer(address, bytes.fromhex(key))
    except ValueError:
        return None
