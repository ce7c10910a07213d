package io.jvmhealth.agent.http.jul;

/**
 * Stands in for {@code java.util.logging.Level} inside the shaded NanoHTTPD (see {@link Logger}):
 * only the levels NanoHTTPD uses.
 */
public final class Level {
    public static final Level SEVERE = new Level(true);
    public static final Level WARNING = new Level(true);
    public static final Level INFO = new Level(false);
    public static final Level FINE = new Level(false);

    final boolean reported;

    private Level(boolean reported) {
        this.reported = reported;
    }
}
