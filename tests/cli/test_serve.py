"""`backroutine serve`: the page is served on 127.0.0.1, loads nothing from elsewhere, and
stops on Ctrl-C."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_serve_answers_on_loopback_and_stops(tmp_path: Path) -> None:
    port = free_port()
    env = dict(os.environ, BACKROUTINE_HOME=str(tmp_path / "home"), BACKROUTINE_AUDIO="off")
    server = subprocess.Popen(
        [sys.executable, "-m", "backroutine", "serve", "--port", str(port)],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        page = ""
        for _ in range(100):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2) as answer:
                    page = answer.read().decode()
                break
            except OSError:
                time.sleep(0.1)
        assert "textual.js" in page and f"ws://127.0.0.1:{port}/ws" in page
        assert "googleapis" not in page  # nothing loaded from elsewhere
        ss = shutil.which("ss")
        listening = (
            subprocess.run([ss, "-ltn"], capture_output=True, text=True).stdout if ss else ""
        )
        if listening:  # ss is there: only the loopback address listens
            lines = [line for line in listening.splitlines() if f":{port} " in line]
            assert lines and all("127.0.0.1" in line for line in lines), lines
    finally:
        server.send_signal(signal.SIGINT)
        out, err = server.communicate(timeout=15)
    assert f"open http://127.0.0.1:{port}" in out
    assert "Traceback" not in err


def test_serve_refuses_a_bad_port(cli) -> None:
    for port in ("0", "70000", "http"):
        result = cli("serve", "--port", port)
        assert result.code == 2 and "port" in result.err


def test_serve_on_a_busy_port_says_so(tmp_path: Path) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        run = subprocess.run(
            [sys.executable, "-m", "backroutine", "serve", "--port", str(port)],
            env=dict(os.environ, BACKROUTINE_HOME=str(tmp_path)), capture_output=True,
            text=True, timeout=30,
        )  # fmt: skip
    assert run.returncode == 1
    assert "cannot listen" in run.stderr and "Traceback" not in run.stderr
