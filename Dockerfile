# syntax=docker/dockerfile:1
# The livecomments server as a container image: build, then a slim runtime with only production
# dependencies. Both stages need the same Node.js major (better-sqlite3 is a native addon built in
# the first stage). With a registry at hand the defaults are the official Node.js images:
#   docker build -t livecomments .
# Without one, scripts/image.sh makes both base images from Debian packages (docs/DEPLOYMENT.md).
ARG BUILD_IMAGE=node:22-bookworm
ARG RUNTIME_IMAGE=node:22-bookworm-slim

FROM ${BUILD_IMAGE} AS build
WORKDIR /src
ENV npm_config_update_notifier=false npm_config_fund=false npm_config_audit=false
# Manifests first, so the dependency layer is reused while only the sources change.
COPY package.json package-lock.json ./
COPY packages/protocol/package.json packages/protocol/
COPY packages/server/package.json packages/server/
COPY packages/client/package.json packages/client/
COPY packages/moderation-tools/package.json packages/moderation-tools/
COPY bench/package.json bench/
# A private CA for the npm registry (a proxy's), given as a build secret so it stays out of the
# image: scripts/image.sh passes npm's cafile. Node.js headers from Debian's libnode-dev when the
# base has them (Debian's nodejs); official Node.js images fetch them as usual. npm's download
# cache is a build cache (kept between builds, never in the image). better-sqlite3's addon is the
# build's longest step when no prebuilt binary can be fetched (compiling SQLite takes minutes):
# once compiled, it is kept in a build cache too, by its version, Node.js version and system, so a
# changed lockfile does not compile it again.
RUN --mount=type=secret,id=npm_ca --mount=type=cache,id=livecomments-npm,target=/root/.npm \
    --mount=type=cache,id=livecomments-addons,target=/var/cache/livecomments-addons \
    if [ -s /run/secrets/npm_ca ]; then export npm_config_cafile=/run/secrets/npm_ca; fi; \
    if [ -d /usr/include/node ] && [ ! -d /usr/local/include/node ]; then export npm_config_nodedir=/usr; fi; \
    npm ci --ignore-scripts \
 && addon=node_modules/better-sqlite3/build/Release/better_sqlite3.node \
 && kept=/var/cache/livecomments-addons/better-sqlite3-$(node -p 'require("better-sqlite3/package.json").version+"-"+process.version+"-"+process.arch')-debian$(cat /etc/debian_version 2>/dev/null | tr -c '0-9a-z.\n' _).node \
 && if [ -s "$kept" ]; then \
      mkdir -p "$(dirname "$addon")" && cp "$kept" "$addon" && npm rebuild esbuild; \
    else \
      JOBS=max npm rebuild && cp "$addon" "$kept.tmp" && mv "$kept.tmp" "$kept"; \
    fi
COPY . .
# Built, then installed again without development dependencies (`npm prune` kept the root's in
# this workspace tree; the platform binaries of dev tools are optional, hence both omits). The
# second install runs no install scripts: better-sqlite3's addon, compiled above, is put back
# (compiling it again would double the build's longest step). npm leaves the dev tools' scope
# folders behind empty: they go too.
RUN --mount=type=secret,id=npm_ca --mount=type=cache,id=livecomments-npm,target=/root/.npm \
    if [ -s /run/secrets/npm_ca ]; then export npm_config_cafile=/run/secrets/npm_ca; fi; \
    npm run build --silent \
 && mv node_modules/better-sqlite3/build/Release/better_sqlite3.node /tmp/ \
 && rm -rf node_modules packages/*/node_modules bench/node_modules \
 && npm ci --omit=dev --omit=optional --ignore-scripts --prefer-offline \
 && mkdir -p node_modules/better-sqlite3/build/Release \
 && mv /tmp/better_sqlite3.node node_modules/better-sqlite3/build/Release/ \
 && find node_modules -mindepth 1 -maxdepth 1 -type d -empty -delete \
 && mkdir -p /out/packages/protocol /out/packages/server/dist /out/web/dist \
 && cp -a package.json node_modules /out/ \
 && cp -a packages/protocol/package.json packages/protocol/dist /out/packages/protocol/ \
 && cp -a packages/server/package.json /out/packages/server/ \
 && cp -a packages/server/dist/src /out/packages/server/dist/ \
 && mkdir -p /out/packages/server/src/engines \
 && cp -a packages/server/src/engines/sql /out/packages/server/src/engines/ \
 && cp -a packages/server/models /out/packages/server/ \
 && cp -a web/dist/public /out/web/dist/ \
 && find /out/node_modules/@livecomments -maxdepth 1 -type l ! -name protocol ! -name server -delete

FROM ${RUNTIME_IMAGE}
WORKDIR /app
COPY --from=build /out/ /app/
# Any user id works; the image's own is not root and owns only the data folder.
RUN mkdir -p /data && chown 10001:10001 /data
USER 10001:10001
ENV NODE_ENV=production PORT=8080 LC_DATA_DIR=/data
VOLUME ["/data"]
EXPOSE 8080
# What the server reads at run time besides its code: the PostgreSQL schema's SQL files and the
# moderation models (packages/server/src/engines/sql, packages/server/models).
# SIGTERM drains (LC_DRAIN_MS, 5 s by default): give the stop at least that long before SIGKILL.
STOPSIGNAL SIGTERM
# A generous timeout: starting `node` for the check takes seconds on a busy machine.
HEALTHCHECK --interval=10s --timeout=10s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||8080)+'/ready').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
CMD ["node", "packages/server/dist/src/main.js"]
