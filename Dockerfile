# One image for both processes: `node dist/apps/api/src/main.js` or `node dist/apps/worker/src/main.js`.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build && npm prune --omit=dev

FROM node:20-bookworm-slim
ENV NODE_ENV=production
# glibc keeps one malloc arena per thread otherwise; Node's zlib/libuv threads then hold freed native memory.
ENV MALLOC_ARENA_MAX=2
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/data ./data
COPY --from=build /app/apps/api/views ./apps/api/views
COPY package.json ./
USER node
EXPOSE 3000
# Heap limits of the API (apps/api/src/node-flags.ts): under 300 MB RSS through full 100k-row exports.
CMD ["node", "--max-old-space-size=192", "--max-semi-space-size=8", "dist/apps/api/src/main.js"]
