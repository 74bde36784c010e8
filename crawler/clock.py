"""What a crawl takes as now. `ELECTIONS_NOW` (an ISO 8601 time) sets the crawl's clock to
start there and run at the real rate, so that tests and replays can move time forward between
runs; empty, it is the real clock. Every decision about what is due (crawler/recheck/schedule.py), and
every time the archive stamps during the crawl, reads it."""

from datetime import UTC, datetime, timedelta


class Clock:
    def __init__(self, start: datetime | None = None):
        self.offset = start - datetime.now(UTC) if start else timedelta(0)

    @classmethod
    def from_settings(cls, settings) -> "Clock":
        """Raises ValueError, in a sentence, for a value that is no time."""
        given = settings.get("ELECTIONS_NOW") or ""
        if not given:
            return cls()
        try:
            start = datetime.fromisoformat(given)
        except ValueError:
            raise ValueError(
                f"ELECTIONS_NOW must be an ISO 8601 time (2026-12-01T06:00:00+00:00), got {given!r}"
            ) from None
        return cls(start if start.tzinfo else start.replace(tzinfo=UTC))

    def now(self) -> datetime:
        return datetime.now(UTC) + self.offset

    def iso(self) -> str:
        return self.now().isoformat(timespec="seconds")


REAL = Clock()
