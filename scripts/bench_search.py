"""Full-text search in scripts/bench: a workspace of its own with 1,000,000
cases (--search-cases) and three comments each (3,000,000), their words
drawn from a vocabulary of 20,000 by Zipf's law (the word of rank r is used
in proportion to 1/r, as in natural text), and one comment in a hundred
carrying one of 16 planted phrases (about 1,900 comments each).
The rows are loaded into the database directly and indexed by `casebook
migrate`, whose rate is reported. Measured at 16 connections, newest first,
50 a page: a search for one word (drawn uniformly from ranks 100 to 20,000,
the hundred commonest being the likes of "the"; at 1M cases the median one
is in about 700 cases, rank 1,000 in about 7,000), and for one planted
phrase in quotes. Targets: p50 under 20 ms and 50 ms."""

import csv
import itertools
import random
import sqlite3
import subprocess
import time
import urllib.parse
import uuid
from datetime import datetime, timedelta, timezone

import bench_mysql
from bench_fixtures import fixture_for, http, lua, lua_list, run, settle, THREAD_IDS
from bench_tools import log

VOCABULARY = [f"term{i}" for i in range(20_000)]
ZIPF = list(itertools.accumulate(1 / rank for rank in range(1, len(VOCABULARY) + 1)))
PHRASES = [f"{a} {b}" for a, b in zip(
    ["lateral", "credential", "command", "privilege", "data", "initial", "defense", "persistence",
     "phishing", "supply", "password", "remote", "scheduled", "registry", "process", "network"],
    ["movement", "dumping", "control", "escalation", "exfiltration", "access", "evasion", "mechanism",
     "attachment", "chain", "spraying", "desktop", "task", "modification", "injection", "sniffing"])]
COMMENTS_PER_CASE = 3


def _words(rng, count):
    return " ".join(rng.choices(VOCABULARY, cum_weights=ZIPF, k=count))


def _comment(rng):
    body = _words(rng, 15)
    if rng.random() < 0.01:
        body = f"{body} {rng.choice(PHRASES)} {_words(rng, 3)}"
    return body


def _generate(work, cases):
    """Writes cases.csv and comments.csv (ids in hex, times as text), once
    per run: every engine loads the same rows."""
    cases_path, comments_path = work / f"search_cases_{cases}.csv", work / f"search_comments_{cases}.csv"
    if comments_path.exists():
        return cases_path, comments_path
    rng = random.Random(7)
    start = datetime.now(timezone.utc).replace(tzinfo=None)
    with open(cases_path, "w", newline="") as cases_file, open(comments_path, "w", newline="") as comments_file:
        case_rows, comment_rows = csv.writer(cases_file), csv.writer(comments_file)
        for n in range(1, cases + 1):
            case_id = uuid.uuid4().hex
            at = (start - timedelta(seconds=n)).strftime("%Y-%m-%d %H:%M:%S.%f")
            status = ("new", "in_progress", "on_hold", "resolved", "closed")[n % 5]
            case_rows.writerow([case_id, n, _words(rng, 5), _words(rng, 20), status, 1 + n % 4, 1 + n % 5, at])
            for _ in range(COMMENTS_PER_CASE):
                comment_rows.writerow([uuid.uuid4().hex, case_id, _comment(rng), at])
    return cases_path, comments_path


def _postgres(database, ws, admin, cases_path, comments_path):
    script = cases_path.parent / "search_load.sql"
    script.write_text(f"""
CREATE TEMP TABLE load_cases (id text, number int, summary text, description text, status text,
                              priority int, severity int, at timestamp);
CREATE TEMP TABLE load_comments (id text, case_id text, body text, at timestamp);
\\copy load_cases FROM '{cases_path}' WITH (FORMAT csv)
\\copy load_comments FROM '{comments_path}' WITH (FORMAT csv)
INSERT INTO cases (id, workspace_id, number, summary, description, status, priority, severity,
                   tags, created_by, created_at, updated_at, custom_fields)
SELECT decode(id, 'hex'), decode('{ws}', 'hex'), number, summary, description, status, priority, severity,
       '[]', decode('{admin}', 'hex'), at, at, '{{}}' FROM load_cases;
INSERT INTO comments (id, case_id, author_id, body, created_at, updated_at)
SELECT decode(id, 'hex'), decode(case_id, 'hex'), decode('{admin}', 'hex'), body, at, at FROM load_comments;
UPDATE workspaces SET case_seq = (SELECT count(*) FROM load_cases) WHERE id = decode('{ws}', 'hex');
""")
    run(["psql", database, "-q", "-v", "ON_ERROR_STOP=1", "-f", str(script)])


def _sqlite(database, ws, admin, cases_path, comments_path):
    connection = sqlite3.connect(database, timeout=60)
    with open(cases_path, newline="") as rows:
        connection.executemany(
            f"""INSERT INTO cases (id, workspace_id, number, summary, description, status, priority, severity,
                                   tags, created_by, created_at, updated_at, custom_fields)
                VALUES (?, x'{ws}', ?, ?, ?, ?, ?, ?, '[]', x'{admin}', ?, ?, '{{}}')""",
            ((bytes.fromhex(r[0]), int(r[1]), r[2], r[3], r[4], int(r[5]), int(r[6]), r[7], r[7]) for r in csv.reader(rows)))
    with open(comments_path, newline="") as rows:
        connection.executemany(
            f"""INSERT INTO comments (id, case_id, author_id, body, created_at, updated_at)
                VALUES (?, ?, x'{admin}', ?, ?, ?)""",
            ((bytes.fromhex(r[0]), bytes.fromhex(r[1]), r[2], r[3], r[3]) for r in csv.reader(rows)))
    connection.execute(f"UPDATE workspaces SET case_seq = (SELECT count(*) FROM cases WHERE workspace_id = x'{ws}') "
                       f"WHERE id = x'{ws}'")
    connection.commit()
    connection.close()


def _mysql(database, ws, admin, cases_path, comments_path):
    statements = f"""
LOAD DATA LOCAL INFILE '{cases_path}' INTO TABLE cases
  FIELDS TERMINATED BY ',' OPTIONALLY ENCLOSED BY '"' LINES TERMINATED BY '\\r\\n'
  (@id, number, summary, description, status, priority, severity, @at)
  SET id = UNHEX(@id), workspace_id = UNHEX('{ws}'), tags = '[]', created_by = UNHEX('{admin}'),
      created_at = @at, updated_at = @at, custom_fields = '{{}}';
LOAD DATA LOCAL INFILE '{comments_path}' INTO TABLE comments
  FIELDS TERMINATED BY ',' OPTIONALLY ENCLOSED BY '"' LINES TERMINATED BY '\\r\\n'
  (@id, @case_id, body, @at)
  SET id = UNHEX(@id), case_id = UNHEX(@case_id), author_id = UNHEX('{admin}'), created_at = @at, updated_at = @at;
UPDATE workspaces SET case_seq = (SELECT count(*) FROM cases WHERE workspace_id = UNHEX('{ws}'))
  WHERE id = UNHEX('{ws}');
ANALYZE TABLE cases, comments;"""
    run(bench_mysql.client_args() + ["--local-infile=1", database, "-e", statements])


def _database_url(backend, database):
    if backend == "sqlite":
        return f"sqlite://{database}"
    if backend == "mysql":
        return f"{bench_mysql.MYSQL_URL.rstrip('/')}/{database}"
    return database


def _index(binary, backend, database, cases):
    """Indexes the loaded cases with `casebook migrate`; returns cases/s."""
    started = time.monotonic()
    env = {"CASEBOOK_DATABASE_URL": _database_url(backend, database), "CASEBOOK_LOG_LEVEL": "warn", "PATH": "/usr/bin:/bin"}
    out = subprocess.run([binary, "migrate"], env=env, check=True, capture_output=True, text=True).stdout
    elapsed = time.monotonic() - started
    log(f"{backend}: {out.strip().splitlines()[-1]} in {elapsed:.0f} s")
    return cases / elapsed


def prepare(server, binary, backend, database, cases, work):
    """Loads and indexes the workspace; returns the wrk scripts of both searches."""
    fixture = fixture_for(server)
    ws, token = fixture["workspace"], fixture["token"]
    paths = _generate(work, cases)
    loaders = {"postgres": _postgres, "sqlite": _sqlite, "mysql": _mysql}
    loaders[backend](database, fixture["workspace_hex"], fixture["admin_hex"], *paths)
    rate = _index(binary, backend, database, cases)
    if backend != "mysql":
        settle(backend, database)
    words = VOCABULARY[100:]
    for q in (words[0], f'"{PHRASES[0]}"'):
        page = http("GET", server.url + f"/v1/workspaces/{ws}/cases?q={urllib.parse.quote(q)}&limit=50", token=token)
        if not page["items"]:
            raise SystemExit(f"searching for {q} found nothing")
    base = f"/v1/workspaces/{ws}/cases?limit=50&q="
    auth = f'{{["Authorization"] = "Bearer {token}"}}'
    one_word = lua(work, f"search_word_{backend}", THREAD_IDS + f"""
local words = {lua_list(words)}
function request()
  return wrk.format("GET", "{base}" .. words[math.random(#words)], {auth})
end
""")
    quoted = [f"%22{p.replace(' ', '%20')}%22" for p in PHRASES]
    phrase = lua(work, f"search_phrase_{backend}", THREAD_IDS + f"""
local phrases = {lua_list(quoted)}
function request()
  return wrk.format("GET", "{base}" .. phrases[math.random(#phrases)], {auth})
end
""")
    return one_word, phrase, rate


def measure(server, binary, backend, database, cases, work, record, warmed_wrk):
    """Loads, indexes, then records both searches at 16 connections."""
    log(f"{backend}: a workspace of {cases:,} cases and {cases * COMMENTS_PER_CASE:,} comments, searched")
    one_word, phrase, rate = prepare(server, binary, backend, database, cases, work)
    figures, rss = warmed_wrk(one_word, 16)
    record(backend, f"search one word ({cases:,} cases)", 16, figures, rss, None,
           f"p50 < 20 ms (indexed {rate:,.0f} cases/s)")
    figures, rss = warmed_wrk(phrase, 16)
    record(backend, f"search a phrase ({cases:,} cases)", 16, figures, rss, None, "p50 < 50 ms")
