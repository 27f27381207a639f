package dev.clearclip.weights;

/**
 * What the user allows the hub client to do, from global flags: {@code --offline} (only the cache) and
 * {@code --allow-insecure-hub} (plain-http endpoints and redirects, which send the token in clear).
 */
public record HubAccess(boolean offline, boolean allowInsecure) {

    public static final HubAccess DEFAULT = new HubAccess(false, false);
}
