package io.enhancedrl.sim;

import java.util.SplittableRandom;

/**
 * Draws the user of each session. User s of a run is a pure function of (userSeed, s): a favourite
 * category, a hidden unit interest vector near its centre, an activity level, a patience (initial temper),
 * a device and an hour of day, and the observed profile (a noisy projection of the interest plus noisy
 * proxies of activity and patience). The projection matrix belongs to the world (catalogue seed).
 */
final class UserPopulation {

    private final SimConfig cfg;
    private final Catalogue cat;
    private final float[] projection; // [USER_PROJECTION_WIDTH][h]

    UserPopulation(SimConfig cfg, Catalogue cat, long worldSeed) {
        this.cfg = cfg;
        this.cat = cat;
        SplittableRandom rng = Streams.of(worldSeed, Streams.USERS, -1);
        projection = new float[SimConfig.USER_PROJECTION_WIDTH * cat.h];
        for (int i = 0; i < projection.length; i++) {
            projection[i] = (float) rng.nextGaussian();
        }
    }

    /** Starts session sessionId of the user stream userSeed in state s. */
    void begin(SessionState s, long userSeed, long sessionId) {
        int h = cat.h;
        SplittableRandom rng = Streams.of(userSeed, Streams.USERS, sessionId);
        s.clearSessionStatistics();
        s.active = true;
        s.sessionId = sessionId;

        int fav = rng.nextInt(cat.categories);
        double focus = cfg.userCategoryFocus();
        double rest = Math.sqrt(Math.max(0, 1 - focus * focus));
        Catalogue.randomUnit(rng, s.z, 0, h);
        for (int j = 0; j < h; j++) {
            s.z[j] = (float) (focus * cat.centres[fav * h + j] + rest * s.z[j]);
        }
        Catalogue.normalise(s.z, 0, h);

        double activity = cfg.activitySpread() * rng.nextGaussian();
        double logPatience = cfg.patienceSpread() * rng.nextGaussian();
        s.activity = (float) activity;
        s.temper = (float) (cfg.temperInitial() * StrictMath.exp(logPatience));
        s.device = rng.nextBoolean() ? 1 : 0;
        double hourAngle = 2 * Math.PI * rng.nextDouble();
        s.hourCos = (float) StrictMath.cos(hourAngle);
        s.hourSin = (float) StrictMath.sin(hourAngle);

        double noise = cfg.userFeatureNoise();
        for (int r = 0; r < SimConfig.USER_PROJECTION_WIDTH; r++) {
            float v = Catalogue.dot(projection, r * h, s.z, 0, h);
            s.profile[r] = (float) (v + noise * rng.nextGaussian());
        }
        s.profile[SimConfig.USER_PROJECTION_WIDTH] = (float) (activity + noise * rng.nextGaussian());
        s.profile[SimConfig.USER_PROJECTION_WIDTH + 1] = (float) (logPatience + noise * rng.nextGaussian());

        s.candidateRng = Streams.of(userSeed, Streams.CANDIDATES, sessionId);
        s.mtlRng = Streams.of(userSeed, Streams.MTL, sessionId);
        s.responseRng = Streams.of(userSeed, Streams.RESPONSES, sessionId);
        s.leaveRng = Streams.of(userSeed, Streams.LEAVING, sessionId);
    }
}
