"""Words shown for the memorandum's stored codes, in the reader's language."""

from flask_babel import lazy_gettext as _l

from .models import MemorandumState

STATES = {
    "draft": _l("Draft"), "in_review": _l("In review"), "agreed": _l("Agreed"),
    "signed": _l("Signed"), "superseded": _l("Superseded"), "terminated": _l("Terminated"),
}
PARTIES = {"ukrainian": _l("Ukrainian organisation"), "kazakh": _l("Kazakh organisation"),
           "embassy": _l("Embassy")}
LANGUAGE_SETS = ("uk-kk-en", "uk-kk", "uk-en", "kk-en")


def register(app) -> None:
    app.jinja_env.globals.update(
        memorandum_state_label=lambda s: STATES.get(str(s), s),
        memorandum_party_label=lambda p: PARTIES.get(str(p), p),
        MemorandumState=MemorandumState,
        memorandum_particular_label=_particular_label,
    )


def _particular_label(name: str):
    from .forms import PARTICULAR_LABELS

    return PARTICULAR_LABELS.get(name, name)
