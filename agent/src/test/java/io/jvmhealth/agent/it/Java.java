package io.jvmhealth.agent.it;

import io.jvmhealth.agent.testing.Jdks;
import org.junit.jupiter.params.provider.Arguments;

import java.nio.file.Path;
import java.util.stream.Stream;

/** The JDKs core scenarios run on: the tests' own (17) and JDK 25 where installed. */
enum Java {
    JDK17, JDK25;

    /** The launcher, or a visible skip when JDK 25 is absent. */
    Path launcher() {
        return this == JDK17 ? Jdks.current() : Jdks.requireJava25();
    }

    static Stream<Arguments> both() {
        return Stream.of(Arguments.of(JDK17), Arguments.of(JDK25));
    }
}
