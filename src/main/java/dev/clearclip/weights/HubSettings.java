package dev.clearclip.weights;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * Where and how to reach the Hugging Face hub, read once from the environment with huggingface_hub's variable names
 * so that users' existing Python caches and tokens are reused.
 *
 * @param cacheDir the hub cache ({@code $HF_HOME/hub}), holding {@code models--org--name/...}
 * @param token    bearer token or null; never printed
 */
public record HubSettings(URI endpoint, Path cacheDir, String token, boolean offline, boolean allowInsecure) {

    public static final String DEFAULT_ENDPOINT = "https://huggingface.co";

    public HubSettings {
        if (endpoint == null || endpoint.getScheme() == null || endpoint.getHost() == null) {
            throw new IllegalArgumentException("hub endpoint must be an absolute http(s) URL, got " + endpoint);
        }
        if (cacheDir == null) {
            throw new IllegalArgumentException("hub cacheDir must be set");
        }
        token = token == null || token.isBlank() ? null : token.strip();
    }

    public HubSettings(URI endpoint, Path cacheDir, String token, boolean offline) {
        this(endpoint, cacheDir, token, offline, false);
    }

    /** Loopback hosts, where plain http cannot be overheard (tests, a local mirror). */
    public static boolean isLoopback(URI uri) {
        String host = uri.getHost();
        return host != null && (host.equals("127.0.0.1") || host.equalsIgnoreCase("localhost") || host.equals("[::1]")
                || host.equals("::1"));
    }

    /** Plain http to a host other than loopback: refused unless {@code --allow-insecure-hub}. */
    public static boolean isInsecure(URI uri) {
        return !"https".equalsIgnoreCase(uri.getScheme()) && !isLoopback(uri);
    }
    /** HF_ENDPOINT, HF_HUB_CACHE / HF_HOME (default ~/.cache/huggingface), HF_TOKEN or $HF_HOME/token, HF_HUB_OFFLINE. */
    public static HubSettings fromEnvironment(Map<String, String> env, Path userHome) {
        String endpoint = env.getOrDefault("HF_ENDPOINT", DEFAULT_ENDPOINT).replaceAll("/+$", "");
        Path home = Optional.ofNullable(env.get("HF_HOME")).map(Path::of)
                .orElse(userHome.resolve(".cache").resolve("huggingface"));
        Path cache = Optional.ofNullable(env.get("HF_HUB_CACHE")).map(Path::of).orElse(home.resolve("hub"));
        String token = env.get("HF_TOKEN");
        if (token == null && Files.isRegularFile(home.resolve("token"))) {
            try {
                token = Files.readString(home.resolve("token")); // where `huggingface-cli login` stores it
            } catch (IOException e) {
                token = null;
            }
        }
        return new HubSettings(URI.create(endpoint), cache, token, isTrue(env.get("HF_HUB_OFFLINE")));
    }

    /** {@link #fromEnvironment(Map, Path)} of this process. */
    public static HubSettings fromEnvironment() {
        return fromEnvironment(System.getenv(), Path.of(System.getProperty("user.home")));
    }

    /** These settings as the user's flags narrow or widen them ({@code --offline} adds to HF_HUB_OFFLINE). */
    public HubSettings with(HubAccess access) {
        return new HubSettings(endpoint, cacheDir, token, offline || access.offline(), access.allowInsecure());
    }

    private static boolean isTrue(String value) {
        return value != null && switch (value.strip().toLowerCase(java.util.Locale.ROOT)) {
            case "1", "true", "yes", "on" -> true;
            default -> false;
        };
    }

    @Override
    public String toString() {
        return "HubSettings[endpoint=" + endpoint + ", cacheDir=" + cacheDir + ", token="
                + (token == null ? "none" : "***") + ", offline=" + offline + ", allowInsecure=" + allowInsecure + "]";
    }
}
