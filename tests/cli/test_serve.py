"""`backroutine serve`: the page is served on 127.0.0.1, loads nothing from elsewhere, and
stops on Ctrl-C; it needs the token it prints, refuses other sites' pages (Origin) and other
names for this address (Host: DNS rebinding), and runs at most 3 app processes at once.

These start the real server on a free port and talk to it over real sockets."""

from __future__ import annotations

import asyncio
import os
import re
import select
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import aiohttp
import pytest

TOKEN_URL = re.compile(r"open (http://127\.0\.0\.1:(\d+)/\?token=([A-Za-z0-9_-]+)) ")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Served:
    """A running `backroutine serve`, and what it printed first."""

    process: subprocess.Popen[str]
    port: int
    url: str
    token: str
    first_line: str

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def origin(self) -> str:
        return self.base

    @property
    def ws_url(self) -> str:
        """The websocket URL as the page gives it to its script."""
        return f"ws://127.0.0.1:{self.port}/ws/{self.token}"

    def stop(self) -> tuple[str, str]:
        self.process.send_signal(signal.SIGINT)
        out, err = self.process.communicate(timeout=20)
        return self.first_line + out, err


def start_serve(home: Path) -> Served:
    port = free_port()
    env = dict(os.environ, BACKROUTINE_HOME=str(home), BACKROUTINE_AUDIO="off")
    process = subprocess.Popen(
        [sys.executable, "-m", "backroutine", "serve", "--port", str(port)],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    assert process.stdout is not None
    ready, _, _ = select.select([process.stdout], [], [], 30)
    first_line = process.stdout.readline() if ready else ""
    found = TOKEN_URL.search(first_line)
    if not found or int(found[2]) != port:
        process.kill()
        out, err = process.communicate()
        raise AssertionError(f"no URL with a token: {first_line + out!r} {err!r}")
    for _ in range(100):  # until it listens
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            time.sleep(0.1)
    return Served(process, port, found[1], found[3], first_line)


def get(url: str, **headers: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=10) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    server = start_serve(tmp_path_factory.mktemp("serve") / "home")
    yield server
    _out, err = server.stop()
    assert "Traceback" not in err, err


def test_serve_answers_on_loopback_and_stops(tmp_path: Path) -> None:
    server = start_serve(tmp_path / "home")
    try:
        status, page = get(server.url)
        assert status == 200
        assert "textual.js" in page and f"ws://127.0.0.1:{server.port}/ws" in page
        assert "googleapis" not in page  # nothing loaded from elsewhere
        ss = shutil.which("ss")
        listening = (
            subprocess.run([ss, "-ltn"], capture_output=True, text=True).stdout if ss else ""
        )
        if listening:  # ss is there: only the loopback address listens
            lines = [line for line in listening.splitlines() if f":{server.port} " in line]
            assert lines and all("127.0.0.1" in line for line in lines), lines
    finally:
        out, err = server.stop()
    assert f"open http://127.0.0.1:{server.port}" in out
    assert "Traceback" not in err


def test_serve_prints_a_url_with_a_token(served: Served) -> None:
    assert served.url == f"http://127.0.0.1:{served.port}/?token={served.token}"
    assert len(served.token) >= 40  # secrets.token_urlsafe(32): 43 characters


def test_the_page_needs_the_token(served: Served) -> None:
    wrong = served.token[:-1] + ("A" if served.token[-1] != "A" else "B")
    for url in (served.base + "/", f"{served.base}/?token=", f"{served.base}/?token={wrong}"):
        status, text = get(url)
        assert status == 403, url
        assert "token" in text and served.token not in text
    assert get(f"{served.base}/download/anything")[0] == 403
    status, page = get(served.url)
    assert status == 200
    assert "textual.js" in page
    # the page gives its script the websocket URL with the token (textual.js adds ?width=...)
    assert f'data-session-websocket-url="{served.ws_url}"' in page


def test_static_files_need_no_token(served: Served) -> None:
    status, script = get(f"{served.base}/static/js/textual.js")
    assert status == 200 and "WebSocket" in script


def test_another_name_for_this_address_is_refused(served: Served) -> None:
    """DNS rebinding: a page of rebind.evil.example, whose name now points at 127.0.0.1."""
    for host in (f"rebind.evil.example:{served.port}", "rebind.evil.example"):
        status, text = get(served.url, Host=host)
        assert status == 403 and "Host" in text, host
    assert get(served.url, Host=f"localhost:{served.port}")[0] == 200
    assert get(served.url, Host=f"127.0.0.1:{served.port + 1}")[0] == 403  # another port


async def _refused(url: str, **headers: str) -> int:
    """The websocket is refused: its HTTP status."""
    async with aiohttp.ClientSession() as session:
        with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
            async with session.ws_connect(
                url, headers=headers, timeout=aiohttp.ClientWSTimeout(10)
            ):
                pass
    return refused.value.status


async def _first_output(session: aiohttp.ClientSession, served: Served) -> bytes:
    async with session.ws_connect(
        served.ws_url + "?width=80&height=24", origin=served.origin
    ) as ws:
        message = await asyncio.wait_for(ws.receive(), timeout=30)
        assert message.type == aiohttp.WSMsgType.BINARY, message
        return message.data


async def test_a_websocket_without_the_token_is_refused(served: Served) -> None:
    origin = served.origin
    assert (
        await _refused(f"ws://127.0.0.1:{served.port}/ws?width=80&height=24", Origin=origin) == 403
    )
    assert await _refused(f"ws://127.0.0.1:{served.port}/ws/wrong?width=80", Origin=origin) == 403


def _ws_urls(served: Served) -> tuple[str, str]:
    """The websocket with the right token: as the page builds it, and with ?token= (both are
    accepted from the right page; a server without the checks would accept both from any)."""
    query = f"ws://127.0.0.1:{served.port}/ws?token={served.token}&width=80&height=24"
    return query, served.ws_url + "?width=80&height=24"


async def test_a_websocket_from_another_site_is_refused(served: Served) -> None:
    for url in _ws_urls(served):
        assert await _refused(url, Origin="http://evil.example") == 403
        assert await _refused(url, Origin=f"http://evil.example:{served.port}") == 403
        assert await _refused(url, Origin=f"http://127.0.0.1:{served.port + 1}") == 403
        assert await _refused(url, Origin="null") == 403
        assert await _refused(url) == 403  # no Origin at all: not a page of this server
    status, text = get(f"{served.base}/ws/{served.token}", Origin="http://evil.example")
    assert status == 403 and "Origin" in text


async def test_a_websocket_by_another_host_name_is_refused(served: Served) -> None:
    rebound = f"rebind.evil.example:{served.port}"
    for url in _ws_urls(served):
        assert await _refused(url, Host=rebound, Origin=f"http://{rebound}") == 403
        assert await _refused(url, Host=rebound, Origin=served.origin) == 403


async def test_the_right_websocket_gets_the_app(served: Served) -> None:
    async with aiohttp.ClientSession() as session:
        assert await _first_output(session, served)


async def test_a_fourth_session_is_refused_while_three_are_open(tmp_path: Path) -> None:
    server = start_serve(tmp_path / "home")
    try:
        async with aiohttp.ClientSession() as session:
            url = _ws_urls(server)[0]  # /ws?token=: the same for a server without a limit
            first, second, third = [
                await session.ws_connect(url, origin=server.origin) for _ in range(3)
            ]
            assert await _refused(url, Origin=server.origin) == 503
            # said in words to whoever asks without upgrading
            async with session.get(url, headers={"Origin": server.origin}) as answer:
                assert answer.status == 503
                assert "3 browser sessions are already open" in await answer.text()
            await first.close()
            for _ in range(100):  # the closed one's app stops, and its place is free again
                try:
                    fourth = await session.ws_connect(url, origin=server.origin)
                    break
                except aiohttp.WSServerHandshakeError:
                    await asyncio.sleep(0.2)
            else:
                raise AssertionError("no session after closing one")
            for ws in (second, third, fourth):
                await ws.close()
    finally:
        _out, err = server.stop()
    assert "Traceback" not in err, err


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
