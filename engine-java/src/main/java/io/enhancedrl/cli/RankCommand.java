package io.enhancedrl.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.enhancedrl.api.RankRequest;
import io.enhancedrl.api.RankResult;
import io.enhancedrl.api.Ranker;
import io.enhancedrl.api.RankerOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

@Command(name = "rank", mixinStandardHelpOptions = true,
        description = {"Ranks the candidates of one request with a policy model file and prints the ids in order",
                "with their fused scores and fusion parameters. The request is JSON:",
                "  {\"user\": [..d_u..], \"context\": [..d_c..],",
                "   \"candidates\": [{\"id\": 42, \"item\": [..d_i..], \"mtl\": [..K..]}, ...]}"})
public final class RankCommand implements Callable<Integer> {

    @Option(names = "--model", required = true, description = "Policy model file (from `train`).")
    Path model;

    @Option(names = "--request", required = true, description = "Request JSON file.")
    Path request;

    @Option(names = "--list-length", defaultValue = "5", description = "How many to show (default: ${DEFAULT-VALUE}).")
    int listLength;

    @Override
    public Integer call() throws Exception {
        JsonNode json = new ObjectMapper().readTree(request.toFile());
        JsonNode cands = json.path("candidates");
        if (!cands.isArray() || cands.isEmpty()) {
            throw new IllegalArgumentException("request " + request + ": expected a non-empty array 'candidates'");
        }
        int n = cands.size();
        long[] ids = new long[n];
        float[][] items = new float[n][];
        float[][] mtl = new float[n][];
        for (int j = 0; j < n; j++) {
            ids[j] = cands.get(j).path("id").asLong();
            items[j] = floats(cands.get(j).path("item"), "candidates[" + j + "].item");
            mtl[j] = floats(cands.get(j).path("mtl"), "candidates[" + j + "].mtl");
        }
        Ranker ranker = Ranker.load(model, RankerOptions.defaults().withListLength(listLength)
                .withMaxCandidates(Math.max(n, 1)));
        RankResult r = ranker.rank(RankRequest.of(floats(json.path("user"), "user"),
                floats(json.path("context"), "context"), ids, items, mtl));
        for (int i = 0; i < r.size(); i++) {
            StringBuilder params = new StringBuilder();
            for (int k = 0; k < r.tasks(); k++) {
                params.append(String.format(" (%.3f, %.3f)", r.power(i, k), r.bias(i, k)));
            }
            System.out.printf("%d. id %d  score %.5f  (power, bias) per task:%s%n", i + 1, r.id(i), r.score(i), params);
        }
        return 0;
    }

    private static float[] floats(JsonNode node, String name) {
        if (!node.isArray()) {
            throw new IllegalArgumentException("request: expected '" + name + "' to be an array of numbers");
        }
        float[] a = new float[node.size()];
        for (int i = 0; i < a.length; i++) {
            if (!node.get(i).isNumber()) {
                throw new IllegalArgumentException("request: " + name + "[" + i + "] is not a number: " + node.get(i));
            }
            a[i] = (float) node.get(i).asDouble();
        }
        return a;
    }
}
