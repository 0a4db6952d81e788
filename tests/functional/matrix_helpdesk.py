"""Help and "contact the embassy": rows of the access matrix (see test_access_matrix.py).
Message 1 exists, unanswered."""

ROLES = ("org_member", "org_manager", "centre_staff", "embassy_officer",
         "programme_coordinator", "admin")
EMBASSY = ("embassy_officer", "admin")


def _everyone(status=200):
    return {"anonymous": status, **dict.fromkeys(ROLES, status)}


def _embassy(status=200):
    return {"anonymous": 302, **{r: status if r in EMBASSY else 403 for r in ROLES}}


ROUTES: dict = {
    "helpdesk.index": ("/help", _everyone()),
    "helpdesk.guide": ("/help/officer", _everyone()),
    "helpdesk.contact": ("/contact", _everyone()),
    "helpdesk.contact_sent": ("/contact/sent", _everyone()),
    "helpdesk.inbox": ("/embassy/messages", _embassy()),
    "helpdesk.message": ("/embassy/messages/1", _embassy()),
    "helpdesk.mark_answered": ("/embassy/messages/1/answered", _everyone(405)),
}


def make_world() -> None:
    from partnership.extensions import db
    from partnership.helpdesk.models import ContactMessage

    db.session.add(ContactMessage(name="Олена", email="olena@example.org", subject="Питання",
                                  body="Як зареєструвати лікарню?", language="uk"))
