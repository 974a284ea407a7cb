package dev.strata.config;

/**
 * A table a {@code cdc} source captures: {@code schema.table} in the source database, landed into
 * {@code stg.<source>_<table>} ({@link #stgName}).
 */
public record CdcTable(String schema, String table) {
    public static final String DEFAULT_SCHEMA = "public";

    /** {@code schema.table} as written in the source database. */
    public String qualified() {
        return schema + "." + table;
    }

    /** The name of the STG stream (and table) this table lands into: {@code <source>_<table>}. */
    public String stgName(String source) {
        return source + "_" + table;
    }
}
