package io.enhancedrl.cli;

import io.enhancedrl.kernels.Backends;
import io.enhancedrl.model.TrainToyRegression;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.concurrent.Callable;

@Command(name = "toy-regression", mixinStandardHelpOptions = true,
        description = "Fits a small MLP to a synthetic function with Adam and prints the loss curve (checks the training primitives).")
public final class ToyCommand implements Callable<Integer> {

    @Option(names = "--epochs", defaultValue = "200", description = "Epochs (default: ${DEFAULT-VALUE}).")
    int epochs;

    @Override
    public Integer call() {
        TrainToyRegression.run(Backends.select(), epochs, 1, Math.max(1, epochs / 20), System.out);
        return 0;
    }
}
