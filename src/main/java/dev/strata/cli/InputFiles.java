package dev.strata.cli;

import dev.strata.ErrorCode;
import dev.strata.StrataException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Files named on the command line ({@code --value-file}, {@code produce}'s input): a missing,
 * unreadable or non-regular file is a usage error (exit code 2) in one sentence that names the file
 * and what it was for, never a stack trace.
 */
final class InputFiles {
    private InputFiles() {
    }

    /** Opens {@code file}, read as {@code what} (e.g. "the fixed value"). */
    static InputStream open(Path file, String what) {
        check(file, what);
        try {
            return Files.newInputStream(file);
        } catch (IOException e) {
            throw unreadable(file, what, e);
        }
    }

    /** Reads {@code file} whole. */
    static byte[] readAllBytes(Path file, String what) {
        check(file, what);
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw unreadable(file, what, e);
        }
    }

    private static void check(Path file, String what) {
        if (!Files.exists(file)) {
            throw new StrataException(ErrorCode.USAGE, "cannot read " + file + " (" + what + "): no such file");
        }
        if (Files.isDirectory(file)) {
            throw new StrataException(ErrorCode.USAGE, "cannot read " + file + " (" + what + "): it is a directory");
        }
        if (!Files.isReadable(file)) {
            throw new StrataException(ErrorCode.USAGE, "cannot read " + file + " (" + what + "): permission denied");
        }
    }

    private static StrataException unreadable(Path file, String what, IOException e) {
        return new StrataException(ErrorCode.USAGE, "cannot read " + file + " (" + what + "): " + reason(e), e);
    }

    /** Why a file operation failed, in a few words ("no such file", "permission denied", ...). */
    static String reason(IOException e) {
        if (e instanceof NoSuchFileException) {
            return "no such file or folder";
        }
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof java.nio.file.FileSystemException f && f.getReason() != null) {
            return f.getReason();
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
}
