package io.enhancedrl.cli;

import io.enhancedrl.api.PolicyFile;
import io.enhancedrl.data.LoggedDataset;
import io.enhancedrl.sim.SimConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** simulate --out, train, evaluate and rank chained on files, in process. */
class FileCommandsTest {

    @TempDir
    Path dir;

    private static String run(String... args) {
        PrintStream old = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        Progress.setQuiet(true);
        try {
            System.setOut(new PrintStream(buf, true));
            int code = new CommandLine(new Main()).execute(args);
            assertEquals(0, code, "exit code of " + String.join(" ", args) + "; output:\n" + buf);
        } finally {
            System.setOut(old);
            Progress.setQuiet(false);
        }
        return buf.toString();
    }

    @Test
    void simulateTrainEvaluateRankOnFiles() throws Exception {
        Path data = dir.resolve("logs");
        String sim = run("simulate", "--sessions", "20", "--out", data.toString());
        assertTrue(sim.contains("wrote"), sim);
        assertTrue(LoggedDataset.open(data).countSteps() >= 20);

        Path model = dir.resolve("policy.safetensors");
        String train = run("train", "--data", data.toString(), "--out", model.toString(), "--updates", "20");
        assertTrue(train.contains("critic TD error"), train);
        PolicyFile.Policy p = PolicyFile.load(model);
        assertEquals(SimConfig.defaults().stateWidth(), p.actor().spec().inputWidth());

        String eval = run("evaluate", "--model", model.toString(), "--seeds", "2", "--sessions", "10",
                "--data", data.toString());
        assertTrue(eval.contains("valid consumption / session"), eval);
        assertTrue(eval.contains("offline MTF-GAUC"), eval);

        SimConfig sc = SimConfig.defaults();
        StringBuilder req = new StringBuilder("{\"user\": [");
        for (int i = 0; i < sc.userWidth(); i++) {
            req.append(i == 0 ? "" : ",").append(0.1 * (i % 3));
        }
        req.append("], \"context\": [");
        for (int i = 0; i < sc.contextWidth(); i++) {
            req.append(i == 0 ? "" : ",").append(0.2);
        }
        req.append("], \"candidates\": [");
        for (int j = 0; j < 7; j++) {
            req.append(j == 0 ? "" : ",").append("{\"id\": ").append(100 + j).append(", \"item\": [");
            for (int i = 0; i < sc.itemWidth(); i++) {
                req.append(i == 0 ? "" : ",").append(0.05 * ((i + j) % 5));
            }
            req.append("], \"mtl\": [");
            for (int k = 0; k < sc.tasks(); k++) {
                req.append(k == 0 ? "" : ",").append(0.1 + 0.1 * ((j + k) % 7));
            }
            req.append("]}");
        }
        req.append("]}");
        Path request = dir.resolve("request.json");
        Files.writeString(request, req);
        String rank = run("rank", "--model", model.toString(), "--request", request.toString());
        assertEquals(5, rank.lines().filter(l -> l.matches("\\d\\. id 10\\d .*")).count(), rank);
    }
}
