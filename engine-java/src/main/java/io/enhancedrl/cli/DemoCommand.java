package io.enhancedrl.cli;

import io.enhancedrl.eval.ExperimentResult;
import io.enhancedrl.eval.MethodResult;
import io.enhancedrl.eval.OnlineMetrics;
import io.enhancedrl.eval.report.CiComparison;
import io.enhancedrl.eval.report.ReportWriter;
import io.enhancedrl.kernels.Backends;
import io.enhancedrl.kernels.KernelOps;
import io.enhancedrl.rl.RlConfig;
import io.enhancedrl.sim.SimConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.ZonedDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Runs the whole experiment on the built-in simulator: every method (fixed fusion, CEM-tuned",
                "global fusion, user-level RL, EnhancedRL) trained over the progressive rounds and evaluated online",
                "on fresh users (mean ± 95%% CI over evaluation seeds), then the itemHeterogeneity = 0 ablation.",
                "Prints the comparison table and writes report.md into --out."})
public final class DemoCommand implements Callable<Integer> {

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--quick", description = "Small budget (about 3 minutes on 2 cores); a smoke test, not a quality test.")
    boolean quick;

    @Option(names = "--out", description = "Report folder (default: ${DEFAULT-VALUE}).", defaultValue = "reports/demo")
    Path out;

    @Option(names = "--seed", description = "World and training seed (default: ${DEFAULT-VALUE}).", defaultValue = "17")
    long seed;

    @Option(names = "--sim-config", description = "Simulator config JSON (missing keys take defaults).")
    Path simConfigFile;

    @Option(names = "--rl-config", description = "RL config JSON (missing keys take defaults).")
    Path rlConfigFile;

    @Option(names = "--no-ablation", description = "Skip the itemHeterogeneity = 0 ablation.")
    boolean noAblation;

    @Option(names = "--methods", split = ",", defaultValue = "fixed,cem,user,enhanced",
            description = "Methods to run, from fixed, cem, user, enhanced, enhanced-absolute, enhanced-gradient"
                    + " (default: ${DEFAULT-VALUE}).")
    java.util.Set<String> methods;

    @Option(names = "--train-seeds", defaultValue = "1",
            description = "Train each RL method with this many seeds; the CI is then over training seeds (default: ${DEFAULT-VALUE}).")
    int trainSeeds;

    @Option(names = "--rounds", description = "Override the profile's progressive rounds.")
    Integer rounds;

    @Option(names = "--sessions-per-round", description = "Override the profile's sessions collected per round.")
    Integer sessionsPerRound;

    @Option(names = "--updates-per-round", description = "Override the profile's gradient steps per round.")
    Integer updatesPerRound;

    @Option(names = "--eval-sessions", description = "Override the profile's sessions per evaluation seed.")
    Integer evalSessions;

    @Option(names = "--variants", negatable = true, description = "Also train the EnhancedRL variants: the spec's"
            + " absolute pair targets, the spec's critic-gradient actor and the paper's list-sum critic (default: off;"
            + " each adds about the time of one EnhancedRL training, 3-4 minutes on 2 cores).")
    Boolean variants;

    @Override
    public Integer call() throws Exception {
        for (String m : methods) {
            if (!DemoExperiment.METHODS.contains(m)) {
                throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--methods: expected names from "
                        + DemoExperiment.METHODS + " but got '" + m + "'");
            }
        }
        KernelOps ops = Backends.select();
        SimConfig sim = simConfigFile == null ? SimConfig.defaults() : SimConfig.load(simConfigFile);
        RlConfig rl = rlConfigFile == null ? RlConfig.defaults() : RlConfig.load(rlConfigFile);
        DemoExperiment.Profile p = quick ? DemoExperiment.Profile.quick() : DemoExperiment.Profile.full();
        DemoExperiment.Profile profile = new DemoExperiment.Profile(p.name(),
                rounds != null ? rounds : p.rounds(),
                sessionsPerRound != null ? sessionsPerRound : p.sessionsPerRound(),
                updatesPerRound != null ? updatesPerRound : p.updatesPerRound(), p.evalSeeds(),
                evalSessions != null ? evalSessions : p.evalSessions(), p.cemIterations(), p.cemPopulation(),
                p.cemSessions(), p.collectBatch(), p.heldOutSessions());
        DemoExperiment exp = new DemoExperiment(sim, rl, profile, ops, seed, System.out);
        exp.setTrainSeeds(trainSeeds);
        System.out.printf("EnhancedRL demo, profile %s, backend %s, seed %d%n", profile.name(), ops.name(), seed);
        long t0 = System.nanoTime();
        List<MethodResult> main = exp.run(sim, "itemHeterogeneity=" + sim.itemHeterogeneity(),
                variants != null && variants, methods);
        String mainTable = DemoExperiment.table(main);
        System.out.println();
        System.out.println("Comparison (online, fresh users; mean ± 95% CI over " + profile.evalSeeds() + " evaluation seeds):");
        System.out.println(mainTable);
        System.out.println(CiComparison.sentence(main, OnlineMetrics.VALID_CONSUMPTION));
        System.out.println("Paired differences (same evaluation users) with 95% CI above 0: "
                + DemoExperiment.pairedSeparations(main));
        List<MethodResult> ablation = List.of();
        SimConfig flat = null;
        if (!noAblation) {
            flat = sim.with("itemHeterogeneity", 0.0);
            ablation = exp.run(flat, "itemHeterogeneity=0", false, methods);
            System.out.println();
            System.out.println("Ablation itemHeterogeneity = 0:");
            System.out.println(DemoExperiment.table(ablation));
            System.out.println(CiComparison.sentence(ablation, OnlineMetrics.VALID_CONSUMPTION));
            System.out.println("Paired differences (same evaluation users) with 95% CI above 0: "
                    + DemoExperiment.pairedSeparations(ablation));
        }
        String elapsed = DemoExperiment.elapsed(t0);
        java.util.Map<String, String> settings = new java.util.LinkedHashMap<>();
        settings.put("profile", profile.toString());
        settings.put("kernel backend", ops.name());
        settings.put("seed", Long.toString(seed));
        settings.put("wall time", elapsed);
        settings.put("RL config", exp.rlConfig().toJson().replace("\n", " "));
        settings.put("simulator config", sim.toJson().replace("\n", " "));
        java.util.Map<String, List<MethodResult>> ablations = new java.util.LinkedHashMap<>();
        if (flat != null) {
            ablations.put("itemHeterogeneity = 0", ablation);
        }
        String command = "ci/erl " + String.join(" ", spec.commandLine().getParseResult().originalArgs());
        ExperimentResult result = new ExperimentResult("EnhancedRL demo (itemHeterogeneity = " + sim.itemHeterogeneity() + ")",
                command,
                Runtime.getRuntime().availableProcessors() + " cores, " + System.getProperty("os.arch") + ", Java "
                        + Runtime.version(),
                ZonedDateTime.now(ZoneOffset.UTC).toString(), settings, main, ablations,
                List.of("Paired differences in valid consumption (same evaluation users, 95% CI above 0): "
                                + DemoExperiment.pairedSeparations(main)
                                + (flat == null ? "" : "; ablation: " + DemoExperiment.pairedSeparations(ablation)),
                        "Online metrics: the deployed policy without exploration on fresh users; 95% CI over "
                                + profile.evalSeeds() + " evaluation seeds (independent user populations, "
                                + profile.evalSessions() + " sessions each), all methods on the same seeds.",
                        "Offline MTF-GAUC: on " + profile.heldOutSessions() + " held-out sessions logged by the production "
                                + "fusion under box exploration (users no method trained on); per session, the AUC of "
                                + "the policy's fused score against valid play, positives weighted by instant reward."));
        var written = ReportWriter.write(out, result);
        System.out.println("report: " + out.resolve("report.md") + "  (total " + elapsed + ")"
                + (written.chartProblem() == null ? "" : "; charts not drawn: " + written.chartProblem()));
        return 0;
    }
}
