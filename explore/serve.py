"""Serves the archive read-only in Datasette: python explore/serve.py DB [datasette options]

The metadata (explore/metadata.yml) names the database "archive"; Datasette names it after
the file (data/elections.db -> "elections"), so this writes the metadata under that name.
"""

import json
import os
import sys
import tempfile
from pathlib import Path

import yaml

from crawler.archive import ArchiveError, check_usable, holds_articles, open_archive

HERE = Path(__file__).resolve().parent
# The reader's first screen: 50 articles, the facets chosen in the metadata and no more.
SETTINGS = {"default_page_size": 50, "suggest_facets": False}


def metadata_for(database: str) -> dict:
    metadata = yaml.safe_load((HERE / "metadata.yml").read_text())
    metadata["databases"] = {database: metadata["databases"]["archive"]}
    for described in (metadata, metadata["databases"][database]):  # links into the database
        described["description_html"] = described["description_html"].replace("/archive/", f"/{database}/")
    for dashboard in metadata["plugins"]["datasette-dashboards"].values():
        for chart in dashboard["charts"].values():
            chart["db"] = database
    return metadata


def main() -> None:
    if len(sys.argv) < 2:
        sys.exit(__doc__.splitlines()[0])
    # From where it is typed: archive_location() would take a relative path from the project's root.
    db, options = Path(sys.argv[1]).resolve(), sys.argv[2:]
    if not db.exists():
        sys.exit(f"make explore: error: no database at {db}: run make crawl or make demo first")
    try:
        check_usable(db)
        if not holds_articles(db):  # an empty file, say, that a mistyped sqlite-utils command made
            sys.exit(
                f"make explore: error: {db} holds no archive (no articles table): run make crawl, "
                "or make demo and then make explore DB=data/demo.db"
            )
        open_archive(db).close()  # upgrades a database made by an older version
    except ArchiveError as error:
        sys.exit(f"make explore: error: {error.reason()}")
    # The metadata in a file with no name (unlinked at once), which Datasette reads through
    # its descriptor: nothing is left behind, however the server ends.
    metadata = tempfile.TemporaryFile("w+")  # noqa: SIM115 -- open through exec, for Datasette to read
    json.dump(metadata_for(db.stem), metadata)
    metadata.flush()
    metadata.seek(0)
    os.set_inheritable(metadata.fileno(), True)
    # Datasette opens the database read-only (mode=ro); WAL lets it read while a crawl writes.
    os.execvp(
        sys.executable,
        [
            sys.executable,
            "-m",
            "datasette",
            "serve",
            str(db),
            "--metadata",
            f"/dev/fd/{metadata.fileno()}",
            "--template-dir",
            str(HERE / "templates"),
            "--plugins-dir",
            str(HERE / "plugins"),
            *[word for name, value in SETTINGS.items() for word in ("--setting", name, setting_word(value))],
            *options,
        ],
    )


def setting_word(value) -> str:
    return {True: "on", False: "off"}.get(value, str(value)) if isinstance(value, bool) else str(value)


def datasette_for(db: Path):
    """The reading room in-process, as `make explore` serves it (tests, bench/): its metadata,
    templates, plugins and settings; call `await invoke_startup()` before its client."""
    from datasette.app import Datasette

    return Datasette(
        [str(db)],
        metadata=metadata_for(db.stem),
        template_dir=str(HERE / "templates"),
        plugins_dir=str(HERE / "plugins"),
        settings=SETTINGS,
    )


if __name__ == "__main__":
    main()
