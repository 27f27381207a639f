package dev.clearclip.spark;

import java.io.Serializable;

/** What every output row records about the run that made it (the per-vocabulary settings come from the task). */
public record Provenance(String modelId, String weightsSha256, String codeVersion, String runId, String runDate)
        implements Serializable {

    public Provenance {
        if (runId == null || !runId.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,127}")) {
            throw new IllegalArgumentException("--run-id must be 1-128 letters, digits, '.', '_' or '-', got '"
                    + runId + "'");
        }
    }
}
