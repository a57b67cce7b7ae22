package io.enhancedrl.model.io;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * What a model file holds: one or more named networks (e.g. {@code "actor"}, or an ensemble
 * {@code "critic.g0"}) and string properties describing how to use them (the feature layout: user, context
 * and item feature widths, number of MTL tasks, fusion parameter ranges, ...). Properties are opaque to the
 * file format; their keys and value syntax are the caller's.
 *
 * <p>Both maps are copied and keep the given iteration order (the file stores networks in that order).
 */
public record ModelBundle(Map<String, NetworkEntry> networks, Map<String, String> properties) {

    /**
     * Network names: letters, digits, '_', '.', '-', not starting with '.' or '-', at most 128 characters.
     * Tensor names are derived as {@code <name>.layer<i>.weight}, so the name must be safe inside them.
     */
    public static final Pattern NETWORK_NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.\\-]{0,127}");

    public ModelBundle {
        Objects.requireNonNull(networks, "networks");
        Objects.requireNonNull(properties, "properties");
        if (networks.isEmpty()) {
            throw new IllegalArgumentException("networks: expected at least one network but was empty");
        }
        LinkedHashMap<String, NetworkEntry> n = new LinkedHashMap<>();
        for (Map.Entry<String, NetworkEntry> e : networks.entrySet()) {
            String name = e.getKey();
            if (name == null || !NETWORK_NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("networks: name expected to match " + NETWORK_NAME.pattern()
                        + " but was " + (name == null ? "null" : "'" + name + "'"));
            }
            n.put(name, Objects.requireNonNull(e.getValue(), () -> "networks['" + name + "']"));
        }
        LinkedHashMap<String, String> p = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : properties.entrySet()) {
            if (e.getKey() == null || e.getKey().isEmpty() || e.getValue() == null) {
                throw new IllegalArgumentException("properties: expected non-empty keys and non-null values but found "
                        + e.getKey() + " -> " + e.getValue());
            }
            p.put(e.getKey(), e.getValue());
        }
        networks = Collections.unmodifiableMap(n);
        properties = Collections.unmodifiableMap(p);
    }

    /** The network called {@code name}. */
    public NetworkEntry network(String name) {
        NetworkEntry e = networks.get(name);
        if (e == null) {
            throw new IllegalArgumentException("network: expected one of " + networks.keySet() + " but was '" + name + "'");
        }
        return e;
    }
}
