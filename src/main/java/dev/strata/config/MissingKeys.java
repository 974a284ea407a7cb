package dev.strata.config;

/**
 * What a row whose business key is missing (NULL or blank in every part, hashing rule 8) does to a
 * hub or link: {@code missing_keys:} per vault, or per hub or link (which wins). Satellites never
 * keep a history for a missing key, whatever the policy: rows of unrelated records would otherwise
 * make up one parent's history. See {@code docs/vault.md}.
 */
public enum MissingKeys {
    /** The row counts for the unknown member: a hub gets one row for the unknown key (NULL key columns); a link row points to it. */
    UNKNOWN("unknown"),
    /** The row contributes nothing: no hub row, no link row where any hub's key is missing (automate-dv's behaviour). */
    SKIP("skip");

    private final String word;

    MissingKeys(String word) {
        this.word = word;
    }

    public String word() {
        return word;
    }

    public static MissingKeys of(String word) {
        for (MissingKeys m : values()) {
            if (m.word.equals(word)) {
                return m;
            }
        }
        throw new IllegalArgumentException(word);
    }
}
