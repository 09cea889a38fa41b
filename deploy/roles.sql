-- The database roles of a deployment. Run once, as a superuser, before `arsplan migrate`:
--
--   psql -v ON_ERROR_STOP=1 -d arsplan \
--        -v db=arsplan -v schema=public \
--        -v owner_role=arsplan_owner -v owner_password="$(cat secrets/pg_owner_password)" \
--        -v app_role=arsplan_app -v app_password="$(cat secrets/pg_app_password)" \
--        -f deploy/roles.sql
--
-- owner_role  creates and alters the tables: `arsplan migrate --app-role arsplan_app`, run
--             with ARSPLAN_POSTGRES_DSN naming this role. No service runs as it.
-- app_role    the services' role (worker, follower, relay, API). `arsplan migrate` grants it
--             SELECT and INSERT on the append-only event tables (and UPDATE, which the
--             EXCLUSIVE table lock needs; triggers refuse every actual UPDATE, DELETE and
--             TRUNCATE of an event, for every role) and DML on read models and sidecar
--             tables. It may create, alter or drop nothing.
\set ON_ERROR_STOP on

CREATE ROLE :"owner_role" LOGIN PASSWORD :'owner_password'
    NOSUPERUSER NOCREATEDB NOCREATEROLE;
CREATE ROLE :"app_role" LOGIN PASSWORD :'app_password'
    NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT;

GRANT CONNECT ON DATABASE :"db" TO :"owner_role", :"app_role";
CREATE SCHEMA IF NOT EXISTS :"schema" AUTHORIZATION :"owner_role";
REVOKE CREATE ON SCHEMA :"schema" FROM PUBLIC;
GRANT USAGE, CREATE ON SCHEMA :"schema" TO :"owner_role";
GRANT USAGE ON SCHEMA :"schema" TO :"app_role";
