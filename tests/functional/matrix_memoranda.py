"""The memoranda area's rows of the access matrix (see test_access_matrix.py).

ROUTES: endpoint -> (GET path, {role: status}); make_world() adds the objects the paths name,
after the matrix's own world (organisations 1 and 2, match 1, partnership 1) exists.
Memorandum 1 belongs to partnership 1 (nobody signed in belongs to either organisation), is
agreed, and has no signed scan yet.
"""

ROLES = ("org_member", "org_manager", "centre_staff", "embassy_officer",
         "programme_coordinator", "admin")
EMBASSY = ("embassy_officer", "admin")
CODE = "matrix-verification-code-0001"


def _row(allowed=EMBASSY, others=404, anonymous=302, status=200):
    return {"anonymous": anonymous, **{r: status if r in allowed else others for r in ROLES}}


def _post_only():
    return {"anonymous": 405, **dict.fromkeys(ROLES, 405)}


ROUTES: dict = {
    "memoranda.create": ("/partnerships/1/memorandum", _post_only()),
    "memoranda.page": ("/memoranda/1", _row()),
    # Memorandum 1 is agreed: its text is frozen, so editors are sent back to it (302).
    "memoranda.edit_clause": ("/memoranda/1/clauses/purpose/edit", _row(status=302)),
    "memoranda.add_clause": ("/memoranda/1/clauses/new?after=purpose", _row(status=302)),
    "memoranda.remove_clause": ("/memoranda/1/clauses/purpose/remove", _post_only()),
    "memoranda.move_clause": ("/memoranda/1/clauses/purpose/move", _post_only()),
    "memoranda.particulars": ("/memoranda/1/particulars", _row(status=302)),
    "memoranda.versions": ("/memoranda/1/versions", _row()),
    "memoranda.compare": ("/memoranda/1/diff?old=1&new=1&language=kk", _row()),
    "memoranda.comment": ("/memoranda/1/comments", _post_only()),
    "memoranda.template_versions": ("/embassy/memorandum-template", _row(others=403)),
    "memoranda.edit_template": ("/embassy/memorandum-template/edit", _row(others=403)),
    "memoranda.submit": ("/memoranda/1/submit", _post_only()),
    "memoranda.return_to_draft": ("/memoranda/1/return", _post_only()),
    "memoranda.approve": ("/memoranda/1/approve", _post_only()),
    "memoranda.sign": ("/memoranda/1/sign", _row(allowed=("embassy_officer",), others=403)),
    # No scan is stored yet: 404 for everyone who may otherwise see the memorandum too.
    "memoranda.scan": ("/memoranda/1/scan", _row(allowed=(), others=404)),
    "memoranda.terminate": ("/memoranda/1/terminate", _post_only()),
    "memoranda.supersede": ("/memoranda/1/supersede", _post_only()),
    "memoranda.end_form": ("/memoranda/1/end", _row(others=403)),
    "memoranda.download": ("/memoranda/1/pdf?languages=uk-kk&version=1", _row()),
    "memoranda.preview": ("/memoranda/1/preview?languages=uk-kk&version=1", _row()),
    "memoranda.confirm_unchanged": ("/memoranda/1/confirm-language", _post_only()),
    "memoranda.verify": (f"/verify/{CODE}", {"anonymous": 200, **dict.fromkeys(ROLES, 200)}),
}


def make_world() -> None:
    """Memorandum 1 of partnership 1, agreed, with a known verification code."""
    from partnership.core.database import utcnow
    from partnership.core.roles import Role
    from partnership.extensions import db
    from partnership.memoranda import services
    from partnership.memoranda.models import MemorandumState
    from partnership.partnerships.models import Partnership

    from ..factories import UserFactory

    officer = UserFactory(role=Role.EMBASSY_OFFICER)
    memorandum = services.create_memorandum(officer, db.session.get(Partnership, 1))
    memorandum.state = MemorandumState.AGREED
    memorandum.agreed_number, memorandum.agreed_at = 1, utcnow()
    memorandum.text_hash, memorandum.verification_code = "0" * 64, CODE
    db.session.commit()
