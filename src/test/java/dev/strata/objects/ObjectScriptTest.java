package dev.strata.objects;

import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.marts.SqlStatements;
import java.util.List;
import org.junit.jupiter.api.Test;

class ObjectScriptTest {
    @Test
    void shouldSplitAtSemicolonsOutsideDollarQuotedBodiesWithEachStatementsOffset() {
        String text = "CREATE TABLE IF NOT EXISTS t (x int);\nCREATE FUNCTION f() RETURNS int AS $$ select 1; $$ LANGUAGE sql;\n";
        List<SqlStatements.Statement> s = ObjectScript.split(text);
        assertThat(s).extracting(SqlStatements.Statement::text)
                .containsExactly("CREATE TABLE IF NOT EXISTS t (x int)", "CREATE FUNCTION f() RETURNS int AS $$ select 1; $$ LANGUAGE sql");
        assertThat(text.substring(s.get(1).start(), s.get(1).end())).isEqualTo(s.get(1).text());
    }

    @Test
    void shouldKeepAProcedureBodyWithSemicolonsWholeAfterADelimiterLine() {
        String text = """
                DROP PROCEDURE IF EXISTS p;
                DELIMITER //
                CREATE PROCEDURE p() BEGIN
                  INSERT INTO t VALUES (1);
                  INSERT INTO t VALUES (2);
                END //
                DELIMITER ;
                CREATE OR REPLACE VIEW v AS SELECT 1 AS x;
                """;
        List<SqlStatements.Statement> s = ObjectScript.split(text);
        assertThat(s).extracting(SqlStatements.Statement::text).containsExactly(
                "DROP PROCEDURE IF EXISTS p",
                "CREATE PROCEDURE p() BEGIN\n  INSERT INTO t VALUES (1);\n  INSERT INTO t VALUES (2);\nEND",
                "CREATE OR REPLACE VIEW v AS SELECT 1 AS x");
        s.forEach(st -> assertThat(text.substring(st.start(), st.end())).isEqualTo(st.text()));
    }
}
