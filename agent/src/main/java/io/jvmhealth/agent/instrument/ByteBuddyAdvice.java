package io.jvmhealth.agent.instrument;

import io.jvmhealth.agent.gates.AdviceInstaller;
import net.bytebuddy.ByteBuddy;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.ClassFileLocator;
import net.bytebuddy.dynamic.scaffold.TypeValidation;
import net.bytebuddy.implementation.Implementation;
import net.bytebuddy.matcher.ElementMatcher;
import net.bytebuddy.matcher.ElementMatchers;
import net.bytebuddy.pool.TypePool;

import java.lang.instrument.ClassFileTransformer;
import java.security.ProtectionDomain;
import java.util.Map;
import java.util.Set;

/**
 * The only class that uses Byte Buddy, in the jar nested inside the agent's (see
 * {@link AdviceInstaller}): loaded only when a method gate or a recognized framework needs it, so a
 * plain host never loads a Byte Buddy class. Puts {@link GateAdvice} on the gated methods of the
 * classes {@code ClassWatch} hands it (matched by name there, so deciding loads nothing). Plain
 * {@code ByteBuddy.redefine} with the class's own bytes and a type pool over its loader's resources,
 * no {@code AgentBuilder}: creating one allocates megabytes (docs/performance.md) for features the
 * gates do not use. No member is added to a class (the
 * implementation context is disabled), so loaded classes can be retransformed. A failure is reported
 * to the caller and the class loads unchanged.
 */
public final class ByteBuddyAdvice implements AdviceInstaller {
    /** Public, no arguments: created by name through the nested jar's class loader. */
    public ByteBuddyAdvice() {
    }

    @Override
    public ClassFileTransformer transformer(final Map<String, Set<String>> methodsByClass, final Failures failures) {
        final ByteBuddy byteBuddy = new ByteBuddy()
                .with(TypeValidation.DISABLED)
                .with(Implementation.Context.Disabled.Factory.INSTANCE);
        final Advice advice = Advice.to(GateAdvice.class);
        ClassFileTransformer transformer = new ClassFileTransformer() {
            @Override
            public byte[] transform(ClassLoader loader, String internalName, Class<?> redefined, ProtectionDomain domain,
                                    byte[] bytes) {
                String name = internalName.replace('/', '.');
                Set<String> gated = methodsByClass.get(name);
                if (gated == null) {
                    return null;
                }
                try {
                    ClassFileLocator locator = new ClassFileLocator.Compound(ClassFileLocator.Simple.of(name, bytes),
                            loader == null ? ClassFileLocator.ForClassLoader.ofBootLoader() : ClassFileLocator.ForClassLoader.of(loader));
                    TypeDescription type = TypePool.Default.WithLazyResolution.of(locator).describe(name).resolve();
                    ElementMatcher.Junction<MethodDescription> methods = ElementMatchers.none();
                    for (String method : gated) {
                        methods = methods.or(ElementMatchers.<MethodDescription>named(method));
                    }
                    return byteBuddy.redefine(type, locator)
                            .visit(advice.on(ElementMatchers.isMethod()
                                    .and(ElementMatchers.not(ElementMatchers.isAbstract()))
                                    .and(ElementMatchers.not(ElementMatchers.isNative()))
                                    .and(methods)))
                            .make()
                            .getBytes();
                } catch (Throwable e) {
                    try {
                        failures.failed(name, e);
                    } catch (Throwable ignored) {
                        // the class loads unchanged all the same
                    }
                    return null;
                }
            }
        };
        warmUp(byteBuddy, advice);
        return transformer;
    }

    /**
     * Runs one redefinition of a small class of the agent on the calling (agent) thread: the first one loads and
     * runs cold the part of Byte Buddy that writes classes (hundreds of milliseconds: docs/performance.md), which
     * would otherwise happen on the application's thread loading the first gated class.
     */
    private static void warmUp(ByteBuddy byteBuddy, Advice advice) {
        String name = WarmUp.class.getName();
        try (java.io.InputStream in = WarmUp.class.getClassLoader().getResourceAsStream(name.replace('.', '/') + ".class")) {
            if (in == null) {
                return;
            }
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            byte[] buf = new byte[4096];
            int n;
            while ((n = in.read(buf)) > 0) {
                out.write(buf, 0, n);
            }
            ClassFileLocator locator = new ClassFileLocator.Compound(ClassFileLocator.Simple.of(name, out.toByteArray()),
                    ClassFileLocator.ForClassLoader.of(WarmUp.class.getClassLoader()));
            byteBuddy.redefine(TypePool.Default.WithLazyResolution.of(locator).describe(name).resolve(), locator)
                    .visit(advice.on(ElementMatchers.named("run"))).make().getBytes();
        } catch (Throwable ignored) {
            // only a warm-up: the real transformations report their own failures
        }
    }

    /** Only for {@link #warmUp}: never loaded with advice. */
    static final class WarmUp {
        private WarmUp() {
        }

        static void run() {
        }
    }
}
