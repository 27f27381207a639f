package dev.clearclip.weights;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Downloads a CLIP checkpoint's two files from the Hugging Face hub once into huggingface_hub's cache layout.
 * Cache first (a cached model costs no request), atomic installs, resumable partial files, retries with backoff.
 */
public final class HubClient {

    private static final System.Logger LOG = System.getLogger(HubClient.class.getName());
    private static final int MAX_REDIRECTS = 10;

    private final HubSettings settings;
    private final HubCache cache;
    private final HttpClient http;
    private final int attempts;
    private final Duration backoff;

    public HubClient(HubSettings settings) {
        this(settings, 4, Duration.ofSeconds(1));
    }

    /** @param attempts tries per file for transient failures; {@code backoff} doubles after each */
    public HubClient(HubSettings settings, int attempts, Duration backoff) {
        if (attempts < 1) {
            throw new IllegalArgumentException("attempts must be >= 1, got " + attempts);
        }
        this.settings = settings;
        this.cache = new HubCache(settings.cacheDir());
        // redirects are followed by hand so the token never goes to another host (HF redirects LFS files to a CDN)
        this.http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofSeconds(30)).build();
        this.attempts = attempts;
        this.backoff = backoff;
    }

    /** The cached model folder for {@code repoId@revision}, downloading its files first when needed and allowed. */
    public ModelFolder download(String repoId, String revision, String modelId) {
        Optional<ModelFolder> cached = cache.lookup(repoId, revision, modelId);
        if (cached.isPresent()) {
            return cached.get();
        }
        if (settings.offline()) {
            throw new WeightsException("offline (HF_HUB_OFFLINE or --offline) and " + repoId + "@" + revision
                    + " is not fully cached: missing " + String.join(", or ", cache.missing(repoId, revision))
                    + " in " + cache.snapshotDir(repoId, revision));
        }
        if (HubSettings.isInsecure(settings.endpoint()) && !settings.allowInsecure()) {
            throw new WeightsException("hub endpoint " + settings.endpoint() + " (HF_ENDPOINT) is plain http to a host"
                    + " other than loopback, which would send the token and weights in clear: use https, or pass"
                    + " --allow-insecure-hub for a trusted mirror");
        }
        List<String> notFound = new ArrayList<>();
        for (ModelLayout layout : ModelLayout.values()) {
            Path config = fetch(repoId, revision, layout.configFileName());
            if (config != null && !layout.accepts(config)) {
                notFound.add(layout.describe() + " (its " + layout.configFileName() + " is not a CLIPModel config)");
                continue;
            }
            Path weights = config == null ? null : fetch(repoId, revision, layout.weightsFileName());
            if (weights != null) {
                return ModelFolder.detect(config.getParent(), modelId);
            }
            notFound.add(layout.describe());
        }
        throw new WeightsException("hub repo " + repoId + "@" + revision + " at " + settings.endpoint()
                + " has no CLIP checkpoint: looked for " + String.join(" and for ", notFound));
    }

    /** The cached file, downloaded if absent; null when the hub says 404. */
    private Path fetch(String repoId, String revision, String file) {
        Path cached = cache.snapshotDir(repoId, revision).resolve(file);
        if (Files.isRegularFile(cached)) {
            return cached;
        }
        URI uri = URI.create(settings.endpoint() + "/" + repoId + "/resolve/"
                + URLEncoder.encode(revision, StandardCharsets.UTF_8) + "/" + file);
        Path partial = cache.partialFile(repoId, revision, file);
        Exception last = null;
        for (int attempt = 0; attempt < attempts; attempt++) {
            if (attempt > 0) {
                sleep(backoff.multipliedBy(1L << Math.min(attempt - 1, 10)));
            }
            try {
                HttpDownload.Result result = new HttpDownload(http, settings.token(), MAX_REDIRECTS,
                        settings.allowInsecure()).to(uri, partial);
                if (result.status() == 404) {
                    return null;
                }
                return cache.install(repoId, revision, result.commit(), file, partial);
            } catch (HttpDownload.TransientException | IOException e) {
                last = e;
                LOG.log(System.Logger.Level.WARNING, "download of {0} failed (attempt {1}/{2}): {3}",
                        uri, attempt + 1, attempts, e.toString());
            }
        }
        throw new WeightsException("cannot download " + uri + " after " + attempts + " attempts: " + last, last);
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new WeightsException("interrupted while waiting to retry a download", e);
        }
    }
}
