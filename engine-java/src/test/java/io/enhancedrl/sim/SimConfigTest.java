package io.enhancedrl.sim;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.reflect.RecordComponent;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SimConfigTest {

    @Test
    void defaultsHaveTheDocumentedSizes() {
        SimConfig d = SimConfig.defaults();
        assertEquals(20_000, d.numItems());
        assertEquals(16, d.embeddingDim());
        assertEquals(20, d.numCategories());
        assertEquals(100, d.candidatesPerRequest());
        assertEquals(5, d.listLength());
        assertEquals(0.5, d.sigmaMtl());
        assertEquals(1.0, d.itemHeterogeneity());
        assertEquals(20.0, d.temperInitial());
        assertEquals(50, d.stepCap());
        assertEquals(5, d.tasks());
        assertEquals(24, d.userWidth());
        assertEquals(4, d.contextWidth());
        assertEquals(24, d.itemWidth());
        assertEquals(57, d.stateWidth());
        assertEquals(10, d.actionWidth());
    }

    @Test
    void toStringAndJsonListEveryField() {
        SimConfig d = SimConfig.defaults();
        String text = d.toString();
        String json = d.toJson();
        for (RecordComponent rc : SimConfig.class.getRecordComponents()) {
            assertTrue(text.contains(rc.getName() + "="), "toString lacks " + rc.getName());
            assertTrue(json.contains("\"" + rc.getName() + "\""), "JSON lacks " + rc.getName());
        }
        assertTrue(json.contains("\"affinity\""));
        assertTrue(json.contains("\"likeCategory\""));
    }

    @Test
    void jsonRoundTripThroughAFile(@TempDir Path dir) {
        SimConfig c = SimConfig.defaults().with("sigmaMtl", 0.25).with("validPlay.bias", -1.25).with("slateEffect", false);
        Path f = dir.resolve("sim.json");
        c.save(f);
        SimConfig back = SimConfig.load(f);
        assertEquals(c, back);
        assertNotEquals(SimConfig.defaults(), back);
    }

    @Test
    void missingKeysTakeDefaultsAtEveryLevel() {
        SimConfig c = SimConfig.fromJson("{\"numItems\": 5000, \"like\": {\"bias\": -2.0}}");
        SimConfig d = SimConfig.defaults();
        assertEquals(5000, c.numItems());
        assertEquals(-2.0, c.like().bias());
        assertEquals(d.like().affinity(), c.like().affinity());
        assertEquals(d.candidatesPerRequest(), c.candidatesPerRequest());
        assertEquals(d, SimConfig.fromJson("{}"));
    }

    @Test
    void unknownKeysAreRejectedByName() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SimConfig.fromJson("{\"numItemz\": 5000}"));
        assertTrue(e.getMessage().contains("'numItemz'") && e.getMessage().contains("numItems"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> SimConfig.fromJson("{\"like\": {\"slope\": 1}}"));
        assertTrue(e.getMessage().contains("'like.slope'") && e.getMessage().contains("affinity"), e.getMessage());
    }

    @Test
    void wrongTypesAreRejectedByName() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SimConfig.fromJson("{\"numItems\": 5000.5}"));
        assertTrue(e.getMessage().contains("'numItems'") && e.getMessage().contains("integer"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> SimConfig.fromJson("{\"sigmaMtl\": \"high\"}"));
        assertTrue(e.getMessage().contains("'sigmaMtl'") && e.getMessage().contains("number"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> SimConfig.fromJson("{\"slateEffect\": 1}"));
        assertTrue(e.getMessage().contains("'slateEffect'"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> SimConfig.fromJson("{\"watch\": 3}"));
        assertTrue(e.getMessage().contains("'watch'") && e.getMessage().contains("object"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> SimConfig.fromJson("[1, 2]"));
        assertTrue(e.getMessage().contains("object"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> SimConfig.fromJson("{\"numItems\": "));
        assertTrue(e.getMessage().contains("not valid JSON"), e.getMessage());
    }

    @Test
    void outOfRangeValuesNameTheFieldAndTheRange() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SimConfig.fromJson("{\"sigmaMtl\": -0.5}"));
        assertTrue(e.getMessage().contains("sigmaMtl = -0.5") && e.getMessage().contains("[0.0, 10.0]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> SimConfig.defaults().with("itemHeterogeneity", Double.NaN));
        assertTrue(e.getMessage().contains("itemHeterogeneity"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> SimConfig.defaults().with("listLength", 101));
        assertTrue(e.getMessage().contains("listLength = 101") && e.getMessage().contains("[1, 100]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> SimConfig.defaults().with("biasMin", 0.0));
        assertTrue(e.getMessage().contains("biasMin"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> SimConfig.defaults().with("validPlay.bias", 99.0));
        assertTrue(e.getMessage().contains("bias = 99.0") && e.getMessage().contains("validPlay"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> SimConfig.defaults().with("numItems", 200));
        assertTrue(e.getMessage().contains("numItems / 2"), e.getMessage());
    }

    @Test
    void loadReportsTheFile(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("bad.json");
        Files.writeString(f, "{\"stepCap\": 0}");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SimConfig.load(f));
        assertTrue(e.getMessage().contains("bad.json") && e.getMessage().contains("stepCap = 0"), e.getMessage());
    }
}
