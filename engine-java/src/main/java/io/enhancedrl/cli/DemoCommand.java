package io.enhancedrl.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.enhancedrl.eval.MethodResult;
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
                "on fresh users (mean ± 95% CI over evaluation seeds), then the itemHeterogeneity = 0 ablation.",
                "Prints the comparison table and writes report.md into --out."})
public final class DemoCommand implements Callable<Integer> {

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

    @Option(names = "--rounds", description = "Override the profile's progressive rounds.")
    Integer rounds;

    @Option(names = "--sessions-per-round", description = "Override the profile's sessions collected per round.")
    Integer sessionsPerRound;

    @Option(names = "--updates-per-round", description = "Override the profile's gradient steps per round.")
    Integer updatesPerRound;

    @Option(names = "--eval-sessions", description = "Override the profile's sessions per evaluation seed.")
    Integer evalSessions;

    @Option(names = "--variants", negatable = true, description = "Also train the list-sum critic variant (default: on in the full profile).")
    Boolean variants;

    @Override
    public Integer call() throws Exception {
        KernelOps ops = Backends.select();
        SimConfig sim = simConfigFile == null ? SimConfig.defaults() : SimConfig.load(simConfigFile);
        RlConfig rl = rlConfigFile == null ? RlConfig.defaults() : RlConfig.load(rlConfigFile);
        DemoExperiment.Profile p = quick ? DemoExperiment.Profile.quick() : DemoExperiment.Profile.full();
        DemoExperiment.Profile profile = new DemoExperiment.Profile(p.name(),
                rounds != null ? rounds : p.rounds(),
                sessionsPerRound != null ? sessionsPerRound : p.sessionsPerRound(),
                updatesPerRound != null ? updatesPerRound : p.updatesPerRound(), p.evalSeeds(),
                evalSessions != null ? evalSessions : p.evalSessions(), p.cemIterations(), p.cemPopulation(),
                p.cemSessions(), p.collectBatch());
        DemoExperiment exp = new DemoExperiment(sim, rl, profile, ops, seed, System.out);
        System.out.printf("EnhancedRL demo, profile %s, backend %s, seed %d%n", profile.name(), ops.name(), seed);
        long t0 = System.nanoTime();
        List<MethodResult> main = exp.run(sim, "itemHeterogeneity=" + sim.itemHeterogeneity(),
                variants != null ? variants : !quick);
        String mainTable = DemoExperiment.table(main);
        System.out.println();
        System.out.println("Comparison (online, fresh users; mean ± 95% CI over " + profile.evalSeeds() + " evaluation seeds):");
        System.out.println(mainTable);
        System.out.println("Non-overlapping 95% CIs on valid consumption: " + DemoExperiment.separations(main));
        List<MethodResult> ablation = List.of();
        SimConfig flat = null;
        if (!noAblation) {
            flat = withItemHeterogeneity(sim, 0.0);
            ablation = exp.run(flat, "itemHeterogeneity=0", false);
            System.out.println();
            System.out.println("Ablation itemHeterogeneity = 0:");
            System.out.println(DemoExperiment.table(ablation));
            System.out.println("Non-overlapping 95% CIs on valid consumption: " + DemoExperiment.separations(ablation));
        }
        String elapsed = DemoExperiment.elapsed(t0);
        StringBuilder md = new StringBuilder();
        md.append("# EnhancedRL demo report\n\n");
        md.append("- command: `ci/erl demo").append(quick ? " --quick" : "").append(" --seed ").append(seed).append("`\n");
        md.append("- date: ").append(ZonedDateTime.now(ZoneOffset.UTC)).append('\n');
        md.append("- machine: ").append(Runtime.getRuntime().availableProcessors()).append(" cores, ")
                .append(System.getProperty("os.arch")).append(", Java ").append(Runtime.version()).append('\n');
        md.append("- backend: ").append(ops.name()).append(", profile: ").append(profile).append('\n');
        md.append("- wall time: ").append(elapsed).append("\n\n");
        md.append("## Comparison (itemHeterogeneity = ").append(sim.itemHeterogeneity()).append(")\n\n").append(mainTable);
        md.append("\nNon-overlapping 95% CIs on valid consumption: ").append(DemoExperiment.separations(main)).append("\n\n");
        appendRounds(md, main);
        if (flat != null) {
            md.append("## Ablation: itemHeterogeneity = 0\n\n").append(DemoExperiment.table(ablation));
            md.append("\nNon-overlapping 95% CIs on valid consumption: ").append(DemoExperiment.separations(ablation))
                    .append("\n\n");
            appendRounds(md, ablation);
        }
        md.append("## RL configuration\n\n```json\n").append(exp.rlConfig().toJson()).append("\n```\n\n");
        md.append("## Simulator configuration\n\n```json\n").append(sim.toJson()).append("\n```\n");
        Files.createDirectories(out);
        Path tmp = Files.createTempFile(out, ".report", ".tmp");
        Files.writeString(tmp, md, StandardCharsets.UTF_8);
        Files.move(tmp, out.resolve("report.md"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        System.out.println("report: " + out.resolve("report.md") + "  (total " + elapsed + ")");
        return 0;
    }

    private static void appendRounds(StringBuilder md, List<MethodResult> results) {
        md.append("Learning curves (online valid consumption per session after each round):\n\n");
        md.append("| method | round | valid consumption | critic TD error | actor loss | logged steps |\n|---|---|---|---|---|---|\n");
        for (MethodResult r : results) {
            for (var s : r.rounds()) {
                md.append(String.format("| %s | %d | %.3f ± %.3f | %.4f | %.4f | %d |%n", r.method(), s.round(),
                        s.validConsumption(), s.validConsumptionCi(), s.criticTdError(), s.actorLoss(), s.loggedSteps()));
            }
        }
        md.append('\n');
    }

    static SimConfig withItemHeterogeneity(SimConfig cfg, double value) {
        try {
            ObjectMapper json = new ObjectMapper();
            ObjectNode node = (ObjectNode) json.readTree(cfg.toJson());
            node.put("itemHeterogeneity", value);
            return SimConfig.fromJson(node.toString());
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
