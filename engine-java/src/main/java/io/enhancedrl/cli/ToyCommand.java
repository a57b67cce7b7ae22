package io.enhancedrl.cli;

import io.enhancedrl.kernels.Backends;
import io.enhancedrl.model.ToyRegression;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.concurrent.Callable;

@Command(name = "toy-regression", mixinStandardHelpOptions = true,
        description = "Fits a small MLP to a synthetic function with Adam and prints the loss curve (checks the training primitives).")
public final class ToyCommand implements Callable<Integer> {

    @Option(names = "--epochs", defaultValue = "2000", description = "Mini-batch steps (default: ${DEFAULT-VALUE}).")
    int epochs;

    @Override
    public Integer call() {
        double[] curve = ToyRegression.train(Backends.select(), epochs, 1);
        for (int e = 0; e < curve.length; e += Math.max(1, curve.length / 20)) {
            System.out.printf("step %5d  mse %.5f%n", e, curve[e]);
        }
        System.out.printf("step %5d  mse %.5f%n", curve.length - 1, curve[curve.length - 1]);
        return 0;
    }
}
