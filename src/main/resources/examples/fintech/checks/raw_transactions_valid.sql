-- Returns day D's raw transaction messages that load_transactions could not load faithfully: a
-- field missing or of the wrong JSON type, a number that is not an integer in the column's range,
-- an unknown status, text longer than its column, or a send time that is not a timestamp.
select r._partition as kafka_partition, r._offset as kafka_offset, r._payload ->> 'object_id' as object_id
from {{ ref('transactions_raw') }} r
cross join lateral (select r._payload -> 'payload' as p) payload
where r._event_time >= {{ interval_start }} and r._event_time < {{ interval_end }}
  and not coalesce(
        jsonb_typeof(p -> 'operation_id') = 'string' and length(p ->> 'operation_id') <= 60
    and (p ->> 'account_number_from') ~ '^-?[0-9]{1,9}$'     -- fits int: at most 9 digits
    and (p ->> 'account_number_to') ~ '^-?[0-9]{1,9}$'
    and (p ->> 'amount') ~ '^-?[0-9]{1,9}$'
    and jsonb_typeof(p -> 'amount') = 'number'
    and (p ->> 'currency_code') ~ '^[0-9]{3}$'
    and jsonb_typeof(p -> 'country') = 'string' and length(p ->> 'country') <= 30
    and p ->> 'status' in ('queued', 'in_progress', 'blocked', 'done', 'chargeback')
    and jsonb_typeof(p -> 'transaction_type') = 'string' and length(p ->> 'transaction_type') <= 30
    and (r._payload ->> 'sent_dttm') ~ '^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(\.\d+)?$',
    false)
