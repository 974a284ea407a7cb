-- Fintech-sized raw data (scenario 001): JSON payloads as jsonb, as Strata's landing stores them in
-- stg.<source>._payload, one row per message.
CREATE SCHEMA raw;
CREATE TABLE raw.transactions_raw AS
SELECT md5(d::text || g) AS object_id,
       d + (g % 86400) * interval '1 second' AS sent_dttm,
       json_build_object(
           'operation_id', md5(d::text || g),
           'account_number_from', CASE WHEN g % 100 = 0 THEN -(g % 20) - 1 ELSE (g::bigint * 7919) % 5000 END,
           'account_number_to', (g::bigint * 104729) % 5000,
           'currency_code', (ARRAY[420, 420, 420, 420, 410, 430, 440, 450, 460, 470])[1 + g % 10],
           'country', 'country_' || (g % 20),
           'status', CASE WHEN g % 10 < 8 THEN 'done' WHEN g % 10 = 8 THEN 'blocked' ELSE 'queued' END,
           'transaction_type', 'sbp_incoming',
           'amount', (g::bigint * 31) % 100000,
           'transaction_dt', to_char(d + (g % 86400) * interval '1 second', 'YYYY-MM-DD HH24:MI:SS')
       )::jsonb AS payload,
       d::date AS business_date
FROM generate_series(timestamp '2022-10-01', timestamp '2022-10-31', interval '1 day') d,
     generate_series(0, ${PER_DAY} - 1) g;
CREATE INDEX ON raw.transactions_raw (business_date);
CREATE TABLE raw.currencies_raw AS
SELECT d::date AS business_date,
       json_build_object('date_update', to_char(d, 'YYYY-MM-DD HH24:MI:SS'), 'currency_code', a,
                         'currency_code_with', b, 'currency_with_div', round((0.5 + random())::numeric, 3))::jsonb AS payload
FROM generate_series(timestamp '2022-10-01', timestamp '2022-10-31', interval '1 day') d,
     unnest(ARRAY[410, 420, 430, 440, 450, 460, 470]) a, unnest(ARRAY[410, 420, 430, 440, 450, 460, 470]) b
WHERE a <> b;
CREATE INDEX ON raw.currencies_raw (business_date);
