"""Read the forms of a page as a browser would submit them (standard library only)."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser


@dataclass
class Form:
    action: str
    method: str
    fields: list[tuple[str, str]] = field(default_factory=list)

    def values(self, **overrides: str) -> list[tuple[str, str]]:
        """The fields as submitted, with ``overrides`` replacing (or adding) single values."""
        kept = [(name, value) for name, value in self.fields if name not in overrides]
        return kept + list(overrides.items())

    def has(self, name: str) -> bool:
        return any(key == name for key, _value in self.fields)


class _Parser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: str | None = None
        self._select_value: str | None = None
        self._first_option: str | None = None
        self._option_value: str | None = None
        self._textarea: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = {key: (value or "") for key, value in attrs}
        if tag == "form":
            self._form = Form(a.get("action", ""), a.get("method", "get").lower())
            self.forms.append(self._form)
        if self._form is None:
            return
        if tag == "input" and a.get("name") and "disabled" not in a:
            kind = a.get("type", "text").lower()
            if kind in ("submit", "button", "image", "reset", "file"):
                return
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            self._form.fields.append((a["name"], a.get("value", "on" if kind == "checkbox"
                                                                else "")))
        elif tag == "select" and a.get("name"):
            self._select, self._select_value, self._first_option = a["name"], None, None
        elif tag == "option" and self._select:
            value = a.get("value")
            self._option_value = value
            if self._first_option is None and value is not None:
                self._first_option = value
            if "selected" in a and value is not None:
                self._select_value = value
        elif tag == "textarea" and a.get("name"):
            self._textarea, self._text = a["name"], []

    def handle_data(self, data):
        if self._textarea is not None:
            self._text.append(data)

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select" and self._select and self._form is not None:
            value = self._select_value if self._select_value is not None else self._first_option
            self._form.fields.append((self._select, value or ""))
            self._select = None
        elif tag == "textarea" and self._textarea is not None and self._form is not None:
            self._form.fields.append((self._textarea, "".join(self._text).lstrip("\n")))
            self._textarea = None


def forms(html: str) -> list[Form]:
    parser = _Parser()
    parser.feed(html)
    return parser.forms


def form_with(html: str, name: str) -> Form | None:
    """The first form of the page that has a field called ``name``."""
    return next((form for form in forms(html) if form.has(name)), None)


def form_to(html: str, action_part: str) -> Form | None:
    """The first form whose action contains ``action_part``."""
    return next((form for form in forms(html) if action_part in form.action), None)
