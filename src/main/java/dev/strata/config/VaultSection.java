package dev.strata.config;

/** The {@code vault:} section of {@code strata.yaml}. Its content is defined by the issue that builds it. */
public record VaultSection(boolean declared) {
    public static VaultSection none() {
        return new VaultSection(false);
    }
}
