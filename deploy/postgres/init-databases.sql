-- Run once by the postgres image on an empty data volume (docker-entrypoint-initdb.d).
-- One database per service: DESIGN.md says services never share a database, so each gets its own
-- and its Flyway migrations run there. Names match each service's QUARKUS_DATASOURCE_JDBC_URL in
-- docker-compose.yml and the services' %dev profiles.
CREATE DATABASE consent_service;
CREATE DATABASE email_release_service;
CREATE DATABASE audit_service;
CREATE DATABASE impersonation_alert_service;
