# chat-service container image: a Swift build stage, then a slim Debian runtime that holds only
# the binary and the shared libraries it needs (libmongoc/libbson from Debian; the Swift runtime
# and Foundation are linked statically). Build and run with docker compose (see README), or:
#   docker build -t chat-service .
#   docker run --rm -p 8080:8080 -e MONGODB_URI=mongodb://mongo:27017 chat-service
#
# Both stages are Debian 12 (bookworm), so the libmongoc 1.23 the binary was linked against is
# the one installed at run time.

ARG SWIFT_IMAGE=swift:6.3-bookworm
ARG RUNTIME_IMAGE=debian:bookworm-slim

# ---- build ---------------------------------------------------------------------------------
FROM ${SWIFT_IMAGE} AS build
RUN export DEBIAN_FRONTEND=noninteractive \
    && apt-get -q update \
    && apt-get -q install -y --no-install-recommends libmongoc-dev libbson-dev pkg-config \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src

# Resolve dependencies first: this layer is reused while only our own sources change.
COPY Package.swift Package.resolved* ./
RUN swift package resolve

# Tests/ too: the manifest declares test targets, and SwiftPM wants their directories to exist.
COPY Sources ./Sources
COPY Tests ./Tests
RUN swift build -c release --product chat-service --static-swift-stdlib \
    && mkdir /out \
    && cp "$(swift build -c release --show-bin-path)/chat-service" /out/ \
    && find "$(swift build -c release --show-bin-path)" -maxdepth 1 -name '*.resources' -exec cp -R {} /out/ \;

# ---- runtime -------------------------------------------------------------------------------
FROM ${RUNTIME_IMAGE} AS runtime
# Only the C driver and CA certificates (for Gemini/OpenAI over TLS and TLS MongoDB URIs).
# libstdc++6, which the statically linked Swift runtime still needs, comes with them.
RUN export DEBIAN_FRONTEND=noninteractive \
    && apt-get -q update \
    && apt-get -q install -y --no-install-recommends libmongoc-1.0-0 libbson-1.0-0 ca-certificates \
    && rm -rf /var/lib/apt/lists/*

# A non-root user owning the spool directory (mount a volume there: SPEC §5 durability).
RUN groupadd --system --gid 10001 chat \
    && useradd --system --uid 10001 --gid chat --home-dir /var/lib/chat-service --shell /usr/sbin/nologin chat \
    && mkdir -p /var/lib/chat-service/spool \
    && chown -R chat:chat /var/lib/chat-service

COPY --from=build /out/ /app/

ENV HOST=0.0.0.0 \
    PORT=8080 \
    SPOOL_DIR=/var/lib/chat-service/spool
# Declared so that even a plain `docker run` keeps the spool out of the container's writable layer.
VOLUME ["/var/lib/chat-service/spool"]
WORKDIR /var/lib/chat-service
USER chat:chat
EXPOSE 8080
# SIGTERM (docker stop) drains in-flight requests and flushes writes, then exits 0 (SPEC §5).
STOPSIGNAL SIGTERM
ENTRYPOINT ["/app/chat-service"]
