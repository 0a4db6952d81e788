"""The load test reads forms as a browser submits them (loadtest/forms.py)."""

from loadtest.forms import form_with, forms

PAGE = """
<form action="/search" method="get"><input name="q" value="x"></form>
<form action="/organisations/7/items/new/need" method="post">
  <input type="hidden" name="csrf_token" value="t0k">
  <input name="title" value="A &amp; B">
  <input type="checkbox" name="languages" value="uk" checked>
  <input type="checkbox" name="languages" value="kk">
  <input type="radio" name="urgency" value="high">
  <input type="radio" name="urgency" value="low" checked>
  <input name="off" value="1" disabled>
  <select name="area"><option value="">Choose</option>
    <option value="surgery" selected>S</option></select>
  <select name="form"><option value="visit">Visit</option><option value="course">C</option></select>
  <textarea name="description">
Line one</textarea>
  <input type="submit" name="submit" value="Save">
</form>"""


def test_a_form_is_read_as_a_browser_submits_it():
    form = form_with(PAGE, "description")
    assert form.action == "/organisations/7/items/new/need" and form.method == "post"
    assert form.fields == [("csrf_token", "t0k"), ("title", "A & B"), ("languages", "uk"),
                           ("urgency", "low"), ("area", "surgery"), ("form", "visit"),
                           ("description", "Line one")]


def test_overrides_replace_values_and_keep_the_rest():
    form = form_with(PAGE, "description")
    values = form.values(description="New", area="burns")
    assert ("description", "New") in values and ("area", "burns") in values
    assert ("csrf_token", "t0k") in values and ("description", "Line one") not in values


def test_every_form_of_the_page_is_found():
    assert [form.action for form in forms(PAGE)] == ["/search", "/organisations/7/items/new/need"]
