"""The MariaDB/MySQL part of scripts/bench: a fresh database, the seeded
cases, and the ceiling (sysbench oltp_point_select, one point select per
event, at the same concurrency against the same server)."""

import os
import re
import shutil
import subprocess
import urllib.parse
import uuid

from bench_tools import run

MYSQL_URL = os.environ.get("CASEBOOK_TEST_MYSQL_URL", "mysql://root@127.0.0.1:3306")


def server():
    """Host, port, user and password of MYSQL_URL."""
    url = urllib.parse.urlsplit(MYSQL_URL)
    return (url.hostname or "127.0.0.1", url.port or 3306, urllib.parse.unquote(url.username or "root"),
            urllib.parse.unquote(url.password or ""))


def client_args():
    host, port, user, password = server()
    args = ["mysql", "--protocol=tcp", f"-h{host}", f"-P{port}", f"-u{user}"]
    return args + ([f"-p{password}"] if password else [])


def sql(statements, database=None):
    return run(client_args() + ([database] if database else []) + ["-N", "-B", "-e", statements])


def create_database(prefix):
    """A fresh database; returns (its name, Casebook's URL for it)."""
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    sql(f"CREATE DATABASE {name} CHARACTER SET utf8mb4 COLLATE utf8mb4_bin")
    return name, f"{MYSQL_URL.rstrip('/')}/{name}"


def drop_database(name):
    subprocess.run(client_args() + ["-e", f"DROP DATABASE IF EXISTS {name}"], check=False)


def ensure_sysbench():
    if not shutil.which("sysbench"):
        env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        subprocess.run(["apt-get", "update", "-qq"], check=True, env=env)
        subprocess.run(["apt-get", "install", "-y", "-qq", "sysbench"], check=True, env=env)


def sysbench(database, *args):
    host, port, user, password = server()
    return run(["sysbench", "oltp_point_select", "--db-driver=mysql", f"--mysql-host={host}", f"--mysql-port={port}",
                f"--mysql-user={user}", f"--mysql-password={password}", f"--mysql-db={database}", "--tables=1",
                "--table-size=100000", *args])


def sysbench_prepare(database):
    """The 100,000-row table sysbench reads."""
    sysbench(database, "prepare")


def sysbench_point_select(database, connections, duration):
    """Point selects per second by primary key (sysbench oltp_point_select,
    prepared statements, one select per event)."""
    output = sysbench(database, "--point-selects=1", f"--threads={connections}", f"--time={duration}", "run")
    return float(re.search(r"transactions:\s+\d+\s+\(([\d.]+) per sec", output).group(1))


def seed(database, fixture, cases):
    """Adds `cases` cases to the fixture's workspace straight in the
    database, as the other engines' seeding does; returns up to 70,000 of
    their wire ids in random order."""
    ws, admin = fixture["workspace_hex"], fixture["admin_hex"]
    digits = " ".join(f"({d})," for d in range(10)).rstrip(",")
    places = len(str(cases))
    numbers = " + ".join(f"d{k}.d * {10 ** k}" for k in range(places))
    sources = ", ".join(f"bench_digits d{k}" for k in range(places))
    sql(f"""
        CREATE TABLE bench_digits (d INT NOT NULL);
        INSERT INTO bench_digits VALUES {digits};
        INSERT INTO cases (id, workspace_id, number, summary, description, status, priority, severity,
                           tags, created_by, created_at, updated_at)
        SELECT UNHEX(REPLACE(UUID(), '-', '')), UNHEX('{ws}'), n, CONCAT('Seeded case ', n), '',
               ELT(1 + n % 5, 'new', 'in_progress', 'on_hold', 'resolved', 'closed'), 1 + n % 4, 1 + n % 5,
               '[]', UNHEX('{admin}'),
               UTC_TIMESTAMP(6) - INTERVAL n SECOND, UTC_TIMESTAMP(6) - INTERVAL n SECOND
        FROM (SELECT {numbers} AS n FROM {sources}) AS seq
        WHERE n BETWEEN 1 AND {cases};
        DROP TABLE bench_digits;
        UPDATE workspaces SET case_seq = {cases} WHERE id = UNHEX('{ws}');
        ANALYZE TABLE cases;""", database)
    ids = sql("SELECT LOWER(HEX(id)) FROM cases ORDER BY RAND() LIMIT 70000", database)
    return [f"case_{h}" for h in ids.split()]
