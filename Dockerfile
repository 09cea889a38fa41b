# The project image: worker, follower/projections, API and relay all run from it.
FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
WORKDIR /app
COPY pyproject.toml README.md ./
COPY domain domain
COPY application application
COPY infrastructure infrastructure
COPY workflows workflows
COPY activities activities
COPY follower follower
COPY projections projections
COPY reporting reporting
COPY feed feed
COPY audit audit
COPY simulation simulation
COPY bootstrap bootstrap
COPY api api
COPY cli cli
COPY templates templates
COPY data data
COPY worker.py ./
RUN pip install . && useradd --create-home arsplan && mkdir -p /app/var && chown arsplan /app/var
USER arsplan
ENV ARSPLAN_EVENT_STORE=postgres \
    ARSPLAN_TEMPORAL_ADDRESS=temporal:7233
CMD ["arsplan", "--help"]
