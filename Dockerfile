# The Promise Ledger API. Build: docker build -t promise-ledger .   (docker-compose.yml uses it)
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# npm install, not npm ci: some registries lack optional platform binaries the lockfile lists.
RUN npm install --no-audit --no-fund
COPY . .
RUN npm run build && npm prune --omit=dev

# bookworm (glibc), like the build stage: the KurrentDB client's native bridge and embedded
# PostgreSQL ship glibc binaries.
FROM node:20-bookworm-slim
ENV NODE_ENV=production HOST=0.0.0.0 PORT=3000 LEDGER_SCHEMA_FILE=
WORKDIR /app
COPY --from=build --chown=node:node /app/node_modules ./node_modules
COPY --from=build --chown=node:node /app/dist ./dist
COPY --from=build --chown=node:node /app/bin ./bin
COPY --chown=node:node package.json ./
# Without DATABASE_URL the API starts its own PostgreSQL under ./.data: let it write there.
RUN mkdir .data && chown node:node /app /app/.data
# Not root; `ledger` (node bin/ledger.js) runs here too, e.g. a separate deadline watcher.
USER node
EXPOSE 3000
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=5 \
  CMD node -e "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"
CMD ["node", "dist/apps/api/src/main.js"]
