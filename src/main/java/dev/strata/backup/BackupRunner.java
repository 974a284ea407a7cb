package dev.strata.backup;

import dev.strata.ErrorCode;
import dev.strata.StrataException;
import dev.strata.config.MartConfig;
import dev.strata.config.ProjectConfig;
import dev.strata.ingest.StgTable;
import dev.strata.warehouse.Backups;
import dev.strata.warehouse.MetadataSchema;
import dev.strata.warehouse.Warehouse;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPOutputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code strata backup}: one file per layer (schema), {@code <layer>-YYYY-MM-DD-HH-MM-SS.<ext>}
 * (UTC), all taken in one snapshot by the warehouse's {@link Backups} while the pipeline keeps
 * running. Each file is written as {@code <name>.partial} and renamed once complete, so a file
 * with the final name is always whole; a failed backup removes its partial files. With a
 * retention, files of the same layers whose name says they are older than that are deleted
 * afterwards — only files named exactly as this class names them, never the ones just written.
 */
public final class BackupRunner {
    private static final Logger LOG = LoggerFactory.getLogger(BackupRunner.class);
    /** The time in a backup file's name ({@code cdm-2026-12-04-21-30-05.sql.gz}), UTC, to the second. */
    public static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyy-MM-dd-HH-mm-ss").withZone(ZoneOffset.UTC);

    /**
     * @param dir       where the files go (created if missing)
     * @param layers    the schemas to back up; empty: the project's layers that exist
     * @param retention delete older files of these layers; empty: keep everything
     */
    public record Options(Path dir, List<String> layers, Optional<Duration> retention) {
        public Options {
            layers = List.copyOf(layers);
        }
    }

    /** One file written. */
    public record BackupFile(Path path, long bytes, Backups.SchemaBackup content) {
    }

    /** What a backup did. */
    public record Result(List<BackupFile> files, List<Path> deleted, Duration elapsed) {
    }

    private BackupRunner() {
    }

    /**
     * The project's layers, in order: {@code stg}, the vault's schema, the marts' schemas, and
     * Strata's own {@code strata} (positions, runs, watermarks: restoring it lets a restored
     * pipeline go on where the backup left it).
     */
    public static List<String> defaultLayers(ProjectConfig project) {
        LinkedHashSet<String> out = new LinkedHashSet<>();
        out.add(StgTable.SCHEMA);
        if (project.vault().declared()) {
            out.add(project.vault().schema());
        }
        out.add(MartConfig.DEFAULT_SCHEMA);
        project.marts().all().forEach(m -> m.schema().ifPresent(out::add));
        out.add(MetadataSchema.SCHEMA);
        return List.copyOf(out);
    }

    public static Result backup(Warehouse w, ProjectConfig project, Options o, Clock clock) {
        return backup(w, project, o, clock, (table, rows, done, total) ->
                LOG.info("backup: {} ({} rows), {}/{} tables", table, rows, done, total));
    }

    /** As {@link #backup(Warehouse, ProjectConfig, Options, Clock)}, telling {@code progress} after each table. */
    public static Result backup(Warehouse w, ProjectConfig project, Options o, Clock clock, Backups.Progress progress) {
        long t0 = System.nanoTime();
        Backups backups = w.backups();
        String ext = backups.fileExtension();
        List<String> layers;
        try {
            layers = o.layers().isEmpty() ? existing(w, defaultLayers(project)) : o.layers();
            Files.createDirectories(o.dir());
        } catch (SQLException | IOException e) {
            throw new StrataException(ErrorCode.WAREHOUSE_UNAVAILABLE, "cannot prepare the backup: " + e.getMessage(), e);
        }
        // names have one-second resolution: a backup that starts in the second of the previous one (a backfill's
        // daily backup node runs several times a second) waits for the next second rather than fail or overwrite
        Instant at = clock.instant();
        Map<String, Path> finals = new LinkedHashMap<>();
        for (int tries = 0; ; tries++) {
            finals.clear();
            String stamp = STAMP.format(at);
            for (String layer : layers) {
                finals.put(layer, o.dir().resolve(layer + "-" + stamp + "." + ext));
            }
            Optional<Path> taken = finals.values().stream().filter(Files::exists).findFirst();
            if (taken.isEmpty()) {
                break;
            }
            if (tries == 2) {
                throw new StrataException(ErrorCode.USAGE, taken.get() + " exists already (a backup started in the same "
                        + "second); wait a second and try again");
            }
            try {
                Thread.sleep(1_000 - at.toEpochMilli() % 1_000 + 5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new StrataException(ErrorCode.USAGE, "interrupted while waiting for a new backup name", e);
            }
            at = clock.instant();
        }
        Instant stampedAt = at;
        Map<String, Path> partials = new LinkedHashMap<>();
        for (Map.Entry<String, Path> f : finals.entrySet()) {
            partials.put(f.getKey(), o.dir().resolve(f.getValue().getFileName() + ".partial"));
        }
        List<Backups.SchemaBackup> content;
        try {
            content = backups.backup(w, layers, schema -> gzip(partials.get(schema)), progress);
            List<BackupFile> files = new ArrayList<>();
            for (Backups.SchemaBackup b : content) {
                Path done = Files.move(partials.get(b.schema()), finals.get(b.schema()), StandardCopyOption.ATOMIC_MOVE);
                files.add(new BackupFile(done, Files.size(done), b));
                b.notIncluded().forEach(n -> LOG.warn("backup of {}: {} is not included", b.schema(), n));
            }
            List<Path> deleted = o.retention().map(r -> retention(o.dir(), layers, ext, stampedAt.minus(r), finals.values()))
                    .orElse(List.of());
            return new Result(files, deleted, Duration.ofNanos(System.nanoTime() - t0));
        } catch (SQLException | IOException | RuntimeException e) {
            partials.values().forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException ignored) {
                    // left behind, and never mistaken for a backup: its name ends in .partial
                }
            });
            if (e instanceof StrataException se) {
                throw se;
            }
            throw new StrataException(e instanceof IOException ? ErrorCode.INTERNAL : ErrorCode.WAREHOUSE_UNAVAILABLE,
                    "backup failed: " + e.getMessage(), e);
        }
    }

    private static OutputStream gzip(Path file) throws IOException {
        return new GZIPOutputStream(Files.newOutputStream(file), 1 << 16);
    }

    private static List<String> existing(Warehouse w, List<String> layers) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Connection c = w.connection()) {
            for (String l : layers) {
                if (w.catalog().schemaExists(c, l)) {
                    out.add(l);
                }
            }
        }
        return out;
    }

    /** Deletes files of {@code layers} named {@code <layer>-<stamp>.<ext>} whose stamp is before {@code cutoff}. */
    static List<Path> retention(Path dir, List<String> layers, String ext, Instant cutoff, java.util.Collection<Path> keep) {
        Pattern name = Pattern.compile("(" + String.join("|", layers.stream().map(Pattern::quote).toList())
                + ")-(\\d{4}-\\d{2}-\\d{2}-\\d{2}-\\d{2}-\\d{2})\\." + Pattern.quote(ext));
        List<Path> deleted = new ArrayList<>();
        try (var files = Files.list(dir)) {
            for (Path f : files.sorted().toList()) {
                Matcher m = name.matcher(f.getFileName().toString());
                if (!m.matches() || keep.contains(f) || !Files.isRegularFile(f)) {
                    continue;
                }
                Instant stamp;
                try {
                    stamp = LocalDateTime.parse(m.group(2), DateTimeFormatter.ofPattern("yyyy-MM-dd-HH-mm-ss")).toInstant(ZoneOffset.UTC);
                } catch (java.time.format.DateTimeParseException e) {
                    continue;
                }
                if (stamp.isBefore(cutoff)) {
                    Files.delete(f);
                    deleted.add(f);
                }
            }
        } catch (IOException e) {
            LOG.warn("retention: could not clean {} ({})", dir, e.getMessage());
        }
        return deleted;
    }
}
