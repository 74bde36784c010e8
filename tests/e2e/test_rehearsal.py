"""An operator rehearses the alerts against `python -m replica`, changing the site as it
serves: a removal, an edit, a bot challenge, then all well again."""

import subprocess
import sys

from replica.crawling import ROOT, crawl, exit_code_of, rows


class Replica:
    """`python -m replica` in a child process, commands on its standard input."""

    def __init__(self, *options: str):
        self.process = subprocess.Popen(
            [sys.executable, "-m", "replica", "--articles", "40", *options],
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.process.stdout is not None
        self.urls = dict(self.process.stdout.readline().split() for _ in range(3))

    def say(self, command: str) -> str:
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.write(command + "\n")
        self.process.stdin.flush()
        return self.process.stdout.readline().strip()

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)


def test_an_operator_rehearses_a_removal_an_edit_and_a_challenge(tmp_path):
    db = tmp_path / "elections.db"
    replica = Replica()
    try:
        run = lambda: crawl("-a", f"start_url={replica.urls['start_url']}", "-a", "refresh=36500", db=db)  # noqa: E731
        assert run().returncode == 0
        assert replica.say("remove 0").startswith("done: remove 0 (39 articles listed")
        assert replica.say("edit 1").startswith("done: edit 1")
        assert run().returncode == 0  # a removal and an edit are no malfunction
        [version] = rows(db, "article_versions")
        edited = {row["article_id"]: row for row in rows(db, "articles")}[version["article_id"]]
        assert edited["body"].endswith("This article was updated.") and version["body"] != edited["body"]
        assert replica.say("challenge").startswith("done: challenge (39 articles listed, 1 faults)")
        challenged = run()
        last = rows(db, "crawl_runs")[-1]
        assert challenged.returncode == exit_code_of(last) == 1
        assert last["health_problems"].startswith("the site blocked the crawler with a bot challenge")
        assert replica.say("heal").startswith("done: heal")
        assert replica.say("nonsense").startswith("publish N:")  # the commands, listed
        assert run().returncode == 0
    finally:
        replica.stop()


def test_the_replica_starts_in_a_fault_or_with_a_surge(tmp_path):
    replica = Replica("--maintenance", "--surge", "20")
    try:
        result = crawl("-a", f"start_url={replica.urls['start_url']}", db=tmp_path / "elections.db")
        assert result.returncode == 1
        assert rows(tmp_path / "elections.db", "crawl_runs")[-1]["status"] == "failed"
        replica.say("heal")
        assert crawl("-a", f"start_url={replica.urls['start_url']}", db=tmp_path / "elections.db").returncode == 0
        assert len(rows(tmp_path / "elections.db", "articles")) == 60
    finally:
        replica.stop()
