package dev.strata.schedule;

import dev.strata.config.EnvResolver;
import dev.strata.config.ProjectConfig;
import dev.strata.config.ProjectLoader;
import dev.strata.warehouse.Warehouse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Writes a small project folder for a test and loads it. */
final class TestProject {
    private TestProject() {
    }

    static Path write(Path dir, String yaml, Map<String, String> files) {
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("strata.yaml"), yaml);
            for (Map.Entry<String, String> f : files.entrySet()) {
                Path p = dir.resolve(f.getKey());
                Files.createDirectories(p.getParent());
                Files.writeString(p, f.getValue());
            }
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static ProjectConfig load(Path dir) {
        return new ProjectLoader(EnvResolver.of(Map.of())).load(dir);
    }

    static Pipeline pipeline(Path dir, Warehouse w) {
        return Pipeline.load(load(dir), w.adapter());
    }

    static void sql(Warehouse w, String... statements) throws SQLException {
        try (Connection c = w.connection(); Statement s = c.createStatement()) {
            for (String st : statements) {
                s.execute(st);
            }
        }
    }

    static List<List<String>> rows(Warehouse w, String query) throws SQLException {
        List<List<String>> out = new ArrayList<>();
        try (Connection c = w.connection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(query)) {
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                List<String> row = new ArrayList<>();
                for (int i = 1; i <= n; i++) {
                    row.add(rs.getString(i));
                }
                out.add(row);
            }
        }
        return out;
    }

    static long count(Warehouse w, String query) throws SQLException {
        return Long.parseLong(rows(w, query).get(0).get(0));
    }
}
