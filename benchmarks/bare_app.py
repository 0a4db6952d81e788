"""The yardstick of benchmarks/search.py: a bare Flask + Jinja page of about the directory's size.

    gunicorn -c deploy/gunicorn.conf.py 'benchmarks.bare_app:create_app()'

``/`` renders with ``render_template_string``, which compiles the template on every request: the
yardstick the issue's figures have used from the start. ``/compiled`` renders the same page from a
template compiled once, as an application's templates are; the benchmarks print both, so a
reader sees how much the first flatters the "% of bare" figures.
"""

from flask import Flask, render_template_string

PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>{{ title }}</title></head><body><h1>{{ title }}</h1><ul>{% for row in rows %}
<li class="org-card"><h2><a href="/o/{{ row.id }}">{{ row.name }}</a></h2>
<p>{{ row.city }} · {{ row.text }}</p></li>{% endfor %}</ul></body></html>"""
ROWS = [{"id": i, "name": f"Hospital No. {i}", "city": "Kyiv", "text": "Rehabilitation " * 8}
        for i in range(20)]


def create_app() -> Flask:
    app = Flask(__name__)

    @app.get("/")
    def page():
        return render_template_string(PAGE, title="Directory", rows=ROWS)

    compiled = app.jinja_env.from_string(PAGE)

    @app.get("/compiled")
    def compiled_page():
        return compiled.render(title="Directory", rows=ROWS)

    return app
