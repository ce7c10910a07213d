package io.jvmhealth.agent.http;

import io.jvmhealth.agent.health.Snapshot;

import java.nio.charset.StandardCharsets;

/**
 * {@code GET /}: the page for people ({@link PageHtml} writes it), answered from the snapshot like every other
 * path. Rendered at most once per snapshot and variant (with or without details, the evaluation fresh or
 * stalled: the page says which), on the first request that needs it; later requests get the same bytes.
 * Nothing refers to this class on the way to a probe's answer, so it and the classes it uses are loaded on the
 * first request for {@code /} only.
 *
 * <p>Its {@code Content-Security-Policy} allows nothing but the page's one stylesheet, by its hash, and its icon, a
 * {@code data:} image: no script runs, nothing is fetched, no style attribute applies, and the page cannot be framed
 * or send a form. Whatever
 * the host puts in a name or a reason is escaped ({@link Html}), and this policy is the second line.
 */
final class Page {
    /** The page's stylesheet: the only CSS it has (the CSP allows it by {@link #STYLE_HASH}). */
    static final String STYLE = PageHtml.STYLE;
    /** {@code sha256-} and the Base64 SHA-256 of {@link #STYLE}'s UTF-8 bytes (a test computes it again). */
    static final String STYLE_HASH = "sha256-WctjPCb9v51d0T9z60gp2ljbf0OLdzMH07M+HzKo5Vs=";
    static final String CSP = "default-src 'none'; style-src '" + STYLE_HASH + "'; img-src data:; base-uri 'none'; "
            + "form-action 'none'; frame-ancestors 'none'";
    /** The page's own header lines. */
    static final byte[] HEADERS = ("Content-Security-Policy: " + CSP + "\r\n").getBytes(StandardCharsets.US_ASCII);

    /** The answers of the last snapshot asked for, by variant. */
    private static volatile Rendered rendered;

    private Page() {
    }

    /** The page for {@code snapshot} at {@code nowNanos}; {@code details}: reasons, details and charts may be shown. */
    static Answer answer(Snapshot snapshot, boolean details, long nowNanos) {
        boolean stalled = snapshot.isStale(nowNanos);
        Rendered r = rendered;
        if (r == null || r.snapshot != snapshot) {
            r = new Rendered(snapshot);
            rendered = r;
        }
        int variant = (details ? 1 : 0) + (stalled ? 2 : 0);
        Answer a = r.answers[variant];
        if (a == null) {
            a = new Answer(HttpStatus.OK, Answer.HTML, PageHtml.render(snapshot, details, stalled), HEADERS);
            r.answers[variant] = a;
        }
        return a;
    }

    /** One snapshot's pages (the HTTP thread is the only writer). */
    private static final class Rendered {
        final Snapshot snapshot;
        final Answer[] answers = new Answer[4];

        Rendered(Snapshot snapshot) {
            this.snapshot = snapshot;
        }
    }
}
