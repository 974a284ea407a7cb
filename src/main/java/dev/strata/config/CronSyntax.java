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
        return PARSER.parse(expression.trim()).validate();
    }
}
