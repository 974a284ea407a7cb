package dev.strata.backup;

import dev.strata.ErrorCode;
import dev.strata.StrataException;
import dev.strata.warehouse.Backups;
import dev.strata.warehouse.Warehouse;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.List;

/** {@code strata restore}: backup files into an empty database, every table checked against its file. */
public final class Restore {
    private Restore() {
    }

    /** Restores {@code files}; the checks say, table by table, whether the restored rows equal the backup's. */
    public static List<Backups.TableCheck> restore(Warehouse into, List<Path> files) {
        return restore(into, files, Backups.Progress.NONE);
    }

    /** As {@link #restore(Warehouse, List)}, telling {@code progress} after each table's rows are in. */
    public static List<Backups.TableCheck> restore(Warehouse into, List<Path> files, Backups.Progress progress) {
        for (Path f : files) {
            if (!Files.isRegularFile(f)) {
                throw new StrataException(ErrorCode.USAGE, "no backup file " + f);
            }
        }
        try {
            return into.backups().restore(into, files, progress);
        } catch (SQLException e) {
            throw new StrataException(into.errors().isTransient(e) ? ErrorCode.WAREHOUSE_UNAVAILABLE : ErrorCode.WAREHOUSE,
                    "restore failed, nothing was restored: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new StrataException(ErrorCode.USAGE, "cannot read the backup: " + e.getMessage(), e);
        }
    }
}
