# CX Workshop as a container: `docker build -t cx-workshop .` then see docs/deploy.md.
# Three stages: build the app, install the production dependencies alone, and a slim runtime that
# holds only those two results and runs as the unprivileged `node` user.

FROM node:20-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# `npm install`, not `npm ci`: the lock file lacks optional platform builds of the Supabase CLI (a
# dev tool) that some registries do not carry, and `npm ci` refuses it; the locked versions still hold.
RUN npm install --no-audit --no-fund
COPY . .
RUN npx vite build

FROM node:20-slim AS dependencies
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm install --omit=dev --no-audit --no-fund --ignore-scripts && npm cache clean --force

FROM node:20-slim
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    DATA_DIR=/data
WORKDIR /app
COPY --from=dependencies --chown=node:node /app/node_modules ./node_modules
COPY --from=build --chown=node:node /app/build ./build
COPY --chown=node:node package.json ./
COPY --chown=node:node src/serve.js ./src/serve.js
# The embedded database (PGlite) lives here when DATABASE_URL is not set: mount a volume on it.
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 3000
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/api/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# Node as PID 1 gets SIGTERM itself: it ends the live streams and closes the database before exiting.
CMD ["node", "src/serve.js"]
