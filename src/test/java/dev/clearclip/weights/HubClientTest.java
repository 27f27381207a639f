package dev.clearclip.weights;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.clearclip.weights.SafetensorsTestFiles.fixture;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Against a real HTTP server on 127.0.0.1 serving the tiny fixture model like the hub's resolve/ endpoint. */
class HubClientTest {

    private static final String COMMIT = "0123456789abcdef0123456789abcdef01234567";
    private static final Map<String, Path> FILES = Map.of(
            "config.json", fixture("models/tiny-hf/config.json"),
            "model.safetensors", fixture("models/tiny-hf/model.safetensors"),
            "open_clip_config.json", fixture("models/tiny-openclip/open_clip_config.json"),
            "open_clip_model.safetensors", fixture("models/tiny-openclip/open_clip_model.safetensors"));

    @TempDir
    Path cache;

    private HttpServer server;
    private final List<String> requests = new CopyOnWriteArrayList<>();
    private volatile Set<String> missing = Set.of();
    private volatile String cutFile;
    private final AtomicInteger failuresLeft = new AtomicInteger();
    private volatile String requiredToken;
    private volatile URI redirectWeightsTo;
    private volatile String commitHeader = COMMIT;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::serve);
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private void serve(HttpExchange ex) throws IOException {
        String range = ex.getRequestHeaders().getFirst("Range");
        requests.add(ex.getRequestURI().getPath() + (range == null ? "" : " " + range));
        String prefix = "/org/tiny/resolve/main/";
        String name = ex.getRequestURI().getPath().startsWith(prefix)
                ? ex.getRequestURI().getPath().substring(prefix.length()) : "";
        String auth = ex.getRequestHeaders().getFirst("Authorization");
        if (requiredToken != null && !("Bearer " + requiredToken).equals(auth)) {
            ex.sendResponseHeaders(401, -1);
        } else if (redirectWeightsTo != null && name.equals("model.safetensors")) {
            ex.getResponseHeaders().add("Location", redirectWeightsTo.toString());
            ex.sendResponseHeaders(302, -1);
        } else if (failuresLeft.getAndDecrement() > 0) {
            ex.sendResponseHeaders(503, -1);
        } else if (!FILES.containsKey(name) || missing.contains(name)) {
            ex.sendResponseHeaders(404, -1);
        } else {
            byte[] body = Files.readAllBytes(FILES.get(name));
            ex.getResponseHeaders().add("X-Repo-Commit", commitHeader);
            long from = range == null ? 0 : Long.parseLong(range.replaceAll("bytes=(\\d+)-", "$1"));
            if (from > 0) {
                ex.getResponseHeaders().add("Content-Range", "bytes " + from + "-" + (body.length - 1) + "/" + body.length);
            }
            ex.sendResponseHeaders(from > 0 ? 206 : 200, body.length - from);
            try (OutputStream out = ex.getResponseBody()) {
                if (name.equals(cutFile) && from == 0) {
                    cutFile = null;
                    out.write(body, 0, body.length / 2);
                    out.flush();
                    throw new IOException("cut on purpose"); // closes the connection mid-body
                }
                out.write(body, (int) from, (int) (body.length - from));
            }
        }
        ex.close();
    }

    private HubClient client(boolean offline, String token) {
        URI endpoint = URI.create("http://127.0.0.1:" + server.getAddress().getPort());
        return new HubClient(new HubSettings(endpoint, cache, token, offline), 3, Duration.ZERO);
    }

    @Test
    void firstDownloadFillsTheCacheAndTheSecondMakesNoRequest() throws IOException {
        ModelFolder folder = client(false, null).download("org/tiny", "main", "org/tiny");
        Path snapshot = cache.resolve("models--org--tiny/snapshots/" + COMMIT);
        assertEquals(snapshot, folder.dir());
        assertEquals(ModelLayout.HF_CLIP, folder.layout());
        assertEquals(COMMIT, Files.readString(cache.resolve("models--org--tiny/refs/main")));
        assertEquals(2, requests.size(), requests.toString());
        assertEquals(4, ModelLoader.load(folder, Towers.VISION).config().vision().heads());

        ModelFolder again = new ModelResolver(client(false, null)).resolve("org/tiny");
        assertEquals(snapshot, again.dir());
        assertEquals(2, requests.size(), requests.toString());
    }

    @Test
    void aResponseCutMidwayIsResumedWithARangeRequest() throws IOException {
        cutFile = "model.safetensors";
        ModelFolder folder = client(false, null).download("org/tiny", "main", "org/tiny");
        assertArrayEquals(Files.readAllBytes(FILES.get("model.safetensors")), Files.readAllBytes(folder.weightsFile()));
        // the resume starts where the client's bytes stopped: at most the half the server sent before the cut
        // (a reset connection may drop some of what was in flight), never at 0
        assertTrue(requests.stream().anyMatch(r -> {
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("model\\.safetensors bytes=(\\d+)-$").matcher(r);
            return m.find() && Long.parseLong(m.group(1)) > 0 && Long.parseLong(m.group(1)) <= 7306956 / 2;
        }), requests.toString());
        try (var files = Files.walk(cache)) {
            assertFalse(files.anyMatch(p -> p.toString().endsWith(".incomplete")));
        }
    }

    @Test
    void transientServerErrorsAreRetried() {
        failuresLeft.set(2);
        ModelFolder folder = client(false, null).download("org/tiny", "main", "org/tiny");
        assertEquals(ModelLayout.HF_CLIP, folder.layout());
    }

    @Test
    void missingHfFilesFallBackToTheOpenClipLayout() {
        missing = Set.of("config.json", "model.safetensors");
        ModelFolder folder = client(false, null).download("org/tiny", "main", "org/tiny");
        assertEquals(ModelLayout.OPEN_CLIP, folder.layout());
        assertEquals(3, ModelLoader.load(folder, Towers.VISION).config().vision().layers());
    }

    @Test
    void offlineWithAnEmptyCacheNamesTheMissingFilesAndWhereItLooked() {
        WeightsException e = assertThrows(WeightsException.class,
                () -> client(true, null).download("org/tiny", "main", "org/tiny"));
        assertTrue(e.getMessage().contains("config.json and model.safetensors")
                && e.getMessage().contains("open_clip_config.json and open_clip_model.safetensors")
                && e.getMessage().contains(cache.resolve("models--org--tiny").toString()), e.getMessage());
        assertEquals(0, requests.size());
    }

    @Test
    void reusesAPythonStyleCacheWithSymlinkedBlobs() throws IOException {
        Path repo = cache.resolve("models--org--tiny");
        Files.createDirectories(repo.resolve("refs"));
        Files.writeString(repo.resolve("refs/main"), COMMIT);
        Path snapshot = Files.createDirectories(repo.resolve("snapshots/" + COMMIT));
        Files.createDirectories(repo.resolve("blobs"));
        for (String f : List.of("open_clip_config.json", "open_clip_model.safetensors")) {
            Files.copy(FILES.get(f), repo.resolve("blobs/" + f.hashCode()));
            Files.createSymbolicLink(snapshot.resolve(f), Path.of("../../blobs/" + f.hashCode()));
        }
        ModelFolder folder = client(true, null).download("org/tiny", "main", "org/tiny");
        assertEquals(ModelLayout.OPEN_CLIP, folder.layout());
        assertEquals(32, ModelLoader.load(folder, Towers.TEXT).config().embedDim());
    }

    @Test
    void tokenIsSentAndA401IsExplainedWithoutLeakingIt() {
        requiredToken = "hf_secret";
        WeightsException e = assertThrows(WeightsException.class,
                () -> client(false, "hf_wrong").download("org/tiny", "main", "org/tiny"));
        assertTrue(e.getMessage().contains("401") && e.getMessage().contains("HF_TOKEN"), e.getMessage());
        assertFalse(e.getMessage().contains("hf_wrong"));
        assertEquals(ModelLayout.HF_CLIP, client(false, "hf_secret").download("org/tiny", "main", "x").layout());
    }

    @Test
    void redirectsAreFollowedWithoutTakingTheTokenToAnotherHost() throws IOException {
        requiredToken = "hf_secret";
        List<String> cdnAuth = new CopyOnWriteArrayList<>();
        HttpServer cdn = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        cdn.createContext("/", ex -> {
            cdnAuth.add(String.valueOf(ex.getRequestHeaders().getFirst("Authorization")));
            byte[] body = Files.readAllBytes(FILES.get("model.safetensors"));
            ex.sendResponseHeaders(200, body.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        });
        cdn.start();
        try {
            redirectWeightsTo = URI.create("http://127.0.0.1:" + cdn.getAddress().getPort() + "/blob");
            ModelFolder folder = client(false, "hf_secret").download("org/tiny", "main", "org/tiny");
            assertArrayEquals(Files.readAllBytes(FILES.get("model.safetensors")),
                    Files.readAllBytes(folder.weightsFile()));
            assertEquals(List.of("null"), cdnAuth);
        } finally {
            cdn.stop(0);
        }
    }

    @Test
    void aCommitHeaderThatIsNotAHashNeverBecomesAFolder() throws IOException {
        commitHeader = "../../../escaped";
        WeightsException e = assertThrows(WeightsException.class,
                () -> client(false, null).download("org/tiny", "main", "org/tiny"));
        assertTrue(e.getMessage().contains("not a 40-hex commit"), e.getMessage());
        try (var all = Files.walk(cache.getParent(), 2)) {
            assertFalse(all.anyMatch(p -> p.getFileName().toString().equals("escaped")));
        }
    }

    @Test
    void aPlantedRefFileIsNotFollowed() throws IOException {
        Path ref = cache.resolve("models--org--tiny/refs/main");
        Files.createDirectories(ref.getParent());
        Files.writeString(ref, "../../../../elsewhere");
        assertEquals(cache.resolve("models--org--tiny/snapshots/main"), new HubCache(cache).snapshotDir("org/tiny", "main"));
    }

    @Test
    void plainHttpOffLoopbackIsRefusedBeforeAnyRequest() {
        HubClient insecure = new HubClient(new HubSettings(URI.create("http://hub.example.invalid"), cache, "hf_secret",
                false), 1, Duration.ZERO);
        WeightsException e = assertThrows(WeightsException.class,
                () -> insecure.download("org/tiny", "main", "org/tiny"));
        assertTrue(e.getMessage().contains("--allow-insecure-hub"), e.getMessage());
        assertFalse(e.getMessage().contains("hf_secret"), e.getMessage());
    }

    @Test
    void redirectsToPlainHttpOffLoopbackAreRefused() {
        redirectWeightsTo = URI.create("http://cdn.example.invalid/blob");
        WeightsException e = assertThrows(WeightsException.class,
                () -> client(false, null).download("org/tiny", "main", "org/tiny"));
        assertTrue(e.getMessage().contains("refused"), e.getMessage());
    }

    @Test
    void redirectRules() {
        URI https = URI.create("https://huggingface.co/x");
        URI loopHttp = URI.create("http://127.0.0.1:8080/x");
        assertFalse(HttpDownload.redirectAllowed(https, URI.create("http://cdn.example/x"), false));
        assertFalse(HttpDownload.redirectAllowed(https, loopHttp, false), "https -> http is a downgrade even to loopback");
        assertTrue(HttpDownload.redirectAllowed(https, URI.create("https://cdn-lfs.hf.co/x"), false));
        assertTrue(HttpDownload.redirectAllowed(loopHttp, URI.create("http://localhost:9/x"), false));
        assertTrue(HttpDownload.redirectAllowed(https, URI.create("http://cdn.example/x"), true));
        assertTrue(HubSettings.isInsecure(URI.create("http://mirror:8080")));
        assertFalse(HubSettings.isInsecure(URI.create("http://[::1]:8080")));
    }

    @Test
    void settingsComeFromHuggingFaceVariables() {
        Path home = Path.of("/home/u");
        HubSettings d = HubSettings.fromEnvironment(Map.of(), home);
        assertEquals(URI.create("https://huggingface.co"), d.endpoint());
        assertEquals(home.resolve(".cache/huggingface/hub"), d.cacheDir());
        assertFalse(d.offline());
        HubSettings s = HubSettings.fromEnvironment(Map.of("HF_HOME", "/data/hf", "HF_ENDPOINT", "http://mirror:8080/",
                "HF_TOKEN", "hf_secret", "HF_HUB_OFFLINE", "1"), home);
        assertEquals(URI.create("http://mirror:8080"), s.endpoint());
        assertEquals(Path.of("/data/hf/hub"), s.cacheDir());
        assertTrue(s.offline());
        assertEquals("hf_secret", s.token());
        assertFalse(s.toString().contains("hf_secret"), s.toString());
    }
}
