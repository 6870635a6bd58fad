"""Submit an admin change form the way a browser would: every field of the form and its inlines as shown."""


def form_data(response) -> dict:
    """POST data reproducing the change form in `response` (main form, management forms, every inline form)."""
    forms = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        forms.append(inline.formset.management_form)
        forms.extend(inline.formset.forms)
    data = {}
    for form in forms:
        for name in form.fields:
            value = form[name].value()
            key = form.add_prefix(name)
            if value is None or value is False:
                continue
            data[key] = "on" if value is True else (value if isinstance(value, list) else str(value))
    return data
