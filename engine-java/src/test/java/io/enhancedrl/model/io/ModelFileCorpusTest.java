package io.enhancedrl.model.io;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The broken-file corpus: every case of {@link BrokenModelFiles} is rejected by {@link ModelFile#load} with a
 * {@link ModelFileException} whose message names the file and contains the case's key phrase; the committed
 * copy of the corpus (a fuzzing seed corpus) is rejected the same way and is up to date with the generator.
 *
 * <p>To regenerate the committed corpus after a deliberate format change, run this class with
 * {@code -Derl.regenerateCorpus=true} (from the engine-java module directory, the surefire default).
 */
class ModelFileCorpusTest {

    static final String CORPUS = "corpus";
    static final Path CORPUS_SOURCE_DIR = Path.of("src/test/resources/io/enhancedrl/model/io/" + CORPUS);
    static final String MANIFEST = "MANIFEST.tsv";
    static final String VALID = "valid_model.safetensors";

    @TempDir
    Path dir;

    @TestFactory
    Stream<DynamicTest> generatedBrokenFilesAreRejectedWithTheirKeyPhrase() throws Exception {
        List<BrokenModelFiles.Case> cases = BrokenModelFiles.cases(BrokenModelFiles.baseFile(dir));
        assertTrue(cases.size() >= 40, "corpus size " + cases.size());
        return cases.stream().map(c -> DynamicTest.dynamicTest(c.name(), () -> {
            Path f = dir.resolve(c.name() + ".safetensors");
            Files.write(f, c.bytes());
            assertRejected(f, c.phrase());
        }));
    }

    @Test
    void baseFileOfTheCorpusIsValid() throws Exception {
        Path f = dir.resolve("base.safetensors");
        Files.write(f, BrokenModelFiles.baseFile(dir));
        assertEquals(BrokenModelFiles.baseBundle(), ModelFile.load(f));
    }

    @TestFactory
    Stream<DynamicTest> committedCorpusIsRejectedWithTheManifestPhrases() throws Exception {
        Path corpus = committedCorpus();
        Map<String, String> manifest = readManifest(corpus.resolve(MANIFEST));
        assertFalse(manifest.isEmpty(), "manifest lists cases");
        List<DynamicTest> tests = new ArrayList<>();
        tests.add(DynamicTest.dynamicTest(VALID, () ->
                assertEquals(BrokenModelFiles.baseBundle(), ModelFile.load(corpus.resolve(VALID)))));
        for (Map.Entry<String, String> e : manifest.entrySet()) {
            tests.add(DynamicTest.dynamicTest(e.getKey(), () -> assertRejected(corpus.resolve(e.getKey()), e.getValue())));
        }
        return tests.stream();
    }

    @Test
    void committedCorpusMatchesTheGenerator() throws Exception {
        byte[] base = BrokenModelFiles.baseFile(dir);
        List<BrokenModelFiles.Case> cases = BrokenModelFiles.cases(base);
        if (Boolean.getBoolean("erl.regenerateCorpus")) {
            regenerate(base, cases);
        }
        Path corpus = committedCorpus();
        String hint = " (after a deliberate format change, regenerate with -Derl.regenerateCorpus=true)";
        assertArrayEquals(base, Files.readAllBytes(corpus.resolve(VALID)), VALID + hint);
        Map<String, String> manifest = readManifest(corpus.resolve(MANIFEST));
        Map<String, String> expected = new LinkedHashMap<>();
        for (BrokenModelFiles.Case c : cases) {
            expected.put(fileName(c), c.phrase());
            assertArrayEquals(c.bytes(), Files.readAllBytes(corpus.resolve(fileName(c))), fileName(c) + hint);
        }
        assertEquals(expected, manifest, "manifest" + hint);
        try (Stream<Path> files = Files.list(corpus)) {
            List<String> extra = files.map(p -> p.getFileName().toString())
                    .filter(n -> !n.equals(MANIFEST) && !n.equals(VALID) && !expected.containsKey(n)).toList();
            assertTrue(extra.isEmpty(), "files in the corpus not produced by the generator: " + extra + hint);
        }
    }

    static void assertRejected(Path f, String phrase) {
        ModelFileException e = assertThrows(ModelFileException.class, () -> ModelFile.load(f),
                () -> f.getFileName() + " should be rejected");
        assertTrue(e.getMessage().contains(phrase),
                () -> f.getFileName() + ": expected the message to contain '" + phrase + "' but was: " + e.getMessage());
        assertTrue(e.getMessage().startsWith(f.toString()), () -> "message should start with the file: " + e.getMessage());
        assertEquals(f, e.file());
    }

    private static String fileName(BrokenModelFiles.Case c) {
        return c.name() + ".safetensors";
    }

    private static Path committedCorpus() throws Exception {
        URL url = ModelFileCorpusTest.class.getResource(CORPUS + "/" + MANIFEST);
        if (url == null) {
            fail("committed corpus missing: " + CORPUS_SOURCE_DIR + "/" + MANIFEST
                    + " (generate it with -Derl.regenerateCorpus=true)");
        }
        return Path.of(url.toURI()).getParent();
    }

    private static Map<String, String> readManifest(Path manifest) throws IOException {
        Map<String, String> m = new LinkedHashMap<>();
        for (String line : Files.readAllLines(manifest, StandardCharsets.UTF_8)) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            String[] parts = line.split("\t", 2);
            assertEquals(2, parts.length, "manifest line: " + line);
            m.put(parts[0], parts[1]);
        }
        return m;
    }

    /** Rewrites the committed corpus (source tree and the test-classes copy, so this run checks the new one). */
    private static void regenerate(byte[] base, List<BrokenModelFiles.Case> cases) throws Exception {
        URL url = ModelFileCorpusTest.class.getResource(".");
        List<Path> targets = new ArrayList<>(List.of(CORPUS_SOURCE_DIR));
        if (url != null && url.getProtocol().equals("file")) {
            targets.add(Path.of(url.toURI()).resolve(CORPUS));
        }
        for (Path d : targets) {
            if (Files.isDirectory(d)) {
                try (Stream<Path> old = Files.list(d)) {
                    for (Path p : old.toList()) {
                        Files.delete(p);
                    }
                }
            }
            Files.createDirectories(d);
            Files.write(d.resolve(VALID), base);
            StringBuilder manifest = new StringBuilder("# file<TAB>phrase the ModelFile.load message must contain."
                    + " Generated by ModelFileCorpusTest (-Derl.regenerateCorpus=true) from BrokenModelFiles.\n");
            for (BrokenModelFiles.Case c : cases) {
                Files.write(d.resolve(fileName(c)), c.bytes());
                manifest.append(fileName(c)).append('\t').append(c.phrase()).append('\n');
            }
            Files.writeString(d.resolve(MANIFEST), manifest.toString(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void caseNamesAreUnique() throws Exception {
        List<String> names = BrokenModelFiles.cases(BrokenModelFiles.baseFile(dir)).stream()
                .map(BrokenModelFiles.Case::name).toList();
        assertEquals(names.size(), names.stream().distinct().count(), "duplicate case names in " + names);
        assertTrue(names.stream().allMatch(n -> n.matches("[a-z0-9_]+")), Arrays.toString(names.toArray()));
    }
}
