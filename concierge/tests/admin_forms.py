"""What an admin change page posts back when Save is pressed: its form's and inlines' values as rendered."""


def _value(bound):
    value = bound.value()
    if value is None or value is False:
        return None  # an empty input, an unticked box: not posted
    return "on" if value is True else value


def posted_as_opened(page, **changes):
    """The POST data of the change page `page` (a test client response) as opened, with `changes`
    (name: value, names as posted: `notes`, `vehicles-0-colour`) typed over it."""
    forms = [page.context["adminform"].form]
    data = {}
    for inline in page.context["inline_admin_formsets"]:
        formset = inline.formset
        data.update({bound.html_name: bound.value() for bound in formset.management_form})
        forms += formset.forms
    for form in forms:
        for bound in form:
            value = _value(bound)
            if value is not None:
                data[bound.html_name] = value
    data.update(changes)
    return data
