package dev.clearclip.weights;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** One GET of one hub file into a partial file, resuming with a Range request when part of it is already there. */
final class HttpDownload {

    record Result(int status, String commit) {
    }

    /** Worth retrying: 5xx, 429, a resume the server could not serve, a short body. */
    static final class TransientException extends Exception {
        TransientException(String message) {
            super(message);
        }
    }

    private record Response(HttpResponse<InputStream> http, String commit, String linkedEtag) {
    }

    private static final Pattern CONTENT_RANGE = Pattern.compile("bytes (\\d+)-(\\d+)/(\\d+|\\*)");
    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");
    /** A commit becomes a cache folder name: anything but a full hash (a path, {@code ..}) is refused. */
    static final Pattern COMMIT = Pattern.compile("[0-9a-f]{40}");

    private final HttpClient http;
    private final String token;
    private final int maxRedirects;
    private final boolean allowInsecure;

    HttpDownload(HttpClient http, String token, int maxRedirects, boolean allowInsecure) {
        this.http = http;
        this.token = token;
        this.maxRedirects = maxRedirects;
        this.allowInsecure = allowInsecure;
    }

    Result to(URI uri, Path partial) throws IOException, TransientException {
        Files.createDirectories(partial.getParent());
        long have = Files.exists(partial) ? Files.size(partial) : 0;
        Response response = get(uri, have);
        int status = response.http().statusCode();
        try (InputStream body = response.http().body()) {
            long expectedSize;
            boolean append;
            switch (status) {
                case 200 -> {
                    append = false; // fresh download, or a server that ignored our Range
                    expectedSize = response.http().headers().firstValueAsLong("Content-Length").orElse(-1);
                }
                case 206 -> {
                    String range = response.http().headers().firstValue("Content-Range").orElse("");
                    Matcher m = CONTENT_RANGE.matcher(range);
                    if (!m.matches() || Long.parseLong(m.group(1)) != have) {
                        Files.deleteIfExists(partial);
                        throw new TransientException("resume of " + uri + " at byte " + have
                                + " got Content-Range '" + range + "'");
                    }
                    append = true;
                    expectedSize = m.group(3).equals("*") ? -1 : Long.parseLong(m.group(3));
                }
                case 404 -> {
                    return new Result(404, response.commit());
                }
                case 416 -> {
                    Files.deleteIfExists(partial); // the partial file is not a prefix of this file: start over
                    throw new TransientException("416 for a resume of " + uri + " at byte " + have);
                }
                case 401 -> throw new WeightsException("hub answered 401 Unauthorized for " + uri
                        + ": the repo does not exist or is private/gated; "
                        + (token == null ? "set HF_TOKEN (or log in with huggingface-cli)"
                        : "the configured HF_TOKEN was not accepted"));
                case 403 -> throw new WeightsException("hub answered 403 Forbidden for " + uri
                        + ": the token has no access (for a gated model, accept its terms on the hub first)");
                default -> {
                    if (status == 429 || status >= 500) {
                        throw new TransientException("hub answered " + status + " for " + uri);
                    }
                    throw new WeightsException("hub answered unexpected status " + status + " for " + uri);
                }
            }
            try (OutputStream out = Files.newOutputStream(partial, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    append ? StandardOpenOption.APPEND : StandardOpenOption.TRUNCATE_EXISTING)) {
                body.transferTo(out);
            }
            long size = Files.size(partial);
            if (expectedSize >= 0 && size != expectedSize) {
                throw new TransientException(uri + " ended after " + size + " of " + expectedSize + " bytes");
            }
        }
        verifySha256(uri, partial, response.linkedEtag());
        return new Result(status, response.commit());
    }

    /** For LFS files the hub's X-Linked-Etag is the file's sha256: a resume across a changed file would fail here. */
    private static void verifySha256(URI uri, Path partial, String etag) throws IOException, TransientException {
        if (etag == null) {
            return;
        }
        String expected = etag.replaceFirst("^W/", "").replace("\"", "").toLowerCase(java.util.Locale.ROOT);
        if (SHA256.matcher(expected).matches() && !expected.equals(ModelLoader.sha256(partial))) {
            Files.deleteIfExists(partial);
            throw new TransientException(uri + " downloaded with a sha256 other than the hub's " + expected);
        }
    }

    private Response get(URI uri, long from) throws IOException, TransientException {
        URI current = uri;
        String commit = null;
        String linkedEtag = null;
        for (int hop = 0; hop <= maxRedirects; hop++) {
            HttpRequest.Builder request = HttpRequest.newBuilder(current).GET()
                    .header("User-Agent", "clearclip-spark");
            if (token != null && sameOrigin(current, uri)) {
                request.header("Authorization", "Bearer " + token);
            }
            if (from > 0) {
                request.header("Range", "bytes=" + from + "-");
            }
            HttpResponse<InputStream> response;
            try {
                response = http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new WeightsException("interrupted while downloading " + uri, e);
            }
            // the hub's first answer carries the commit and the LFS sha256; a CDN it redirects to does not
            if (commit == null) {
                commit = response.headers().firstValue("X-Repo-Commit").orElse(null);
                if (commit != null && !COMMIT.matcher(commit).matches()) {
                    response.body().close();
                    throw new WeightsException("hub answered X-Repo-Commit '" + abbreviate(commit) + "' for " + uri
                            + ", which is not a 40-hex commit hash");
                }
            }
            linkedEtag = linkedEtag != null ? linkedEtag : response.headers().firstValue("X-Linked-Etag").orElse(null);
            int status = response.statusCode();
            if (status != 301 && status != 302 && status != 303 && status != 307 && status != 308) {
                return new Response(response, commit, linkedEtag);
            }
            response.body().close();
            String location = response.headers().firstValue("Location")
                    .orElseThrow(() -> new TransientException(status + " without Location from " + uri));
            URI next = current.resolve(location);
            if (!redirectAllowed(current, next, allowInsecure)) {
                throw new WeightsException(uri + " redirects to " + next.getScheme() + "://" + next.getHost()
                        + ", plain http that could be overheard; refused (pass --allow-insecure-hub to allow it)");
            }
            current = next;
        }
        throw new WeightsException("more than " + maxRedirects + " redirects downloading " + uri);
    }

    /** Never from https down to http, nor to plain http off loopback, unless the user allowed insecure hubs. */
    static boolean redirectAllowed(URI from, URI to, boolean allowInsecure) {
        boolean downgrade = "https".equalsIgnoreCase(from.getScheme()) && !"https".equalsIgnoreCase(to.getScheme());
        return allowInsecure || !(downgrade || HubSettings.isInsecure(to));
    }

    private static String abbreviate(String header) {
        String printable = header.replaceAll("[^\\x20-\\x7e]", "?");
        return printable.length() <= 60 ? printable : printable.substring(0, 60) + "...";
    }

    private static boolean sameOrigin(URI a, URI b) {
        return a.getScheme().equalsIgnoreCase(b.getScheme()) && a.getHost().equalsIgnoreCase(b.getHost())
                && a.getPort() == b.getPort();
    }
}
