package io.jvmhealth.agent.instrument;

import net.bytebuddy.asm.Advice;

/**
 * Inlined into each gated method (Byte Buddy copies this bytecode into the target; this class is
 * never loaded by the target's loader). It only calls {@link io.jvmhealth.agent.boot.GateSignal},
 * a bootstrap class every loader sees; {@code suppress} wraps each piece in a catch-all, so the
 * method's behaviour, return value and exceptions are untouched even if that call failed.
 */
public final class GateAdvice {
    private GateAdvice() {
    }

    @Advice.OnMethodEnter(suppress = Throwable.class)
    static void enter(@Advice.Origin("#t.#m") String key, @Advice.This(optional = true) Object self) {
        io.jvmhealth.agent.boot.GateSignal.enter(key, self);
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    static void exit(@Advice.Origin("#t.#m") String key, @Advice.This(optional = true) Object self,
                     @Advice.Thrown Throwable thrown) {
        io.jvmhealth.agent.boot.GateSignal.exit(key, self, thrown);
    }
}
