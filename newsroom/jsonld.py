"""JSON inside a ``<script>`` element (schema.org structured data), safe in HTML."""

import json

from django.core.serializers.json import DjangoJSONEncoder

# As django.utils.html.json_script: no "</script>" or "<!--" can close or open anything.
_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def script_json(value) -> str:
    """``value`` as JSON text that can stand between ``<script>`` and ``</script>``."""
    text = json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False, indent=None)
    return text.translate(_SCRIPT_ESCAPES)
