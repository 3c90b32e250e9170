"""`backroutine serve`: the home screen in a browser tab, through textual-serve, guarded.

textual-serve answers anyone who can reach its port, and every websocket to `/ws` starts a
new app process that shows the person's history (pain scores, notes: health data) and takes
their keys. A page on any other site open in the same browser can reach 127.0.0.1, so can a
DNS-rebinding page, and so can every other user of this computer. This module serves the same
app with four guards, all in one aiohttp middleware on textual-serve's own application:

- a random token per run (like Jupyter's), printed in the URL to open; the page and the
  websocket need it (403 without), compared in constant time; static files (textual-serve's
  JS, CSS, fonts, background image) hold nothing private and are served without it;
- the Host header must be an address this server answers to (DNS rebinding);
- a websocket's Origin must be this server's own origin (another site's page);
- at most `max_sessions` websockets (app processes) at once.

This module imports aiohttp and textual-serve: backroutine.cli.serve imports it only when the
command runs.
"""

from __future__ import annotations

import hmac
import ipaddress
import logging
import re
import secrets
import socket
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import aiohttp_jinja2
from aiohttp import web
from aiohttp.typedefs import Handler
from textual_serve.server import Server

from backroutine.cli.common import EXIT_OK, UserError

log = logging.getLogger("backroutine.serve")

MAX_SESSIONS = 3
LOOPBACK_NAMES = ("127.0.0.1", "localhost", "::1")
ANY_ADDRESS = ("0.0.0.0", "::", "")

# A Host header (or an Origin's host part): a name or IPv4 address, or an IPv6 address in
# brackets, then an optional port. Nothing else (no user@, path, spaces) is accepted.
_HOST = re.compile(r"(?:\[(?P<v6>[0-9a-f:.]+)\]|(?P<name>[a-z0-9._-]+))(?::(?P<port>[0-9]{1,5}))?")

# textual-serve's handle_index is wrapped by aiohttp_jinja2.template (functools.wraps), so its
# context function is reachable: the page is textual-serve's own, with two URLs changed.
_index_context = getattr(Server.handle_index, "__wrapped__", None)


def _host_and_port(value: str) -> tuple[str, int] | None:
    found = _HOST.fullmatch(value.strip().lower())
    if found is None:
        return None
    return found["v6"] or found["name"], int(found["port"] or 80)


def _is_ip_address(name: str) -> bool:
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True


def _bracketed(host: str) -> str:
    return f"[{host}]" if ":" in host else host


class GuardedServer(Server):
    """textual-serve's Server with the token, Host, Origin and session-count guards."""

    def __init__(
        self,
        command: str,
        *,
        host: str = "127.0.0.1",
        port: int = 8000,
        token: str | None = None,
        max_sessions: int = MAX_SESSIONS,
        title: str = "backroutine",
    ) -> None:
        if _index_context is None:
            raise UserError(
                "this version of textual-serve is not supported by `backroutine serve`; "
                "install textual-serve 1.1"
            )
        host = host.strip("[]")
        super().__init__(
            command,
            host=host,
            port=port,
            title=title,
            public_url=f"http://{_bracketed(host)}:{port}",
        )
        self.token = token or secrets.token_urlsafe(32)
        self.max_sessions = max_sessions
        self.sessions = 0
        names = {*LOOPBACK_NAMES, host.lower()}
        # Listening on every address: the page is opened by this computer's name or one of
        # its addresses, which the server cannot list for sure. An IP address in the Host
        # header cannot come from DNS rebinding (that needs a name the attacker's DNS
        # answers), so any IP address is accepted, and this computer's name.
        self.any_address = host in ANY_ADDRESS
        if self.any_address:
            names.add(socket.gethostname().lower())
        self.names = frozenset(names)

    @property
    def url(self) -> str:
        """The URL to open: the page, with this run's token."""
        return f"{self.public_url}/?token={self.token}"

    # -- the checks ---------------------------------------------------------------------

    def host_allowed(self, value: str) -> bool:
        """Is `value` (a Host header, or an Origin without its scheme) this server?"""
        parsed = _host_and_port(value)
        if parsed is None:
            return False
        name, port = parsed
        if port != self.port:
            return False
        return name in self.names or (self.any_address and _is_ip_address(name))

    def origin_allowed(self, origin: str) -> bool:
        scheme, separator, rest = origin.partition("://")
        return bool(separator) and scheme.lower() == "http" and self.host_allowed(rest)

    def token_matches(self, supplied: str) -> bool:
        return hmac.compare_digest(
            supplied.encode("utf-8", "surrogatepass"), self.token.encode("utf-8")
        )

    def refusal(self, request: web.Request) -> str | None:
        """Why `request` is refused, or None when it may go on."""
        if not self.host_allowed(request.headers.get("Host", "")):
            return (
                "this server answers only to its own address (the Host header names another: "
                "DNS rebinding?)"
            )
        resource = request.match_info.route.resource
        if resource is not None and resource.name == "static":
            return None  # textual-serve's JS, CSS, fonts and image: nothing private
        origin = request.headers.get("Origin")
        is_websocket = (resource is not None and resource.name in ("websocket", "ws-token")) or (
            request.headers.get("Upgrade", "").lower() == "websocket"
        )
        if origin is None and is_websocket:
            return "a websocket needs an Origin header (browsers send one), and this has none"
        if origin is not None and not self.origin_allowed(origin):
            return "this page belongs to another site (its Origin is not this server)"
        supplied = request.match_info.get("token") or request.query.get("token", "")
        if not self.token_matches(supplied):
            return (
                "this address needs the token: open the whole link `backroutine serve` "
                "printed, with its ?token=..."
            )
        return None

    # -- textual-serve's hooks ------------------------------------------------------------

    async def _make_app(self) -> web.Application:
        app = await super()._make_app()

        @web.middleware
        async def guard(request: web.Request, handler: Handler) -> web.StreamResponse:
            reason = self.refusal(request)
            if reason is not None:
                resource = request.match_info.route.resource
                if resource is not None:  # not for /favicon.ico and such: no such page anyway
                    log.warning("refused a request for %s: %s", resource.canonical, reason)
                raise web.HTTPForbidden(text=f"backroutine: {reason}\n")
            return await handler(request)

        # The guard runs first, before any handler (the app is not frozen yet).
        app.middlewares.insert(0, guard)
        # The page's websocket URL carries the token in its path: textual.js opens
        # `data-session-websocket-url + "?width=..&height=.."`, so a token put in that URL's
        # query would be glued to "width". A cookie would work too, but cookies ignore ports:
        # every other server on 127.0.0.1 (another user's too) would receive it, and two
        # runs on two ports would share one name. The token in the URL only goes where the
        # page itself connects.
        app.router.add_get("/ws/{token}", self.handle_websocket, name="ws-token")
        app.on_response_prepare.append(self._private_headers)
        return app

    async def _private_headers(self, request: web.Request, response: web.StreamResponse) -> None:
        resource = request.match_info.route.resource
        if resource is not None and resource.name == "static":
            return
        # The page's URL has the token: never cached, never sent on as a Referer (the app
        # may open links), never framed by another page.
        response.headers["Cache-Control"] = "no-store"
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["X-Content-Type-Options"] = "nosniff"

    @aiohttp_jinja2.template("app_index.html")
    async def handle_index(self, request: web.Request) -> dict[str, Any]:
        assert _index_context is not None  # checked in __init__
        context: dict[str, Any] = await _index_context(self, request)
        # textual-serve builds these from public_url; built from the Host the page was opened
        # by (checked by the guard), they work for localhost and for --host 0.0.0.0 too.
        context["app_websocket_url"] = f"ws://{request.host}/ws/{self.token}"
        context["config"]["static"]["url"] = f"http://{request.host}/static/"
        return context

    async def handle_websocket(self, request: web.Request) -> web.WebSocketResponse:
        # No await between the test and the count: no other session can slip in between.
        if self.sessions >= self.max_sessions:
            log.warning("refused a session: %d already open", self.sessions)
            raise web.HTTPServiceUnavailable(
                text=f"backroutine: {self.sessions} browser sessions are already open (at most "
                f"{self.max_sessions}); close one of those tabs, then reload this one\n"
            )
        self.sessions += 1
        try:
            return await super().handle_websocket(request)
        finally:
            self.sessions -= 1

    async def on_startup(self, app: web.Application) -> None:
        """textual-serve prints a banner with the URL without its token: say nothing here
        (`serve` printed the URL to open)."""

    def initialize_logging(self) -> None:
        super().initialize_logging()
        # aiohttp's access log would print every request line, with the token in it.
        logging.getLogger("aiohttp.access").setLevel(logging.WARNING)


def serve(command: str, *, host: str, port: int, max_sessions: int = MAX_SESSIONS) -> int:
    """Serve `command` (an app run with textual's web driver) until Ctrl+C."""
    server = GuardedServer(command, host=host, port=port, max_sessions=max_sessions)
    if server.host not in LOOPBACK_NAMES:
        print(
            f"backroutine: listening on {host}: anyone on the network who gets the link below "
            "can see your history and type into the app, and plain HTTP sends the link and "
            "the screen unencrypted. Use the default (127.0.0.1) to keep it to yourself.",
            file=sys.stderr,
        )
        if server.any_address:
            print(
                f"backroutine: from another computer, open the link with this computer's name "
                f"or address in place of {_bracketed(server.host)}",
                file=sys.stderr,
            )
    print(f"backroutine in your browser: open {server.url} (Ctrl+C stops it)", flush=True)
    try:
        with _private_page(server):
            server.serve()
    except OSError as exc:
        raise UserError(
            f"cannot listen on {host}:{port} ({exc.strerror or exc}); is something else "
            "using that port? Try another with --port"
        ) from None
    return EXIT_OK


@contextmanager
def _private_page(server: GuardedServer) -> Iterator[None]:
    """textual-serve's page loads a web font from Google. Nothing of backroutine's should
    leave the machine, so serve a copy of its page without that link (its own font files are
    served locally anyway)."""
    import re
    import tempfile
    from pathlib import Path

    original = Path(server.templates_path) / "app_index.html"
    try:
        page = original.read_text(encoding="utf-8")
    except OSError:
        yield  # an unknown textual-serve layout: serve it as it is
        return
    page = re.sub(r"<link[^>]*fonts\.googleapis\.com[^>]*>", "", page, flags=re.S)
    with tempfile.TemporaryDirectory(prefix="backroutine-serve-") as folder:
        (Path(folder) / "app_index.html").write_text(page, encoding="utf-8")
        server.templates_path = Path(folder)
        yield
