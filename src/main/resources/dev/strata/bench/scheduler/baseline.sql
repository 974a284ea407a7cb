-- The baseline's tables: what a hand-written pipeline's init() creates for the same three tasks.
CREATE SCHEMA base;
CREATE TABLE base.transactions (operation_id text, account_number_from int, account_number_to int, currency_code int,
                                country text, status text, transaction_type text, amount int,
                                transaction_dt timestamp, sent_dttm timestamp);
CREATE INDEX base_transactions_by_time ON base.transactions (transaction_dt);
CREATE TABLE base.currencies (date_update timestamp, currency_code int, currency_code_with int,
                              currency_with_div numeric(5, 3));
CREATE INDEX base_currencies_by_time ON base.currencies (date_update);
CREATE TABLE base.global_metrics (date_update date, currency_from int, amount_total numeric, cnt_transactions bigint,
                                  avg_transactions_per_account numeric, cnt_accounts_make_transactions bigint,
                                  PRIMARY KEY (date_update, currency_from));
