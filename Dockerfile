# syntax=docker/dockerfile:1
# Integration hub image: build the Spring Boot fat jar with Maven, run it on a JRE as a non-root user.
#   docker build -t integration-hub .
#   docker compose up          (see docker-compose.yml: PostgreSQL + Kafka + hub)

# ---- Stage 1: build ------------------------------------------------------------------------------------------
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /build

# pom.xml alone first: the dependency layer is rebuilt only when the pom changes, not on every source edit
COPY pom.xml .
RUN mvn -B dependency:go-offline

COPY src ./src
# the repackaged (fat) jar is target/integration-hub-<version>.jar; the thin one is *.jar.original
RUN mvn -B -DskipTests package \
 && cp target/integration-hub-*.jar /build/hub.jar

# ---- Stage 2: runtime ----------------------------------------------------------------------------------------
FROM eclipse-temurin:17-jre

# curl for the container health check (docker-compose.yml probes /actuator/health)
RUN apt-get update \
 && apt-get install -y --no-install-recommends curl \
 && rm -rf /var/lib/apt/lists/*

# non-root user; the hub writes only under /app/data (hub.data-dir: embedded PostgreSQL / Kafka data when no
# HUB_DB_URL / KAFKA_BOOTSTRAP_SERVERS is given)
RUN groupadd --system hub \
 && useradd --system --gid hub --home-dir /app --no-create-home --shell /usr/sbin/nologin hub

# Spring Boot reads ./config/application.yaml; routes/ and kamelets/ are read from the working directory (baked in
# here; docker-compose.yml mounts the project's folders over them, so edits are live)
WORKDIR /app
COPY --from=build /build/hub.jar /app/hub.jar
COPY config/ /app/config/
COPY routes/ /app/routes/
COPY kamelets/ /app/kamelets/
RUN mkdir -p /app/data && chown hub:hub /app/data

USER hub
EXPOSE 8080
ENTRYPOINT ["java", "-jar", "/app/hub.jar"]
