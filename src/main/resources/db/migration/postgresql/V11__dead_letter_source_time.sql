-- The Kafka record timestamp of a dead letter, so that a replayed record lands with the same
-- _source_time it would have had.
ALTER TABLE strata.dead_letters ADD COLUMN source_time timestamptz;
