package io.jvmhealth.agent.health.checks.hang;

import io.jvmhealth.agent.base.AgentLog;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.instrument.Instrumentation;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The virtual threads of the JDK's JSON thread dump as evidence text, in the shape of the agent's platform thread dump
 * (jstack's): a header per thread (name, id, {@code virtual}, state, carrier), {@code at} frames, {@code - waiting to
 * lock}, {@code - parking to wait for}, {@code - waiting on} and {@code - locked} lines (JDK 25+ writes the locks; JDK 21
 * to 24 only names and frames). The threads named as deadlocked come first, then the others.
 *
 * <p>The platform thread dump (ThreadMXBean) cannot show virtual threads; this one is read from the JDK's own dump:
 * through {@link ThreadInternals#dump} where the agent could open the JDK's internals (written straight into the
 * reader, no file), else through {@link DumpFile} (a private file, deleted at once). Streamed, never held: at most
 * {@link #MAX_CHARS} characters are kept ({@link #FEATURED_FRAMES} frames for a deadlocked thread, {@link #FRAMES} for
 * another, names cut at {@link #MAX_NAME}), the threads past that are counted by state; at most {@link #MAX_BYTES} of
 * dump are read. Each line escaped ({@link AgentLog#escape}): one line per line. Cost: the dump's (JDK 25: about 25 ms
 * of CPU per 1,000 virtual threads) and its parse, on the evidence thread, at most once per incident.
 */
public final class VirtualThreadDump {
    static final int MAX_CHARS = 512 * 1024;
    static final int FRAMES = 24;
    static final int FEATURED_FRAMES = 64;
    static final int MAX_NAME = 200;
    static final long MAX_BYTES = 512L * 1024 * 1024;
    static final int MAX_LOCKS = 64;

    private VirtualThreadDump() {
    }

    /**
     * The virtual threads of this JVM, those in {@code featured} first, as escaped lines beginning with a title line;
     * a line saying why when no dump could be had.
     */
    public static List<String> lines(Instrumentation instrumentation, Set<Long> featured) {
        ThreadInternals internals = ThreadInternals.shared(instrumentation);
        if (internals != null) {
            Text text = new Text(featured, MAX_CHARS);
            OutputStream sink = text.sink();
            try {
                internals.dump(sink);
                sink.close();
                return text.lines(null, "the JDK's thread dumper");
            } catch (RuntimeException | IOException e) {
                if (text.threads > 0) {
                    return text.lines(null, "the JDK's thread dumper, ended by " + e); // read as far as it went
                }
                // nothing read: the public dump below may do better
            }
        }
        Text text = new Text(featured, MAX_CHARS);
        String problem = DumpFile.dumpInto(text, 10_000);
        return text.lines(problem, "HotSpotDiagnosticMXBean.dumpThreads");
    }

    /** Reads the dump and keeps its virtual threads as text. */
    static final class Text extends JsonDumpReader {
        private final Set<Long> featured;
        private final int maxChars;
        private Entry current;
        private final List<String> featuredLines = new ArrayList<String>();
        private final List<String> otherLines = new ArrayList<String>();
        private int chars;
        private boolean full;
        private final Map<String, Integer> notShown = new TreeMap<String, Integer>();
        private int notShownCount;
        int threads;
        private int virtual;
        private int featuredShown;
        private String runtimeVersion;

        Text(Set<Long> featured, int maxChars) {
            super(MAX_BYTES);
            this.featured = featured == null ? Collections.<Long>emptySet() : featured;
            this.maxChars = maxChars;
        }

        /** One thread of the dump, as far as it was read. */
        private static final class Entry {
            long tid = -1;
            String name;
            boolean virtual;
            String state;
            String blockedOn;
            String waitingOn;
            String parkBlocker;
            String parkOwner;
            long carrier = -1;
            final List<String> frames = new ArrayList<String>();
            int framesSeen;
            int maxFrames = FRAMES;
            final List<long[]> lockDepths = new ArrayList<long[]>();
            final List<String> locks = new ArrayList<String>();
            long pendingDepth = -1;
        }

        @Override
        void threadStarts() {
            current = new Entry();
        }

        @Override
        public void endObject() {
            if (depth == 6 && current != null) {
                threads++;
                if (current.virtual) {
                    virtual++;
                    render(current);
                }
                current = null;
            } else if (depth == 8 && current != null && "monitorsOwned".equals(keys[6])) {
                current.pendingDepth = -1;
            }
            depth--;
        }

        @Override
        public void value(String text, boolean quoted, long cut) {
            if (atRuntimeVersion()) {
                runtimeVersion = text;
                return;
            }
            Entry t = current;
            if (t == null || !inThreads()) {
                return;
            }
            boolean isNull = !quoted && "null".equals(text);
            if (depth == 6) {
                String key = keys[6];
                if ("tid".equals(key)) {
                    t.tid = number(text);
                    if (featured.contains(t.tid)) {
                        t.maxFrames = FEATURED_FRAMES;
                    }
                } else if ("name".equals(key)) {
                    t.name = text;
                } else if ("virtual".equals(key)) {
                    t.virtual = "true".equals(text);
                } else if ("state".equals(key)) {
                    t.state = text;
                } else if ("blockedOn".equals(key) && !isNull) {
                    t.blockedOn = text;
                } else if ("waitingOn".equals(key) && !isNull) {
                    t.waitingOn = text;
                } else if ("carrier".equals(key)) {
                    t.carrier = number(text);
                }
            } else if (depth == 7 && "parkBlocker".equals(keys[6])) {
                if ("object".equals(keys[7]) && quoted) {
                    t.parkBlocker = text;
                } else if ("owner".equals(keys[7])) {
                    t.parkOwner = text;
                }
            } else if (depth == 7 && "stack".equals(keys[6]) && keys[7] == null) {
                t.framesSeen++;
                if (t.frames.size() < t.maxFrames) {
                    t.frames.add(cut > 0 ? text + "...(cut)" : text);
                }
            } else if (depth == 8 && "monitorsOwned".equals(keys[6]) && "depth".equals(keys[8])) {
                t.pendingDepth = number(text);
            } else if (depth == 9 && "monitorsOwned".equals(keys[6]) && "locks".equals(keys[8]) && quoted && t.locks.size() < MAX_LOCKS) {
                t.locks.add(text);
                t.lockDepths.add(new long[] {t.pendingDepth});
            }
        }

        private void render(Entry t) {
            boolean isFeatured = featured.contains(t.tid);
            if (!isFeatured && full) {
                String state = t.state == null ? "unknown" : t.state;
                Integer n = notShown.get(state);
                notShown.put(state, n == null ? 1 : n + 1);
                notShownCount++;
                return;
            }
            List<String> out = new ArrayList<String>();
            StringBuilder h = new StringBuilder(96).append(quoted(t.name)).append(" #").append(t.tid).append(" virtual");
            if (t.state != null) {
                h.append(' ').append(t.state);
            }
            if (t.carrier >= 0) {
                h.append(" carrier #").append(t.carrier);
            }
            out.add(h.toString());
            for (int i = 0; i < t.frames.size(); i++) {
                out.add("        at " + t.frames.get(i));
                if (i == 0) {
                    if (t.blockedOn != null && (t.state == null || "BLOCKED".equals(t.state))) {
                        out.add("        - waiting to lock <" + t.blockedOn + ">");
                    } else if (t.waitingOn != null) {
                        out.add("        - waiting on <" + t.waitingOn + ">");
                    } else if (t.parkBlocker != null) {
                        out.add("        - parking to wait for <" + t.parkBlocker + ">" + (t.parkOwner == null ? "" : " owned by #" + t.parkOwner));
                    }
                }
                for (int k = 0; k < t.locks.size(); k++) {
                    String lock = t.locks.get(k);
                    if (t.lockDepths.get(k)[0] == i && !lock.equals(t.waitingOn)) {
                        out.add("        - locked <" + lock + ">");
                    }
                }
            }
            if (t.framesSeen > t.frames.size()) {
                out.add("        ... " + (t.framesSeen - t.frames.size()) + " more frames not shown (at most " + t.maxFrames + " per thread)");
            }
            out.add("");
            if (isFeatured) {
                featuredShown++;
                featuredLines.addAll(escaped(out));
                return;
            }
            List<String> lines = escaped(out);
            int size = 0;
            for (String line : lines) {
                size += line.length() + 1;
            }
            if (chars + size > maxChars) {
                full = true;
                String state = t.state == null ? "unknown" : t.state;
                Integer n = notShown.get(state);
                notShown.put(state, n == null ? 1 : n + 1);
                notShownCount++;
                return;
            }
            chars += size;
            otherLines.addAll(lines);
        }

        /** The title, the featured threads, the others, and what was left out. */
        List<String> lines(String problem, String from) {
            List<String> lines = new ArrayList<String>();
            if (problem != null && threads == 0) {
                lines.add(AgentLog.escape("Virtual threads: not shown: " + problem));
                return lines;
            }
            lines.add(AgentLog.escape("Virtual threads (" + from + (runtimeVersion == null ? "" : ", JDK " + runtimeVersion) + "): " + virtual
                    + " virtual threads" + (featuredShown > 0 ? ", the " + featuredShown + " deadlocked first" : "")
                    + (cutAt == null ? "" : "; the dump was read up to " + cutAt)));
            lines.add("");
            lines.addAll(featuredLines);
            lines.addAll(otherLines);
            if (notShownCount > 0) {
                lines.add(AgentLog.escape("... " + notShownCount + " more virtual threads not shown: this part is bounded at " + maxChars
                        + " characters; their states: " + notShown));
            }
            return lines;
        }

        private static List<String> escaped(List<String> raw) {
            List<String> out = new ArrayList<String>(raw.size());
            for (String line : raw) {
                out.add(AgentLog.escape(line));
            }
            return out;
        }

        private static String quoted(String name) {
            if (name == null) {
                return "\"?\"";
            }
            if (name.length() > MAX_NAME) {
                name = name.substring(0, MAX_NAME) + "...(name cut: " + name.length() + " characters)";
            }
            return "\"" + name + "\"";
        }
    }
}
