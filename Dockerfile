# omni2mqtt as a container: the gateway, and the panel emulator for trying it without a panel.
#
#   docker build -t omni2mqtt .
#   docker run -d --name omni2mqtt -v "$PWD/config.yaml:/config/config.yaml:ro" \
#       -v omni2mqtt-data:/data omni2mqtt
#
# The configuration is /config/config.yaml; OMNI2MQTT_* environment variables override any key
# (docker-compose.yml sets the broker URL that way). Names are cached in /data/cache.

# -- build: install the package into a virtual environment ------------------------------------
FROM python:3.11-slim AS build
WORKDIR /src
# pyproject.toml names README.md as the long description: the build needs both.
COPY pyproject.toml README.md ./
COPY omni2mqtt ./omni2mqtt
RUN python -m venv /opt/omni2mqtt \
    && /opt/omni2mqtt/bin/pip install --no-cache-dir --disable-pip-version-check .

# -- run: the same slim Python, the virtual environment, no build leftovers, no root ----------
FROM python:3.11-slim
ENV PATH=/opt/omni2mqtt/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    OMNI2MQTT_CACHE_DIR=/data/cache
RUN useradd --system --user-group --uid 10001 --home-dir /data --no-create-home \
        --shell /usr/sbin/nologin omni2mqtt \
    && mkdir -p /config /data/cache \
    && chown -R omni2mqtt:omni2mqtt /data
COPY --from=build /opt/omni2mqtt /opt/omni2mqtt
USER omni2mqtt
WORKDIR /data
VOLUME ["/config", "/data"]
# Healthy while the gateway reports itself online on its broker (the retained bridge state);
# add --require-panels to also require every panel's session to be up.
HEALTHCHECK --interval=30s --timeout=20s --start-period=30s --retries=3 \
    CMD ["omni2mqtt", "healthcheck", "--config", "/config/config.yaml"]
ENTRYPOINT ["omni2mqtt"]
CMD ["run", "--config", "/config/config.yaml"]
