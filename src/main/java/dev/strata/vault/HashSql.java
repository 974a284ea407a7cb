package dev.strata.vault;

import dev.strata.warehouse.SqlDialect;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The SQL form of {@link HashStandard}: expressions that compute hash keys and hashdiffs inside the
 * warehouse, built from the {@link SqlDialect}'s primitives. Inputs are SQL expressions already in
 * canonical text form (see {@link SqlDialect#canonicalText}).
 */
final class HashSql {
    private final SqlDialect d;

    HashSql(SqlDialect dialect) {
        this.d = dialect;
    }

    /** Rules 2–4 for a key part; NULL when the part is NULL or blank. */
    String normalizeKeyPart(String textExpr) {
        return "NULLIF(" + d.asciiUpper(d.trimWhitespace(textExpr)) + ", '')";
    }

    /** Rule 2 for an attribute: trimmed, case kept, empty kept. */
    String normalizeAttribute(String textExpr) {
        return d.trimWhitespace(textExpr);
    }

    /**
     * The hash key over already-normalized key parts: the unknown key when all parts are NULL
     * (detected as the encoding of all-NULL, so that each part is referenced once).
     */
    String hashKey(List<String> normalizedParts) {
        String allNull = String.join(String.valueOf(HashStandard.DELIMITER),
                Collections.nCopies(normalizedParts.size(), HashStandard.NULL_MARKER));
        return "COALESCE(" + d.md5HashKey("NULLIF(" + encode(normalizedParts) + ", " + d.literal(allNull) + ")")
                + ", " + d.hashKeyLiteral(HashStandard.UNKNOWN_KEY) + ")";
    }

    /** The hashdiff over already-normalized attributes. */
    String hashDiff(List<String> normalizedAttributes) {
        return d.md5HashKey(encode(normalizedAttributes));
    }

    /** The hashdiff over already-normalized attributes as its 32 lower-case hex digits (for rule 9). */
    String hashDiffHex(List<String> normalizedAttributes) {
        return d.md5Hex(encode(normalizedAttributes));
    }

    /** Rule 9 as an aggregate: the set hashdiff of a group's rows, given each row's {@link #hashDiffHex}. */
    String setHashDiff(String rowHashDiffHex) {
        return d.md5HashKey(d.orderedConcat(rowHashDiffHex));
    }

    /** Rules 5–6: escape each part, write NULL as the marker, join with the delimiter. */
    private String encode(List<String> parts) {
        List<String> pieces = new ArrayList<>();
        String esc = String.valueOf(HashStandard.ESCAPE);
        String delim = String.valueOf(HashStandard.DELIMITER);
        for (int i = 0; i < parts.size(); i++) {
            if (i > 0) {
                pieces.add(d.literal(delim));
            }
            String escaped = "REPLACE(REPLACE(" + parts.get(i) + ", " + d.literal(esc) + ", " + d.literal(esc + esc)
                    + "), " + d.literal(delim) + ", " + d.literal(esc + delim) + ")";
            pieces.add("COALESCE(" + escaped + ", " + d.literal(HashStandard.NULL_MARKER) + ")");
        }
        return pieces.size() == 1 ? pieces.get(0) : d.concat(pieces);
    }
}
