import io.jvmhealth.sample.VirtualThreads;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.locks.AbstractOwnableSynchronizer;
import java.util.concurrent.locks.LockSupport;
import java.lang.reflect.Method;

/**
 * Can the owner of a java.util.concurrent lock that a virtual thread waits for be known? Walks the JDK's thread
 * containers (jdk.internal.vm.ThreadContainers: every virtual thread when jdk.trackAllThreads is true, the default),
 * reads each waiting thread's parkBlocker (LockSupport.getBlocker, public) and, when it is an
 * AbstractOwnableSynchronizer, its protected getExclusiveOwnerThread (deep reflection).
 * java --add-exports java.base/jdk.internal.vm=ALL-UNNAMED --add-opens java.base/java.util.concurrent.locks=ALL-UNNAMED \
 *   -cp sample-target/target/classes scripts/hangs/OwnerProbe.java [N busy threads]
 */
public class OwnerProbe {
    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 0;
        if (n > 0) {
            VirtualThreads.startBusy(n, 1000, 10000);
        }
        VirtualThreads.deadlockOnLocks();
        Class<?> containers = Class.forName("jdk.internal.vm.ThreadContainers");
        Class<?> container = Class.forName("jdk.internal.vm.ThreadContainer");
        Method root = containers.getMethod("root");
        Method threads = container.getMethod("threads");
        Method children = container.getMethod("children");
        Method owner = AbstractOwnableSynchronizer.class.getDeclaredMethod("getExclusiveOwnerThread");
        owner.setAccessible(true);
        for (int round = 0; round < 5; round++) {
            long t0 = System.nanoTime();
            List<Object> todo = new ArrayList<>();
            todo.add(root.invoke(null));
            int seen = 0, parked = 0;
            List<String> found = new ArrayList<>();
            while (!todo.isEmpty()) {
                Object c = todo.remove(todo.size() - 1);
                Iterator<?> it = ((java.util.stream.Stream<?>) threads.invoke(c)).iterator();
                while (it.hasNext()) {
                    Thread t = (Thread) it.next();
                    seen++;
                    Object blocker = LockSupport.getBlocker(t);
                    if (blocker != null) {
                        parked++;
                        if (blocker instanceof AbstractOwnableSynchronizer) {
                            Thread o = (Thread) owner.invoke(blocker);
                            found.add("\"" + t.getName() + "\" #" + t.threadId() + (t.isVirtual() ? " virtual" : "") + " " + t.getState()
                                    + " waits for " + blocker.getClass().getName() + "@" + Integer.toHexString(System.identityHashCode(blocker))
                                    + " owned by " + (o == null ? "nobody" : "\"" + o.getName() + "\" #" + o.threadId()));
                        }
                    }
                }
                Iterator<?> ch = ((java.util.stream.Stream<?>) children.invoke(c)).iterator();
                while (ch.hasNext()) {
                    todo.add(ch.next());
                }
            }
            long us = (System.nanoTime() - t0) / 1000;
            System.out.println("round " + round + ": " + seen + " threads walked, " + parked + " with a parkBlocker, " + us + " us");
            if (round == 0) {
                found.forEach(System.out::println);
            }
        }
        System.exit(0);
    }
}
