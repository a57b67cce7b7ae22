package io.enhancedrl.cli;

import io.enhancedrl.api.PolicyFile;
import io.enhancedrl.data.LoggedDataset;
import io.enhancedrl.data.LoggedStep;
import io.enhancedrl.eval.MetricSummary;
import io.enhancedrl.eval.OfflineGauc;
import io.enhancedrl.eval.OfflineMetrics;
import io.enhancedrl.eval.OnlineEvaluator;
import io.enhancedrl.kernels.Backends;
import io.enhancedrl.kernels.KernelOps;
import io.enhancedrl.rl.PairActorPolicy;
import io.enhancedrl.rl.PolicyActions;
import io.enhancedrl.sim.SimConfig;
import io.enhancedrl.sim.Simulator;
import io.enhancedrl.sim.Tasks;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "evaluate", mixinStandardHelpOptions = true,
        description = {"Evaluates a policy model file online in the simulator on fresh users (mean ± 95%% CI over",
                "seeds) and, with --data, offline (MTF-GAUC on held-out logged data)."})
public final class EvaluateCommand implements Callable<Integer> {

    @Option(names = "--model", required = true, description = "Policy model file (from `train`).")
    Path model;

    @Option(names = "--data", description = "Held-out logged data for the offline MTF-GAUC.")
    Path data;

    @Option(names = "--seeds", defaultValue = "5", description = "Evaluation seeds (default: ${DEFAULT-VALUE}).")
    int seeds;

    @Option(names = "--sessions", defaultValue = "1000", description = "Sessions per seed (default: ${DEFAULT-VALUE}).")
    int sessions;

    @Option(names = "--world-seed", defaultValue = "17", description = "Simulator world seed (default: ${DEFAULT-VALUE}).")
    long worldSeed;

    @Option(names = "--sim-config", description = "Simulator config JSON.")
    Path simConfig;

    @Override
    public Integer call() throws Exception {
        KernelOps ops = Backends.select();
        PolicyFile.Policy policy = PolicyFile.load(model);
        SimConfig sc = simConfig == null ? SimConfig.defaults() : SimConfig.load(simConfig);
        Simulator sim = new Simulator(sc, worldSeed, ops);
        if (policy.actor().spec().inputWidth() != sc.stateWidth()) {
            throw new IllegalArgumentException("model " + model + ": actor input width " + policy.actor().spec().inputWidth()
                    + " does not match the simulator's state width " + sc.stateWidth());
        }
        OnlineEvaluator eval = new OnlineEvaluator(seeds, sessions, 256);
        Map<String, MetricSummary> online = eval.evaluate(sim,
                () -> new PairActorPolicy(policy.actor(), ops, 256 * sc.candidatesPerRequest()));
        online.forEach((k, v) -> System.out.printf("%-28s %s%n", k, v));
        if (data != null) {
            LoggedDataset ds = LoggedDataset.open(data);
            OfflineGauc gauc = new OfflineGauc(ds.layout().itemWidth(), ds.layout().tasks(), Tasks.VALID_PLAY);
            int nb = ds.layout().behaviours();
            ds.forEach((LoggedStep s) -> gauc.add(s, nb));
            OfflineMetrics m = gauc.metrics(PolicyActions.pairActor(policy.actor(), ops, ds.layout().listLength()),
                    policy.fusion(), ops);
            System.out.printf("%-28s %.4f (%d logged steps)%n", "offline MTF-GAUC", m.gauc(), gauc.size());
            System.out.println("offline metrics: " + m);
        }
        return 0;
    }
}
