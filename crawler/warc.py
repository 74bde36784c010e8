"""The archive's raw pages as a WARC 1.1 file, written with warcio: for each page a request
record and a response record, each gzipped on its own, so that web-archive tools (pywb,
replayweb.page) can replay the pages as they were fetched. Run by `scrapy export_warc`.
"""

import json
import zlib
from collections.abc import Iterable
from http import HTTPStatus
from io import BytesIO
from typing import BinaryIO
from urllib.parse import urlsplit

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

# Scrapy hands the spider a body already decoded and dechunked: headers that describe the
# bytes on the wire would mislead a replay tool.
_WIRE_HEADERS = {"content-encoding", "transfer-encoding", "content-length"}


def write_warc(output: BinaryIO, pages: Iterable[dict], filename: str = "") -> int:
    """Writes a warcinfo record, then a request and a response record per raw_pages row;
    returns the pages written."""
    writer = WARCWriter(output, gzip=True, warc_version="1.1")
    info = {
        "software": "elections-crawler (Scrapy)",
        "format": "WARC File Format 1.1",
        "description": "Kazinform's Elections section, as the crawler fetched it",
    }
    writer.write_record(writer.create_warcinfo_record(filename, info))
    count = 0
    for page in pages:
        body = zlib.decompress(page["body"])
        date = page["fetched_at"].replace("+00:00", "Z")
        response = writer.create_warc_record(
            page["final_url"],
            "response",
            payload=BytesIO(body),
            length=len(body),
            http_headers=StatusAndHeaders(
                f"{page['status']} {reason(page['status'])}", response_headers(page, len(body)), protocol="HTTP/1.1"
            ),
            warc_headers_dict={"WARC-Date": date},
        )
        parts = urlsplit(page["final_url"])
        request = writer.create_warc_record(
            page["final_url"],
            "request",
            http_headers=StatusAndHeaders(
                f"GET {parts.path or '/'}{'?' + parts.query if parts.query else ''}",
                [("Host", parts.netloc), *header_pairs(json.loads(page["request_headers"] or "{}"))],
                protocol="HTTP/1.1",
                is_http_request=True,
            ),
            warc_headers_dict={
                "WARC-Date": date,
                "WARC-Concurrent-To": response.rec_headers.get_header("WARC-Record-ID"),
            },
        )
        writer.write_record(response)
        writer.write_record(request)
        count += 1
    return count


def response_headers(page: dict, length: int) -> list[tuple[str, str]]:
    pairs = [
        (name, value) for name, value in header_pairs(json.loads(page["headers"])) if name.lower() not in _WIRE_HEADERS
    ]
    return [*pairs, ("Content-Length", str(length))]


def header_pairs(headers: dict[str, list[str]]) -> list[tuple[str, str]]:
    return [(name, value) for name, values in headers.items() for value in values]


def reason(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""
