"""``{% public_fragment "name" [vary …] %}…{% endpublic_fragment %}``: a part of a page that
depends only on public data and the address, rendered once per public data version
(kyodo_portal/fragments.py says what may go inside)."""

from django import template
from django.utils.safestring import mark_safe

from kyodo_portal.fragments import cached_public_value

register = template.Library()


class PublicFragmentNode(template.Node):
    def __init__(self, nodelist, name, vary):
        self.nodelist = nodelist
        self.name = name
        self.vary = vary

    def render(self, context):
        name = self.name.resolve(context)
        vary = [value.resolve(context) for value in self.vary]
        request = context.get("request")
        return mark_safe(
            cached_public_value(
                request, f"template:{name}", lambda: self.nodelist.render(context), *vary
            )
        )


@register.tag
def public_fragment(parser, token):
    bits = token.split_contents()
    if len(bits) < 2:
        raise template.TemplateSyntaxError(f"{bits[0]} needs the part's name")
    nodelist = parser.parse(("endpublic_fragment",))
    parser.delete_first_token()
    return PublicFragmentNode(
        nodelist, parser.compile_filter(bits[1]), [parser.compile_filter(bit) for bit in bits[2:]]
    )
