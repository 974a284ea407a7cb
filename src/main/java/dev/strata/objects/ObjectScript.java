package dev.strata.objects;

import dev.strata.marts.SqlStatements;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The statements of an object's file, each with its offset in the file so that an error the
 * warehouse places in a statement is reported at the file's line and column. Statements end at
 * {@code ;} outside quotes, dollar-quoted bodies and comments. A line {@code DELIMITER //} (the
 * MySQL client's convention, which MariaDB procedure bodies need because they contain {@code ;})
 * makes {@code //} the end of a statement until the next {@code DELIMITER} line.
 */
final class ObjectScript {
    private static final Pattern DELIMITER = Pattern.compile("(?im)^[ \\t]*DELIMITER[ \\t]+(\\S+)[ \\t]*\\r?$");

    private ObjectScript() {
    }

    static List<SqlStatements.Statement> split(String text) {
        List<SqlStatements.Statement> out = new ArrayList<>();
        Matcher m = DELIMITER.matcher(text);
        int chunkStart = 0;
        String delimiter = ";";
        while (m.find()) {
            addChunk(out, text, chunkStart, m.start(), delimiter);
            delimiter = m.group(1);
            chunkStart = m.end();
        }
        addChunk(out, text, chunkStart, text.length(), delimiter);
        return out;
    }

    private static void addChunk(List<SqlStatements.Statement> out, String text, int from, int to, String delimiter) {
        String chunk = text.substring(from, to);
        if (delimiter.equals(";")) {
            for (SqlStatements.Statement s : SqlStatements.split(chunk)) {
                out.add(new SqlStatements.Statement(from + s.start(), from + s.end(), s.text()));
            }
            return;
        }
        int begin = 0;
        while (begin <= chunk.length()) {
            int end = chunk.indexOf(delimiter, begin);
            int stop = end < 0 ? chunk.length() : end;
            String piece = chunk.substring(begin, stop);
            String stripped = piece.strip();
            if (!stripped.isEmpty()) {
                int lead = piece.indexOf(stripped);
                out.add(new SqlStatements.Statement(from + begin + lead, from + begin + lead + stripped.length(), stripped));
            }
            if (end < 0) {
                break;
            }
            begin = end + delimiter.length();
        }
    }
}
