package io.enhancedrl.cli;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every command's --help renders cleanly: picocli treats descriptions as format strings, so a bare "%" (as in
 * "95% CI") prints a warning on stderr and the raw text instead of the formatted help.
 */
class HelpTextTest {

    @Test
    void everyCommandsHelpRendersWithoutWarnings() {
        CommandLine root = new CommandLine(new Main());
        java.util.List<String> commands = new java.util.ArrayList<>(root.getSubcommands().keySet());
        assertTrue(commands.containsAll(java.util.List.of("demo", "simulate", "train", "evaluate", "rank")), commands.toString());
        commands.add(0, null);
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        for (String c : commands) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            try {
                System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
                System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
                String[] args = c == null ? new String[]{"--help"} : new String[]{c, "--help"};
                assertEquals(0, new CommandLine(new Main()).execute(args), "exit code of --help for " + c);
            } finally {
                System.setOut(oldOut);
                System.setErr(oldErr);
            }
            String help = out.toString(StandardCharsets.UTF_8);
            String warnings = err.toString(StandardCharsets.UTF_8);
            assertFalse(warnings.contains("picocli WARN"), c + ": " + warnings);
            assertTrue(help.startsWith("Usage: erl"), c + ": " + help);
            assertFalse(help.contains("%n"), c + ": unformatted help: " + help);
        }
    }
}
