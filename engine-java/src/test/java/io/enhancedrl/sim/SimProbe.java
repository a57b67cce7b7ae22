package io.enhancedrl.sim;

import java.util.List;

/** Manual probe (not a test): prints metrics under several policies and the simulator's throughput. */
public final class SimProbe {

    public static void main(String[] args) {
        SimConfig cfg = SimConfig.defaults();
        int sessions = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
        boolean throughput = true;
        for (int i = 1; i < args.length; i++) {
            if (args[i].equals("only")) {
                continue;
            }
            if (args[i].equals("nothroughput")) {
                throughput = false;
                continue;
            }
            String[] kv = args[i].split("=");
            Object v = kv[1].equals("true") || kv[1].equals("false") ? (Object) Boolean.parseBoolean(kv[1])
                    : kv[1].contains(".") ? (Object) Double.parseDouble(kv[1]) : (Object) Integer.parseInt(kv[1]);
            cfg = cfg.with(kv[0], v);
        }
        Simulator sim = new Simulator(cfg, 1L);
        System.out.println("d_u=" + cfg.userWidth() + " d_c=" + cfg.contextWidth() + " d_i=" + cfg.itemWidth()
                + " K=" + cfg.tasks() + " d=" + cfg.stateWidth());
        if (throughput && args.length > 1 && args[args.length - 1].equals("only")) {
            throughput(sim, sessions);
            return;
        }
        report("fixed", sim, sessions, new FixedFusionPolicy(FixedFusionPolicy.production(sim.fusionSpace()).action()), null);
        report("random", sim, sessions, new RandomFusionPolicy(5), null);
        report("vp-only", sim, sessions, FixedFusionPolicy.of(sim.fusionSpace(), new double[]{2, 0, 0, 0, 0},
                new double[]{0.01, 0.01, 0.01, 0.01, 0.01}), null);
        report("oracle", sim, sessions, null, "oracle");
        if (throughput) {
            throughput(sim, sessions);
        }
    }

    static void throughput(Simulator sim, int sessions) {
        // throughput with a trivial policy
        FusionPolicy trivial = (o, a) -> java.util.Arrays.fill(a, 0, o.totalCandidates() * o.actionWidth(), 0f);
        for (int rep = 0; rep < 3; rep++) {
            SimulationRun run = sim.start(256, sessions * 2, 99 + rep);
            java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
            long c0 = mx.getCurrentThreadCpuTime();
            long t0 = System.nanoTime();
            run.runToEnd(trivial);
            double sec = (System.nanoTime() - t0) / 1e9;
            double cpu = (mx.getCurrentThreadCpuTime() - c0) / 1e9;
            System.out.printf("throughput: %d candidates, wall %.2fs = %.2f M/s, thread CPU %.2fs = %.2f M/s per core (%d steps)%n",
                    run.candidatesScored(), sec, run.candidatesScored() / sec / 1e6, cpu,
                    run.candidatesScored() / cpu / 1e6, run.stepsTaken());
        }
    }

    static void report(String name, Simulator sim, int sessions, FusionPolicy p, String special) {
        SimulationRun run = sim.start(128, sessions, 7);
        FusionPolicy pol = special != null ? new OraclePolicy(run) : p;
        long vp = 0, shown = 0, likes = 0, shares = 0, follows = 0;
        double watch = 0, reward = 0, g0 = 0;
        while (!run.finished()) {
            StepResult r = run.step(pol);
            for (int row = 0; row < r.rows(); row++) {
                for (int k = 0; k < r.listLength(); k++) {
                    shown++;
                    vp += (long) r.behaviour(row, k, Tasks.VALID_PLAY);
                    watch += r.behaviour(row, k, Tasks.WATCH);
                    likes += (long) r.behaviour(row, k, Tasks.LIKE);
                    shares += (long) r.behaviour(row, k, Tasks.SHARE);
                    follows += (long) r.behaviour(row, k, Tasks.FOLLOW);
                    g0 += r.reward(row, k, 0);
                    reward += r.reward(row, k, 0) + r.reward(row, k, 1);
                }
            }
        }
        List<SessionOutcome> out = run.outcomes();
        System.out.printf("%-8s vpRate=%.3f watch/item=%.1fs like=%.4f share=%.4f follow=%.4f reward/item=%.3f (watch %.3f)%n   %s%n",
                name, vp / (double) shown, watch / shown, likes / (double) shown, shares / (double) shown,
                follows / (double) shown, reward / shown, g0 / shown, OutcomeSummary.of(out));
    }
}
