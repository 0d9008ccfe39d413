"""`make bench`: build a large national round in a database of its own, serve it with the production app
under gunicorn (2 workers), load its pages with wrk and locust, time the bulk work, and report against the
speed targets P1–P7 of the design (quality.md). It reports; it never fails the build (exit status 0).

Database: a new PostgreSQL database on BENCH_DATABASE_URL's server (default postgresql://postgres@127.0.0.1:5432),
dropped at the end; SQLite in a temporary folder when that server cannot be reached.
Writes bench/results.json and prints a table.
"""

import json
import os
import platform
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import traceback
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
RESULTS = ROOT / "bench" / "results.json"
NOMINATIONS, JURORS, K = 5000, 60, 5
CLIENTS, SECONDS = 16, 10
PAGE_TARGETS = {  # P4: share of the bare route's requests per second, and p99 in ms
    "juror_dashboard": (0.15, 150), "score_sheet_get": (0.15, 150), "score_sheet_post": (0.15, 150),
    "nomination_list": (0.04, 400), "ranking": (0.04, 150),
}


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", flush=True)


# --- database -----------------------------------------------------------------------------------

def make_database(folder: Path) -> tuple[str, callable, str]:
    """(URL, drop function, description)."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    server = os.environ.get("BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
    try:
        url = make_url(server.replace("postgresql://", "postgresql+psycopg://", 1))
        admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT",
                              connect_args={"connect_timeout": 3})
        name = f"award_bench_{os.getpid()}_{secrets.token_hex(3)}"
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
            version = connection.execute(text("SHOW server_version")).scalar()

        def drop():
            with admin.connect() as connection:
                connection.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                                        "WHERE datname = :n AND pid <> pg_backend_pid()"), {"n": name})
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
            admin.dispose()

        plain = url.set(database=name).render_as_string(hide_password=False)
        return plain.replace("postgresql+psycopg://", "postgresql://", 1), drop, f"PostgreSQL {version}"
    except Exception as error:  # no server: SQLite, as a small deployment would run
        log(f"PostgreSQL unavailable ({type(error).__name__}); using SQLite")
        return f"sqlite:///{folder / 'bench.db'}", lambda: None, "SQLite (WAL)"


# --- helpers ------------------------------------------------------------------------------------

def task(name: str, state_file: Path, env: dict) -> dict:
    """Run one measurement of bench/tasks.py in a process of its own."""
    done = subprocess.run([sys.executable, "-m", "bench.tasks", name, str(state_file)], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=480)
    line = next((x for x in done.stdout.splitlines() if x.startswith("RESULT ")), None)
    if done.returncode != 0 or line is None:
        raise RuntimeError(f"task {name} failed:\n{done.stderr[-3000:]}")
    return json.loads(line[len("RESULT "):])


class Server:
    """gunicorn with 2 sync workers on 127.0.0.1, on a port the OS gives."""

    def __init__(self, env: dict, folder: Path):
        self.log_path = folder / "gunicorn.log"
        self.process = subprocess.Popen(
            [str(BIN / "gunicorn"), "--workers", "2", "--bind", "127.0.0.1:0", "--timeout", "30",
             "--error-logfile", str(self.log_path), "wsgi:app"], cwd=ROOT, env=env,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.url = self._wait_for_port()

    def _wait_for_port(self) -> str:
        deadline = time.time() + 60
        while time.time() < deadline:
            text = self.log_path.read_text() if self.log_path.exists() else ""
            found = re.search(r"Listening at: (http://127\.0\.0\.1:\d+)", text)
            if found and text.count("Booting worker") >= 2:
                url = found.group(1)
                try:
                    if urllib.request.urlopen(url + "/healthz", timeout=5).status == 200:  # noqa: S310
                        return url
                except OSError:
                    pass
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn stopped:\n{text[-3000:]}")
            time.sleep(0.3)
        raise RuntimeError("gunicorn did not start within 60 s")

    def worker_memory_mb(self) -> dict:
        """Resident set of each worker now and at its peak (VmRSS, VmHWM)."""
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children").read_text().split()
        now, peak = [], []
        for pid in children:
            status = Path(f"/proc/{pid}/status").read_text()
            now.append(int(re.search(r"VmRSS:\s+(\d+)", status).group(1)) / 1024)
            peak.append(int(re.search(r"VmHWM:\s+(\d+)", status).group(1)) / 1024)
        return {"gunicorn_worker_rss_mb": round(max(now), 1), "gunicorn_worker_peak_rss_mb": round(max(peak), 1)}

    def stop(self) -> None:
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()


def session_cookie(base: str, email: str, password: str) -> str:
    """Sign in through the login form; the Cookie header a browser would send afterwards."""
    jar = CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(base + "/accounts/login").read().decode()
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    body = urllib.parse.urlencode({"email": email, "password": password, "csrf_token": token}).encode()
    opener.open(base + "/accounts/login", data=body)
    return "; ".join(f"{c.name}={c.value}" for c in jar)


def check_page(url: str, cookie: str) -> None:
    request = urllib.request.Request(url, headers={"Cookie": cookie})
    opener = urllib.request.build_opener(NoRedirect)
    status = opener.open(request, timeout=60).status
    if status != 200:
        raise RuntimeError(f"{url} answered {status}")


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def wrk(url: str, cookie: str | None = None) -> dict:
    command = [shutil.which("wrk"), "-t2", f"-c{CLIENTS}", f"-d{SECONDS}s", "--timeout", "10s",
               "-s", str(ROOT / "bench" / "report.lua")]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    done = subprocess.run([*command, url], capture_output=True, text=True, timeout=SECONDS + 60)
    line = next(x for x in done.stdout.splitlines() if x.startswith("WRKJSON "))
    data = json.loads(line[len("WRKJSON "):])
    errors = sum(data[k] for k in ("connect", "read", "write", "status", "timeout"))
    return {"rps": round(data["requests"] / (data["duration_us"] / 1e6), 1), "p50_ms": round(data["p50_us"] / 1000, 1),
            "p99_ms": round(data["p99_us"] / 1000, 1), "errors": errors}


def locust_post(base: str, flow: list[dict], folder: Path, env: dict) -> dict:
    prefix = folder / "locust"
    subprocess.run([str(BIN / "locust"), "-f", str(ROOT / "bench" / "locustfile.py"), "--headless", "--host", base,
                    "-u", str(CLIENTS), "-r", str(CLIENTS), "-t", f"{SECONDS}s", "--csv", str(prefix),
                    "--only-summary", "--loglevel", "WARNING", "--stop-timeout", "5"],
                   cwd=ROOT, env={**env, "BENCH_FLOW": json.dumps(flow), "PYTHONPATH": str(ROOT)},
                   capture_output=True, text=True, timeout=SECONDS + 120)
    import csv

    with open(f"{prefix}_stats.csv", newline="") as handle:
        row = next(r for r in csv.DictReader(handle) if r["Name"] == "score_sheet_post")
    return {"rps": round(float(row["Requests/s"]), 1), "p50_ms": float(row["50%"]), "p99_ms": float(row["99%"]),
            "errors": int(row["Failure Count"]), "requests": int(row["Request Count"])}


# --- verdicts -----------------------------------------------------------------------------------

def verdicts(r: dict) -> dict:
    def get(*path):
        value = r
        for key in path:
            value = value.get(key) if isinstance(value, dict) else None
        return value

    def le(value, limit):
        return None if value is None else value <= limit

    pages = r.get("pages", {})
    p4 = None
    if pages and all(name in pages for name in PAGE_TARGETS):
        p4 = all(pages[n]["ratio"] >= share and pages[n]["p99_ms"] <= p99 and pages[n]["errors"] == 0
                 for n, (share, p99) in PAGE_TARGETS.items())
    queries = r.get("queries") or {}
    memory = r.get("memory", {})
    p7_parts = [le(memory.get("gunicorn_worker_peak_rss_mb"), 200), le(memory.get("certificate_job_peak_rss_mb"), 400),
                le(memory.get("xlsx_export_peak_rss_mb"), 300)]
    return {
        "P1": None if r.get("certificate_ms_median") is None else
        r["certificate_ms_median"] <= 25 and not get("details", "fonttools_fallback"),
        "P2": le(r.get("certificates_1000_s"), 15),
        "P3": (all(q.get("rows_10") == q.get("rows_100") for q in queries.values()) if queries else None),
        "P4": p4,
        "P5": le(r.get("ranking_s"), 0.5),
        "P6": le(r.get("xlsx_export_s"), 5),
        "P7": None if None in p7_parts else all(p7_parts),
    }


def table(r: dict) -> str:
    lines = [f"{'page':<18}{'rps':>9}{'ratio':>8}{'p50 ms':>9}{'p99 ms':>9}{'errors':>8}",
             f"{'healthz (base)':<18}{r.get('baseline_rps') or 0:>9.0f}"]
    for name, page in r.get("pages", {}).items():
        lines.append(f"{name:<18}{page['rps']:>9.1f}{page['ratio']:>8.3f}{page['p50_ms']:>9.1f}{page['p99_ms']:>9.1f}"
                     f"{page['errors']:>8}")
    lines.append("")
    lines.append(f"{'SQL queries':<18}{'10 rows':>9}{'100 rows':>9}")
    for name, q in (r.get("queries") or {}).items():
        lines.append(f"{name:<18}{q.get('rows_10', '-'):>9}{q.get('rows_100', '-'):>9}")
    lines.append("")
    for key in ("certificate_ms_median", "certificates_1000_s", "ranking_s", "xlsx_export_s", "assignment_s"):
        lines.append(f"{key:<24}{r.get(key)}")
    for key, value in r.get("memory", {}).items():
        lines.append(f"{key:<34}{value} MB")
    lines.append("")
    for target, met in r.get("targets", {}).items():
        lines.append(f"{target}: {'met' if met else 'not measured' if met is None else 'NOT met'}")
    return "\n".join(lines)


# --- the run ------------------------------------------------------------------------------------

def main() -> int:
    started = time.time()
    results: dict = {"baseline_rps": None, "pages": {}, "queries": {}, "certificate_ms_median": None,
                     "certificates_1000_s": None, "ranking_s": None, "xlsx_export_s": None, "assignment_s": None,
                     "memory": {}, "machine": {"cores": os.cpu_count(), "python": platform.python_version()},
                     "details": {}, "problems": []}

    def step(name, function):
        try:
            return function()
        except Exception as error:
            log(f"{name} failed: {error}")
            results["problems"].append(f"{name}: {error}".splitlines()[0][:500])
            traceback.print_exc()
            return None

    with tempfile.TemporaryDirectory(prefix="award-bench-") as temp:
        folder = Path(temp)
        url, drop, description = make_database(folder)
        results["machine"]["database"] = description
        env = {**os.environ, "AWARD_CONFIG": "production", "SECRET_KEY": secrets.token_urlsafe(32),
               "DATABASE_URL": url, "UPLOAD_FOLDER": str(folder / "uploads"), "AWARD_INSECURE_COOKIES": "1",
               "PUBLIC_URL": "http://127.0.0.1", "PYTHONPATH": str(ROOT)}
        env.pop("REDIS_URL", None)
        state_file = folder / "state.json"
        state = {"nominations": NOMINATIONS, "jurors": JURORS, "k": K, "password": "bench-2026"}
        state_file.write_text(json.dumps(state))
        try:
            log(f"building {NOMINATIONS} nominations, {JURORS} jurors, k = {K} on {description}")
            built = task("build", state_file, env)
            state.update(built)
            state_file.write_text(json.dumps(state))
            results["details"]["build_s"] = built["build_s"]
            log("ranking every round")
            ranked = step("ranking", lambda: task("ranking", state_file, env))
            if ranked:
                results["ranking_s"] = ranked["ranking_s"]
                results["details"]["ranking"] = ranked
            step("pages", lambda: load_pages(results, state, env, folder))
            log("counting SQL queries at 10 and 100 rows")
            counted = step("queries", lambda: task("queries", state_file, env))
            if counted:
                results["queries"] = counted["queries"]
            log("one certificate, 50 warm renders")
            one = step("certificate", lambda: task("certificate", state_file, env))
            if one:
                results["certificate_ms_median"] = one["certificate_ms_median"]
                results["details"]["fonttools_fallback"] = one["fonttools_fallback"]
            step("approve", lambda: task("approve", state_file, env))
            log("XLSX export of every round")
            exported = step("xlsx", lambda: task("xlsx", state_file, env))
            if exported:
                results["xlsx_export_s"] = exported["xlsx_export_s"]
                results["memory"]["xlsx_export_peak_rss_mb"] = exported["xlsx_export_peak_rss_mb"]
                results["details"]["xlsx_score_matrix_rows"] = exported["xlsx_score_matrix_rows"]
            log("1,000 certificates to a ZIP through the job")
            made = step("certificates", lambda: task("certificates", state_file, env))
            if made:
                results["certificates_1000_s"] = made["certificates_1000_s"]
                results["memory"]["certificate_job_peak_rss_mb"] = made["certificate_job_peak_rss_mb"]
                results["details"]["certificates_in_zip"] = made["certificates_in_zip"]
            log("the full-size jury assignment")
            step("assignment", lambda: assignment(results, env))
        finally:
            step("drop database", drop)
    results["targets"] = verdicts(results)
    results["details"]["total_s"] = round(time.time() - started, 1)
    RESULTS.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    print(table(results))
    print(f"\nWritten to {RESULTS.relative_to(ROOT)} in {results['details']['total_s']} s.")
    return 0


def load_pages(results: dict, state: dict, env: dict, folder: Path) -> None:
    if not shutil.which("wrk"):
        raise RuntimeError("wrk is not installed (apt-get install wrk)")
    world, password = state["world"], state["password"]
    first_round = str(world["rounds"][0])
    juror = str(world["jurors"][first_round][0])
    log("starting gunicorn (2 workers, production configuration)")
    server = Server(env, folder)
    try:
        base = server.url
        log(f"baseline /healthz at {base}")
        base_run = wrk(base + "/healthz")
        results["baseline_rps"] = base_run["rps"]
        juror_cookie = session_cookie(base, world["juror_emails"][juror], password)
        staff_cookie = session_cookie(base, world["secretariat_email"], password)
        pages = {
            "juror_dashboard": (f"{base}/scoring/", juror_cookie),
            "score_sheet_get": (f"{base}/scoring/entries/{world['submitted'][juror][0]}", juror_cookie),
            "nomination_list": (f"{base}/nominations/round/{first_round}", staff_cookie),
            "ranking": (f"{base}/ranking/round/{first_round}", staff_cookie),
        }
        for name, (url, cookie) in pages.items():
            check_page(url, cookie)
            log(f"{name}: {CLIENTS} clients for {SECONDS} s")
            results["pages"][name] = wrk(url, cookie)
            if name == "score_sheet_get":
                try:
                    results["pages"]["score_sheet_post"] = score_sheet_post(base, world, password, env, folder)
                except Exception as error:
                    log(f"score_sheet_post failed: {error}")
                    results["problems"].append(f"score_sheet_post: {error}"[:500])
        for page in results["pages"].values():
            page["ratio"] = round(page["rps"] / results["baseline_rps"], 4) if results["baseline_rps"] else None
        results["memory"].update(server.worker_memory_mb())
    finally:
        server.stop()
    order = ["juror_dashboard", "score_sheet_get", "score_sheet_post", "nomination_list", "ranking"]
    results["pages"] = {n: results["pages"][n] for n in order if n in results["pages"]}


def score_sheet_post(base: str, world: dict, password: str, env: dict, folder: Path) -> dict | None:
    """Each locust user is a juror of its own saving its own draft sheet."""
    try:
        import locust  # noqa: F401
    except ImportError:
        raise RuntimeError("locust is not installed (pip install -e '.[bench]')") from None
    flow = [{"email": world["juror_emails"][j], "password": password, "url": f"{base}/scoring/entries/{entries[0]}"}
            for j, entries in world["drafts"].items()][:CLIENTS]
    log(f"score_sheet_post: {len(flow)} jurors with locust for {SECONDS} s")
    return locust_post(base, flow, folder, env)


def assignment(results: dict, env: dict) -> None:
    done = subprocess.run([sys.executable, str(ROOT / "bench" / "assignment.py")], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=300)
    data = json.loads(done.stdout.strip().splitlines()[-1])
    results["assignment_s"] = data["assignment_s"]


if __name__ == "__main__":
    sys.exit(main())
