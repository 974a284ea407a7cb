-- Returns day D's raw transaction messages that load_transactions could not load faithfully: a
-- field missing, a number that is not an integer in the column's range, an unknown status, text
-- longer than its column, or a send time that is not a timestamp. Each message is named by its
-- Kafka partition and offset.
select r._partition as kafka_partition, r._offset as kafka_offset, r._payload ->> 'object_id' as object_id
from {{ ref('transactions_raw') }} r
cross join lateral jsonb_to_record(r._payload -> 'payload') as p(     -- every field as its JSON text
    operation_id text, account_number_from text, account_number_to text, currency_code text, country text,
    status text, transaction_type text, amount text, transaction_dt text)
where r._event_time >= {{ interval_start }} and r._event_time < {{ interval_end }}
  and not coalesce(
        length(p.operation_id) between 1 and 60
    and p.account_number_from ~ '^-?\d{1,9}$'             -- an int: at most 9 digits
    and p.account_number_to ~ '^-?\d{1,9}$'
    and p.amount ~ '^-?\d{1,9}$'
    and p.currency_code ~ '^\d{3}$'
    and length(p.country) <= 30
    and p.status in ('queued', 'in_progress', 'blocked', 'done', 'chargeback')
    and length(p.transaction_type) <= 30
    and (r._payload ->> 'sent_dttm') ~ '^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(\.\d+)?$',
    false)
