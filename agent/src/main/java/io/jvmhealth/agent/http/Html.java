package io.jvmhealth.agent.http;

/**
 * Escaping for the page at {@code /}: everything the host controls (check and thread names, reasons, MBean
 * values) goes through {@link #text}, so that it shows as text and never becomes markup. Besides the five
 * characters HTML gives meaning to ({@code & < > " '}), characters a reader could not see or that change how
 * the text around them reads are written as visible escapes ({@code \n} for a line feed): control
 * characters, U+2028 and U+2029, bidirectional overrides and isolates, lone surrogates and U+FFFE/U+FFFF, each as
 * a backslash, {@code u} and four hex digits. The output is the same whether it lands in an element or in a
 * quoted attribute.
 */
final class Html {
    private static final char[] HEX = "0123456789abcdef".toCharArray();
    /** What a cut string ends with. */
    static final String ELLIPSIS = "\u2026";

    private Html() {
    }

    /** Appends {@code s} escaped; at most {@code max} of its characters (a cut says how long it was). */
    static StringBuilder text(StringBuilder b, String s, int max) {
        if (s == null) {
            return b;
        }
        int end = s.length();
        boolean cut = false;
        if (end > max) {
            end = max;
            if (Character.isHighSurrogate(s.charAt(end - 1)) && Character.isLowSurrogate(s.charAt(end))) {
                end--; // never split a pair
            }
            cut = true;
        }
        escape(b, s, 0, end);
        if (cut) {
            b.append(ELLIPSIS).append(" (").append(s.length()).append(" characters)");
        }
        return b;
    }

    /** Appends {@code s} escaped, whole. */
    static StringBuilder text(StringBuilder b, String s) {
        return text(b, s, Integer.MAX_VALUE);
    }

    /** Appends {@code s[from, to)} escaped. */
    static void escape(StringBuilder b, CharSequence s, int from, int to) {
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&':
                    b.append("&amp;");
                    break;
                case '<':
                    b.append("&lt;");
                    break;
                case '>':
                    b.append("&gt;");
                    break;
                case '"':
                    b.append("&quot;");
                    break;
                case '\'':
                    b.append("&#39;");
                    break;
                case '\n':
                    b.append("\\n");
                    break;
                case '\r':
                    b.append("\\r");
                    break;
                case '\t':
                    b.append("\\t");
                    break;
                default:
                    if (Character.isHighSurrogate(c) && i + 1 < to && Character.isLowSurrogate(s.charAt(i + 1))) {
                        b.append(c).append(s.charAt(i + 1));
                        i++;
                    } else if (visibleEscape(c)) {
                        b.append("\\u").append(HEX[c >> 12 & 0xf]).append(HEX[c >> 8 & 0xf]).append(HEX[c >> 4 & 0xf]).append(HEX[c & 0xf]);
                    } else {
                        b.append(c);
                    }
                    break;
            }
        }
    }

    /** Characters written as {@code \}{@code uXXXX}: invisible, line-breaking, direction-changing, or not text at all. */
    private static boolean visibleEscape(char c) {
        return c < 0x20 || c >= 0x7f && c <= 0x9f
                || c == '\u2028' || c == '\u2029'
                || c >= '\u202a' && c <= '\u202e' || c >= '\u2066' && c <= '\u2069' // bidi embeddings, overrides, isolates
                || Character.isSurrogate(c) // lone (pairs are kept above)
                || c == '\ufffe' || c == '\uffff';
    }
}
