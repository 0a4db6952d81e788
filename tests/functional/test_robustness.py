"""Crafted input never gets a 500: every rule of the URL map, for the roles that can open it.

Each rule is requested with crafted path arguments (ids past 2**31 and 2**63, NUL, very long and
unusual text), with crafted query parameters (every name the views read from ``request.args``,
found in the source) and, for POST, with crafted values in every form field the role's pages show,
with a valid CSRF token so the request reaches the view. The database holds the demo data, so
ids of real objects lead to real forms. Any 5xx answer, an exception out of the application or a
response without the security headers fails the test, which lists every such request at once.
"""

import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import quote

import pytest
from sqlalchemy import select

from partnership.auth.models import User
from partnership.core.roles import Role
from partnership.extensions import db

from ..conftest import CSRF_RE, csrf_token, log_in
from ..factories import UserFactory, default_hash

SOURCE = Path(__file__).resolve().parents[2] / "partnership"
QUERY_NAME_RE = re.compile(r"request\.(?:args|values)\.get\(\s*[\"'](\w+)[\"']")
FIELD_RE = re.compile(r"<(?:input|select|textarea)\b[^>]*\bname=\"([^\"]+)\"")

# Past PostgreSQL's integer, past SQLite's (and PostgreSQL's bigint); a handful of values each,
# so that the whole run stays near a minute per database.
CRAFTED_IDS = (2**31, 2**64)
CRAFTED_TEXT = ("a\x00b", "x" * 3000, "Ж\u202e😀\u0007")
CRAFTED_VALUES = ("2147483648", "9223372036854775808", "-9223372036854775809", "nan", "1e309",
                  "\x00", "ж" * 3000)
# Not valid UTF-8: the server must decode it somehow, never fail on it.
RAW_QUERY = "page=%FF&q=%C3%28&region=%ED%A0%80"

# Filled forms: one crafted value in every number field, or very long text in every text field,
# the other fields as the page filled them, so that the request passes the form's other checks.
CRAFTED_NUMBERS = ("2147483648", "-2147483649", "9223372036854775808", "1e309")
LONG_TEXT = "ж" * 5000
PLAUSIBLE_INPUT = {"email": "someone@example.org", "date": "2026-12-01", "number": "1",
                   "tel": "+380441234567", "url": "https://example.org", "password": "x" * 12}

PLAUSIBLE_TEXT = {"direction": "need", "action": "verify", "what": "organisations",
                  "fmt": "csv", "filename": "css/app.css"}

# The blueprints each signed-in role works in (the anonymous visitor tries every rule).
AREAS = {
    "anonymous": None,
    Role.ORG_MANAGER.value: {"core", "auth", "organisations", "matching", "partnerships",
                             "memoranda", "notifications", "work"},
    Role.EMBASSY_OFFICER.value: {"verification", "organisations", "matching", "partnerships",
                                "memoranda", "programme", "notifications", "work", "dashboard"},
    Role.ADMIN.value: {"admin", "auth", "notifications", "work", "dashboard"},
    Role.PROGRAMME_COORDINATOR.value: {"programme", "notifications", "work"},
    Role.CENTRE_STAFF.value: {"programme", "notifications", "work"},
}
# Requests that would end the session the rest of the run depends on.
SKIP_SIGNED_IN = {"auth.logout"}


def query_names() -> list[str]:
    """Every query parameter a view reads, found in the source, so a new one is not forgotten."""
    names = {"page"}
    for path in SOURCE.rglob("*.py"):
        names.update(QUERY_NAME_RE.findall(path.read_text()))
    return sorted(names)


def plausible_ids(user: User | None) -> dict[str, int]:
    """Ids of existing objects, the signed-in user's own where they have any."""
    from partnership.matching.models import Match
    from partnership.memoranda.models import Memorandum
    from partnership.organisations.models import Item, Organisation
    from partnership.partnerships.models import Partnership
    from partnership.programme.models import Centre, ChildCase, Consent, FollowUp, Group

    def first(model, *where):
        return db.session.scalar(select(model.id).where(*where).order_by(model.id).limit(1)) or 1

    organisation = (user.organisation_id if user and user.organisation_id
                    else first(Organisation))
    partnership = first(Partnership)
    return {
        "organisation_id": organisation,
        "item_id": first(Item, Item.organisation_id == organisation),
        "user_id": first(User, User.id != (user.id if user else 0)),
        "match_id": first(Match),
        "partnership_id": partnership,
        "memorandum_id": first(Memorandum),
        "case_id": first(ChildCase),
        "consent_id": first(Consent),
        "follow_up_id": first(FollowUp),
        "centre_id": first(Centre),
        "group_id": first(Group),
    }


def build(rule, values: dict) -> str:
    """The path of ``rule`` with each argument replaced by its (quoted) value."""
    def replace(match):
        return quote(str(values[match.group(1)]), safe="/" if match.group(1) == "filename"
                     else "")
    return re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", replace, rule.rule)


class PageForms(HTMLParser):
    """The POST forms of a page: each field's value as the page filled it (or a plausible one),
    and which fields are numbers and which free text."""

    def __init__(self, html: str):
        super().__init__()
        self.forms: list[dict] = []
        self._form = self._select = self._textarea = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = {key: value or "" for key, value in attrs}
        if tag == "form":
            self._form = None
            if attrs.get("method", "").lower() == "post":
                self._form = {"action": attrs.get("action", ""), "values": {}, "numbers": set(),
                              "texts": set()}
                self.forms.append(self._form)
            return
        name = attrs.get("name")
        if self._form is None or not name or name == "csrf_token":
            return
        values = self._form["values"]
        kind = attrs.get("type", "text").lower() if tag == "input" else tag
        if kind in ("checkbox", "radio"):
            if "checked" in attrs or (kind == "radio" and name not in values):
                values[name] = attrs.get("value", "y")
        elif kind in ("file", "submit", "button", "reset", "image"):
            pass
        elif tag == "select":
            self._select = name
        elif tag == "option" and self._select:
            if self._select not in values or "selected" in attrs:
                values[self._select] = attrs.get("value", "")
        elif tag == "textarea":
            self._textarea = name
            values[name] = ""
            self._form["texts"].add(name)
        else:
            values[name] = attrs.get("value") or PLAUSIBLE_INPUT.get(kind, "Test text")
            if kind == "number":
                self._form["numbers"].add(name)
            elif kind in ("text", "search"):
                self._form["texts"].add(name)

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None
        elif tag == "form":
            self._form = None

    def handle_data(self, data):
        if self._form is not None and self._textarea:
            self._form["values"][self._textarea] += data

    def by_action(self, page: str) -> dict[str, dict]:
        """The forms by the path they post to (an empty action posts to the page itself)."""
        return {form["action"] or page: form for form in reversed(self.forms)}


class Probe:
    """Sends the requests and notes every one that fails."""

    def __init__(self, client):
        self.client = client
        self.failures: list[str] = []
        self.sent = 0

    def send(self, method: str, path: str, **kwargs):
        self.sent += 1
        label = f"{method} {path[:120]!r} {str(kwargs)[:160]}"
        try:
            response = self.client.open(path, method=method, **kwargs)
        except Exception as error:  # noqa: BLE001 - every failure is reported, not the first
            self.failures.append(f"{label} -> exception {type(error).__name__}: {error}"[:400])
            return None
        response.get_data()  # read it all (a file is sent in parts), then let go of the file
        response.close()
        if response.status_code >= 500:
            self.failures.append(f"{label} -> {response.status_code}")
        elif "X-Content-Type-Options" not in response.headers:
            self.failures.append(f"{label} -> {response.status_code} without security headers")
        return response


def seed(app) -> None:
    result = app.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    for user in db.session.scalars(select(User)):
        user.password_hash = default_hash()
    db.session.commit()


@pytest.mark.parametrize("role", list(AREAS))
def test_crafted_input_never_gets_a_server_error(make_app, role):
    app = make_app(ENV_NAME="testing", RATELIMIT_ENABLED=False)
    with app.app_context():
        seed(app)
        client = app.test_client()
        user = None
        if role != "anonymous":
            user = db.session.scalars(select(User).where(User.role == role)).first()
            response = log_in(client, user, secret=user.totp_secret)
            assert response.status_code == 302
        ids = plausible_ids(user)
        rules = [rule for rule in app.url_map.iter_rules()
                 if AREAS[role] is None or rule.endpoint.split(".")[0] in AREAS[role]]
        if user is not None:
            rules = [rule for rule in rules if rule.endpoint not in SKIP_SIGNED_IN]
        probe = Probe(client)

        def plausible(rule) -> dict:
            return {name: ids.get(name, PLAUSIBLE_TEXT.get(name, "x"))
                    for name in rule.arguments}

        # The fields of every form the role sees, the forms by where they post, a CSRF token.
        fields: set[str] = set()
        forms: dict[str, dict] = {}
        token = None
        for rule in rules:
            if "GET" in rule.methods and rule.endpoint != "static":
                path = build(rule, plausible(rule))
                response = probe.send("GET", path)
                html = (response.get_data(as_text=True)
                        if response is not None and response.mimetype == "text/html" else "")
                fields.update(FIELD_RE.findall(html))
                token = token or next(iter(CSRF_RE.findall(html)), None)
                forms = {**PageForms(html).by_action(path), **forms}
        fields.discard("csrf_token")
        assert token, "no page showed a CSRF token"
        names = query_names()

        for rule in rules:
            methods = [m for m in ("GET", "POST") if m in rule.methods]
            for name in rule.arguments:
                crafted = CRAFTED_IDS if name in ids else CRAFTED_TEXT
                for value in crafted:
                    path = build(rule, {**plausible(rule), name: value})
                    for method in methods:
                        probe.send(method, path, data={"csrf_token": token})
            path = build(rule, plausible(rule))
            if "GET" in rule.methods:
                for value in CRAFTED_VALUES:
                    probe.send("GET", path, query_string={name: value for name in names})
                probe.send("GET", path, query_string=RAW_QUERY)
            if "POST" in rule.methods:
                for value in CRAFTED_VALUES:
                    form = {name: value for name in fields}
                    probe.send("POST", path, data={**form, "csrf_token": token},
                               query_string={name: value for name in names})
            form = forms.get(path) if "POST" in rule.methods else None
            if form:
                filled = {**form["values"], "csrf_token": token}
                for value in CRAFTED_NUMBERS if form["numbers"] else ():
                    probe.send("POST", path,
                               data={**filled, **dict.fromkeys(form["numbers"], value)})
                if form["texts"]:
                    probe.send("POST", path,
                               data={**filled, **dict.fromkeys(form["texts"], LONG_TEXT)})

        if user is not None:
            still = client.get("/account")
            assert still.status_code == 200, "the run lost its session: later requests were void"
        assert not probe.failures, (f"{len(probe.failures)} of {probe.sent} crafted requests "
                                    "failed:\n" + "\n".join(probe.failures))


# --- the defences one by one ------------------------------------------------------------------

SECURITY_HEADERS = ("Content-Security-Policy", "X-Content-Type-Options", "X-Frame-Options",
                    "Referrer-Policy")


def assert_error_page(response, code: int) -> None:
    assert response.status_code == code, response.get_data(as_text=True)[:300]
    for name in SECURITY_HEADERS:
        assert name in response.headers, name
    assert f"Error {code}" in response.get_data(as_text=True)


@pytest.mark.parametrize("path", [
    f"/organisations/{2**31}", f"/organisations/{2**63}", f"/organisations/{2**64}",
    "/organisations/" + "9" * 5000, f"/memoranda/{2**63}/pdf", f"/verify/{2**63}x",
])
def test_ids_no_column_can_hold_are_unknown_pages(client, path):
    assert_error_page(client.get(path), 404)


@pytest.mark.parametrize("query", [f"page={2**31}", f"page={2**63}", f"page=-{2**63 + 1}",
                                   "page=1e400", "page=٣"])
def test_page_numbers_out_of_range_show_a_page(client, query):
    response = client.get(f"/organisations?{query}")
    assert response.status_code == 200


@pytest.mark.parametrize(("method", "path", "kwargs"), [
    ("GET", "/verify/abc%00def", {}),
    ("GET", "/organisations?region=%00", {}),
    ("GET", "/organisations?q=a%01b", {}),
    ("GET", "/organisations?%00=x", {}),
    ("GET", "/", {"headers": {"User-Agent": "curl\x00"}}),
    ("POST", "/login", {"data": {"email": "a\x00@example.org", "password": "x"}}),
    ("POST", "/login", {"data": {"email\x00": "a@example.org", "password": "x"}}),
    ("POST", "/login", {"json": {"email": ["a\x00@example.org"]}}),
    ("POST", "/login", {"json": {"e\x1bmail": 1}}),
])
def test_control_characters_are_refused_in_any_part_of_a_request(client, method, path, kwargs):
    """NUL (which PostgreSQL refuses in text) and the other C0 characters get the 400 page."""
    if method == "POST":  # with a valid token, so that only the character can be refused
        kwargs["headers"] = {"X-CSRFToken": csrf_token(client, "/login")}
    assert_error_page(client.open(path, method=method, **kwargs), 400)


def test_tabs_and_line_breaks_are_still_text(client):
    response = client.post("/login", data={"csrf_token": csrf_token(client, "/login"),
                                           "email": "someone@example.org\r\n",
                                           "password": "line one\n\tline two"})
    assert response.status_code == 200  # the wrong password's answer, not a refusal
    assert client.get("/organisations?q=a%09b").status_code == 200


@pytest.mark.parametrize("host", ["a" * 300, "a" * 64 + ".example.org", "exa mple.org",
                                  "ф.example", "example.org:99999", "[::1", "x" * 254])
def test_a_malformed_host_gets_the_400_page_with_every_header(client, host):
    """Werkzeug refused these too, but then the error page could not build a link and the
    server answered a bare 500 without our headers."""
    for method in ("GET", "POST"):
        assert_error_page(client.open("/login", method=method, headers={"Host": host}), 400)


def test_well_formed_hosts_are_served(client):
    for host in ("localhost", "localhost:5000", "127.0.0.1:8000", "[::1]:5000",
                 "partnerships.example.org", "my_service.internal"):
        assert client.get("/", headers={"Host": host}).status_code == 200, host


def test_production_answers_only_to_its_own_host(make_app, monkeypatch):
    monkeypatch.setenv("TRUSTED_HOSTS", "app.internal, .lb.example")
    app = make_app(ENV_NAME="production", SECRET_KEY="p" * 40,
                   PUBLIC_BASE_URL="https://partnerships.example.org", SESSION_COOKIE_SECURE=False)
    client = app.test_client()
    refused = client.get("/login", headers={"Host": "evil.example"})
    assert_error_page(refused, 400)
    assert "evil.example" not in refused.get_data(as_text=True)
    assert "Strict-Transport-Security" in refused.headers
    for host in ("partnerships.example.org", "localhost", "127.0.0.1:8000", "app.internal",
                 "node1.lb.example"):
        assert client.get("/healthz", headers={"Host": host}).status_code == 200, host


def test_errors_raised_before_the_view_carry_the_security_headers(make_app):
    app = make_app(MAX_CONTENT_LENGTH=1024)
    client = app.test_client()
    not_allowed = client.put("/")
    assert_error_page(not_allowed, 405)
    assert not_allowed.headers["Allow"]
    too_large = client.post("/login", data={"csrf_token": csrf_token(client), "email": "x" * 5000})
    assert_error_page(too_large, 413)
    assert_error_page(client.get("/no-such-page"), 404)
    assert_error_page(client.post("/login", data={"email": "a@example.org"}), 400)  # no CSRF


@pytest.mark.parametrize("path", ["/login", "/register", "/password/reset", "/organisations", "/"])
def test_pages_carrying_a_csrf_token_are_not_stored(client, path):
    response = client.get(path)
    assert 'name="csrf_token"' in response.get_data(as_text=True)
    assert response.headers["Cache-Control"] == "no-store"


def test_development_links_use_the_served_address_not_the_host_header(make_app, monkeypatch):
    """`make run` serves development: its reset links must not follow a crafted Host header."""
    from partnership.core.models import OutboxEmail

    monkeypatch.delenv("PUBLIC_BASE_URL", raising=False)
    app = make_app(ENV_NAME="development")
    assert app.config["PUBLIC_BASE_URL"] == "http://127.0.0.1:5000"
    client = app.test_client()
    with app.app_context():
        UserFactory(email="known@example.org")
    forged = {"base_url": "http://evil.example"}
    page = client.get("/password/reset", **forged).get_data(as_text=True)
    response = client.post("/password/reset", **forged, data={
        "email": "known@example.org", "csrf_token": CSRF_RE.search(page).group(1)})
    assert response.status_code == 302
    with app.app_context():
        body = db.session.scalars(select(OutboxEmail)).one().body
    assert "http://127.0.0.1:5000/password/reset/" in body
    assert "evil.example" not in body
