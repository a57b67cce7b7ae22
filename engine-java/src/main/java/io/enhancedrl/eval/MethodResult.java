package io.enhancedrl.eval;

import java.util.List;
import java.util.Map;

/**
 * Everything measured for one method in one experiment: the final online metrics (name -> summary over
 * seeds; names from {@link OnlineMetrics}), the per-round learning curve, and the offline MTF-GAUC on
 * held-out logged data (NaN when the method has no per-item score, e.g. it was not computed).
 */
public record MethodResult(String method, Map<String, MetricSummary> online, List<RoundStats> rounds,
                           double offlineGauc) {
}
