package io.enhancedrl.eval;

import java.util.List;
import java.util.Map;

/**
 * A whole experiment as the report shows it: how it was run (command, machine, date, settings), the
 * methods compared in the main configuration, and the same comparison in ablations (e.g. the
 * itemHeterogeneity = 0 simulator), keyed by a title.
 */
public record ExperimentResult(String title, String command, String machine, String date,
                               Map<String, String> settings, List<MethodResult> methods,
                               Map<String, List<MethodResult>> ablations, List<String> notes) {
}
