import subprocess
from pathlib import Path

from flask_babel import force_locale

from partnership.extensions import db
from partnership.memoranda import printing, services

from ..factories_memoranda import World
from .conftest import sign_in

OUT = Path("/work/wt/_shots/m13a")


def edit_in(actor, memorandum, languages, key, words):
    clause = next(c for c in services.latest(memorandum).clauses if c["key"] == key)
    text = {lang: v + (words[lang] if lang in languages else "") for lang, v in clause["text"].items()}
    services.edit_clause(actor, memorandum, services.latest(memorandum).number, key,
                         dict(clause["title"]), text)
    db.session.commit()


def test_shots(live_server, browser):
    OUT.mkdir(parents=True, exist_ok=True)
    world = World()
    base = live_server.live_url
    with force_locale("en"):
        memorandum = world.memorandum()
        words = {"uk": " Сторони щороку звітують про результати.", "kk": " Тараптар жыл сайын есеп береді.",
                 "en": " The Parties report every year."}
        edit_in(world.ua_manager, memorandum, {"uk", "kk", "en"}, "purpose", words)
        edit_in(world.ua_manager, memorandum, {"uk"}, "purpose", {"uk": " Додаткове речення лише українською."})
        p = dict(services.latest(memorandum).variables["particulars"])
        p["ua.signatory"] = {**p["ua.signatory"], "uk": "Оксана Мельник"}
        services.save_particulars(world.ua_manager, memorandum, services.latest(memorandum).number, p)
        db.session.commit()
        key = services.latest(memorandum).clauses[2]["key"]
    for lang in ("uk", "kk", "en"):
        context, page = sign_in(browser, base, world.ua_manager, lang)
        page.goto(f"{base}/memoranda/{memorandum.id}?language={lang}")
        page.screenshot(path=str(OUT / f"page-{lang}.png"), full_page=True)
        page.goto(f"{base}/memoranda/{memorandum.id}/clauses/{key}/edit")
        page.screenshot(path=str(OUT / f"editor-{lang}.png"), full_page=True)
        page.goto(f"{base}/memoranda/{memorandum.id}/diff?old=3&new=1&language={lang}")
        page.screenshot(path=str(OUT / f"diff-{lang}.png"), full_page=True)
        page.goto(f"{base}/memoranda/{memorandum.id}/particulars")
        page.screenshot(path=str(OUT / f"particulars-{lang}.png"), full_page=True)
        page.goto(f"{base}/memoranda/{memorandum.id}/preview?languages=uk-kk-en")
        page.screenshot(path=str(OUT / f"preview-{lang}.png"), full_page=True)
        context.close()
    data = printing.render(memorandum, services.latest(memorandum), ("uk", "kk", "en"))
    (OUT / "draft-uk-kk-en.pdf").write_bytes(data)
    subprocess.run(["pdftoppm", "-r", "60", "-png", str(OUT / "draft-uk-kk-en.pdf"), str(OUT / "draft-pdf")], check=True)
    data = printing.render(memorandum, services.latest(memorandum), ("kk", "en"))
    (OUT / "draft-kk-en.pdf").write_bytes(data)
    subprocess.run(["pdftoppm", "-r", "60", "-png", str(OUT / "draft-kk-en.pdf"), str(OUT / "draft-kk-en")], check=True)
