# Silta: a multi-stage image. Build: `docker build -t silta .` from a clean checkout.
# Node 22 LTS; the test suite also runs on Node 20 (package.json engines: >=20).
ARG NODE_VERSION=22

# 1. Build: every dependency (TypeScript, esbuild, tsx are dev dependencies), then
#    `npm run build` = tsc to dist/ and the browser bundles to public/js/.
FROM node:${NODE_VERSION}-bookworm-slim AS build
WORKDIR /app
# sqlite3 is a native module: tools to compile it if no prebuilt binary fits.
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci
COPY . .
RUN npm run build

# 2. Production dependencies only (no socket.io-client, esbuild, tsx, typescript...), compiled
#    where needed with the same tools, so the runtime image carries no compiler.
FROM node:${NODE_VERSION}-bookworm-slim AS deps
WORKDIR /app
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci --omit=dev && npm cache clean --force

# 3. Runtime: compiled code, views, styles and bundles, locales, content packs; run as `node`.
FROM node:${NODE_VERSION}-bookworm-slim AS runtime
ENV NODE_ENV=production \
    PORT=3000
WORKDIR /app
# Voikko and its Finnish dictionary: the board search reads Finnish word forms with it
# (docs/decisions/0015); without them Silta falls back to Snowball stems and says so.
RUN apt-get update && apt-get install -y --no-install-recommends libvoikko1 voikko-fi && rm -rf /var/lib/apt/lists/*
COPY --from=deps --chown=root:root /app/node_modules ./node_modules
COPY --chown=root:root package.json package-lock.json ./
COPY --from=build --chown=root:root /app/dist/server ./dist/server
COPY --from=build --chown=root:root /app/dist/lti ./dist/lti
COPY --from=build --chown=root:root /app/dist/scripts ./dist/scripts
COPY --from=build --chown=root:root /app/public ./public
COPY --chown=root:root views ./views
COPY --chown=root:root content ./content
COPY --chown=root:root server/i18n/locales ./server/i18n/locales
# The only place Silta writes to (SQLite, when DATABASE_URL is not PostgreSQL).
RUN mkdir -p /app/data && chown node:node /app/data \
  && chmod +x /app/dist/scripts/silta.js && ln -s /app/dist/scripts/silta.js /usr/local/bin/silta
USER node
EXPOSE 3000
# Liveness only (/healthz): /readyz answers 503 while the database is away or during a shutdown,
# which is for the load balancer, not a reason to restart the container.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# Node itself as PID 1 (not `npm start`, which builds first and would not pass SIGTERM on):
# SIGTERM starts the graceful shutdown (SHUTDOWN_TIMEOUT_SECONDS, default 20 s).
STOPSIGNAL SIGTERM
# The same Node options as `npm start` (the heap limit, decision 0038); a test keeps them equal.
CMD ["node", "--max-old-space-size=1024", "dist/server/index.js"]
