"""Downloads that open right in a spreadsheet: `_bom=1` on a CSV link puts UTF-8's byte order
mark first, without which Excel reads UTF-8 as the local code page and garbles Cyrillic.
Datasette streams its CSV; this wraps it as an ASGI middleware and prefixes the first chunk."""

from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any
from urllib.parse import parse_qs

from datasette import hookimpl

BOM = "\ufeff".encode()
Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
App = Callable[[Scope, Callable[[], Awaitable[Message]], Callable[[Message], Awaitable[None]]], Awaitable[None]]


@hookimpl
def asgi_wrapper(datasette: Any) -> Callable[[App], App]:
    def wrap(app: App) -> App:
        async def with_bom(
            scope: Scope, receive: Callable[[], Awaitable[Message]], send: Callable[[Message], Awaitable[None]]
        ) -> None:
            wanted = (
                scope["type"] == "http"
                and str(scope.get("path", "")).endswith(".csv")
                and parse_qs(scope.get("query_string", b"").decode()).get("_bom") == ["1"]
            )
            if not wanted:
                await app(scope, receive, send)
                return
            first = True

            async def send_with_bom(message: Message) -> None:
                nonlocal first
                if message["type"] == "http.response.start":
                    headers = [(k, v) for k, v in message.get("headers", []) if k.lower() != b"content-length"]
                    message = {**message, "headers": headers}
                elif message["type"] == "http.response.body" and first:
                    first = False
                    message = {**message, "body": BOM + message.get("body", b"")}
                await send(message)

            await app(scope, receive, send_with_bom)

        return with_bom

    return wrap
