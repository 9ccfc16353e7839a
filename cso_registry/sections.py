"""Extension point of the public CSO page (/cso/<id>/): apps above cso_registry add sections
(a CSO's collaborations, its published evaluations) without cso_registry importing them.

An app registers a callable in its AppConfig.ready()::

    from cso_registry.sections import register_detail_section
    register_detail_section(my_section)

``my_section(request, cso)`` returns ``(template_name, context)`` or None (nothing to show).
Each section is rendered in registration order below the CSO's own information; it must show
only public information and run a fixed number of queries.
"""

from django.template.loader import render_to_string

_detail_sections = []


def register_detail_section(func):
    if func not in _detail_sections:
        _detail_sections.append(func)
    return func


def render_detail_sections(request, cso):
    rendered = []
    for func in _detail_sections:
        section = func(request, cso)
        if section:
            template_name, context = section
            rendered.append(render_to_string(template_name, {"cso": cso, **context}, request))
    return rendered
