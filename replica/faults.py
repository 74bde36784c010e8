"""Faults the replica can put on any URL: what a hostile web does to a crawler.

A fault applies to the request targets its pattern (a regex) finds, for the first `times`
requests of each target (all of them when None), and to a share `rate` of those, drawn
deterministically from the site's seed, the target and the request's number.
"""

import random
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from replica.pages import challenge_page

KINDS = {
    "status": "answer with the HTTP status `value` (500, 502, 503, 404, 410 ...)",
    "throttle": "answer 429 with Retry-After: `value` seconds",
    "hang": "wait `value` seconds before answering (a timeout)",
    "drip": "send the page in small pieces over `value` seconds",
    "cut": "send half the page, then close the connection (Content-Length promised it all)",
    "truncate": "send the first half of the page as if it were all of it (as Content-Type `value`, when given)",
    "redirect": "answer 301 to `value` (a path or a URL)",
    "huge": "pad the page to `value` bytes",
    "cp1251": "encode the page in windows-1251, declared in the `value` place: header, meta or none",
    "invalid": "break the markup: no </p>, a stray </html> after the header",
    "empty": "serve a listing page without cards",
    "challenge": "a bot challenge: `value` 403 or 503 (default 403) with cf-mitigated: challenge, or 200 without it",
    "maintenance": "answer 200 with a maintenance page: no cards, no listing, no article",
    "content_type": "serve the page as Content-Type `value` (application/json, text/plain ...)",
    "repeat": "serve listing page `value` (1, or the last page) instead of a page past the end",
    "deep": "wrap the page's body in `value` nested <div>s (libxml2 reads about 2,048 levels)",
    "endless": "serve a page of the section's cards, shifted, never the same twice, instead of a page past the end",
}


@dataclass
class Fault:
    kind: str
    pattern: str
    value: Any = None  # what the kind needs: a status, seconds, a URL, a content type ...
    times: int | None = None
    rate: float = 1.0
    regex: re.Pattern = field(init=False)

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"unknown fault {self.kind!r}; known: {', '.join(KINDS)}")
        self.regex = re.compile(self.pattern)

    def applies(self, target: str, number: int, seed: int) -> bool:
        """`number`: this request's count for the target, from 1."""
        if not self.regex.search(target) or (self.times is not None and number > self.times):
            return False
        return self.rate >= 1 or random.Random(f"{seed}:{target}:{number}").random() < self.rate


@dataclass
class Reply:
    status: int
    content_type: str
    body: bytes
    headers: dict = field(default_factory=dict)
    delay: float = 0.0  # seconds to wait before answering
    drip: float = 0.0  # seconds over which to send the body
    cut: bool = False  # close the connection halfway through the body


def error_status(reply: Reply, status) -> Reply:
    return Reply(status, reply.content_type, f"<html><body><h1>Error {status}</h1></body></html>".encode())


def maintenance(reply: Reply, _) -> Reply:
    page = (
        "<html><head><title>Service temporarily unavailable</title></head><body>"
        "<h1>Service temporarily unavailable</h1><p>We will be back soon.</p></body></html>"
    )
    return Reply(200, "text/html; charset=utf-8", page.encode())


def challenge(reply: Reply, status) -> Reply:
    status = status or 403
    headers = {"cf-mitigated": "challenge"} if status != 200 else {}
    return Reply(status, "text/html; charset=UTF-8", challenge_page().encode(), headers)


def throttle(reply: Reply, seconds) -> Reply:
    return Reply(429, reply.content_type, b"<html><body>Too many requests</body></html>", {"Retry-After": str(seconds)})


def redirect(reply: Reply, location) -> Reply:
    return Reply(301, reply.content_type, b"", {"Location": location})


def hang(reply: Reply, seconds) -> Reply:
    reply.delay = seconds
    return reply


def drip(reply: Reply, seconds) -> Reply:
    reply.drip = seconds
    return reply


def cut(reply: Reply, _) -> Reply:
    reply.cut = True
    return reply


def truncate(reply: Reply, content_type) -> Reply:
    reply.body = reply.body[: len(reply.body) // 2]
    reply.content_type = content_type or reply.content_type
    return reply


def content_type(reply: Reply, value) -> Reply:
    reply.content_type = value
    return reply


def deep(reply: Reply, levels) -> Reply:
    body = reply.body.replace(b"<body>", b"<body>" + b"<div>" * levels, 1)
    reply.body = body.replace(b"</body>", b"</div>" * levels + b"</body>", 1)
    return reply


def huge(reply: Reply, size) -> Reply:
    padding = max(0, size - len(reply.body))
    reply.body = reply.body.replace(b"</body>", b"<!--" + b"x" * padding + b"--></body>", 1)
    return reply


def cp1251(reply: Reply, declared) -> Reply:
    text = reply.body.decode("utf-8").replace('<meta charset="utf-8">', "")
    if declared == "meta":
        text = text.replace("<head>", '<head><meta charset="windows-1251">', 1)
    reply.body = text.encode("windows-1251", errors="xmlcharrefreplace")
    reply.content_type = "text/html; charset=windows-1251" if declared == "header" else "text/html"
    return reply


def invalid(reply: Reply, _) -> Reply:
    text = reply.body.decode("utf-8").replace("</p>", "").replace("</header>", "</header></html>", 1)
    reply.body = text.encode("utf-8")
    return reply


# How each fault that changes a reply (KINDS; the listing faults change what a page holds
# instead, replica/server.py) changes it, given the fault's value.
CHANGES: dict[str, Callable[[Reply, Any], Reply]] = {
    "status": error_status,
    "maintenance": maintenance,
    "challenge": challenge,
    "throttle": throttle,
    "redirect": redirect,
    "hang": hang,
    "drip": drip,
    "cut": cut,
    "truncate": truncate,
    "content_type": content_type,
    "deep": deep,
    "huge": huge,
    "cp1251": cp1251,
    "invalid": invalid,
}


def apply(fault: Fault, reply: Reply) -> Reply:
    """The reply as the fault changes it."""
    change = CHANGES.get(fault.kind)
    return change(reply, fault.value) if change else reply
