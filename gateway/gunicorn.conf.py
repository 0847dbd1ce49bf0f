"""gunicorn settings: threads, not eventlet (gunicorn 26+ has no eventlet worker, and the
gateway is not monkey-patched); each thread keeps its own RPC proxy (gateway/rpc.py)."""

import os

bind = f"{os.environ.get('EOFFICE_HOST', '127.0.0.1')}:{os.environ.get('EOFFICE_PORT', '8000')}"
worker_class = "gthread"
workers = int(os.environ.get("EOFFICE_GATEWAY_WORKERS", "2"))
threads = int(os.environ.get("EOFFICE_GATEWAY_THREADS", "8"))
timeout = 60
accesslog = "-"
control_socket_disable = True
