import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/** Medians of rounds and their bootstrap interval; shared by FirstAnswer and SpringWindow (compiled with them). */
final class Medians {
    private Medians() {
    }

    /** The median of {@code values}; 0 for none. */
    static double medianOf(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int n = sorted.size();
        return n == 0 ? 0 : n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    /** The central {@code percent} % interval of the median over {@code resamples} bootstrap resamples (seed fixed). */
    static double[] bootstrapMedian(List<Double> values, int resamples, int percent) {
        Random random = new Random(20261202L);
        double[] medians = new double[resamples];
        List<Double> sample = new ArrayList<>(values.size());
        for (int i = 0; i < resamples; i++) {
            sample.clear();
            for (int j = 0; j < values.size(); j++) {
                sample.add(values.get(random.nextInt(values.size())));
            }
            medians[i] = medianOf(sample);
        }
        java.util.Arrays.sort(medians);
        int tail = resamples * (100 - percent) / 200;
        return new double[] {medians[tail], medians[resamples - 1 - tail]};
    }
}
