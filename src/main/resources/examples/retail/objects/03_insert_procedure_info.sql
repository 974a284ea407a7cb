-- The seed's insert_procedure_info() (scenario §5.3): catalogues every routine of the warehouse
-- outside the system schemas into cdm.stored_routines, one at a time (a cursor loop), each in its
-- own exception block: a routine that fails to be catalogued adds one row to cdm.procedure_errors
-- and the loop goes on. Rebuild semantics: the type from prokind (the seed called aggregates and
-- window functions procedures), the name with its identity arguments (so overloads are distinct
-- rows), code updated only when it changed. It runs as the task `catalogue`, the last of each run.
CREATE OR REPLACE PROCEDURE cdm.insert_procedure_info()
LANGUAGE plpgsql AS $$
DECLARE
    obj           record;
    obj_type      text;
    obj_name      text;
    error_message text;
BEGIN
    FOR obj IN SELECT n.nspname, p.proname, p.prokind, p.prosrc,
                      pg_get_function_identity_arguments(p.oid) AS args
               FROM pg_proc p
               JOIN pg_namespace n ON n.oid = p.pronamespace
               WHERE n.nspname NOT LIKE 'pg_%' AND n.nspname <> 'information_schema'
               ORDER BY n.nspname, p.proname, args
    LOOP
        BEGIN
            obj_type := CASE obj.prokind WHEN 'f' THEN 'function' WHEN 'p' THEN 'procedure'
                                         WHEN 'a' THEN 'aggregate' WHEN 'w' THEN 'window' END;
            obj_name := obj.nspname || '.' || obj.proname || '(' || obj.args || ')';
            INSERT INTO cdm.stored_routines AS r (type, name, code)
            VALUES (obj_type, obj_name, obj.prosrc)
            ON CONFLICT (type, name) DO UPDATE SET code = excluded.code
                WHERE r.code IS DISTINCT FROM excluded.code;
        EXCEPTION WHEN OTHERS THEN
            GET STACKED DIAGNOSTICS error_message = MESSAGE_TEXT;
            INSERT INTO cdm.procedure_errors (name, execution_time, error_message)
            VALUES (obj_name, clock_timestamp(), error_message);
        END;
    END LOOP;
END;
$$;
