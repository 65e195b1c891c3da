"""A throwaway PostgreSQL + PostGIS server for the tests, on 127.0.0.1 and a free port.

``start()`` runs Debian's server binaries (``/usr/lib/postgresql/<version>/bin``, or
``$LIANGHU_PG_BIN``): ``initdb`` into a temporary directory, ``pg_ctl start`` with fsync off (the
data is thrown away), a database ``lianghu_test`` with the ``postgis`` extension, and a role
``lianghu_pw`` that must log in with a password (so that tests can check that no password is
ever shown).  PostgreSQL refuses to run as root: as root, the server runs as the ``postgres``
user (created by Debian's ``postgresql-common``) through ``runuser``.  ``Cluster.stop()`` stops
the server and removes the directory; an ``atexit`` hook does it too if the tests are cut short.

``python tests/pg_cluster.py`` starts one, prints its URL and waits for Ctrl-C: a quick way to
run the app against PostGIS on a development machine
(``LIANGHU_DATABASE_URL=<url> make run``); ``python tests/pg_cluster.py --reap`` only removes
the servers of test processes that are gone (``.ci/run`` does it on exit).
"""

from __future__ import annotations

import atexit
import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["PASSWORD", "PASSWORD_ROLE", "Cluster", "Unavailable", "find_bin", "start"]

DATABASE = "lianghu_test"
OWNER = "owner.pid"  # in the cluster's directory: the test process it belongs to
PASSWORD_ROLE = "lianghu_pw"
PASSWORD = "Pw-s3cret!lianghu"  # a throwaway server's test role


class Unavailable(RuntimeError):
    """PostgreSQL or PostGIS is not installed here (or the server would not start)."""


def find_bin() -> Path:
    """The directory of initdb/pg_ctl: ``$LIANGHU_PG_BIN``, else the newest Debian version."""
    given = os.environ.get("LIANGHU_PG_BIN")
    candidates = [given] if given else sorted(
        glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(Path(p).parent.name),
        reverse=True)
    for folder in candidates:
        if (Path(folder) / "initdb").is_file() and (Path(folder) / "pg_ctl").is_file():
            return Path(folder)
    raise Unavailable("no PostgreSQL server binaries (apt-get install postgresql; or set "
                      "LIANGHU_PG_BIN)")


def _postgis_installed(bindir: Path) -> bool:
    share = subprocess.run([str(bindir / "pg_config"), "--sharedir"], capture_output=True,
                           text=True, check=False).stdout.strip()
    return bool(share) and (Path(share) / "extension" / "postgis.control").is_file()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Cluster:
    bindir: Path
    base: Path  # lianghu-pg-*: the owner file and data/
    port: int
    run_as: list[str] = field(default_factory=list)  # ["runuser", "-u", "postgres", "--"]

    @property
    def datadir(self) -> Path:
        return self.base / "data"

    @property
    def url(self) -> str:
        """The superuser's URL of the test database (no password: trust on 127.0.0.1)."""
        return f"postgresql://postgres@127.0.0.1:{self.port}/{DATABASE}"

    @property
    def password_url(self) -> str:
        """The URL of a role that must give its password (scram-sha-256)."""
        return f"postgresql://{PASSWORD_ROLE}:{PASSWORD}@127.0.0.1:{self.port}/{DATABASE}"

    def _run(self, *args: str) -> subprocess.CompletedProcess:
        res = subprocess.run([*self.run_as, *args], capture_output=True, text=True,
                             check=False, timeout=120, cwd="/")
        if res.returncode != 0:
            raise Unavailable(f"{Path(args[0]).name} failed ({res.returncode}): "
                              f"{res.stderr.strip() or res.stdout.strip()}")
        return res

    def stop(self) -> None:
        if (self.datadir / "postmaster.pid").exists():
            subprocess.run([*self.run_as, str(self.bindir / "pg_ctl"), "-D", str(self.datadir),
                            "-m", "immediate", "-w", "stop"], capture_output=True, check=False,
                           timeout=60, cwd="/")
        shutil.rmtree(self.base, ignore_errors=True)


def _reap_orphans(bindir: Path) -> None:
    """Stop and remove the servers of test processes that were killed (no atexit ran)."""
    for folder in Path(tempfile.gettempdir()).glob("lianghu-pg-*"):
        try:
            owner = int((folder / OWNER).read_text())
            os.kill(owner, 0)
            continue  # its test process is alive
        except ProcessLookupError:
            pass
        except (OSError, ValueError):
            continue  # not ours to judge (being set up, or someone else's)
        run_as = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        Cluster(bindir, folder, 0, run_as).stop()


def start() -> Cluster:
    """A running server with the database ``lianghu_test`` (PostGIS installed); see the module."""
    bindir = find_bin()
    _reap_orphans(bindir)
    if not _postgis_installed(bindir):
        raise Unavailable(f"PostGIS is not installed for {bindir.parent.name} "
                          f"(apt-get install postgresql-{bindir.parent.name}-postgis-3)")
    run_as: list[str] = []
    base = Path(tempfile.mkdtemp(prefix="lianghu-pg-"))
    (base / OWNER).write_text(str(os.getpid()))
    if os.geteuid() == 0:  # postgres will not run as root
        try:
            user = pwd.getpwnam("postgres")
        except KeyError:
            shutil.rmtree(base)
            raise Unavailable("running as root and there is no 'postgres' user to run the "
                              "server as") from None
        os.chown(base, user.pw_uid, user.pw_gid)
        run_as = ["runuser", "-u", "postgres", "--"]
    cluster = Cluster(bindir, base, 0, run_as)
    datadir = cluster.datadir
    atexit.register(cluster.stop)
    try:
        cluster._run(str(bindir / "initdb"), "-D", str(datadir), "-U", "postgres",
                     "-A", "trust", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync")
        hba = (f"host all {PASSWORD_ROLE} 127.0.0.1/32 scram-sha-256\n"
               "host all all 127.0.0.1/32 trust\n")
        (datadir / "pg_hba.conf").write_text(hba)  # the file initdb made: owner unchanged
        for attempt in range(3):  # the free port may be taken before the server binds it
            cluster.port = _free_port()
            options = (f"-c listen_addresses=127.0.0.1 -p {cluster.port} "
                       "-c unix_socket_directories='' -c fsync=off -c synchronous_commit=off "
                       "-c full_page_writes=off -c max_connections=200")
            try:
                cluster._run(str(bindir / "pg_ctl"), "-D", str(datadir), "-l",
                             str(datadir / "server.log"), "-o", options, "-w", "-t", "60",
                             "start")
                break
            except Unavailable:
                if attempt == 2:
                    log = datadir / "server.log"
                    raise Unavailable(f"the server did not start: "
                                      f"{log.read_text()[-2000:] if log.exists() else ''}"
                                      ) from None
        _setup(cluster)
    except BaseException:
        cluster.stop()
        raise
    return cluster


def _setup(cluster: Cluster) -> None:
    import psycopg

    admin = f"postgresql://postgres@127.0.0.1:{cluster.port}/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {DATABASE}")
        conn.execute(f"CREATE ROLE {PASSWORD_ROLE} LOGIN PASSWORD '{PASSWORD}'")
        conn.execute(f"GRANT CREATE ON DATABASE {DATABASE} TO {PASSWORD_ROLE}")
    with psycopg.connect(cluster.url, autocommit=True) as conn:
        try:
            conn.execute("CREATE EXTENSION postgis")
        except psycopg.Error as exc:
            raise Unavailable(f"CREATE EXTENSION postgis failed: {exc}") from exc


if __name__ == "__main__":
    import signal
    import sys
    import time

    if sys.argv[1:] == ["--reap"]:  # .ci/run, on exit: servers of test runs that were killed
        with suppress(Unavailable):
            _reap_orphans(find_bin())
        sys.exit(0)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))  # then atexit stops the server
    server = start()
    print(server.url, flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        server.stop()
