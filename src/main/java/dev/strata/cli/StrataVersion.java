package dev.strata.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import picocli.CommandLine.IVersionProvider;

/** The version Maven wrote into {@code dev/strata/version.properties}. */
public final class StrataVersion implements IVersionProvider {
    public static String get() {
        try (InputStream in = StrataVersion.class.getResourceAsStream("/dev/strata/version.properties")) {
            Properties p = new Properties();
            if (in != null) {
                p.load(in);
            }
            return p.getProperty("version", "unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }

    @Override
    public String[] getVersion() {
        return new String[] {"strata " + get(), "Java " + System.getProperty("java.version")};
    }
}
