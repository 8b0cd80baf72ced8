# teilhabe as one container: the web app is built first and embedded into the release binary.
FROM node:20-bookworm-slim AS web
WORKDIR /src/frontend
COPY frontend/package.json frontend/package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY frontend/ ./
COPY graphql/ /src/graphql/
RUN npm run build

FROM rust:1-bookworm AS server
WORKDIR /src
COPY . .
COPY --from=web /src/frontend/dist frontend/dist
RUN cargo build --release --bin teilhabe

FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates && rm -rf /var/lib/apt/lists/* \
    && useradd --system --home /var/lib/teilhabe --create-home teilhabe
COPY --from=server /src/target/release/teilhabe /usr/local/bin/teilhabe
USER teilhabe
WORKDIR /var/lib/teilhabe
ENV TEILHABE_BIND=0.0.0.0:8080
EXPOSE 8080
# The binary asks its own /healthz: the slim image has neither curl nor a shell with /dev/tcp.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s CMD ["teilhabe", "healthcheck"]
ENTRYPOINT ["teilhabe"]
CMD ["serve"]
