-- The Kafka record timestamp of a dead letter, so that a replayed record lands with the same
-- _source_time it would have had. MariaDB edition of db/migration/postgresql/V11 (UTC DATETIME(6)).
ALTER TABLE strata.dead_letters ADD COLUMN IF NOT EXISTS source_time DATETIME(6);
