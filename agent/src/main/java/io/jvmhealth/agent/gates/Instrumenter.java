package io.jvmhealth.agent.gates;

import io.jvmhealth.agent.AgentLog;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.DynamicType;
import net.bytebuddy.matcher.ElementMatcher;
import net.bytebuddy.matcher.ElementMatchers;
import net.bytebuddy.utility.JavaModule;

import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.security.ProtectionDomain;
import java.util.List;
import java.util.Map;

/**
 * The only class that uses Byte Buddy: loaded only when a method gate or a recognized framework
 * needs it, so a plain host never loads a Byte Buddy class. Puts {@link GateAdvice} on the gated
 * methods with an {@code AgentBuilder} that matches types by name only (deciding loads nothing),
 * never touches the JDK's or the agent's classes, and logs an instrumentation error as one line
 * instead of throwing.
 */
final class Instrumenter {
    private Instrumenter() {
    }

    /**
     * Byte Buddy's transformer for the gated classes (not registered with the JVM: {@link ClassWatch}
     * hands it the gated classes only).
     */
    static ClassFileTransformer transformer(final Map<String, List<MethodGate>> byClass) {
        ElementMatcher.Junction<TypeDescription> types = ElementMatchers.none();
        for (String name : byClass.keySet()) {
            types = types.or(ElementMatchers.<TypeDescription>named(name));
        }
        return new AgentBuilder.Default()
                .disableClassFormatChanges()
                .with(AgentBuilder.DescriptionStrategy.Default.POOL_ONLY)
                .with(new Listener(byClass))
                .ignore(ElementMatchers.<TypeDescription>nameStartsWith("java.")
                        .or(ElementMatchers.<TypeDescription>nameStartsWith("javax."))
                        .or(ElementMatchers.<TypeDescription>nameStartsWith("jdk."))
                        .or(ElementMatchers.<TypeDescription>nameStartsWith("sun."))
                        .or(ElementMatchers.<TypeDescription>nameStartsWith("com.sun."))
                        .or(ElementMatchers.<TypeDescription>nameStartsWith("io.jvmhealth.agent.")))
                .type(types)
                .transform(new AgentBuilder.Transformer() {
                    @Override
                    public DynamicType.Builder<?> transform(DynamicType.Builder<?> builder, TypeDescription type,
                                                            ClassLoader loader, JavaModule module, ProtectionDomain domain) {
                        List<MethodGate> forType = byClass.get(type.getName());
                        if (forType == null) {
                            return builder;
                        }
                        ElementMatcher.Junction<net.bytebuddy.description.method.MethodDescription> methods = ElementMatchers.none();
                        for (MethodGate g : forType) {
                            methods = methods.or(ElementMatchers.named(g.methodName));
                        }
                        return builder.visit(Advice.to(GateAdvice.class).on(ElementMatchers.isMethod()
                                .and(ElementMatchers.not(ElementMatchers.isAbstract()))
                                .and(ElementMatchers.not(ElementMatchers.isNative()))
                                .and(methods)));
                    }
                })
                .makeRaw();
    }

    /** Defines {@code bytes} as class {@code name} in the bootstrap loader; throws when this JVM does not allow it. */
    static void injectIntoBootLoader(Instrumentation instrumentation, String name, byte[] bytes) {
        net.bytebuddy.dynamic.loading.ClassInjector.UsingUnsafe.Factory factory =
                net.bytebuddy.dynamic.loading.ClassInjector.UsingUnsafe.Factory.resolve(instrumentation);
        factory.make(null, null).injectRaw(java.util.Collections.singletonMap(name, bytes));
    }

    private static final class Listener extends AgentBuilder.Listener.Adapter {
        private final Map<String, List<MethodGate>> byClass;

        Listener(Map<String, List<MethodGate>> byClass) {
            this.byClass = byClass;
        }

        @Override
        public void onTransformation(TypeDescription type, ClassLoader loader, JavaModule module, boolean loaded,
                                     DynamicType dynamicType) {
            List<MethodGate> gates = byClass.get(type.getName());
            if (gates != null) {
                for (MethodGate g : gates) {
                    g.classSeen();
                }
            }
        }

        @Override
        public void onError(String typeName, ClassLoader loader, JavaModule module, boolean loaded, Throwable error) {
            AgentLog.warn("could not instrument " + typeName + " for a startup gate: " + error.getClass().getName()
                    + (error.getMessage() == null ? "" : ": " + error.getMessage()));
            List<MethodGate> gates = byClass.get(typeName);
            if (gates != null) {
                for (MethodGate g : gates) {
                    g.failed(error.getClass().getSimpleName());
                }
            }
        }
    }
}
