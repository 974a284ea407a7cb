package dev.strata.config;

import java.util.Objects;

/** What every value read from one file shares: the file's name for messages, the problem sink, the environment. */
record ConfigContext(String file, Problems problems, EnvResolver env) {
    ConfigContext {
        Objects.requireNonNull(file);
        Objects.requireNonNull(problems);
        Objects.requireNonNull(env);
    }
}
