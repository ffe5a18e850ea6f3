"""gunicorn settings for production (README, "Deploying with gunicorn"); gunicorn reads this file
from the directory it starts in. Command-line options override it.

The request limits match nginx's defaults in front (large_client_header_buffers 4 8k), so a
request nginx passes is never refused here; the body limit is the site's own (portal.limits) and
nginx's client_max_body_size.
"""

import os

wsgi_app = "portal.wsgi"
workers = int(os.environ.get("GUNICORN_WORKERS", "3"))
# A worker silent for this long (a request stuck on a dead client or query) is killed and replaced.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
# On stop or reload, requests in flight get this long to finish.
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "30"))

limit_request_line = 8190  # the request line, address and query included
limit_request_fields = 100  # header lines
limit_request_field_size = 8190  # one header line

control_socket_disable = True
