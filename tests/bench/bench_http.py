"""make bench, part 2: single-record API speed over HTTP, this tree against the commit before
issue 8, measured in the same run on the same data. Printed, not asserted.

PostgreSQL only (DATABASE_URL); on SQLite it prints why it skips. For each tree (the working
directory, and the baseline commit extracted from git into a temporary folder) it creates a
throwaway database next to DATABASE_URL's (`<name>_http_now`, `<name>_http_before`), migrates it
with that tree's own migrations, loads one user's diary of 100,000 episodes from a seeded
generator through that tree's own services (tests/bench/http_seed.py; a digest of what each
stored must match) and serves it with gunicorn, 2 sync workers, DEBUG off, no Redis (tasks
published to an unconsumed in-memory broker: tests/bench/gunicorn_conf.py), each tree's own
database settings (CONN_MAX_AGE from the environment when set, else the tree's default: 0
before, 60 now, which keeps connections across requests; `CONN_MAX_AGE=0 make bench` compares
the code alone, a new connection per request on both sides).
Then, over HTTP with `requests`, the two servers take turns, call by call or round by round,
so that the machine's drift (other processes, caches) falls on both:

1. POST /api/v1/episodes/, one episode with a client id: median latency.
   Target: at least 1.5x faster than before.
2. GET /api/v1/episodes/<id>/: median latency. Target: no slower than before.
3. Creates per second from 8 threads, each with its own device token and session.
4. GET /api/v1/episodes/ (a page of 50) and POST /api/v1/sync/ with 1,000 new episodes:
   median latency. The issue asks to keep them as they are.

Beside each speed-up, a 95% bootstrap interval over the before/now pairs shows how far noise
alone moves it; a target is "met" only when the whole interval clears it.

Everything it creates (databases, folder, servers) is removed at the end, also on failure or
SIGTERM. BENCH_BASELINE names another baseline commit. About two minutes on two cores, half of
it loading the diaries.
"""

import contextlib
import json
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import tarfile
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import psycopg
import requests

BASELINE = os.environ.get("BENCH_BASELINE", "767ce7d")  # the commit before issue 8
EPISODES = 100_000
DIARY_SEED = 8  # the same diary in both databases, run after run
THREADS = 8
SINGLE_ROUNDS = 300
LIST_ROUNDS = 50
PUSH_SIZE = 1000
PUSH_ROUNDS = 9
THROUGHPUT_ROUNDS, THROUGHPUT_SECONDS = 6, 2.0

HERE = Path(__file__).resolve().parent
NOW_TREE = HERE.parent.parent
SEED_SCRIPT = HERE / "http_seed.py"
GUNICORN_CONF = HERE / "gunicorn_conf.py"
SECRET_KEY = "bench-http-" + uuid.uuid4().hex  # DEBUG off wants one
POSTGRES_SCHEMES = {"postgres", "postgresql", "pgsql", "postgis"}


class Skip(Exception):
    """The benchmark cannot run here; the message says why."""


@dataclass
class Server:
    name: str  # "before" or "now"
    tree: Path
    database_url: str
    log: Path
    port: int = 0
    process: subprocess.Popen[bytes] | None = None
    tokens: list[str] = field(default_factory=list)
    ids: list[str] = field(default_factory=list)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if k != "REDIS_URL"}  # embedded mode, both sides
        env.update(
            DATABASE_URL=self.database_url,
            DJANGO_SETTINGS_MODULE="config.settings",
            PYTHONPATH=str(self.tree),
            DEBUG="False",
            SECRET_KEY=SECRET_KEY,
            ALLOWED_HOSTS="127.0.0.1",
            LOG_LEVEL="WARNING",
        )
        return env

    def session(self, token: str | None = None) -> requests.Session:
        session = requests.Session()
        session.headers["Authorization"] = f"Bearer {token or self.tokens[0]}"
        return session


# --- Trees and databases --------------------------------------------------------------------


def baseline_tree(commit: str, into: Path) -> Path:
    """The baseline's files, from `git archive`: unlike `git worktree add`, nothing is recorded
    in the repository, so a run that is killed leaves nothing behind there."""
    found = subprocess.run(
        ["git", "rev-parse", "--verify", "--quiet", f"{commit}^{{commit}}"],
        cwd=NOW_TREE,
        capture_output=True,
        text=True,
    )
    if found.returncode != 0:
        raise Skip(f"the baseline commit {commit} is not in this clone's history (a shallow clone? fetch it)")
    archive = into / "before.tar"
    subprocess.run(["git", "archive", "--format=tar", "-o", str(archive), commit], cwd=NOW_TREE, check=True)
    tree = into / "before"
    with tarfile.open(archive) as tar:
        tar.extractall(tree, filter="data")
    archive.unlink()
    if (tree / "requirements.txt").read_text() != (NOW_TREE / "requirements.txt").read_text():
        print("note: requirements.txt changed since the baseline; both run with this .venv", file=sys.stderr)
    return tree


def database_urls(url: str) -> tuple[str, dict[str, str]]:
    """The server's maintenance database (for CREATE/DROP) and one database per tree, named
    after DATABASE_URL's."""
    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = urlunsplit(parts._replace(scheme="postgresql", path="/postgres"))
    return admin, {side: urlunsplit(parts._replace(path=f"/{name}_http_{side}")) for side in ("before", "now")}


@contextlib.contextmanager
def throwaway_databases(admin_url: str, urls: dict[str, str]) -> Iterator[None]:
    names = [urlsplit(url).path.lstrip("/") for url in urls.values()]
    with psycopg.connect(admin_url, autocommit=True) as connection:
        for name in names:  # left over by a run that was killed
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            connection.execute(f'CREATE DATABASE "{name}"')
    try:
        yield
    finally:
        with psycopg.connect(admin_url, autocommit=True) as connection:
            for name in names:
                connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def run_both(servers: list[Server], command: Callable[[Server], list[str]], what: str) -> list[str]:
    """Run a command in each tree at the same time (two cores, two trees); their stdout."""
    started = time.perf_counter()
    processes = [
        subprocess.Popen(command(s), cwd=s.tree, env=s.env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for s in servers
    ]
    outputs = []
    try:
        for server, process in zip(servers, processes, strict=True):
            out, err = process.communicate()
            if process.returncode != 0:
                raise RuntimeError(f"{what} failed in the {server.name} tree:\n{err[-3000:]}")
            outputs.append(out)
    finally:
        for process in processes:  # the other tree's, when one failed or we were interrupted
            if process.poll() is None:
                process.kill()
                process.wait()
    print(f"  ({what}: {time.perf_counter() - started:.1f} s)", file=sys.stderr)
    return outputs


def prepare(servers: list[Server], end: datetime) -> None:
    run_both(servers, lambda s: [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"], "migrate")
    seed = [str(EPISODES), str(DIARY_SEED), end.isoformat(), str(THREADS)]
    outputs = run_both(servers, lambda s: [sys.executable, str(SEED_SCRIPT), *seed], f"load {EPISODES:,} episodes")
    loaded = [json.loads(out.strip().splitlines()[-1]) for out in outputs]
    for server, data in zip(servers, loaded, strict=True):
        server.tokens, server.ids = data["tokens"], data["ids"]
    if len({(d["digest"], d["episodes"], tuple(d["ids"])) for d in loaded}) != 1:
        raise RuntimeError(f"the two trees loaded different diaries: {[(d['digest'], d['episodes']) for d in loaded]}")


# --- Servers --------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def start(server: Server) -> None:
    server.port = free_port()
    command = [sys.executable, "-m", "gunicorn", "config.wsgi", "--config", str(GUNICORN_CONF)]
    command += ["--workers", "2", "--worker-class", "sync", "--bind", f"127.0.0.1:{server.port}"]
    command += ["--log-level", "warning"]
    with server.log.open("ab") as log:  # gunicorn's and Django's messages (a 500's traceback)
        server.process = subprocess.Popen(command, cwd=server.tree, env=server.env(), stdout=log, stderr=log)


def wait_until_up(server: Server, timeout: float = 60) -> None:
    assert server.process is not None
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"gunicorn ({server.name}) exited:\n{server.log.read_text()[-3000:]}")
        with contextlib.suppress(requests.ConnectionError, requests.Timeout):  # still booting
            if requests.get(f"{server.base}/healthz", timeout=2).status_code == 200:
                return
        time.sleep(0.2)
    raise RuntimeError(f"gunicorn ({server.name}) did not answer /healthz in {timeout:.0f} s")


def stop(server: Server) -> None:
    if server.process is None or server.process.poll() is not None:
        return
    server.process.terminate()  # the master stops its workers
    try:
        server.process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        server.process.kill()
        server.process.wait()


# --- Requests -------------------------------------------------------------------------------


def episode_body(index: int) -> dict[str, Any]:
    started = datetime.now(UTC) - timedelta(minutes=10 + index % 40_000)
    return {
        "id": str(uuid.uuid4()),  # as a phone sends it, to make retries safe
        "started_at": started.isoformat(),
        "duration_seconds": 30 + index % 300,
        "locations": [{"region": "eyelid", "side": "left"}, {"region": "calf", "side": "both"}],
        "intensity": 1 + index % 10,
        "pattern": "intermittent_bursts",
        "triggers": ["caffeine", "stress"],
        "symptoms": [],
        "notes": "",
    }


def expect(response: requests.Response, status: int, what: str) -> None:
    if response.status_code != status:
        raise RuntimeError(f"{what}: {response.status_code} (expected {status}): {response.text[:500]}")


def create(server: Server, session: requests.Session, index: int) -> None:
    expect(session.post(f"{server.base}/api/v1/episodes/", json=episode_body(index)), 201, f"create ({server.name})")


def get_one(server: Server, session: requests.Session, index: int) -> None:
    episode_id = server.ids[index % len(server.ids)]
    expect(session.get(f"{server.base}/api/v1/episodes/{episode_id}/"), 200, f"get one ({server.name})")


def list_page(server: Server, session: requests.Session, index: int) -> None:
    expect(session.get(f"{server.base}/api/v1/episodes/", params={"page_size": 50}), 200, f"list ({server.name})")


def push(server: Server, session: requests.Session, index: int) -> None:
    body = {"episodes": [episode_body(index * PUSH_SIZE + n) for n in range(PUSH_SIZE)]}
    response = session.post(f"{server.base}/api/v1/sync/", json=body)
    expect(response, 200, f"sync push ({server.name})")
    if {r["status"] for r in response.json()["results"]["episodes"]} != {"created"}:
        raise RuntimeError(f"sync push ({server.name}): not every episode was created: {response.text[:500]}")


Call = Callable[[Server, requests.Session, int], None]


@dataclass
class Figure:
    """One figure's samples, paired: before[i] and now[i] were taken one after the other."""

    name: str
    before: list[float]
    now: list[float]
    per_second: bool = False  # a rate (higher is better), not a time
    target: float | None = None  # the speed-up the issue asks for, if any

    def speed_up(self, picks: list[int] | None = None) -> float:
        """Ratio of medians: before/now for times, now/before for rates; above 1 is faster now."""
        picks = picks or list(range(len(self.before)))
        before = statistics.median(self.before[i] for i in picks)
        now = statistics.median(self.now[i] for i in picks)
        return now / before if self.per_second else before / now

    def interval(self, draws: int = 1000) -> tuple[float, float]:
        """A 95% bootstrap interval of the speed-up, resampling the pairs: how far noise alone
        (the other processes on this machine) moves it."""
        rng, n = random.Random(0), len(self.before)
        ratios = sorted(self.speed_up([rng.randrange(n) for _ in range(n)]) for _ in range(draws))
        return ratios[int(draws * 0.025)], ratios[int(draws * 0.975) - 1]


def interleaved(servers: list[Server], call: Call, rounds: int, warm_up: int) -> dict[str, list[float]]:
    """Seconds per call on each server, the servers taking turns call by call (and the first
    turn alternating) so that neither gets the warmer or the quieter machine."""
    sessions = {s.name: s.session() for s in servers}
    samples: dict[str, list[float]] = {s.name: [] for s in servers}
    for index in range(-warm_up, rounds):
        for server in servers if index % 2 else servers[::-1]:
            started = time.perf_counter()
            call(server, sessions[server.name], index)
            if index >= 0:
                samples[server.name].append(time.perf_counter() - started)
    return samples


def throughput_once(server: Server, seconds: float) -> float:
    """Creates per second from THREADS threads, each with its own token and session."""
    counts, errors = [0] * THREADS, []
    ready = threading.Barrier(THREADS + 1)
    deadline = 0.0

    def client(slot: int) -> None:
        session = server.session(server.tokens[slot])
        ready.wait()
        index = slot * 1_000_000
        try:
            while time.perf_counter() < deadline:
                create(server, session, index)
                counts[slot] += 1
                index += 1
        except Exception as error:  # reported by the main thread
            errors.append(error)

    threads = [threading.Thread(target=client, args=(slot,)) for slot in range(THREADS)]
    for thread in threads:
        thread.start()
    deadline = time.perf_counter() + seconds
    started = time.perf_counter()
    ready.wait()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started  # to the last answer, not to the deadline
    if errors:
        raise RuntimeError(f"create throughput ({server.name}): {errors[0]}")
    return sum(counts) / elapsed


def throughput(servers: list[Server]) -> dict[str, list[float]]:
    rates: dict[str, list[float]] = {s.name: [] for s in servers}
    for round_ in range(THROUGHPUT_ROUNDS):
        for server in servers if round_ % 2 else servers[::-1]:
            rates[server.name].append(throughput_once(server, THROUGHPUT_SECONDS))
    return rates


def measure(servers: list[Server]) -> list[Figure]:
    def figure(name: str, samples: dict[str, list[float]], **kwargs: Any) -> Figure:
        return Figure(name, samples["before"], samples["now"], **kwargs)

    single = f"median of {SINGLE_ROUNDS}"
    return [
        figure(f"create one episode ({single})", interleaved(servers, create, SINGLE_ROUNDS, 20), target=1.5),
        figure(f"get one episode ({single})", interleaved(servers, get_one, SINGLE_ROUNDS, 20), target=1.0),
        figure(f"list page of 50 (median of {LIST_ROUNDS})", interleaved(servers, list_page, LIST_ROUNDS, 5)),
        figure(
            f"sync push of {PUSH_SIZE:,} new episodes (median of {PUSH_ROUNDS})",
            interleaved(servers, push, PUSH_ROUNDS, 1),
        ),
        # Last: the faster tree writes more rows here, and the figures above should not see them.
        figure(
            f"create throughput, {THREADS} threads ({THROUGHPUT_ROUNDS} x {THROUGHPUT_SECONDS:.0f} s)",
            throughput(servers),
            per_second=True,
        ),
    ]


def verdict(figure: Figure, low: float, high: float) -> str:
    if figure.target is None:
        return "keep" if not figure.per_second else ""
    wanted = f">= {figure.target:.1f}x"
    if low >= figure.target:
        return f"{wanted}: met"
    if high < figure.target:
        return f"{wanted}: NOT met"
    return f"{wanted}: within noise"


def report(figures: list[Figure]) -> None:
    print(f"{'over HTTP':<52} {'before':>9} {'now':>9} {'speed-up':>8} {'95% interval':>13}  target")
    for figure in figures:
        if figure.per_second:
            shown = [f"{statistics.median(v):.0f}/s" for v in (figure.before, figure.now)]
        else:
            shown = [f"{statistics.median(v) * 1000:.1f} ms" for v in (figure.before, figure.now)]
        low, high = figure.interval()
        print(
            f"{figure.name:<52} {shown[0]:>9} {shown[1]:>9} {figure.speed_up():>7.2f}x "
            f"{f'{low:.2f}-{high:.2f}':>13}  {verdict(figure, low, high)}"
        )
    print("speed-up: before/now for times, now/before for rates; above 1 is faster now. The interval")
    print("resamples the before/now pairs: a target is met when all of it is above, not met when all below.")


def run(database_url: str) -> None:
    admin_url, urls = database_urls(database_url)
    end = datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=1)
    with tempfile.TemporaryDirectory(prefix="bench-http-") as scratch, contextlib.ExitStack() as cleanup:
        folder = Path(scratch)
        trees = {"before": baseline_tree(BASELINE, folder), "now": NOW_TREE}
        servers = [Server(side, trees[side], urls[side], folder / f"gunicorn-{side}.log") for side in ("before", "now")]
        print(f"database: postgresql ({', '.join(urlsplit(u).path.lstrip('/') for u in urls.values())})")
        print(f"before: {BASELINE} ({trees['before']}); now: the working tree ({NOW_TREE})")
        cleanup.enter_context(throwaway_databases(admin_url, urls))
        prepare(servers, end)
        for server in servers:
            cleanup.callback(stop, server)
            start(server)
        for server in servers:
            wait_until_up(server)
        print(
            f"gunicorn: 2 sync workers per tree, DEBUG off, no Redis; {EPISODES:,} episodes each, "
            f"CONN_MAX_AGE={os.environ.get('CONN_MAX_AGE', 'each tree its own default (before 0, now 60)')}"
        )
        try:
            report(measure(servers))
        except Exception:
            for server in servers:
                print(f"--- gunicorn ({server.name}), the end of its log:", file=sys.stderr)
                print(server.log.read_text()[-3000:], file=sys.stderr)
            raise


def main() -> None:
    # A kill (not only Ctrl-C) unwinds too, so that the servers, databases and folder go.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(128 + signal.SIGTERM))
    database_url = os.environ.get("DATABASE_URL", "")
    try:
        if urlsplit(database_url).scheme not in POSTGRES_SCHEMES:
            raise Skip(
                "DATABASE_URL does not point at PostgreSQL; these figures are about two gunicorn servers "
                "sharing a database server, which SQLite's single writer would not measure"
            )
        run(database_url)
    except Skip as reason:
        print(f"HTTP benchmark (before/now) skipped: {reason}.")


if __name__ == "__main__":
    main()
