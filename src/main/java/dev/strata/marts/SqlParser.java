package dev.strata.marts;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import net.sf.jsqlparser.JSQLParserException;
import net.sf.jsqlparser.parser.CCJSqlParserUtil;
import net.sf.jsqlparser.parser.ParseException;
import net.sf.jsqlparser.parser.Token;
import net.sf.jsqlparser.statement.Statement;

/**
 * One SQL statement parsed offline with JSqlParser, whose grammar is the union of the major
 * dialects (PostgreSQL's {@code ::} casts, {@code DISTINCT ON}, {@code LATERAL}, JSON operators;
 * MySQL's backticks). A failure is reported at the offending token's offset. Parsing runs on a
 * daemon thread with a time limit (a pathological statement could otherwise take very long), so a
 * check never keeps the JVM alive or hangs {@code strata validate}. Thread-safe.
 */
final class SqlParser {
    static final long TIMEOUT_MS = 10_000;
    private static final ExecutorService PARSING = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "strata-sql-parser");
        t.setDaemon(true);
        return t;
    });

    /** What parsing one statement gave: the statement, or where and why it failed. */
    sealed interface Result permits Parsed, Failed, TimedOut {
    }

    record Parsed(Statement statement) implements Result {
    }

    /** A syntax error at {@code offset} of the statement's text, at the token {@code token} (null at the end). */
    record Failed(int offset, String token, List<String> expected) implements Result {
    }

    record TimedOut() implements Result {
    }

    private SqlParser() {
    }

    static Result parse(String statement) {
        // JavaCC counts a tab as several columns: a space keeps every offset where it was
        String text = statement.replace('\t', ' ');
        try {
            return new Parsed(CCJSqlParserUtil.parse(text, PARSING, p -> p.withTimeOut(TIMEOUT_MS)));
        } catch (JSQLParserException e) {
            Optional<ParseException> pe = parseException(e);
            if (pe.isEmpty()) {
                return isTimeout(e) ? new TimedOut() : new Failed(0, null, List.of());
            }
            Token bad = pe.get().currentToken == null ? null : pe.get().currentToken.next;
            if (bad == null || bad.image == null || bad.image.isEmpty()) {
                return new Failed(text.length(), null, expected(pe.get()));
            }
            return new Failed(offset(text, bad.beginLine, bad.beginColumn), bad.image, expected(pe.get()));
        }
    }

    private static Optional<ParseException> parseException(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ParseException p) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    private static boolean isTimeout(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.util.concurrent.TimeoutException
                    || (t.getMessage() != null && t.getMessage().toLowerCase(java.util.Locale.ROOT).contains("time"))) {
                return true;
            }
        }
        return false;
    }

    /** The keywords and symbols the parser would have accepted, when they are few enough to help. */
    private static List<String> expected(ParseException e) {
        if (e.expectedTokenSequences == null || e.tokenImage == null) {
            return List.of();
        }
        Set<String> out = new LinkedHashSet<>();
        for (int[] seq : e.expectedTokenSequences) {
            if (seq.length > 0 && seq[0] < e.tokenImage.length) {
                String image = e.tokenImage[seq[0]];
                if (image.startsWith("\"") && image.endsWith("\"") && image.length() > 2) {
                    out.add(image.substring(1, image.length() - 1));
                } else {
                    return List.of(); // a token class (<S_IDENTIFIER>, ...): the list would not be short or clear
                }
            }
        }
        return out.size() <= 6 ? new ArrayList<>(out) : List.of();
    }

    private static int offset(String text, int line, int column) {
        int at = 0;
        for (int l = 1; l < line && at >= 0; l++) {
            at = text.indexOf('\n', at);
            at = at < 0 ? -1 : at + 1;
        }
        return at < 0 ? text.length() : Math.min(text.length(), at + Math.max(0, column - 1));
    }
}
