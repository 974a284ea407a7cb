package dev.strata.config;

import dev.strata.ErrorCode;
import dev.strata.StrataException;
import java.util.List;
import java.util.stream.Collectors;

/** Every problem found in a project's configuration, one per line, in file order. */
public final class ConfigException extends StrataException {
    private static final long serialVersionUID = 1L;
    private final transient List<ConfigProblem> problems;

    public ConfigException(List<ConfigProblem> problems) {
        super(ErrorCode.CONFIG, problems.stream().map(ConfigProblem::toString).collect(Collectors.joining("\n")));
        this.problems = List.copyOf(problems);
    }

    public List<ConfigProblem> problems() {
        return problems;
    }
}
