# One image for the whole office: every Nameko service and the gateway. The command chooses
#   nameko run --config config.yaml services.<identity|files|signing|notify|reports>.service
#   gunicorn -c gateway/gunicorn.conf.py gateway.wsgi:app          (the default)
# deploy/k8s/ sets the command of each Deployment.

# --- builder: the locked wheels (checked against requirements.lock's hashes), then a virtual
# environment holding only the runtime dependencies of pyproject.toml, from those wheels alone.
FROM python:3.11.13-slim-bookworm AS builder

SHELL ["/bin/bash", "-o", "pipefail", "-c"]
# A compiler only for a locked package that ships no wheel for this platform; it stays here.
RUN apt-get update \
    && apt-get install -y --no-install-recommends build-essential=12.9 \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /src
COPY requirements.lock pyproject.toml ./
RUN pip wheel --no-cache-dir --require-hashes --no-deps -r requirements.lock -w /wheels
# The dev extras (pytest, playwright, linters) are locked too, but never installed in the image.
RUN python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" > runtime.txt \
    && python -m venv /opt/venv \
    && /opt/venv/bin/pip install --no-cache-dir --no-index --find-links /wheels -r runtime.txt

COPY config.yaml babel.cfg ./
COPY common common
COPY services services
COPY gateway gateway
COPY tools tools
# The officer's signer: the gateway shows its link and reads what it signs with its code.
COPY signer/eoffice_signer eoffice_signer
# The Hindi catalog compiled as `make translations` does (.mo files are not in git).
RUN /opt/venv/bin/pybabel -q compile -d gateway/translations

# --- runtime: Python, the fonts PDFs are drawn with (found through fontconfig), the readers of
# documents' words (poppler's pdftotext and pdftoppm, Tesseract with its Hindi and English
# models: files reads every stored PDF), the virtual environment and the code; no compiler, no
# pip cache, no package lists.
FROM python:3.11.13-slim-bookworm

RUN apt-get update \
    && apt-get install -y --no-install-recommends fontconfig=2.14.1-4 fonts-noto-core=20201225-1 \
       poppler-utils=22.12.0-2+deb12u3 tesseract-ocr=5.3.0-2 tesseract-ocr-hin=1:4.1.0-2 \
       tesseract-ocr-eng=1:4.1.0-2 \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --user-group --home-dir /home/eoffice --create-home eoffice \
    && install -d -o eoffice -g eoffice -m 0700 /var/lib/eoffice

COPY --from=builder /opt/venv /opt/venv
COPY --from=builder /src /app
WORKDIR /app

# EOFFICE_DATA_DIR: the gateway's and the services' scratch (keys and data live in MongoDB and
# in Kubernetes Secrets); Kubernetes mounts an emptyDir here so the root filesystem stays
# read-only. Metrics and /healthz on 9100 (EOFFICE_METRICS_PORT), the gateway on 8000.
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONPATH=/app \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    EOFFICE_HOST=0.0.0.0 \
    EOFFICE_PORT=8000 \
    EOFFICE_METRICS_HOST=0.0.0.0 \
    EOFFICE_METRICS_PORT=9100 \
    EOFFICE_DATA_DIR=/var/lib/eoffice \
    XDG_CACHE_HOME=/tmp \
    EVENTLET_THREADPOOL_SIZE=4

USER 10001:10001
EXPOSE 8000 9100
CMD ["gunicorn", "-c", "gateway/gunicorn.conf.py", "gateway.wsgi:app"]
