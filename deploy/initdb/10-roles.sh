#!/bin/sh
# Runs once, when the postgres container initialises an empty data folder: the roles of
# deploy/roles.sql with their passwords from the Docker secrets, and Temporal's own role.
set -eu
secret() { tr -d '\n' < "/run/secrets/$1"; }
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
     -v db="$POSTGRES_DB" -v schema=public \
     -v owner_role=arsplan_owner -v owner_password="$(secret pg_owner_password)" \
     -v app_role=arsplan_app -v app_password="$(secret pg_app_password)" \
     -f /deploy/roles.sql
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
     -v temporal_password="$(secret temporal_db_password)" <<'SQL'
CREATE ROLE temporal LOGIN CREATEDB PASSWORD :'temporal_password';
SQL
