package io.enhancedrl.rl;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RlConfigTest {

    @Test
    void withReplacesOneFieldAndKeepsTheRest() {
        RlConfig d = RlConfig.defaults();
        RlConfig g = d.with("gamma", 0.8);
        assertEquals(0.8, g.gamma());
        assertEquals(d.beta(), g.beta());
        assertEquals(d.criticHidden(), g.criticHidden());
        assertEquals(d.relativePairTargets(), g.relativePairTargets());
        assertEquals(d, g.with("gamma", d.gamma()));
    }

    @Test
    void namedWithersChangeExactlyTheirField() {
        RlConfig d = RlConfig.defaults();
        assertEquals(CriticMode.LIST_SUM, d.withCriticMode(CriticMode.LIST_SUM).criticMode());
        assertEquals(d, d.withCriticMode(CriticMode.LIST_SUM).withCriticMode(d.criticMode()));
        RlConfig b = d.withBudget(2, 30, 40);
        assertEquals(2, b.rounds());
        assertEquals(30, b.sessionsPerRound());
        assertEquals(40, b.updatesPerRound());
        assertEquals(d.gamma(), b.gamma());
        assertFalse(d.withPairNextTopL(false).pairNextTopL());
        assertFalse(d.withRelativePairTargets(false).relativePairTargets());
        assertEquals(3, d.withCriticMembers(3).criticMembers());
    }

    @Test
    void withRefusesUnknownKeysAndBadValuesNamingThem() {
        RlConfig d = RlConfig.defaults();
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class, () -> d.with("gama", 0.9));
        assertTrue(unknown.getMessage().contains("gama"), unknown.getMessage());
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class, () -> d.with("gamma", 1.5));
        assertTrue(bad.getMessage().contains("gamma") && bad.getMessage().contains("1.5"), bad.getMessage());
    }

    @Test
    void saveAndLoadRoundTripAndMissingKeysKeepDefaults(@TempDir Path dir) throws IOException {
        RlConfig c = RlConfig.defaults().with("gamma", 0.7).withCriticMode(CriticMode.LIST_SUM);
        Path f = dir.resolve("rl.json");
        c.save(f);
        assertEquals(c, RlConfig.load(f));
        Path partial = dir.resolve("partial.json");
        Files.writeString(partial, "{\"tau\": 0.01}");
        assertEquals(RlConfig.defaults().with("tau", 0.01), RlConfig.load(partial));
        Path wrong = dir.resolve("wrong.json");
        Files.writeString(wrong, "{\"taux\": 0.01}");
        IOException e = assertThrows(IOException.class, () -> RlConfig.load(wrong));
        assertTrue(e.getMessage().contains(wrong.toString()) && e.getMessage().contains("taux"), e.getMessage());
    }
}
