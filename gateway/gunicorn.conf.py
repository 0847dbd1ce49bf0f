"""gunicorn settings: threads, not eventlet (gunicorn 26+ has no eventlet worker, and the
gateway is not monkey-patched); each thread keeps its own RPC proxy (gateway/rpc.py).

Metrics: the workers are processes, so they write their counts into files of a fresh directory
(prometheus-client's multiprocess mode, ``PROMETHEUS_MULTIPROC_DIR``, set here before any worker
imports the client), and the master, which outlives its workers, serves their sum on
``EOFFICE_METRICS_PORT``; the public port has no ``/metrics``.
"""

import os
import shutil
import tempfile
from typing import Any

from common.logs import log_format

bind = f"{os.environ.get('EOFFICE_HOST', '127.0.0.1')}:{os.environ.get('EOFFICE_PORT', '8000')}"
worker_class = "gthread"
workers = int(os.environ.get("EOFFICE_GATEWAY_WORKERS", "2"))
threads = int(os.environ.get("EOFFICE_GATEWAY_THREADS", "8"))
timeout = 60
accesslog = "-"
control_socket_disable = True

# Fresh per start: files left by an earlier run's workers would be counted again.
_metrics_dir = (
    tempfile.mkdtemp(prefix="gateway-metrics-", dir=os.environ.get("PROMETHEUS_MULTIPROC_DIR"))
    if os.environ.get("EOFFICE_METRICS_PORT", "").strip()
    else ""
)
if _metrics_dir:
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = _metrics_dir

if log_format() == "json":
    # gunicorn's own lines (its errors, the access log) as JSON too, through our formatter.
    logconfig_dict = {
        "version": 1,
        "disable_existing_loggers": False,
        "root": {"level": "INFO", "handlers": []},
        "formatters": {"structured": {"()": "common.logs.formatter"}},
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "formatter": "structured",
                "stream": "ext://sys.stdout",
            },
            "error_console": {
                "class": "logging.StreamHandler",
                "formatter": "structured",
                "stream": "ext://sys.stderr",
            },
        },
        "loggers": {
            "gunicorn.error": {"level": "INFO", "handlers": ["error_console"], "propagate": False},
            "gunicorn.access": {"level": "INFO", "handlers": ["console"], "propagate": False},
        },
    }


def when_ready(server: Any) -> None:
    """The master serves the workers' metrics (and /healthz) on the metrics port."""
    from common.metrics import MetricsServer, metrics_address

    address = metrics_address()
    if address:
        from prometheus_client import CollectorRegistry, multiprocess

        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        MetricsServer(*address, registry=registry)
        server.log.info("metrics on http://%s:%d/metrics", *address)


def child_exit(server: Any, worker: Any) -> None:
    """A worker's live gauges end with it (its counts stay in the sum)."""
    if _metrics_dir:
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)


def on_exit(server: Any) -> None:
    if _metrics_dir:
        shutil.rmtree(_metrics_dir, ignore_errors=True)
