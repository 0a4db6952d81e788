"""Demo accounts for a local installation: one per role, with fresh random passwords."""

import secrets
from pathlib import Path

from sqlalchemy import func, select

from .auth import totp
from .auth.models import User
from .auth.passwords import hash_password
from .auth.services import replace_recovery_codes
from .core.audit import record
from .core.database import utcnow
from .core.roles import Role
from .extensions import db

DEMO_USERS = (
    ("admin@demo.partnership.local", "Олена Адміністраторка", Role.ADMIN, "uk"),
    ("officer@demo.partnership.local", "Андрій Коваленко", Role.EMBASSY_OFFICER, "uk"),
    ("coordinator@demo.partnership.local", "Ірина Шевчук", Role.PROGRAMME_COORDINATOR, "uk"),
    ("manager.ua@demo.partnership.local", "Оксана Мельник", Role.ORG_MANAGER, "uk"),
    ("manager.kz@demo.partnership.local", "Айгерим Сапарова", Role.ORG_MANAGER, "kk"),
    ("member@demo.partnership.local", "Тарас Бондаренко", Role.ORG_MEMBER, "uk"),
    ("centre@demo.partnership.local", "Данияр Ахметов", Role.CENTRE_STAFF, "kk"),
)

WORDS = ("step", "tulpan", "kashtan", "berkut", "sokil", "zhusan", "kalyna", "dombra",
         "bandura", "oryk", "vyshnia", "topolia", "alatau", "karpaty", "dnipro", "yesil",
         "soniashnyk", "baiterek", "khortytsia", "kokpar", "sopilka", "kobyz", "leleka", "tumar")


def database_is_empty() -> bool:
    """Whether no user exists yet."""
    return db.session.scalar(select(func.count(User.id))) == 0


def passphrase() -> str:
    """Five random words and a number: easy to type on any keyboard, fine for a demo."""
    words = [secrets.choice(WORDS) for _ in range(5)]
    return "-".join(words) + f"-{secrets.randbelow(90) + 10}"


def _organisation_for(role: Role, email: str, organisations: dict) -> int | None:
    if role not in (Role.ORG_MANAGER, Role.ORG_MEMBER, Role.CENTRE_STAFF) or not organisations:
        return None
    from .organisations.models import Country, Kind, Status

    def first(country, kinds=None):
        for organisation in organisations.values():
            if organisation.country == country and organisation.status == Status.VERIFIED and (
                    kinds is None or organisation.kind in kinds):
                return organisation.id
        return None

    if role == Role.CENTRE_STAFF:
        return first(Country.KZ, (Kind.REHABILITATION_CENTRE,))
    return first(Country.KZ if email.startswith("manager.kz") else Country.UA)


def seed_demo_users(totp_roles, organisations: dict | None = None) -> list[str]:
    """Create the demo accounts; return the lines that tell how to sign in. Caller commits."""
    lines = []
    for email, name, role, locale in DEMO_USERS:
        password = passphrase()
        user = User(email=email, full_name=name, role=role, locale=locale, active=True,
                    password_hash=hash_password(password), created_at=utcnow(),
                    password_changed_at=utcnow(),
                    organisation_id=_organisation_for(role, email, organisations or {}))
        db.session.add(user)
        db.session.flush()
        record("user.created", obj=user, role=str(role), via="seed-demo")
        line = f"{role.value:<22} {email:<38} {password}"
        if role.value in totp_roles:
            user.totp_secret = totp.new_secret()
            codes = replace_recovery_codes(user)
            line += f"\n{'':<22} two-step secret {user.totp_secret}; recovery codes: " + \
                ", ".join(codes[:3])
        lines.append(line)
    return lines


def write_logins(instance_path: str, lines: list[str]) -> Path:
    """Keep the demo log-ins in the instance folder (mode 0600) so ``make run`` can show them."""
    import os

    from .core.files import private_folder

    private_folder(Path(instance_path))
    path = Path(instance_path) / "demo-logins.txt"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write("\n".join(lines) + "\n")
    return path


def seed_demo_partnership() -> None:
    """Propose partners, and take one proposal of the Ukrainian demo manager's organisation
    through mutual interest and vetting, so the demo shows a partnership. Caller commits."""
    from sqlalchemy import select

    from .matching import decisions
    from .matching.models import Match
    from .matching.services import propose_matches
    from .partnerships.services import vet_match

    propose_matches()
    users = {u.email: u for u in db.session.scalars(select(User))}
    manager_ua = users["manager.ua@demo.partnership.local"]
    officer = users["officer@demo.partnership.local"]
    match = db.session.scalar(select(Match).where(
        Match.need_organisation_id == manager_ua.organisation_id).order_by(Match.score.desc()))
    if match is None:
        return
    match = decisions.get_match(officer, match.id)
    other_id = match.offer_organisation_id
    other = User(email="manager.partner@demo.partnership.local", full_name="Ерлан Жақсыбеков",
                 role=Role.ORG_MANAGER, locale="kk", active=True, organisation_id=other_id,
                 password_hash=None, created_at=utcnow())
    db.session.add(other)
    db.session.flush()
    decisions.express_interest(manager_ua, match)
    decisions.express_interest(other, match)
    vet_match(officer, match)
