"""JSON that echoes no markup, whatever a client takes it for."""

from rest_framework.renderers import JSONRenderer

# < > & only occur inside JSON strings, where their \u escapes mean the same: the answer echoes
# no markup even when an error message quotes the request.
_HTML_SAFE = {ord("<"): "\\u003c", ord(">"): "\\u003e", ord("&"): "\\u0026"}


class HtmlSafeJSONRenderer(JSONRenderer):
    def render(self, data, accepted_media_type=None, renderer_context=None):
        rendered = super().render(data, accepted_media_type, renderer_context)
        return rendered.decode().translate(_HTML_SAFE).encode()
