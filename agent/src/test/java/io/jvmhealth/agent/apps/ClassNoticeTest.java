package io.jvmhealth.agent.apps;

import org.junit.jupiter.api.Test;

import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The notice of one class loading: a transformer while it is awaited, one scan of what loaded before, nothing changed. */
class ClassNoticeTest {
    /** An Instrumentation that records its transformers and answers the class lists it is given. */
    private static final class FakeInstrumentation {
        final List<ClassFileTransformer> transformers = new ArrayList<>();
        final AtomicInteger allScans = new AtomicInteger();
        final AtomicInteger loaderScans = new AtomicInteger();
        Class<?>[] loaded = new Class<?>[0];
        Class<?>[] initiated = new Class<?>[0];

        Instrumentation proxy() {
            return (Instrumentation) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Instrumentation.class},
                    (p, method, args) -> {
                        switch (method.getName()) {
                            case "addTransformer":
                                transformers.add((ClassFileTransformer) args[0]);
                                return null;
                            case "removeTransformer":
                                return transformers.remove(args[0]);
                            case "getAllLoadedClasses":
                                allScans.incrementAndGet();
                                return loaded;
                            case "getInitiatedClasses":
                                loaderScans.incrementAndGet();
                                return initiated;
                            default:
                                throw new UnsupportedOperationException(method.getName());
                        }
                    });
        }
    }

    @Test
    void aClassLoadedBeforeIsFoundByOneScanAndNothingIsRegisteredAfter() {
        FakeInstrumentation inst = new FakeInstrumentation();
        inst.loaded = new Class<?>[] {String.class, ClassNoticeTest.class};
        ClassNotice notice = ClassNotice.watch(inst.proxy(), ClassNoticeTest.class.getName());
        assertSame(ClassNoticeTest.class, notice.loaded());
        assertTrue(inst.transformers.isEmpty(), "found: the transformer is gone");
        assertEquals(1, inst.allScans.get());
    }

    @Test
    void aClassLoadingLaterIsSeenByNameThenTakenFromItsLoadersClassesOnce() throws Exception {
        FakeInstrumentation inst = new FakeInstrumentation();
        ClassNotice notice = ClassNotice.watch(inst.proxy(), ClassNoticeTest.class.getName());
        assertEquals(1, inst.transformers.size());
        assertNull(notice.loaded());
        ClassLoader loader = ClassNoticeTest.class.getClassLoader();
        byte[] bytes = {1, 2, 3};
        assertNull(notice.transform(loader, "java/lang/Other", null, null, bytes), "changes nothing");
        assertEquals(1, inst.transformers.size(), "another class: still awaited");
        assertNull(notice.loaded());
        assertEquals(0, inst.loaderScans.get(), "no scan while nothing was seen");
        assertNull(notice.transform(loader, ClassNoticeTest.class.getName().replace('.', '/'), null, null, bytes), "changes nothing");
        assertTrue(inst.transformers.isEmpty(), "seen: the transformer is gone");
        inst.initiated = new Class<?>[] {String.class, ClassNoticeTest.class};
        assertSame(ClassNoticeTest.class, notice.loaded());
        assertSame(ClassNoticeTest.class, notice.loaded());
        assertEquals(1, inst.loaderScans.get(), "the loader's classes are searched once");
        assertEquals(1, inst.allScans.get(), "the loaded classes once, at the start");
    }

    @Test
    void aSeenClassWhoseDefinitionFailedIsSearchedForAgainAtMostOnceASecond() {
        FakeInstrumentation inst = new FakeInstrumentation();
        ClassNotice notice = ClassNotice.watch(inst.proxy(), ClassNoticeTest.class.getName());
        notice.transform(ClassNoticeTest.class.getClassLoader(), ClassNoticeTest.class.getName().replace('.', '/'), null, null, new byte[0]);
        for (int i = 0; i < 50; i++) {
            assertNull(notice.loaded());
        }
        assertEquals(1, inst.loaderScans.get());
    }

    @Test
    void withoutInstrumentationNothingIsEverSeen() {
        ClassNotice notice = ClassNotice.watch(null, ClassNoticeTest.class.getName());
        assertNull(notice.loaded());
        notice.unregister();
    }
}
