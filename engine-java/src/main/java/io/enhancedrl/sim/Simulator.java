package io.enhancedrl.sim;

import io.enhancedrl.kernels.KernelOps;
import io.enhancedrl.kernels.cpu.ScalarKernelOps;
import io.enhancedrl.model.fusion.FusionSpace;

/**
 * The session simulator (docs/simulator.md): a world (catalogue, user projection) built once from a seed,
 * from which any number of independent {@link SimulationRun}s are started. Immutable and thread-safe after
 * construction; each run is single-threaded, and several runs may proceed in parallel threads.
 */
public final class Simulator {

    private final SimConfig cfg;
    private final long seed;
    private final KernelOps ops;
    private final Catalogue catalogue;
    private final UserPopulation users;
    private final FusionSpace space;

    /** A simulator that ranks with the scalar reference kernels. */
    public Simulator(SimConfig cfg, long seed) {
        this(cfg, seed, ScalarKernelOps.INSTANCE);
    }

    /**
     * @param cfg the configuration
     * @param seed the world seed (catalogue and user projection)
     * @param ops the kernels used for fusion scoring and top-l selection
     */
    public Simulator(SimConfig cfg, long seed, KernelOps ops) {
        if (cfg == null) {
            throw new IllegalArgumentException("Simulator: cfg must not be null");
        }
        if (ops == null) {
            throw new IllegalArgumentException("Simulator: ops must not be null");
        }
        this.cfg = cfg;
        this.seed = seed;
        this.ops = ops;
        this.catalogue = new Catalogue(cfg, seed);
        this.users = new UserPopulation(cfg, catalogue, seed);
        this.space = cfg.fusionSpace();
    }

    public SimConfig config() {
        return cfg;
    }

    public long seed() {
        return seed;
    }

    public KernelOps ops() {
        return ops;
    }

    /** The fusion space the actions map into (from the config's power and bias bounds). */
    public FusionSpace fusionSpace() {
        return space;
    }

    /**
     * Starts a run of {@code totalSessions} sessions, at most {@code batchSize} at a time. Session s is user
     * s of the stream {@code userSeed}; its trajectory depends only on (world seed, userSeed, s) and the
     * actions taken for it.
     */
    public SimulationRun start(int batchSize, int totalSessions, long userSeed) {
        return start(batchSize, 0, totalSessions, userSeed);
    }

    /**
     * Starts a run of the sessions {@code firstSession .. firstSession + sessions - 1} of the user stream
     * {@code userSeed}, at most {@code batchSize} at a time. Because a session's trajectory depends only on
     * (world seed, userSeed, session id) and its actions, disjoint ranges run anywhere (threads, Spark
     * partitions) together give exactly the sessions of one run over their union.
     */
    public SimulationRun start(int batchSize, long firstSession, int sessions, long userSeed) {
        if (firstSession < 0) {
            throw new IllegalArgumentException("start: firstSession expected >= 0 but was " + firstSession);
        }
        if (sessions < 0) {
            throw new IllegalArgumentException("start: sessions expected >= 0 but was " + sessions);
        }
        if (firstSession > Long.MAX_VALUE - sessions) {
            throw new IllegalArgumentException("start: firstSession + sessions overflows (firstSession " + firstSession
                    + ", sessions " + sessions + ")");
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("start: batchSize expected >= 1 but was " + batchSize);
        }
        long cap = (long) batchSize * cfg.candidatesPerRequest() * cfg.actionWidth();
        if (cap > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("start: batchSize " + batchSize + " * candidatesPerRequest "
                    + cfg.candidatesPerRequest() + " * 2K is too large for one array (" + cap + ")");
        }
        return new SimulationRun(this, catalogue, users, batchSize, firstSession, sessions, userSeed);
    }
}
