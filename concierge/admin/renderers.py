"""A form renderer writing <input> widgets directly, with the same HTML as Django's templates.

An inline of 20 editable cars is 200 widgets; each goes through the template engine (the widget's
template, input.html, attrs.html: about a third of the client page's time at scale 10, cProfile in
bench/notes.md). Used by the inlines that opt in (inlines.QuickInputsInlineMixin: the client page's
cars), where Django's renderer would put the page over its target (docs/admin-at-scale.md). The plain input widgets (text, number, hidden, checkbox, ... every Django widget
template that is only `{% include "django/forms/widgets/input.html" %}`) are written here instead;
an empty error list (one per field of every row) is the empty string its template makes of it; every
other template (selects, textareas, errors, the formset's own) goes to Django's renderer as before.
concierge/tests/test_admin_rows.py compares the output with Django's.
"""

import html
from pathlib import Path

import django.forms
from django.forms.renderers import DjangoTemplates
from django.utils.safestring import SafeData, mark_safe

# What this module copies, as the sha256 (16 hex digits) of each template's source in Django 5.2:
# concierge/tests/test_django_forks.py fails when the installed Django's differs, naming this module.
# (Which widget templates only include input.html is read from Django's files below, not recorded.)
COPIED_FROM_DJANGO = {
    "template:django/forms/widgets/input.html": "770cf3acba1c18b6",
    "template:django/forms/widgets/attrs.html": "f729483efe44660f",
    "template:django/forms/errors/list/ul.html": "84f81a22e37d9f5a",
    "template:django/forms/errors/list/default.html": "2a6c759f0af3438f",
}

_WIDGETS = Path(django.forms.__file__).parent / "templates" / "django" / "forms" / "widgets"
_INPUT = "django/forms/widgets/input.html"
# Read from Django's own files, so that a Django upgrade changing a template takes it off this list.
PLAIN_INPUT_TEMPLATES = frozenset(
    [_INPUT] + [
        f"django/forms/widgets/{path.name}" for path in _WIDGETS.glob("*.html")
        if path.read_text().strip() == '{% include "django/forms/widgets/input.html" %}'
    ]
)


def _text(value):
    """`{{ value|stringformat:'s' }}` under autoescape: str(), escaped unless already safe."""
    text = "%s" % (value,)
    return text if isinstance(value, SafeData) else html.escape(text)


def input_html(widget):
    """django/forms/widgets/input.html and attrs.html, for a widget's context."""
    value = "" if widget["value"] is None else f' value="{_text(widget["value"])}"'
    attrs = "".join(
        f" {html.escape(str(name))}" if attr is True else f' {html.escape(str(name))}="{_text(attr)}"'
        for name, attr in widget["attrs"].items() if attr is not False
    )
    return mark_safe(f'<input type="{html.escape(str(widget["type"]))}" name="{html.escape(str(widget["name"]))}"'
                     f"{value}{attrs}>")


# A field's error list, rendered before every field of every row even when it is empty (the templates
# start with {% if errors %}; default.html only includes ul.html).
ERROR_LIST_TEMPLATES = frozenset({"django/forms/errors/list/ul.html", "django/forms/errors/list/default.html"})


class QuickInputRenderer(DjangoTemplates):
    def render(self, template_name, context, request=None):
        if template_name in PLAIN_INPUT_TEMPLATES:
            return input_html(context["widget"])
        if template_name in ERROR_LIST_TEMPLATES and not context["errors"]:
            return ""
        return super().render(template_name, context, request=request)


QUICK_INPUT_RENDERER = QuickInputRenderer()
