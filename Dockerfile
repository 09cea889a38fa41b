# The project image: worker, follower/projections, API and relay all run from it.
FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
WORKDIR /app
COPY pyproject.toml README.md ./
COPY domain domain
COPY activities activities
COPY workflows workflows
COPY projections projections
COPY infrastructure infrastructure
COPY cli cli
COPY api api
COPY reporting reporting
COPY feed feed
COPY templates templates
COPY data data
COPY worker.py ./
RUN pip install . && useradd --create-home arsplan && mkdir -p /app/var && chown arsplan /app/var
USER arsplan
ENV ARSPLAN_EVENT_STORE=postgres \
    ARSPLAN_TEMPORAL_ADDRESS=temporal:7233
CMD ["arsplan", "--help"]
