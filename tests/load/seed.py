#!/usr/bin/env python3
"""seed.py BASE OUTDIR: seeds the benchmark's data through the API.

200 users with 20 tasks each, plus 10 users that the create scenarios write
to; writes their ids to OUTDIR/users, OUTDIR/tasks and OUTDIR/sink-users,
one a line, each followed by the token of its user (the sign-up's; "-"
with AUTH=off, where sign-up answers none).  Each task is created with its
user's token, as that user would.  Eight threads, one keep-alive connection
each.
"""
import http.client
import json
import sys
import threading
import urllib.parse
import uuid

base, outdir = sys.argv[1], sys.argv[2]
url = urllib.parse.urlsplit(base)


def worker(jobs, results, lock):
    conn = http.client.HTTPConnection(url.hostname, url.port, timeout=30)
    while True:
        with lock:
            if not jobs:
                break
            i, path, body, token = jobs.pop()
        headers = {"Content-Type": "application/json"}
        if token:
            headers["Authorization"] = "Bearer " + token
        conn.request("POST", path, json.dumps(body), headers)
        resp = conn.getresponse()
        data = resp.read()
        if resp.status != 201:
            raise SystemExit(f"seed: {path} answered {resp.status}: {data!r}")
        answer = json.loads(data)
        results[i] = (answer["id"], answer.get("token") or token)
    conn.close()


def run(jobs):
    results = [None] * len(jobs)
    lock = threading.Lock()
    jobs = list(reversed(jobs))
    threads = [threading.Thread(target=worker, args=(jobs, results, lock))
               for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if None in results:
        raise SystemExit("seed: some requests failed")
    return results


users = run([(i, "/users", {"name": f"Bench {i}",
                            "email": f"bench-{uuid.uuid4().hex}@example.com"},
               None)
             for i in range(210)])
seeded, sinks = users[:200], users[200:]
tasks = run([(i, "/tasks", {"userId": seeded[i % 200][0],
                            "title": "seeded task"}, seeded[i % 200][1])
             for i in range(4000)])
for name, rows in (("users", seeded), ("sink-users", sinks), ("tasks", tasks)):
    with open(f"{outdir}/{name}", "w") as f:
        f.write("".join(f"{i} {t or '-'}\n" for i, t in rows))
