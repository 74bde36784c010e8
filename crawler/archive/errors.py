"""What goes wrong in the archive, whatever database holds it. Callers catch ArchiveError
and never the backend's own errors (sqlite3.Error), so that a second backend changes no
caller."""


class ArchiveError(Exception):
    """The archive could not do what it was asked. `str()` is the backend's own words
    ("database is locked"); `reason()` is the sentence a user reads."""

    def __init__(self, words: str, location: object = "", damage: str | None = None):
        super().__init__(words)
        self.location = location
        self.damage = damage  # the whole sentence, when the archive itself is broken

    def reason(self, doing: str = "used") -> str:
        return self.damage or f"the archive {self.location} cannot be {doing} ({self})"


class ArchiveUnusable(ArchiveError):
    """No archive can be opened where the setting points: the message is the whole sentence."""

    def __init__(self, sentence: str):
        super().__init__(sentence, damage=sentence)


class ArchiveRefused(ArchiveError):
    """The schema refuses a row (a constraint): the archive is sound, and other rows can be
    written."""
