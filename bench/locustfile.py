"""Jurors saving their score sheet as a draft, as a browser does: a valid CSRF token and the sheet's version.

Each simulated user is its own juror with a sheet of its own (bench/run.py passes them in BENCH_FLOW), logs in,
reads the form once, then saves again and again, alternating the points so that every save writes. A save
answers 302; a stale version (200, the form back) is a failure and the form is read again."""

import itertools
import json
import os

from locust import HttpUser, constant, task

from bench.tasks import CSRF, sheet_form

PLAN = json.loads(os.environ.get("BENCH_FLOW", "[]"))
_users = itertools.count()


class Juror(HttpUser):
    wait_time = constant(0)

    def on_start(self):
        self.plan = PLAN[next(_users) % len(PLAN)]
        page = self.client.get("/accounts/login", name="login page").text
        self.client.post("/accounts/login", name="login", allow_redirects=False, data={
            "email": self.plan["email"], "password": self.plan["password"], "csrf_token": CSRF.search(page).group(1)})
        self.points = 5
        self.read_form()

    def read_form(self):
        page = self.client.get(self.plan["url"], name="score sheet (read the form)").text
        self.form = sheet_form(page, self.points)

    @task
    def save(self):
        self.points = 6 if self.points == 5 else 5
        for key in [k for k in self.form if k.endswith("-points")]:
            self.form[key] = str(self.points)
        with self.client.post(self.plan["url"], data=self.form, name="score_sheet_post", allow_redirects=False,
                              catch_response=True) as response:
            if response.status_code == 302:
                self.form["version"] = str(int(self.form["version"]) + 1)
                response.success()
            else:
                response.failure(f"answered {response.status_code}")
                self.read_form()
