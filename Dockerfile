# Airlock on the current Node.js LTS. Build: docker build -t airlock .
# Run:   docker run -p 2222:2222 -v airlock-data:/data -v ./airlock.yaml:/etc/airlock/airlock.yaml:ro airlock
FROM node:24-bookworm-slim AS build
WORKDIR /app
# python3, make and g++ build ssh2's native crypto binding (allowed in package.json's allowScripts).
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci
COPY tsconfig.json ./
COPY cli ./cli
COPY config ./config
COPY core ./core
COPY gateway ./gateway
COPY processor ./processor
COPY scripts ./scripts
COPY test ./test
RUN npm run build && npm prune --omit=dev

FROM node:24-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/config ./config
COPY bin ./bin
RUN mkdir -p /data /etc/airlock && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 2222
ENTRYPOINT ["node", "bin/airlock.js"]
CMD ["start", "--config", "/etc/airlock/airlock.yaml"]
