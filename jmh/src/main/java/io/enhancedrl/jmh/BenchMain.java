package io.enhancedrl.jmh;

import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.CommandLineOptionException;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;

/**
 * The benchmark jar's entry point: JMH's own command line, plus the engine's JVM flags appended to every
 * fork. The flags are read from the class-path resource {@code io/enhancedrl/jvm-flags.txt} (filtered from
 * the parent pom's {@code erl.jvm.flags}), so they are declared once for tests, the CLI and benchmarks.
 * After the run it prints a table with GFLOP/s and the vector/scalar ratio (see {@link Summary}).
 *
 * <pre>
 * java -jar jmh/target/benchmarks.jar ActorForward -f 1 -wi 3 -i 5 -w 1s -r 1s -t 1
 * </pre>
 */
public final class BenchMain {

    static final String FLAGS_RESOURCE = "/io/enhancedrl/jvm-flags.txt";

    private BenchMain() {
    }

    public static void main(String[] args) throws IOException, RunnerException {
        CommandLineOptions cmd;
        try {
            cmd = new CommandLineOptions(args);
        } catch (CommandLineOptionException e) {
            System.err.println("error parsing the command line: " + e.getMessage());
            System.exit(1);
            return;
        }
        if (cmd.shouldHelp() || cmd.shouldList() || cmd.shouldListWithParams() || cmd.shouldListProfilers()
                || cmd.shouldListResultFormats()) {
            org.openjdk.jmh.Main.main(args); // nothing runs, the flags do not matter
            return;
        }
        List<String> append = new ArrayList<>(engineJvmFlags());
        if (cmd.getJvmArgsAppend().hasValue()) { // JMH's own Optional
            append.addAll(cmd.getJvmArgsAppend().get());
        }
        if (cmd.getForkCount().orElse(1) == 0 && ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
            System.err.println("warning: -f 0 runs in this JVM, which lacks the engine's flags; start it with "
                    + String.join(" ", engineJvmFlags()) + " or the vector benchmarks will fail their setup");
        }
        Options opts = new OptionsBuilder().parent(cmd).jvmArgsAppend(append.toArray(String[]::new)).build();
        Collection<RunResult> results = new Runner(opts).run();
        System.out.println();
        System.out.println(Summary.markdown(results));
    }

    /** The flags of the parent pom, as filtered into engine-java's resources. */
    static List<String> engineJvmFlags() throws IOException {
        try (InputStream in = BenchMain.class.getResourceAsStream(FLAGS_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("resource " + FLAGS_RESOURCE + " is missing from the class path; "
                        + "build the jar with: mvn -B -q -ntp -pl jmh -am package -DskipTests");
            }
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
            if (text.contains("${")) {
                throw new IllegalStateException("resource " + FLAGS_RESOURCE + " was not filtered by Maven (it reads '"
                        + text + "'); rebuild with maven");
            }
            return text.isEmpty() ? List.of() : Arrays.asList(text.split("\\s+"));
        }
    }
}
