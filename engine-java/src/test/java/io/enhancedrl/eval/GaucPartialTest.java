package io.enhancedrl.eval;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class GaucPartialTest {

    @Test
    void mergingInAnyOrderGivesTheSameBitsAsTheAccumulator() {
        Random rnd = new Random(4);
        GaucAccumulator acc = new GaucAccumulator();
        List<GaucPartial> users = new ArrayList<>();
        for (int u = 0; u < 300; u++) {
            GaucAccumulator one = new GaucAccumulator();
            int n = 1 + rnd.nextInt(40);
            for (int i = 0; i < n; i++) {
                float score = rnd.nextFloat();
                boolean label = rnd.nextInt(3) == 0;
                float reward = rnd.nextFloat() * 5;
                acc.add(score, label, reward);
                one.add(score, label, reward);
            }
            acc.endUser();
            one.endUser();
            users.add(one.partial());
        }
        Collections.shuffle(users, new Random(9));
        GaucPartial merged = GaucPartial.EMPTY;
        for (GaucPartial p : users) {
            merged = merged.merge(p);
        }
        assertEquals(Double.doubleToLongBits(acc.gauc()), Double.doubleToLongBits(merged.gauc()));
        assertEquals(acc.users(), merged.users());
        assertEquals(acc.skippedUsers(), merged.skippedUsers());
        assertEquals(300, merged.users() + merged.skippedUsers());
    }

    @Test
    void oneClassUsersAreSkippedAndNoUsersIsNaN() {
        assertEquals(1, GaucPartial.ofUser(Double.NaN, 4).skippedUsers());
        assertEquals(Double.NaN, GaucPartial.EMPTY.gauc());
        assertEquals(0.75, GaucPartial.ofUser(0.5, 1).merge(GaucPartial.ofUser(1.0, 1)).gauc());
        assertThrows(IllegalArgumentException.class, () -> new GaucPartial(null, 0, 0, 0));
    }
}
