package io.enhancedrl.kernels;

/**
 * Run in a child JVM by {@link BackendsTest}: prints the name of {@link Backends#select()} on stdout, or
 * the exception's message on stderr and exits with 3. The log lines go to stderr (java.util.logging).
 */
public final class BackendsMain {

    private BackendsMain() {
    }

    public static void main(String[] args) {
        try {
            System.out.println(Backends.select().name());
        } catch (RuntimeException e) {
            System.err.println(e.getClass().getSimpleName() + ": " + e.getMessage());
            System.exit(3);
        }
    }
}
