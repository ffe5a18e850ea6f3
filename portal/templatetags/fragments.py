from django import template
from django.utils.safestring import mark_safe

from portal import caching

register = template.Library()


class SitewideNode(template.Node):
    def __init__(self, name: str, nodelist: template.NodeList):
        self.name = name
        self.nodelist = nodelist

    def render(self, context) -> str:
        return caching.sitewide(f"fragment:{self.name}", lambda: mark_safe(self.nodelist.render(context)))


@register.tag
def sitewide(parser, token):
    """{% sitewide "name" %}…{% endsitewide %}: markup that depends on nothing but the site's settings
    and reference data (navigation, footer), rendered once per process until they change."""
    bits = token.split_contents()
    if len(bits) != 2 or bits[1][0] not in "'\"" or bits[1][0] != bits[1][-1]:
        raise template.TemplateSyntaxError("{% sitewide %} takes one quoted name")
    nodelist = parser.parse(("endsitewide",))
    parser.delete_first_token()
    return SitewideNode(bits[1][1:-1], nodelist)
