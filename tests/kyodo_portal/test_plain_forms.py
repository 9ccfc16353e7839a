"""The filter forms of the public lists are rendered without crispy-forms
(templates/includes/_filter_fields.html): the markup must stay what |as_crispy_field gave —
the same labels, ids, classes, aria-describedby and error display — for every field of every
filter form, with and without errors."""

import re

import pytest
from django.template import engines
from django.test import RequestFactory

from cso_registry.filters import CSOFilter
from cso_registry.models import CSO
from evaluations.filters import EvaluationFilter
from evaluations.models import Evaluation
from proposals.agreements.filters import ProjectFilter
from proposals.filters import ThemeFilter
from proposals.models import Agreement, Theme
from tests.factories import ThemeFactory

pytestmark = pytest.mark.django_db

CRISPY = engines["django"].from_string(
    "{% load crispy_forms_tags %}{% for field in form.visible_fields %}"
    '<div class="col">{{ field|as_crispy_field }}</div>{% endfor %}'
)
PLAIN = engines["django"].from_string(
    '{% include "includes/_filter_fields.html" with form=form column="col" %}'
)


def normalised(html):
    """Whitespace between tags and inside a tag does not show."""
    html = re.sub(r">\s+", ">", html)
    html = re.sub(r"\s+<", "<", html)
    return re.sub(r"\s+", " ", html).strip()


def filters(data):
    request = RequestFactory().get("/", data)
    return {
        "cso": CSOFilter(data, queryset=CSO.objects.all()),
        "theme": ThemeFilter(data, queryset=Theme.objects.all(), request=request),
        "project": ProjectFilter(data, queryset=Agreement.objects.all(), request=request),
        "evaluation": EvaluationFilter(data, queryset=Evaluation.objects.all()),
    }


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"q": "福祉", "kind": "npo_corporation", "open_now": "on"},
        # Values no list offers: every choice field shows its error.
        {
            "q": "x" * 101,
            "kind": "nothing",
            "field": "999999",
            "municipality": "999999",
            "department": "999999",
            "open_now": "maybe",
            "form": "nothing",
            "zone": "Z",
            "fiscal_year": "1800",
            "status": "draft",
            "year": "1800",
            "decision": "nothing",
        },
    ],
    ids=["empty", "chosen", "refused"],
)
def test_filter_forms_render_as_crispy_did(data):
    ThemeFactory()  # a department with a published theme: the theme list offers it
    # Apart: crispy leaves its classes on the widgets it rendered.
    plain = {name: PLAIN.render({"form": f.form}) for name, f in filters(data).items()}
    crispy = {name: CRISPY.render({"form": f.form}) for name, f in filters(data).items()}
    for name in plain:
        assert normalised(plain[name]) == normalised(crispy[name]), name


def test_a_refused_value_is_tied_to_its_field():
    form = filters({"field": "999999"})["cso"].form
    html = PLAIN.render({"form": form})

    assert 'aria-describedby="id_field_error"' in html
    assert 'aria-invalid="true"' in html
    assert '<div id="id_field_error" class="invalid-feedback">' in html
    assert 'class="select form-select is-invalid"' in html
