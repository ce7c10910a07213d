package io.jvmhealth.agent.health;

/**
 * UTC times for JSON bodies, evidence headers and file names, without java.time: its formatting
 * machinery would cost the host resident memory for a timestamp per interval (docs/performance.md).
 */
public final class UtcTime {
    private UtcTime() {
    }

    /** {@code 2026-12-02T00:45:07Z}. */
    public static String iso(long epochMillis) {
        long[] f = fields(epochMillis);
        return pad(f[0], 4) + "-" + pad(f[1], 2) + "-" + pad(f[2], 2) + "T" + pad(f[3], 2) + ":" + pad(f[4], 2) + ":" + pad(f[5], 2) + "Z";
    }

    /** {@code 2026-12-02T00:45:07.123Z}: to the millisecond (transitions). */
    public static String isoMillis(long epochMillis) {
        String s = iso(epochMillis);
        return s.substring(0, s.length() - 1) + "." + pad(Math.floorMod(epochMillis, 1000L), 3) + "Z";
    }

    /** {@code 20261202T004507.123Z}: sorts by time, safe in a file name. */
    public static String compact(long epochMillis) {
        long[] f = fields(epochMillis);
        return pad(f[0], 4) + pad(f[1], 2) + pad(f[2], 2) + "T" + pad(f[3], 2) + pad(f[4], 2) + pad(f[5], 2) + "." + pad(Math.floorMod(epochMillis, 1000L), 3) + "Z";
    }

    /** year, month, day, hour, minute, second (proleptic Gregorian; H. Hinnant's civil_from_days). */
    private static long[] fields(long epochMillis) {
        long seconds = Math.floorDiv(epochMillis, 1000L);
        long days = Math.floorDiv(seconds, 86400L);
        long sod = Math.floorMod(seconds, 86400L);
        long z = days + 719468;
        long era = Math.floorDiv(z, 146097L);
        long doe = z - era * 146097;
        long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
        long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        long mp = (5 * doy + 2) / 153;
        long day = doy - (153 * mp + 2) / 5 + 1;
        long month = mp < 10 ? mp + 3 : mp - 9;
        long year = yoe + era * 400 + (month <= 2 ? 1 : 0);
        return new long[] {year, month, day, sod / 3600, sod / 60 % 60, sod % 60};
    }

    private static String pad(long v, int width) {
        StringBuilder b = new StringBuilder(Long.toString(v));
        while (b.length() < width) {
            b.insert(0, '0');
        }
        return b.toString();
    }
}
