package io.jvmhealth.agent.rules;

/**
 * What was read from one matching MBean: the value (a number, text or boolean; a ratio when the
 * part divides), or why there is none. Immutable.
 */
final class Reading {
    final String mbean;
    final Object value;
    /** Non-null when the read failed (the getter threw, no such attribute or key): the match is unhealthy. */
    final String error;
    /** True when the divisor was 0: the ratio has no value and the match is not judged. */
    final boolean divideByZero;

    private Reading(String mbean, Object value, String error, boolean divideByZero) {
        this.mbean = mbean;
        this.value = value;
        this.error = error;
        this.divideByZero = divideByZero;
    }

    static Reading value(String mbean, Object value) {
        return new Reading(mbean, value, null, false);
    }

    static Reading failed(String mbean, String error) {
        return new Reading(mbean, null, error, false);
    }

    static Reading divideByZero(String mbean) {
        return new Reading(mbean, null, null, true);
    }
}
