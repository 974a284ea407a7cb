package dev.strata.config;

import com.cronutils.model.Cron;
import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.parser.CronParser;

/** The cron dialect of {@code schedule:}: UNIX cron (5 fields) and nicknames such as {@code @daily}, parsed by cron-utils. */
public final class CronSyntax {
    private static final CronParser PARSER = new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.UNIX));

    private CronSyntax() {
    }

    /** Parses and validates; throws {@link IllegalArgumentException} explaining what is wrong. */
    public static Cron parse(String expression) {
        String e = expression.trim();
        String expanded = switch (e) {
            case "@yearly", "@annually" -> "0 0 1 1 *";
            case "@monthly" -> "0 0 1 * *";
            case "@weekly" -> "0 0 * * 0";
            case "@daily", "@midnight" -> "0 0 * * *";
            case "@hourly" -> "0 * * * *";
            default -> e;
        };
        return PARSER.parse(expanded).validate();
    }
}
