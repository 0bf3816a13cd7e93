# trackd's container image (see docs/deploy.md). Two stages: the first installs every dependency,
# builds dist/ and drops the dev dependencies; the second holds only Node, the built server and
# its production dependencies, and runs as an unprivileged user with its data in /data.
#
#   docker build -t trackd .
#   docker run -p 5000:5000 -v trackd-data:/data \
#     -e TRACKD_ADMIN_USERNAME=admin -e TRACKD_ADMIN_PASSWORD='a long password' trackd
#
# Both base images can be swapped (scripts/build-image.sh builds on Debian's own Node package when
# no image registry is reachable): BUILD_IMAGE needs node, npm and apt-get; RUNTIME_IMAGE needs
# node and useradd.
ARG BUILD_IMAGE=node:20-bookworm-slim
ARG RUNTIME_IMAGE=node:20-bookworm-slim

FROM ${BUILD_IMAGE} AS build
WORKDIR /build
# better-sqlite3 compiles its native part when no prebuilt binary can be downloaded. Versions
# come from the base image's Debian release.
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends python3 make g++ \
    && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
# Node's headers from the Node install itself (its prefix), never downloaded from nodejs.org.
RUN npm_config_nodedir="$(dirname "$(dirname "$(command -v node)")")" \
    npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json vite.config.ts ./
COPY migrations ./migrations
COPY src ./src
RUN npm run build \
    && npm prune --omit=dev --no-audit --no-fund \
    && rm -rf dist/bench \
    && find dist -name '*.map' -delete

FROM ${RUNTIME_IMAGE}
# Safe defaults for a container: listen on every interface with authentication on (HTTP Basic
# and tokens; see README "Users, tokens and roles"). Pass TRACKD_ADMIN_USERNAME and
# TRACKD_ADMIN_PASSWORD (from a secret) to create the first admin, or TRACKD_AUTH=trusted-header
# behind an identity proxy. `--auth none` on a network address is refused unless
# TRACKD_ALLOW_UNAUTHENTICATED_NETWORK=1 says otherwise.
ENV NODE_ENV=production \
    TRACKD_HOST=0.0.0.0 \
    TRACKD_PORT=5000 \
    TRACKD_DATA_DIR=/data \
    TRACKD_LOG_FORMAT=json \
    TRACKD_AUTH=basic
# A fixed numeric id, so Kubernetes' runAsNonRoot can check it.
RUN groupadd --system --gid 10001 trackd \
    && useradd --system --uid 10001 --gid 10001 --home-dir /data --no-create-home \
        --shell /usr/sbin/nologin trackd \
    && mkdir -p /data \
    && chown 10001:10001 /data
WORKDIR /app
# Owned by root and read-only to the server: the image works with a read-only root file system.
COPY --from=build /build/package.json ./
COPY --from=build /build/node_modules ./node_modules
COPY --from=build /build/dist ./dist
COPY --from=build /build/src/api/traces/otel/model-prices.json ./src/api/traces/otel/
COPY LICENSE ./
USER 10001:10001
VOLUME ["/data"]
EXPOSE 5000
# Node itself (slim images have no curl); /health answers whatever the Host header.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["node", "-e", "fetch(`http://127.0.0.1:${process.env.TRACKD_PORT || 5000}/health`).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# SIGTERM stops it gracefully: running requests get TRACKD_SHUTDOWN_GRACE seconds (default 25).
STOPSIGNAL SIGTERM
ENTRYPOINT ["node", "--max-semi-space-size=32", "dist/src/main.js"]
CMD ["serve"]
