package io.jvmhealth.agent.cli;

/** A failure of a command: the one line the user sees (without prefix) and the exit code. */
final class CliFailure extends Exception {
    private static final long serialVersionUID = 1L;

    final int exitCode;

    CliFailure(int exitCode, String message) {
        super(message, null, false, false);
        this.exitCode = exitCode;
    }
}
