"""The one image renderer per server: its bounded queue, its socket, its supervisor, and what exports answer when busy."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from multiprocessing.connection import Client

import pytest

from dashboard import __main__ as cli
from dashboard.app import create_app
from dashboard.exports import images
from dashboard.server import renderer
from dashboard.server.renderer import BoundedRenderer, RemoteRenderer, RendererBusy, RendererFailed, Supervisor
from tests.conftest import data_folder

PNG = b"\x89PNG\r\n\x1a\n" + b"0" * 64


class Gate:
    """A render function that holds every call until `open`, counting the calls under way."""

    def __init__(self) -> None:
        self.opened = threading.Event()
        self.entered = threading.Semaphore(0)

    def __call__(self, jobs: list[dict]) -> list[bytes]:
        self.entered.release()
        assert self.opened.wait(30)
        return [PNG for _ in jobs]


def _in_thread(fn, *args) -> tuple[threading.Thread, list]:
    out: list = []
    t = threading.Thread(target=lambda: out.append(_outcome(fn, *args)), daemon=True)
    t.start()
    return t, out


def _outcome(fn, *args):
    try:
        return fn(*args)
    except Exception as exc:  # noqa: BLE001 - the test inspects it
        return exc


@pytest.fixture()
def socket_dir():
    """A short folder for a Unix socket (its path must stay under about 100 bytes)."""
    folder = tempfile.mkdtemp(prefix="usascp-test-")
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


def _listening(address: str, key: bytes, queue: BoundedRenderer, **kw):
    """Serve ``queue`` on ``address`` in a thread; returns the function that stops it."""
    stopping = threading.Event()
    thread = threading.Thread(target=renderer.serve, args=(address, key, queue), kwargs={"stop": stopping, **kw},
                              daemon=True)
    thread.start()
    for _ in range(200):
        if os.path.exists(address):
            break
        time.sleep(0.01)

    def stop() -> None:
        stopping.set()
        try:  # wakes the accept loop, which then ends
            Client(address, family="AF_UNIX", authkey=key).close()
        except (OSError, EOFError):  # it saw `stopping` on its own (after a refused client) and closed the socket
            pass
        thread.join(10)
        assert not thread.is_alive()

    return stop


# ---------------------------------------------------------------- the queue


def test_a_full_queue_refuses_at_once_and_takes_work_again_when_it_drains():
    gate = Gate()
    queue = BoundedRenderer(gate, capacity=2)
    running = [_in_thread(queue.render, [{"n": i}]) for i in range(2)]
    assert gate.entered.acquire(timeout=10)  # one renders, the other waits its turn
    with pytest.raises(RendererBusy) as busy:
        queue.render([{"n": 3}])
    assert busy.value.retry_after == renderer.BUSY_RETRY_AFTER
    gate.opened.set()
    for t, out in running:
        t.join(10)
        assert out == [[PNG]]
    assert queue.render([{"n": 4}]) == [PNG]


# ---------------------------------------------------------------- the renderer process's socket


def test_the_socket_renders_for_a_worker_and_says_busy_when_full(socket_dir):
    gate = Gate()
    address, key = os.path.join(socket_dir, "r.sock"), b"k" * 32
    stop = _listening(address, key, BoundedRenderer(gate, capacity=1))
    client = RemoteRenderer(address, key, timeout=30)
    first, out = _in_thread(client.render, [{"figure": {"data": []}, "format": "png"}] * 2)
    assert gate.entered.acquire(timeout=10)
    with pytest.raises(RendererBusy) as busy:
        client.render([{"figure": {}, "format": "png"}])
    assert "busy" in str(busy.value) and busy.value.retry_after == renderer.BUSY_RETRY_AFTER
    gate.opened.set()
    first.join(10)
    assert out == [[PNG, PNG]]  # each job's image, in order, over the socket
    assert oct(os.stat(address).st_mode & 0o777) == "0o600"
    with pytest.raises(RendererFailed):  # a process without the server's key is refused
        RemoteRenderer(address, b"x" * 32).render([{}])
    stop()


def test_the_renderers_own_failures_reach_the_worker_in_plain_words(socket_dir):
    def missing(jobs):
        raise LookupError("Install Chromium: apt-get install chromium")

    address, key = os.path.join(socket_dir, "r.sock"), b"k" * 32
    stop = _listening(address, key, BoundedRenderer(missing), failed=(LookupError,))
    with pytest.raises(RendererFailed, match="apt-get install chromium"):
        RemoteRenderer(address, key).render([{}])
    stop()


def test_a_renderer_that_is_not_listening_is_busy_with_a_short_retry(socket_dir):
    with pytest.raises(RendererBusy) as busy:
        RemoteRenderer(os.path.join(socket_dir, "none.sock"), b"k").render([{}])
    assert busy.value.retry_after == renderer.RESTART_RETRY_AFTER


def test_the_supervisor_restarts_a_renderer_that_dies_and_stops_it(monkeypatch):
    monkeypatch.setenv(renderer.ADDRESS_ENV, "")  # restored after the test
    monkeypatch.setenv(renderer.KEY_ENV, "")
    sup = Supervisor([sys.executable, "-c", "import time; time.sleep(60)"]).start()
    try:
        assert os.environ[renderer.ADDRESS_ENV] == sup.address  # what the workers forked afterwards inherit
        assert renderer.from_environment().key == sup.key
        deadline = time.time() + 20
        while sup.proc is None and time.time() < deadline:
            time.sleep(0.05)
        first = sup.proc
        first.kill()
        while (sup.proc is first or sup.proc is None) and time.time() < deadline:
            time.sleep(0.05)
        assert sup.starts == 2 and sup.proc.poll() is None
    finally:
        sup.stop()
    assert sup.proc.poll() is not None and not os.path.exists(sup.folder)


def test_the_renderers_children_are_kept_at_a_lower_priority():
    """Chromium resets its threads' priorities; the renderer puts every descendant's threads back below the workers'."""
    parent = subprocess.Popen([sys.executable, "-c", "import subprocess; subprocess.run(['sleep', '30'])"])
    try:
        deadline = time.time() + 10
        while not renderer._descendants(parent.pid) and time.time() < deadline:
            time.sleep(0.05)
        [grandchild] = renderer._descendants(parent.pid)
        assert os.getpriority(os.PRIO_PROCESS, grandchild) < 7
        assert renderer.lower_priority(7, root=parent.pid) >= 1
        assert os.getpriority(os.PRIO_PROCESS, grandchild) == 7
        assert os.sched_getscheduler(grandchild) == renderer.IDLE  # runs only on a core the workers leave free
        assert renderer.lower_priority(7, root=parent.pid) == 0  # nothing left to lower
    finally:
        for pid in renderer._descendants(parent.pid):
            os.kill(pid, 9)
        parent.kill()
        parent.wait()


# ---------------------------------------------------------------- what the routes answer


def test_a_busy_renderer_answers_503_with_retry_after_and_a_plain_message(demo, monkeypatch):
    gate = Gate()
    monkeypatch.setitem(images._LOCAL, os.getpid(), BoundedRenderer(gate, capacity=1))
    app = create_app(demo)
    first, out = _in_thread(lambda: app.server.test_client().get("/export/sectors.png"))
    assert gate.entered.acquire(timeout=30)
    for url in ("/export/map.png?sector=Water", "/export/briefing.pdf"):
        r = app.server.test_client().get(url)
        assert r.status_code == 503 and r.headers["Retry-After"] == str(renderer.BUSY_RETRY_AFTER)
        assert r.mimetype == "text/plain" and "busy" in r.get_data(as_text=True)
    assert app.server.test_client().get("/export/projects.csv").status_code == 200  # tables need no renderer
    gate.opened.set()
    first.join(30)
    assert out[0].status_code == 200 and out[0].data == PNG


def test_with_a_server_renderer_the_worker_starts_no_browser(demo, monkeypatch, socket_dir):
    """Under `serve` the workers send their figures to the one renderer; they never start Chromium themselves."""
    seen: list[dict] = []

    def fake(jobs):
        seen.extend(jobs)
        return [PNG for _ in jobs]

    address, key = os.path.join(socket_dir, "r.sock"), b"k" * 32
    stop = _listening(address, key, BoundedRenderer(fake))
    monkeypatch.setenv(renderer.ADDRESS_ENV, address)
    monkeypatch.setenv(renderer.KEY_ENV, key.hex())
    monkeypatch.setattr(images.Renderer, "_ensure", lambda *a: pytest.fail("a worker started Chromium"))
    r = create_app(demo).server.test_client().get("/export/map.png?sector=Water&width=800")
    assert r.status_code == 200 and r.data == PNG
    assert seen[0]["format"] == "png" and seen[0]["width"] == 800 and "Sector: Water" in str(seen[0]["figure"])
    stop()


def test_an_export_logs_one_line_and_nothing_from_the_renderer(demo, caplog):
    if images.chromium_path() is None:
        pytest.fail("Debian's chromium is not installed: run scripts/test.sh as root, or apt-get install chromium")
    caplog.set_level("INFO")
    client = create_app(demo).server.test_client()
    caplog.clear()
    assert client.get("/export/sectors.png").status_code == 200
    names = [r.name for r in caplog.records]
    assert names == ["usascp.requests"], names


# ---------------------------------------------------------------- start-up without Chromium


def test_startup_says_once_which_exports_are_unavailable_and_how_to_enable_them(tmp_path, monkeypatch, capsys):
    folder = data_folder(tmp_path)
    monkeypatch.setattr(images, "chromium_path", lambda: None)  # the lookup finds nothing
    monkeypatch.setattr(cli.os, "execvpe", lambda *a: None)  # serve: stop before gunicorn
    monkeypatch.setattr("dash.Dash.run", lambda *a, **k: None)  # run: stop before serving
    for command in (["serve", "--workers", "1"], ["run"]):
        assert cli.main([*command, "--port", "8099", "--data-dir", str(folder)]) == 0
        err = capsys.readouterr().err
        assert err.count("Image exports are unavailable") == 1, err
        assert "/export/briefing.pptx" in err and "/export/map.png" not in err  # named as routes, e.g. <chart>.png
        assert "sudo apt-get install -y chromium fonts-dejavu-core" in err


def test_startup_is_quiet_when_chromium_and_its_font_are_there(monkeypatch):
    monkeypatch.setattr(images, "chromium_path", lambda: "/usr/bin/chromium")
    monkeypatch.setattr(images, "DEJAVU", images.Path(__file__))
    assert images.unavailable_exports() is None
    monkeypatch.setattr(images, "DEJAVU", images.Path("/nonexistent/DejaVuSans.ttf"))
    assert "fonts-dejavu-core" in images.unavailable_exports()
