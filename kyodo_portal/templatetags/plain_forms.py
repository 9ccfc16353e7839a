"""Form fields in Bootstrap 5 markup without crispy-forms, for forms rendered on every list
page (the filter forms): the same label, ids, classes, aria-describedby and error display as
``|as_crispy_field`` (tests/kyodo_portal/test_plain_forms.py compares them), at a fraction of
its cost (templates/includes/_filter_fields.html)."""

from django import forms, template
from django.forms.widgets import Input

register = template.Library()

LEAN_SELECT = "kyodo_portal/widgets/select.html"
UNSUPPORTED = (forms.RadioSelect, forms.CheckboxSelectMultiple, forms.MultiWidget, forms.FileInput)


@register.filter
def plain_widget(field):
    """The field's widget with the classes crispy would add: the widget's class name in lower
    case, Bootstrap's class, and ``is-invalid`` when the field has errors."""
    widget = field.field.widget
    if isinstance(widget, UNSUPPORTED) or not isinstance(widget, (forms.Select, Input)):
        raise template.TemplateSyntaxError(f"{field.name}: plain_widget renders no {widget!r}")
    classes = widget.attrs.get("class", "").split()
    # The Bootstrap class crispy-bootstrap5 gives each kind of widget.
    if isinstance(widget, forms.Select):
        bootstrap = "form-select"
    elif isinstance(widget, forms.CheckboxInput):
        bootstrap = "form-check-input"
    else:
        bootstrap = "form-control"
    for name in [type(widget).__name__.lower(), bootstrap, "is-invalid" if field.errors else ""]:
        if name and name not in classes:
            classes.append(name)
    css = " ".join(classes)
    if (
        widget.template_name == forms.Select.template_name
        and widget.option_template_name == forms.Select.option_template_name
    ):
        # The same <select> with its options written in place: Django's template includes two
        # templates per option (20 options, 40 includes), most of a filter form's cost.
        widget.template_name = LEAN_SELECT
    return field.as_widget(attrs={"class": css})


@register.filter
def is_checkbox(field):
    return isinstance(field.field.widget, forms.CheckboxInput)
