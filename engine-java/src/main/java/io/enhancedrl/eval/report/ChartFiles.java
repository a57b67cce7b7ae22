package io.enhancedrl.eval.report;

import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The names of the chart files in a report folder. Kept apart from the drawing code (which needs
 * java.desktop) so that naming, linking and clean-up work on a runtime without AWT too.
 */
final class ChartFiles {
    static final String LEARNING_CURVES = "learning-curves.png";
    static final String COMPARISON = "comparison.png";

    /** Every name this package may write; only files matching it are ever removed as stale. */
    static final Pattern OURS = Pattern.compile("learning-curves\\.png|comparison\\.png|ablation-[a-z0-9-]+\\.png");

    private ChartFiles() {
    }

    /** ablation-&lt;slug&gt;.png for each title, made unique with -2, -3... when slugs collide. */
    static Map<String, String> forAblations(Collection<String> titles) {
        Map<String, String> out = new LinkedHashMap<>();
        Set<String> used = new HashSet<>();
        int i = 0;
        for (String title : titles) {
            i++;
            String base = slug(title);
            if (base.isEmpty()) {
                base = String.valueOf(i);
            }
            String name = base;
            for (int k = 2; !used.add(name); k++) {
                name = base + "-" + k;
            }
            out.put(title, "ablation-" + name + ".png");
        }
        return out;
    }

    /** Lower-case letters and digits joined by single dashes: safe as a file name and a Markdown link. */
    static String slug(String title) {
        String s = title == null ? "" : title.toLowerCase(Locale.ROOT);
        s = s.replaceAll("[^a-z0-9]+", "-").replaceAll("^-+|-+$", "");
        return s.length() > 60 ? s.substring(0, 60).replaceAll("-+$", "") : s;
    }
}
