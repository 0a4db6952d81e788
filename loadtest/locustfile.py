"""The simulated people of the load test (locust). Run through ``loadtest/run.py``.

Each simulated person signs in with an account of its own from the world's accounts file
(``LOADTEST_ACCOUNTS``), works as that role would, and records every write the server
acknowledged in ``LOADTEST_ACKS`` (JSON lines), which ``loadtest/verify.py`` then looks up in
the database. A conflict page (someone else saved first) is the system working as designed:
it counts as a success but not as an acknowledged write.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re
import threading
import uuid

import pyotp
from locust import HttpUser, between, events, task
from locust.exception import StopUser

from loadtest.forms import form_with

ACCOUNTS = json.loads(open(os.environ["LOADTEST_ACCOUNTS"]).read())  # noqa: SIM115
PASSWORD = ACCOUNTS["password"]
_taken = {role: itertools.count() for role in ACCOUNTS["accounts"]}
_acks: list[dict] = []
_lock = threading.Lock()
HOSTS = os.environ.get("LOADTEST_HOSTS", "").split(",")
WORDS = ["Mykolaiv", "реабілітація", "реабілітації", "реабилитация", "оңалту", "Astana",
         "Hospital", "лікарня", "cardiac", "Kharkiv", "Алматы", "surgery"]


def _as_behind_tls(jar) -> None:
    """The servers run as production does, behind a proxy that terminates TLS: their cookies
    are ``Secure``. The simulated browser talks plain HTTP on loopback and says it came over
    HTTPS (``X-Forwarded-Proto``), so it returns them as a browser behind TLS would
    (requests sends no secure cookie over HTTP, whatever the jar's policy)."""
    for cookie in jar:
        cookie.secure = False


def acknowledged(kind: str, **facts) -> None:
    with _lock:
        _acks.append({"kind": kind, **facts})


@events.test_stop.add_listener
def _write_acks(**_kwargs):
    path = os.environ.get("LOADTEST_ACKS")
    if path:
        with open(path, "w") as handle:
            for ack in _acks:
                handle.write(json.dumps(ack) + "\n")


def account(role: str) -> dict:
    with _lock:
        rows = ACCOUNTS["accounts"][role]
        number = next(_taken[role])
        if number >= len(rows):
            raise RuntimeError(f"more simulated {role} than accounts: build a bigger world")
        return rows[number]


class Person(HttpUser):
    abstract = True
    wait_time = between(1, 3)

    def on_start(self):
        self.client.headers.update({"X-Forwarded-Proto": "https", "Accept-Language": "en"})

    # -- helpers ---------------------------------------------------------------------------

    def at_any_host(self, path: str) -> tuple[str, dict]:
        """``path`` on a host chosen at random, with the headers a browser behind the TLS proxy
        sends (the form's own origin as ``Referer``: CSRF checks it over HTTPS)."""
        _as_behind_tls(self.client.cookies)
        path = re.sub(r"^https?://[^/]+", "", path)
        host = random.choice(HOSTS) if HOSTS[0] else self.host  # noqa: S311
        origin = host.replace("http://", "https://", 1)
        return host + path, {"Referer": origin + path}

    def page(self, path: str, name: str | None = None) -> str:
        url, headers = self.at_any_host(path)
        with self.client.get(url, name=name or path, headers=headers,
                             catch_response=True) as response:
            if response.status_code == 0:
                response.failure(f"connection dropped before an answer: {path}")
            elif response.status_code == 503 and response.headers.get("Retry-After"):
                response.failure(f"503 with a retry hint: {path}")
            elif response.status_code != 200:
                response.failure(f"{response.status_code} for {path}")
            elif "/login" in response.url and "/login" not in path:
                response.failure(f"signed out: {path} led to the sign-in page")
            return response.text

    def post(self, path: str, data, name: str, ok_statuses=(302, 303)) -> tuple[bool, str]:
        """POST as a browser form; returns (acknowledged, text of the page it landed on)."""
        url, headers = self.at_any_host(path)
        with self.client.post(url, data=data, name=name, allow_redirects=False,
                              headers=headers, catch_response=True) as response:
            status = response.status_code
            if status in ok_statuses:
                location = response.headers.get("Location", "")
                response.success()
            elif status in (409, 422):  # a conflict or a refused change: shown, not lost
                response.success()
                return False, response.text
            elif status == 0:
                response.failure(f"connection dropped before an answer: {name}")
                return False, ""
            elif status == 503 and response.headers.get("Retry-After"):
                response.failure(f"503 with a retry hint: {name}")  # not acknowledged
                return False, response.text
            else:
                response.failure(f"{status} for {name}")
                return False, response.text
        landing = self.page(location, name=f"{name} (landing)") if location else ""
        return True, landing

    def sign_in(self, email: str, totp_secret: str | None = None) -> None:
        form = form_with(self.page("/login"), "password")
        ok, landing = self.post("/login", form.values(email=email, password=PASSWORD),
                                name="/login [POST]")
        if totp_secret and "code" in landing:
            step = form_with(landing, "code")
            self.post(step.action or "/login/verify",
                      step.values(code=pyotp.TOTP(totp_secret).now()),
                      name="/login/verify [POST]")
        url, headers = self.at_any_host("/my-work")
        with self.client.get(url, name="(signed in?)", headers=headers, allow_redirects=False,
                             catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"{email} is not signed in")
                raise StopUser


class Visitor(Person):
    """Browses and searches the directory without an account."""
    weight = 20

    @task(3)
    def directory(self):
        page = random.randint(1, 40)  # noqa: S311 - load, not secrets
        html = self.page(f"/organisations?page={page}", name="/organisations?page=N")
        ids = re.findall(r'href="/organisations/(\d+)"', html)
        if ids:
            self.page(f"/organisations/{random.choice(ids)}", name="/organisations/<id>")  # noqa: S311

    @task(3)
    def search(self):
        word = random.choice(WORDS)  # noqa: S311
        self.page(f"/organisations?q={word}", name="/organisations?q=…")

    @task(1)
    def home(self):
        self.page("/")


class Manager(Person):
    """An organisation's manager: proposals, items, My work."""
    weight = 12

    def on_start(self):
        super().on_start()
        self.account = account("managers")
        self.organisation = self.account["organisation_id"]
        self.sign_in(self.account["email"])

    @task(3)
    def my_work(self):
        self.page("/my-work")

    @task(3)
    def proposals(self):
        html = self.page(f"/organisations/{self.organisation}/proposals",
                         name="/organisations/<id>/proposals")
        forms = [f for f in _forms_to(html, "/interest")]
        if forms and random.random() < 0.3:  # noqa: S311
            form = random.choice(forms)  # noqa: S311
            match_id = int(re.search(r"/matches/(\d+)/", form.action).group(1))
            ok, landing = self.post(form.action, form.values(), name="/matches/<id>/interest")
            if ok and ("interest is recorded" in landing or "Both sides are interested" in landing):
                acknowledged("interest", match_id=match_id, organisation_id=self.organisation)

    @task(2)
    def add_need(self):
        path = f"/organisations/{self.organisation}/items/new/need"
        form = form_with(self.page(path, name="/organisations/<id>/items/new/need"),
                         "description")
        token = uuid.uuid4().hex[:12]
        ok, _landing = self.post(path, form.values(
            description=f"Load test need {token}: physical rehabilitation equipment",
            area="physical_rehabilitation" if form.has("area") else ""),
            name="/organisations/<id>/items/new/need [POST]")
        if ok:
            acknowledged("item", token=token, organisation_id=self.organisation)

    @task(1)
    def manage(self):
        self.page(f"/organisations/{self.organisation}/manage", name="/organisations/<id>/manage")


class Officer(Person):
    """An embassy officer deciding registrations of its own queue."""
    weight = 6

    def on_start(self):
        super().on_start()
        self.account = account("officers")
        self.pending = list(self.account["pending"])
        self.sign_in(self.account["email"], self.account["totp"])

    @task(2)
    def queue(self):
        self.page("/embassy/organisations", name="/embassy/organisations")

    @task(2)
    def verify_one(self):
        if not self.pending:
            return self.queue()
        organisation_id = self.pending.pop()
        html = self.page(f"/embassy/organisations/{organisation_id}",
                         name="/embassy/organisations/<id>")
        form = form_with(html, "reason")  # one form, a button per decision (formaction)
        if form is None:
            return None
        ok, _landing = self.post(f"/embassy/organisations/{organisation_id}/decide/verify",
                                 form.values(), name="/embassy/organisations/<id>/decide/verify")
        if ok:
            acknowledged("verified", organisation_id=organisation_id)
        return None

    @task(1)
    def my_work(self):
        self.page("/my-work")


class Editor(Person):
    """A manager editing the clauses of a draft memorandum (two editors per memorandum)."""
    weight = 8

    def on_start(self):
        super().on_start()
        self.account = account("editors")
        self.memorandum = self.account["memorandum_id"]
        self.sign_in(self.account["email"])

    @task(2)
    def read(self):
        self.page(f"/memoranda/{self.memorandum}", name="/memoranda/<id>")

    @task(2)
    def edit_clause(self):
        html = self.page(f"/memoranda/{self.memorandum}", name="/memoranda/<id>")
        keys = sorted(set(re.findall(rf"/memoranda/{self.memorandum}/clauses/([\w-]+)/edit",
                                     html)))
        if not keys:
            return
        key = random.choice(keys[:4])  # noqa: S311 - a few clauses, so editors meet
        path = f"/memoranda/{self.memorandum}/clauses/{key}/edit"
        form = form_with(self.page(path, name="/memoranda/<id>/clauses/<key>/edit"), "text_uk")
        token = uuid.uuid4().hex[:12]
        values = dict(form.fields)
        ok, _landing = self.post(path, form.values(text_uk=f"{values['text_uk']} [{token}]"),
                                 name="/memoranda/<id>/clauses/<key>/edit [POST]")
        if ok:
            acknowledged("clause", token=token, memorandum_id=self.memorandum, key=key)


class Coordinator(Person):
    """The programme's coordinator reading children's cases."""
    weight = 4

    def on_start(self):
        super().on_start()
        self.account = account("coordinators")
        self.sign_in(self.account["email"], self.account["totp"])

    @task(2)
    def cases(self):
        html = self.page("/programme/cases")
        ids = re.findall(r'href="/programme/cases/(\d+)"', html)
        if ids:
            self.page(f"/programme/cases/{random.choice(ids)}", name="/programme/cases/<id>")  # noqa: S311

    @task(1)
    def my_work(self):
        self.page("/my-work")


def _forms_to(html: str, part: str):
    from loadtest.forms import forms

    return [form for form in forms(html) if part in form.action]
