package io.enhancedrl.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The command-line entry point: `ci/erl --help` lists the commands. */
@Command(name = "erl", mixinStandardHelpOptions = true, version = "EnhancedRL engine 0.1.0",
        description = "EnhancedRL: reinforcement-learning-based multi-task fusion for recommender systems.%n"
                + "Start with `demo --quick` (about 3 minutes) or `demo` (the full experiment).",
        subcommands = {DemoCommand.class, SimulateCommand.class, TrainCommand.class, EvaluateCommand.class,
                RankCommand.class, ToyCommand.class})
public final class Main implements Runnable {

    @Override
    public void run() {
        CommandLine.usage(this, System.out);
    }

    public static void main(String[] args) {
        int code = new CommandLine(new Main()).execute(args);
        System.exit(code);
    }
}
