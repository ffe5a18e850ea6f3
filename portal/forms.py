"""What the public forms share."""

from django.forms.renderers import Jinja2

# The reader-facing forms draw their widgets with Django's own Jinja2 copies of the widget
# templates: the same HTML, in a third of the time (a comment form's seven widgets took 2.2 ms of
# every form fragment with the Django template engine). The admin keeps the default renderer,
# whose templates its own widgets extend. One instance, so each worker compiles them once.
PUBLIC_FORM_RENDERER = Jinja2()
