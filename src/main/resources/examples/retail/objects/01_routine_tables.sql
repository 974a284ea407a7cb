-- The seed's catalogue of stored routines and its error table (scenario §3.2), in the cdm layer so
-- that they are backed up with it. Created once; this file runs again only when it changes.
CREATE SCHEMA IF NOT EXISTS cdm;
CREATE TABLE IF NOT EXISTS cdm.stored_routines (
    type varchar(20)  NOT NULL,
    name varchar(500) NOT NULL,
    code text,
    PRIMARY KEY (type, name)
);
CREATE TABLE IF NOT EXISTS cdm.procedure_errors (
    name           varchar(500),
    execution_time timestamptz NOT NULL,
    error_message  text        NOT NULL
);
