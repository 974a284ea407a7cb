package dev.strata.config;

import java.util.Objects;

/**
 * Where a vault column's value comes from in one STG row: a JSON path into {@code _payload}
 * ({@code $.payload.user.id}), a path into the current array item of an {@code each:} mapping
 * ({@code $item.id}, or {@code $item} for the item itself), an STG column ({@code _key}), or a
 * column of a {@code jdbc} source's typed STG table ({@code modify_date}).
 *
 * @param text   as written, for messages and plans
 * @param path   the JSON path (for {@link Kind#ITEM_PATH} relative to the item); null for columns
 * @param column the STG (or source) column name; null for paths
 */
public record VaultExpression(Kind kind, String text, JsonPath path, String column) {
    /** The three places a value can come from. */
    public enum Kind {
        /** {@code $.a.b}: the text at a path of the row's {@code _payload}. */
        PAYLOAD_PATH,
        /** {@code $item.a}: the text at a path of the current {@code each:} item. */
        ITEM_PATH,
        /** {@code _key}, {@code _event_time}, ...: an STG column as it is typed there. */
        COLUMN,
        /**
         * {@code modify_date}: a column of a {@code jdbc} source, landed typed as the source's JDBC
         * metadata said ({@code docs/sources.md}); its type is known only when the source is read,
         * so the load casts it to the vault column's type like a path's text.
         */
        SOURCE_COLUMN
    }

    public VaultExpression {
        Objects.requireNonNull(kind);
        Objects.requireNonNull(text);
        boolean named = kind == Kind.COLUMN || kind == Kind.SOURCE_COLUMN;
        if (named != (column != null) || named == (path != null)) {
            throw new IllegalArgumentException("a column expression has a column name, a path expression a path");
        }
    }

    public static VaultExpression payload(JsonPath path) {
        return new VaultExpression(Kind.PAYLOAD_PATH, path.text(), path, null);
    }

    public static VaultExpression item(JsonPath relative) {
        String text = "$item" + relative.text().substring(1);
        return new VaultExpression(Kind.ITEM_PATH, text, relative, null);
    }

    public static VaultExpression column(String name) {
        return new VaultExpression(Kind.COLUMN, name, null, name);
    }

    public static VaultExpression sourceColumn(String name) {
        return new VaultExpression(Kind.SOURCE_COLUMN, name, null, name);
    }

    @Override
    public String toString() {
        return text;
    }
}
